//! `authpath scan`.

/// Arguments of `authpath scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: ScanArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`scan` is not built yet")
}
