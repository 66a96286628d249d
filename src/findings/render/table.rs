//! The `table` format of `authpath scan`: a header with the counts per severity, the findings
//! grouped by severity (critical first) with their attack paths drawn as chains, then the rules
//! that could not be evaluated and the data the source could not provide.

use std::fmt::Write as _;

use super::RenderOptions;
use super::severity_groups;
use super::text::{Painter, clean, wrapped};
use crate::findings::model::{Finding, PathStep, ScanReport, Severity};

/// Width of the `== SEVERITY (n) ====` group rules.
const RULE_WIDTH: usize = 80;

/// Renders the report for a terminal.
pub fn render(report: &ScanReport, opts: &RenderOptions) -> String {
    let paint = Painter { color: opts.color };
    let mut out = header(report, paint);
    if report.findings.is_empty() {
        out.push_str("\nNo findings.\n");
    }
    for (severity, group) in severity_groups(&report.findings) {
        let title = format!("{} ({})", severity.as_str().to_uppercase(), group.len());
        let rule = format!(
            "== {title} {}",
            "=".repeat(RULE_WIDTH.saturating_sub(title.len() + 4))
        );
        let _ = writeln!(out, "\n{}", paint.severity(severity, &rule));
        for finding in group {
            out.push('\n');
            out.push_str(&finding_block(finding, paint));
        }
    }
    out.push_str(&gaps(report, paint));
    out
}

fn header(report: &ScanReport, paint: Painter) -> String {
    let counts: Vec<String> = Severity::ALL
        .into_iter()
        .map(|sev| {
            let text = format!("{} {}", report.summary.count(sev), sev.as_str());
            if report.summary.count(sev) > 0 {
                paint.severity(sev, &text)
            } else {
                text
            }
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} tenant {}  source {}  scanned {}",
        paint.bold("authpath scan:"),
        clean(&report.tenant),
        clean(&report.source),
        clean(&report.scanned_at)
    );
    let _ = writeln!(out, "Findings: {}", counts.join(", "));
    out
}

fn finding_block(finding: &Finding, paint: Painter) -> String {
    let mut out = String::new();
    let label = format!("[{}]", finding.severity.as_str().to_uppercase());
    let _ = writeln!(
        out,
        "{} {}  {}",
        paint.severity(finding.severity, &label),
        paint.bold(&clean(&finding.rule)),
        paint.dim(&format!("id {}", clean(&finding.id)))
    );
    let _ = writeln!(out, "  {}", paint.bold(&clean(&finding.title)));
    let _ = writeln!(
        out,
        "  {}",
        paint.dim(&format!("category {}", finding.category))
    );
    if !finding.objects.is_empty() {
        out.push_str("  Objects:\n");
        for object in &finding.objects {
            let _ = writeln!(out, "    [{}] {}", object.kind, clean(&object.name));
        }
    }
    out.push_str(&wrapped(&finding.description, "  "));
    if !finding.path.is_empty() {
        out.push_str("  Attack path:\n");
        out.push_str(&path_chain(&finding.path, "    "));
    }
    if !finding.evidence.is_empty() {
        out.push_str("  Evidence:\n");
        for evidence in &finding.evidence {
            let place = match evidence.line {
                Some(line) => format!("{}:{line}", evidence.file),
                None => evidence.file.clone(),
            };
            let _ = writeln!(out, "    {}  {}", clean(&place), clean(&evidence.text));
        }
    }
    out.push_str("  Remediation:\n");
    out.push_str(&wrapped(&finding.remediation, "    "));
    out
}

/// One step per line: the first step alone, every further step as `└─ edge ─▶ [kind] name`
/// where `edge` is how the previous step reaches it.
pub fn path_chain(path: &[PathStep], indent: &str) -> String {
    let mut out = String::new();
    let mut previous_edge: Option<&str> = None;
    for step in path {
        let node = format!("[{}] {}", step.kind, clean(&step.name));
        match previous_edge {
            None => {
                let _ = writeln!(out, "{indent}{node}");
            }
            Some("") => {
                let _ = writeln!(out, "{indent}  └─▶ {node}");
            }
            Some(edge) => {
                let _ = writeln!(out, "{indent}  └─ {} ─▶ {node}", clean(edge));
            }
        }
        previous_edge = Some(step.edge.as_str());
    }
    if let Some(edge) = previous_edge.filter(|e| !e.is_empty()) {
        let _ = writeln!(out, "{indent}  └─ {}", clean(edge));
    }
    out
}

fn gaps(report: &ScanReport, paint: Painter) -> String {
    let mut out = String::new();
    if !report.not_evaluated.is_empty() {
        let mut rules: Vec<_> = report.not_evaluated.iter().collect();
        rules.sort_by(|a, b| a.rule.cmp(&b.rule).then_with(|| a.reason.cmp(&b.reason)));
        let width = rules
            .iter()
            .map(|r| r.rule.chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("Not evaluated ({})", rules.len()))
        );
        for rule in rules {
            let _ = writeln!(
                out,
                "  {:width$}  {}",
                clean(&rule.rule),
                clean(&rule.reason)
            );
        }
    }
    if !report.missing_data.is_empty() {
        let mut missing: Vec<&String> = report.missing_data.iter().collect();
        missing.sort();
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("Missing data ({})", missing.len()))
        );
        for item in missing {
            let _ = writeln!(out, "  - {}", clean(item));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, HOSTILE_NAME, RAW_SECRET};
    use super::*;

    fn plain(report: &ScanReport) -> String {
        render(report, &RenderOptions::default())
    }

    #[test]
    fn header_names_tenant_source_and_counts() {
        let out = plain(&fixtures::scan_report());
        let first_two: Vec<&str> = out.lines().take(2).collect();
        assert!(first_two[0].contains("example.eu.auth0.com"));
        assert!(first_two[0].contains("source export"));
        assert_eq!(
            first_two[1],
            "Findings: 1 critical, 1 high, 1 medium, 1 low, 1 info"
        );
    }

    #[test]
    fn every_finding_appears_grouped_critical_first() {
        let report = fixtures::scan_report();
        let out = plain(&report);
        for finding in &report.findings {
            assert!(out.contains(&finding.rule), "missing {}", finding.rule);
            assert!(out.contains(&finding.id));
        }
        let positions: Vec<usize> = ["== CRITICAL", "== HIGH", "== MEDIUM", "== LOW", "== INFO"]
            .iter()
            .filter_map(|h| out.find(h))
            .collect();
        assert_eq!(positions.len(), 5);
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
        for rule in out.lines().filter(|l| l.starts_with("== ")) {
            assert_eq!(rule.chars().count(), RULE_WIDTH, "{rule}");
        }
    }

    #[test]
    fn attack_path_is_drawn_one_step_per_line() {
        let out = plain(&fixtures::scan_report());
        let expected = "    [connection] Username-Password-Authentication\n\
                        \x20     └─ self-signup writes user_metadata.account_type ─▶ [user_attribute] user_metadata.account_type\n\
                        \x20     └─ copied by ─▶ [action] Onboarding Profile Sync\n\
                        \x20     └─ adds scope ─▶ [scope] admin:all\n";
        assert!(out.contains(expected), "{out}");
    }

    #[test]
    fn evidence_remediation_and_gaps_are_listed() {
        let out = plain(&fixtures::scan_report());
        assert!(
            out.contains(
                "    actions/Onboarding Profile Sync/code.js:12  api.accessToken.addScope("
            )
        );
        assert!(out.contains("database-connections/Username-Password-Authentication/database.json  \"disable_signup\""));
        assert!(out.contains("Fix client.cross-origin-auth"));
        assert!(out.contains("Not evaluated (2)\n  grant.admin-scopes  missing scope read:client_grants\n  tenant.mfa-policy   guardian/"));
        assert!(out.contains("Missing data (1)\n  - log-streams (403 insufficient_scope)"));
    }

    #[test]
    fn no_colour_codes_without_colour_and_some_with_it() {
        let report = fixtures::scan_report();
        assert!(!plain(&report).contains('\u{1b}'));
        let coloured = render(
            &report,
            &RenderOptions {
                color: true,
                source_root: None,
            },
        );
        assert!(coloured.contains("\u{1b}["));
    }

    #[test]
    fn secrets_and_control_characters_never_reach_the_terminal() {
        let out = plain(&fixtures::scan_report());
        assert!(!out.contains(RAW_SECRET));
        assert!(out.contains("Zx9k****(32 chars)"));
        assert!(!out.contains(HOSTILE_NAME));
        assert!(out.contains("\\u{1b}[31m;end"));
    }

    #[test]
    fn lines_fit_a_120_column_terminal_except_long_names() {
        let out = plain(&fixtures::scan_report());
        for line in out
            .lines()
            .filter(|l| !l.contains("─▶") && !l.contains(".json"))
        {
            assert!(line.chars().count() <= 120, "too wide: {line}");
        }
    }

    #[test]
    fn clean_report_says_so() {
        let out = plain(&fixtures::clean_report());
        assert!(out.contains("No findings."));
        assert!(!out.contains("Not evaluated"));
        assert!(!out.contains("=="));
    }

    #[test]
    fn empty_edges_still_draw_a_chain() {
        use crate::findings::model::ObjectKind;
        let path = vec![
            PathStep {
                kind: ObjectKind::Client,
                name: "A".into(),
                edge: String::new(),
            },
            PathStep {
                kind: ObjectKind::Scope,
                name: "B".into(),
                edge: "dangling".into(),
            },
        ];
        assert_eq!(
            path_chain(&path, ""),
            "[client] A\n  └─▶ [scope] B\n  └─ dangling\n"
        );
    }
}
