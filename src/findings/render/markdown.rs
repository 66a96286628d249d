//! The `markdown` format of `authpath scan`: a title, a summary table, the findings per
//! severity (description, objects, a Mermaid diagram of the attack path, evidence as code
//! spans, remediation), then the rules that could not be evaluated.
//!
//! Tenant-supplied text is escaped: inline text gets backslash escapes, code spans get a
//! backtick fence longer than any backtick run inside, so names cannot inject Markdown or HTML.

use std::fmt::Write as _;

use super::mermaid::flowchart;
use super::severity_groups;
use crate::findings::model::{Finding, ScanReport, Severity};

/// Renders the report as GitHub-flavoured Markdown.
pub fn render(report: &ScanReport) -> String {
    let mut out = String::from("# authpath scan report\n\n");
    let _ = writeln!(out, "- **Tenant:** {}", inline(&report.tenant));
    let _ = writeln!(out, "- **Source:** {}", inline(&report.source));
    let _ = writeln!(out, "- **Scanned at:** {}\n", inline(&report.scanned_at));
    out.push_str("## Summary\n\n| Severity | Findings |\n| --- | ---: |\n");
    for severity in Severity::ALL {
        let _ = writeln!(
            out,
            "| {} | {} |",
            title_case(severity),
            report.summary.count(severity)
        );
    }
    if report.findings.is_empty() {
        out.push_str("\nNo findings.\n");
    }
    for (severity, group) in severity_groups(&report.findings) {
        let _ = writeln!(out, "\n## {} ({})", title_case(severity), group.len());
        for finding in group {
            out.push_str(&finding_section(finding));
        }
    }
    out.push_str(&gaps(report));
    out
}

fn finding_section(f: &Finding) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n### {}\n", inline(&f.title));
    let _ = writeln!(out, "- **Rule:** {}", code_span(&f.rule));
    let _ = writeln!(out, "- **Severity:** {}", f.severity);
    let _ = writeln!(out, "- **Category:** {}", f.category);
    let _ = writeln!(out, "- **Finding id:** {}\n", code_span(&f.id));
    let _ = writeln!(out, "{}\n", inline(&f.description));
    if !f.objects.is_empty() {
        out.push_str("**Objects**\n\n");
        for o in &f.objects {
            let _ = writeln!(out, "- {}: {}", o.kind, inline(&o.name));
        }
        out.push('\n');
    }
    if !f.path.is_empty() {
        let _ = writeln!(
            out,
            "**Attack path**\n\n```mermaid\n{}```\n",
            flowchart(&f.path)
        );
    }
    if !f.evidence.is_empty() {
        out.push_str("**Evidence**\n\n");
        for e in &f.evidence {
            let place = match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            };
            let _ = writeln!(out, "- {} {}", code_span(&place), code_span(&e.text));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "**Remediation:** {}", inline(&f.remediation));
    out
}

fn gaps(report: &ScanReport) -> String {
    let mut out = String::new();
    if !report.not_evaluated.is_empty() {
        let mut rules: Vec<_> = report.not_evaluated.iter().collect();
        rules.sort_by(|a, b| a.rule.cmp(&b.rule).then_with(|| a.reason.cmp(&b.reason)));
        out.push_str("\n## Not evaluated\n\n| Rule | Reason |\n| --- | --- |\n");
        for r in rules {
            let _ = writeln!(out, "| {} | {} |", inline(&r.rule), inline(&r.reason));
        }
    }
    if !report.missing_data.is_empty() {
        let mut missing: Vec<&String> = report.missing_data.iter().collect();
        missing.sort();
        out.push_str("\n## Missing data\n\n");
        for m in missing {
            let _ = writeln!(out, "- {}", inline(m));
        }
    }
    out
}

fn title_case(severity: Severity) -> String {
    let name = severity.as_str();
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Inline Markdown text: characters with an inline meaning (emphasis, code, links, HTML,
/// entities, table pipes, strikethrough) backslash-escaped anywhere, and a leading character
/// that would start a heading, list, quote or rule escaped too; line breaks and control
/// characters become spaces.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        let block_start =
            (i == 0 && "#+-=>".contains(c)) || (i == digits && digits > 0 && ".)".contains(c));
        if c.is_control() {
            out.push(' ');
        } else if block_start || "\\`*_[]<>|~&".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A code span that shows `text` verbatim: fenced by one more backtick than its longest run,
/// padded when it starts or ends with a backtick; line breaks become spaces.
pub fn code_span(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in flat.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, HOSTILE_NAME, RAW_SECRET};
    use super::*;

    #[test]
    fn has_title_summary_and_severity_sections_in_order() {
        let out = render(&fixtures::scan_report());
        assert!(out.starts_with("# authpath scan report\n"));
        assert!(
            out.contains(
                "| Critical | 1 |\n| High | 1 |\n| Medium | 1 |\n| Low | 1 |\n| Info | 1 |"
            )
        );
        let positions: Vec<usize> = [
            "## Critical (1)",
            "## High (1)",
            "## Medium (1)",
            "## Low (1)",
            "## Info (1)",
            "## Not evaluated",
        ]
        .iter()
        .filter_map(|h| out.find(h))
        .collect();
        assert_eq!(positions.len(), 6);
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_finding_has_its_parts() {
        let report = fixtures::scan_report();
        let out = render(&report);
        for f in &report.findings {
            assert!(out.contains(&code_span(&f.rule)));
            assert!(out.contains(&inline(&f.remediation)));
        }
        assert!(out.contains("- `actions/Onboarding Profile Sync/code.js:12` `api.accessToken.addScope(event.user.user_metadata.account_type)`"));
        assert!(out.contains("- connection: Username-Password-Authentication"));
        assert_eq!(out.matches("```mermaid\nflowchart LR\n").count(), 2);
        assert!(out.contains("    s2 -->|\"adds scope\"| s3\n```"));
        assert!(out.contains("| grant.admin-scopes | missing scope read:client\\_grants |"));
        assert!(out.contains("## Missing data\n\n- log-streams (403 insufficient\\_scope)"));
        assert!(!out.contains(RAW_SECRET));
    }

    #[test]
    fn hostile_names_are_escaped_everywhere() {
        let out = render(&fixtures::scan_report());
        assert!(!out.contains(HOSTILE_NAME));
        assert!(!out.contains("<b>"));
        assert!(!out.contains('\u{1b}'));
        let diagram_start = out.find("s0[\"client: Evil").unwrap();
        let diagram = &out[diagram_start..];
        let diagram = &diagram[..diagram.find("```").unwrap()];
        assert!(diagram.contains("#quot;App#quot; #91;x#93; #124; y #lt;b#gt;#35;1"));
        assert!(diagram.contains("s0 -->|\"calls #quot;api#quot; #124; #91;x#93;\"| s1"));
    }

    #[test]
    fn inline_escapes_markup_but_leaves_plain_text() {
        assert_eq!(inline("Plain name - v1.2 (ok)"), "Plain name - v1.2 (ok)");
        assert_eq!(inline("# heading"), "\\# heading");
        assert_eq!(inline("12. item"), "12\\. item");
        assert_eq!(
            inline("a|b *c* [d](e) <i> &amp; `f`"),
            "a\\|b \\*c\\* \\[d\\](e) \\<i\\> \\&amp; \\`f\\`"
        );
        assert_eq!(inline("line\nbreak"), "line break");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("plain"), "`plain`");
        assert_eq!(code_span("two\nlines"), "`two lines`");
    }

    #[test]
    fn clean_report_has_no_finding_sections() {
        let out = render(&fixtures::clean_report());
        assert!(out.contains("No findings."));
        assert!(!out.contains("###"));
        assert!(!out.contains("Not evaluated"));
    }
}
