//! `auth0-sim generate`: a deterministic synthetic tenant export (directory format).

/// Arguments of `auth0-sim generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Output directory.
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// Writes the export.
pub fn run(_args: &GenerateArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
