//! `authpath receiver`.

/// Arguments of `authpath receiver`.
#[derive(Debug, clap::Args)]
pub struct ReceiverArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: ReceiverArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`receiver` is not built yet")
}
