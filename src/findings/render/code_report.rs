//! The `analyze-code` report: JSON exactly as `ARCHITECTURE.md` fixes it
//! (`{"files":[{file, kind, trigger, parse_error, findings:[{rule, category, severity, line,
//! message}]}]}`), or a table grouped by file. Files keep the caller's order; findings within
//! a file are sorted by line, then rule.

use std::fmt::Write as _;

use serde::Serialize;

use super::RenderOptions;
use super::json::to_pretty_json;
use super::text::{Painter, clean, wrapped};
use crate::code::effects::{CodeFinding, CodeReport, ParseFailure};
use crate::findings::model::{Category, Severity};

#[derive(Serialize)]
struct CodeDocument<'a> {
    files: Vec<FileEntry<'a>>,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    file: &'a str,
    kind: &'static str,
    trigger: &'a str,
    parse_error: Option<String>,
    findings: Vec<FindingEntry<'a>>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    rule: &'a str,
    category: Category,
    severity: Severity,
    line: u32,
    message: &'a str,
}

fn sorted(findings: &[CodeFinding]) -> Vec<&CodeFinding> {
    let mut sorted: Vec<&CodeFinding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        a.line
            .cmp(&b.line)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.message.cmp(&b.message))
    });
    sorted
}

/// `line N: message` when the parser knew the line, else the message.
fn parse_error_text(failure: &ParseFailure) -> String {
    match failure.line {
        Some(line) => format!("line {line}: {}", failure.message),
        None => failure.message.clone(),
    }
}

/// Renders the reports as the `analyze-code --format json` document.
pub fn render_json(files: &[CodeReport]) -> String {
    let document = CodeDocument {
        files: files
            .iter()
            .map(|report| FileEntry {
                file: &report.file,
                kind: report.kind.as_str(),
                trigger: &report.trigger,
                parse_error: report.parse_error.as_ref().map(parse_error_text),
                findings: sorted(&report.findings)
                    .into_iter()
                    .map(|f| FindingEntry {
                        rule: &f.rule,
                        category: f.category,
                        severity: f.severity,
                        line: f.line,
                        message: &f.message,
                    })
                    .collect(),
            })
            .collect(),
    };
    to_pretty_json(&document)
}

/// Renders the reports as a terminal table grouped by file, with a closing total.
pub fn render_table(files: &[CodeReport], opts: &RenderOptions) -> String {
    let paint = Painter { color: opts.color };
    let mut out = String::new();
    let mut counts = [0u32; 5];
    for report in files {
        let _ = writeln!(
            out,
            "{}  ({}, {})",
            paint.bold(&clean(&report.file)),
            report.kind.as_str(),
            clean(&report.trigger)
        );
        if let Some(failure) = &report.parse_error {
            out.push_str(&wrapped(
                &format!("parse error: {}", parse_error_text(failure)),
                "  ",
            ));
        }
        let findings = sorted(&report.findings);
        if findings.is_empty() && report.parse_error.is_none() {
            out.push_str("  no findings\n");
        }
        for f in findings {
            if let Some(slot) = Severity::ALL
                .iter()
                .position(|s| *s == f.severity)
                .and_then(|i| counts.get_mut(i))
            {
                *slot += 1;
            }
            let severity = format!("{:<8}", f.severity.as_str());
            let _ = writeln!(
                out,
                "  {:>5}  {}  {}  {}",
                f.line,
                paint.severity(f.severity, &severity),
                clean(&f.rule),
                paint.dim(f.category.as_str())
            );
            out.push_str(&wrapped(&f.message, "         "));
        }
        out.push('\n');
    }
    let total: u32 = counts.iter().sum();
    let per_severity: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .map(|(sev, n)| format!("{n} {}", sev.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "{total} findings in {} files ({})",
        files.len(),
        per_severity.join(", ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn json_matches_the_contract_exactly() {
        let doc: Value = serde_json::from_str(&render_json(&fixtures::code_reports())).unwrap();
        let expected = json!({"files": [
            {"file": "actions/grant.js", "kind": "action", "trigger": "post-login", "parse_error": null,
             "findings": [
                {"rule": "code.metadata-driven-privilege", "category": "metadata-driven-privilege", "severity": "high",
                 "line": 7, "message": "Scope decided by user_metadata.account_type, which the user can write"},
                {"rule": "code.unnamespaced-custom-claim", "category": "unnamespaced-custom-claim", "severity": "low",
                 "line": 20, "message": "Custom claim `role` is not namespaced"}]},
            {"file": "rules/broken.js", "kind": "rule", "trigger": "unknown",
             "parse_error": "line 3: Unexpected token `}`", "findings": []},
            {"file": "hooks/clean.js", "kind": "hook", "trigger": "credentials-exchange", "parse_error": null, "findings": []}
        ]});
        assert_eq!(doc, expected);
        let first = doc["files"][0].as_object().unwrap();
        let keys: Vec<&str> = first.keys().map(String::as_str).collect();
        assert_eq!(keys, ["file", "kind", "trigger", "parse_error", "findings"]);
    }

    #[test]
    fn json_of_no_files_is_an_empty_list() {
        let doc: Value = serde_json::from_str(&render_json(&[])).unwrap();
        assert_eq!(doc, json!({"files": []}));
    }

    #[test]
    fn table_groups_by_file_in_line_order() {
        let out = render_table(&fixtures::code_reports(), &RenderOptions::default());
        assert!(out.starts_with("actions/grant.js  (action, post-login)\n"));
        let high = out.find("code.metadata-driven-privilege").unwrap();
        let low = out.find("code.unnamespaced-custom-claim").unwrap();
        assert!(high < low, "line 7 before line 20");
        assert!(out.contains(
            "      7  high      code.metadata-driven-privilege  metadata-driven-privilege\n"
        ));
        assert!(out.contains(
            "rules/broken.js  (rule, unknown)\n  parse error: line 3: Unexpected token `}`\n"
        ));
        assert!(out.contains("hooks/clean.js  (hook, credentials-exchange)\n  no findings\n"));
        assert!(
            out.ends_with("2 findings in 3 files (0 critical, 1 high, 0 medium, 1 low, 0 info)\n")
        );
        assert!(!out.contains('\u{1b}'));
        let coloured = render_table(
            &fixtures::code_reports(),
            &RenderOptions {
                color: true,
                source_root: None,
            },
        );
        assert!(coloured.contains('\u{1b}'));
    }
}
