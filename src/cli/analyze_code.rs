//! `authpath analyze-code`: lint loose Action / Rule / Hook / script files (kind and trigger
//! inferred from the code), for pre-commit hooks and CI on a Deploy CLI repository.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;

use crate::code::{CodeHint, analyze};
use crate::findings::Severity;
use crate::findings::render::{CodeFormat, RenderOptions, render_code_reports};

use super::scan::parse_severity;

/// Arguments of `authpath analyze-code`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeCodeArgs {
    /// JavaScript files to analyse.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CodeFormat,
    /// Exit with status 1 when a finding of this severity or worse is reported.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: AnalyzeCodeArgs) -> anyhow::Result<u8> {
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read file", path.display()))?;
        let source = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let name = path.to_string_lossy().replace('\\', "/");
        reports.push(analyze(&source, &name, &CodeHint::default()));
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let opts = RenderOptions {
        color,
        source_root: None,
    };
    print!("{}", render_code_reports(&reports, args.format, &opts));
    let failing = args.fail_on.is_some_and(|threshold| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| f.severity >= threshold)
    });
    Ok(if failing { super::EXIT_FINDINGS } else { 0 })
}
