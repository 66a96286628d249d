//! `authpath scan`: read a tenant (Deploy CLI export, or live), run every rule, print the report.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::checks;
use crate::findings::Severity;
use crate::findings::render::{RenderOptions, ReportFormat, exit_code_for, render_scan};
use crate::tenant::{KeywordMap, load_export};

/// Arguments of `authpath scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// A Deploy CLI export: a directory (directory format, or one holding tenant.yaml) or a tenant.yaml file.
    #[arg(long, value_name = "DIR", conflicts_with = "tenant")]
    pub export: Option<PathBuf>,
    /// Scan a live tenant through the Management API (credentials from AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET).
    #[arg(long, value_name = "DOMAIN")]
    pub tenant: Option<String>,
    #[command(flatten)]
    pub live: super::export::LiveArgs,
    /// Keyword mappings (JSON or YAML object) for ##KEY## / @@KEY@@ markers in the export.
    #[arg(long, value_name = "FILE")]
    pub keywords: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Exit with status 1 when a finding of this severity or worse is reported.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour the table output: auto (when standard output is a terminal), always, never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Scan the tenant of this Auth0Integration (NAMESPACE/NAME), as the operator's scan Job does.
    #[arg(long, value_name = "NAMESPACE/NAME", conflicts_with_all = ["export", "tenant"])]
    pub integration: Option<String>,
    /// With --integration: write the findings as Auth0Finding resources.
    #[arg(long, requires = "integration")]
    pub write_findings: bool,
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| format!("unknown severity {s:?} (critical, high, medium, low, info)"))
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    if let Some(integration) = &args.integration {
        return crate::operator::scan_job::run_cli(integration, args.write_findings);
    }
    let snapshot = match (&args.export, &args.tenant) {
        (Some(dir), None) => {
            let keywords = match &args.keywords {
                Some(file) => KeywordMap::from_file(file)
                    .with_context(|| format!("reading keyword mappings {}", file.display()))?,
                None => KeywordMap::default(),
            };
            load_export(dir, &keywords)?
        }
        (None, Some(domain)) => super::export::read_live(domain, &args.live)?.1,
        _ => bail!("name what to scan: --export DIR (a Deploy CLI export) or --tenant DOMAIN"),
    };
    for w in &snapshot.warnings {
        match w.line {
            Some(line) => eprintln!("authpath: warning: {}:{line}: {}", w.file, w.message),
            None => eprintln!("authpath: warning: {}: {}", w.file, w.message),
        }
    }
    let scanned_at = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let output = checks::scan(&snapshot, &scanned_at);
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let opts = RenderOptions {
        color,
        source_root: None,
    };
    let text = render_scan(&output.report, args.format, &opts);
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(exit_code_for(&output.report.summary, args.fail_on))
}
