//! The `json` format of `authpath scan`: the [`ScanReport`] serialised as `ARCHITECTURE.md`
//! fixes it (keys in contract order), pretty-printed, findings in report order.

use serde::Serialize;

use super::sorted_findings;
use crate::findings::model::{Finding, ScanReport};

/// Renders the report as pretty-printed JSON followed by a newline.
pub fn render_scan(report: &ScanReport) -> String {
    let ordered = ScanReport {
        findings: sorted_findings(&report.findings)
            .into_iter()
            .cloned()
            .collect::<Vec<Finding>>(),
        ..report.clone()
    };
    to_pretty_json(&ordered)
}

/// Pretty JSON with a trailing newline. Serialising these plain data types cannot fail; if it
/// ever did, the output is still a JSON document that says why, never a panic.
pub fn to_pretty_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        Err(e) => format!("{}\n", serde_json::json!({ "error": e.to_string() })),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, RAW_SECRET};
    use super::*;
    use serde_json::Value;

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn top_level_and_finding_keys_follow_the_contract_order() {
        let out = render_scan(&fixtures::scan_report());
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            keys(&doc),
            [
                "tenant",
                "source",
                "scanned_at",
                "summary",
                "findings",
                "not_evaluated",
                "missing_data"
            ]
        );
        assert_eq!(
            keys(&doc["summary"]),
            ["critical", "high", "medium", "low", "info"]
        );
        let first = &doc["findings"][0];
        assert_eq!(
            keys(first),
            [
                "id",
                "rule",
                "severity",
                "category",
                "title",
                "description",
                "remediation",
                "objects",
                "path",
                "evidence"
            ]
        );
        assert_eq!(keys(&first["path"][0]), ["kind", "name", "edge"]);
        assert_eq!(keys(&first["evidence"][0]), ["file", "line", "text"]);
        assert_eq!(first["severity"], "critical");
        assert_eq!(first["category"], "attack-path");
        assert_eq!(first["objects"][1]["kind"], "user_attribute");
    }

    #[test]
    fn round_trips_to_the_same_report_in_sorted_order() {
        let report = fixtures::scan_report();
        let back: ScanReport = serde_json::from_str(&render_scan(&report)).unwrap();
        assert_eq!(back.findings.len(), report.findings.len());
        assert_eq!(back.summary, report.summary);
        assert_eq!(back.not_evaluated, report.not_evaluated);
        let severities: Vec<_> = back.findings.iter().map(|f| f.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted);
    }

    #[test]
    fn clean_report_omits_optional_sections_and_secret_stays_masked() {
        let out = render_scan(&fixtures::clean_report());
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            keys(&doc),
            ["tenant", "source", "scanned_at", "summary", "findings"]
        );
        assert_eq!(doc["findings"], serde_json::json!([]));
        assert!(!render_scan(&fixtures::scan_report()).contains(RAW_SECRET));
    }

    #[test]
    fn output_is_deterministic() {
        let report = fixtures::scan_report();
        let mut reversed = report.clone();
        reversed.findings.reverse();
        assert_eq!(render_scan(&report), render_scan(&reversed));
    }
}
