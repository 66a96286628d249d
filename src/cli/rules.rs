//! `authpath rules`.

/// Arguments of `authpath rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: RulesArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`rules` is not built yet")
}
