//! Report renderers: a scan report as a terminal table, the JSON contract of `ARCHITECTURE.md`,
//! SARIF 2.1.0 for GitHub code scanning, or Markdown with Mermaid attack paths; and the
//! `analyze-code` report as a table or JSON.
//!
//! Every renderer is a pure function of its input and sorts what it prints (findings by
//! severity, then rule, then id), so the same report always renders to the same bytes.

mod code_report;
mod json;
mod markdown;
mod mermaid;
mod sarif;
mod sarif_location;
mod sarif_model;
mod table;
mod text;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod sarif_tests;

use crate::code::effects::CodeReport;
use crate::findings::model::{Finding, ScanReport, Severity, Summary};

/// Output format of `authpath scan`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Human-readable report for an 80-120 column terminal.
    #[default]
    Table,
    /// The `scan --format json` contract of `ARCHITECTURE.md`.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// Markdown with a Mermaid flowchart per attack path.
    Markdown,
}

/// Output format of `authpath analyze-code`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CodeFormat {
    /// Findings grouped by file.
    #[default]
    Table,
    /// The `analyze-code --format json` contract of `ARCHITECTURE.md`.
    Json,
}

/// Options shared by the renderers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in the table format (set it when stdout is a terminal).
    pub color: bool,
    /// SARIF only: path of the export directory relative to the repository root (for example
    /// `tenants/prod`), prefixed to every artifact URI so GitHub can find the files.
    pub source_root: Option<String>,
}

/// Renders a scan report in the chosen format.
pub fn render_scan(report: &ScanReport, format: ReportFormat, opts: &RenderOptions) -> String {
    match format {
        ReportFormat::Table => table::render(report, opts),
        ReportFormat::Json => json::render_scan(report),
        ReportFormat::Sarif => sarif::render(report, opts),
        ReportFormat::Markdown => markdown::render(report),
    }
}

/// Renders the `analyze-code` report of several files, in the order given.
pub fn render_code_reports(
    files: &[CodeReport],
    format: CodeFormat,
    opts: &RenderOptions,
) -> String {
    match format {
        CodeFormat::Table => code_report::render_table(files, opts),
        CodeFormat::Json => code_report::render_json(files),
    }
}

/// Process exit code for a scan: 1 when `fail_on` is set and any finding is at or above it,
/// else 0.
pub fn exit_code_for(summary: &Summary, fail_on: Option<Severity>) -> u8 {
    let Some(threshold) = fail_on else {
        return 0;
    };
    let reached = Severity::ALL
        .into_iter()
        .filter(|sev| *sev >= threshold)
        .any(|sev| summary.count(sev) > 0);
    u8::from(reached)
}

/// The findings in report order: most severe first, then by rule id, then by finding id.
pub(crate) fn sorted_findings(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.id.cmp(&b.id))
    });
    sorted
}

/// The findings in report order, grouped by severity (critical first); empty groups left out.
pub(crate) fn severity_groups(findings: &[Finding]) -> Vec<(Severity, Vec<&Finding>)> {
    let sorted = sorted_findings(findings);
    Severity::ALL
        .into_iter()
        .map(|severity| {
            let group: Vec<&Finding> = sorted
                .iter()
                .copied()
                .filter(|f| f.severity == severity)
                .collect();
            (severity, group)
        })
        .filter(|(_, group)| !group.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(high: u32, low: u32) -> Summary {
        Summary {
            high,
            low,
            ..Summary::default()
        }
    }

    #[test]
    fn exit_code_is_one_only_at_or_above_the_threshold() {
        assert_eq!(exit_code_for(&summary(1, 0), Some(Severity::High)), 1);
        assert_eq!(exit_code_for(&summary(1, 0), Some(Severity::Medium)), 1);
        assert_eq!(exit_code_for(&summary(0, 3), Some(Severity::Medium)), 0);
        assert_eq!(exit_code_for(&summary(0, 3), Some(Severity::Info)), 1);
        assert_eq!(exit_code_for(&summary(1, 0), Some(Severity::Critical)), 0);
    }

    #[test]
    fn exit_code_is_zero_without_fail_on() {
        assert_eq!(exit_code_for(&summary(5, 5), None), 0);
        assert_eq!(exit_code_for(&Summary::default(), Some(Severity::Info)), 0);
    }

    #[test]
    fn findings_sort_by_severity_then_rule_then_id() {
        let report = fixtures::scan_report();
        let sorted = sorted_findings(&report.findings);
        let keys: Vec<(Severity, &str)> = sorted
            .iter()
            .map(|f| (f.severity, f.rule.as_str()))
            .collect();
        let mut expected = keys.clone();
        expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        assert_eq!(keys, expected);
        assert_eq!(sorted.first().map(|f| f.severity), Some(Severity::Critical));
        // The fixture lists findings out of order, so sorting did change something.
        assert_ne!(
            report.findings.first().map(|f| f.severity),
            Some(Severity::Critical)
        );
    }

    #[test]
    fn format_names_are_lowercase() {
        use clap::ValueEnum;
        let names: Vec<String> = ReportFormat::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        assert_eq!(names, ["table", "json", "sarif", "markdown"]);
    }
}
