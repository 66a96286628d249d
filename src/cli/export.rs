//! `authpath export`.

/// Arguments of `authpath export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: ExportArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`export` is not built yet")
}
