//! `authpath analyze-code`.

/// Arguments of `authpath analyze-code`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeCodeArgs {}

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: AnalyzeCodeArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`analyze-code` is not built yet")
}
