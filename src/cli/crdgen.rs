//! `authpath crdgen`.

/// Arguments of `authpath crdgen`.
#[derive(Debug, clap::Args)]
pub struct CrdgenArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: CrdgenArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`crdgen` is not built yet")
}
