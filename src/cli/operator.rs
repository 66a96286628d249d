//! `authpath operator`.

/// Arguments of `authpath operator`.
#[derive(Debug, clap::Args)]
pub struct OperatorArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: OperatorArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`operator` is not built yet")
}
