//! `authpath crdgen`: writes the CRDs to `crds/` and the Helm chart, or prints them.

use std::path::PathBuf;

use crate::crd::generate::{all_crds, render, write_all};

/// Arguments of `authpath crdgen`.
#[derive(Debug, clap::Args)]
pub struct CrdgenArgs {
    /// Directory for `<plural>.yaml` files.
    #[arg(long, value_name = "DIR", default_value = "crds")]
    pub out: PathBuf,
    /// Helm chart that gets copies in `crds/` and `templates/crds/` (skipped when it does not exist).
    #[arg(long, value_name = "DIR", default_value = "charts/authpath")]
    pub chart: PathBuf,
    /// Print every CRD to standard output instead of writing files.
    #[arg(long)]
    pub stdout: bool,
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: CrdgenArgs) -> anyhow::Result<u8> {
    if args.stdout {
        for (_, crd) in all_crds() {
            print!("---\n{}", render(&crd)?);
        }
        return Ok(0);
    }
    let chart = args
        .chart
        .join("Chart.yaml")
        .is_file()
        .then_some(args.chart.as_path());
    for path in write_all(&args.out, chart)? {
        println!("wrote {}", path.display());
    }
    Ok(0)
}
