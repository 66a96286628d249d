//! The `sarif` format of `authpath scan`: SARIF 2.1.0 as GitHub code scanning ingests it.
//!
//! Plain serde structs for the subset we emit (checked against the OASIS 2.1.0 schema in the
//! tests) rather than the full generated object model of `serde-sarif`. GitHub's own rules on
//! top of the schema are kept: every result has a location with `artifactLocation.uri` (a
//! result without one makes GitHub reject the whole file), rules carry
//! `properties.security-severity` as a string score, and `partialFingerprints` carry the
//! stable finding id so an alert survives line moves.

use std::collections::BTreeMap;

use super::json::to_pretty_json;
use super::sarif_location::{TENANT_FILE, artifact_uri, evidence_for_step, object_file};
use super::sarif_model::{
    ArtifactLocation, Configuration, DescriptorRef, Driver, Help, Invocation, Location,
    LogicalLocation, Message, Notification, PhysicalLocation, Region, ResultProperties,
    RuleDescriptor, RuleProperties, Run, SarifLog, SarifResult, Tool,
};
use super::{RenderOptions, sorted_findings};
use crate::findings::model::{Evidence, Finding, ScanReport, Severity};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "authpathFindingId/v1";

/// Renders the report as a SARIF 2.1.0 log with one run.
pub fn render(report: &ScanReport, opts: &RenderOptions) -> String {
    let findings = sorted_findings(&report.findings);
    let rules = rule_descriptors(&findings);
    let rule_index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let root = opts.source_root.as_deref();
    let results = findings
        .iter()
        .map(|f| {
            result(
                f,
                rule_index.get(f.rule.as_str()).copied().unwrap_or(0),
                root,
            )
        })
        .collect();
    let properties = BTreeMap::from([
        ("tenant", report.tenant.clone()),
        ("source", report.source.clone()),
        ("scannedAt", report.scanned_at.clone()),
    ]);
    let log = SarifLog {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "authpath",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            invocations: vec![invocation(report)],
            results,
            properties,
        }],
    };
    to_pretty_json(&log)
}

/// SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score of a severity.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// One descriptor per rule id, sorted by id, rated at the highest severity the rule reached.
fn rule_descriptors(findings: &[&Finding]) -> Vec<RuleDescriptor> {
    let mut by_rule: BTreeMap<&str, (&Finding, Severity)> = BTreeMap::new();
    for f in findings {
        let entry = by_rule.entry(f.rule.as_str()).or_insert((f, f.severity));
        entry.1 = entry.1.max(f.severity);
    }
    by_rule
        .into_iter()
        .map(|(id, (f, severity))| {
            let mut tags = vec![
                "auth0".to_string(),
                "security".to_string(),
                f.category.to_string(),
            ];
            tags.sort();
            tags.dedup();
            RuleDescriptor {
                id: id.to_string(),
                name: pascal_case(id),
                short_description: Message {
                    text: f.title.clone(),
                },
                full_description: Message {
                    text: format!("{} (authpath rule {id}, category {}).", f.title, f.category),
                },
                help: Help {
                    text: f.remediation.clone(),
                    markdown: format!("**Remediation:** {}", f.remediation),
                },
                default_configuration: Configuration {
                    level: level(severity),
                },
                properties: RuleProperties {
                    security_severity: security_severity(severity),
                    tags,
                },
            }
        })
        .collect()
}

/// `path.self-signup-admin` -> `PathSelfSignupAdmin`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(finding: &Finding, rule_index: usize, root: Option<&str>) -> SarifResult {
    let file_evidence: Vec<&Evidence> = finding
        .evidence
        .iter()
        .filter(|e| !e.file.trim().is_empty())
        .collect();
    let primary = match file_evidence.first() {
        Some(e) => evidence_location(e, None, None, root),
        None => object_location(finding, root),
    };
    let mut text = format!("{}: {}", finding.title, finding.description);
    if !finding.path.is_empty() {
        let chain: Vec<String> = finding
            .path
            .iter()
            .map(|s| format!("{} {}", s.kind, s.name))
            .collect();
        text.push_str(&format!(" Attack path: {}.", chain.join(" -> ")));
    }
    SarifResult {
        rule_id: finding.rule.clone(),
        rule_index,
        level: level(finding.severity),
        message: Message { text },
        locations: vec![primary],
        related_locations: related_locations(finding, &file_evidence, root),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.id.clone())]),
        properties: ResultProperties {
            severity: finding.severity.as_str(),
            category: finding.category.as_str(),
            objects: finding
                .objects
                .iter()
                .map(|o| format!("{}:{}", o.kind, o.name))
                .collect(),
            attack_path: finding
                .path
                .iter()
                .map(|s| format!("{}:{}", s.kind, s.name))
                .collect(),
        },
    }
}

/// Path steps documented by evidence first (in path order), then the remaining evidence
/// after the primary location.
fn related_locations(
    finding: &Finding,
    file_evidence: &[&Evidence],
    root: Option<&str>,
) -> Vec<Location> {
    let mut related = Vec::new();
    let steps = finding.path.len();
    for (n, step) in finding.path.iter().enumerate() {
        if let Some(e) =
            evidence_for_step(step, &finding.evidence).filter(|e| !e.file.trim().is_empty())
        {
            let label = format!(
                "Attack path step {}/{steps}: {} {}. {}",
                n + 1,
                step.kind,
                step.name,
                e.text
            );
            related.push(evidence_location(
                e,
                Some(related.len() + 1),
                Some(label),
                root,
            ));
        }
    }
    for e in file_evidence.iter().skip(1) {
        related.push(evidence_location(
            e,
            Some(related.len() + 1),
            Some(e.text.clone()),
            root,
        ));
    }
    related
}

fn evidence_location(
    e: &Evidence,
    id: Option<usize>,
    label: Option<String>,
    root: Option<&str>,
) -> Location {
    let message = label.or_else(|| (!e.text.is_empty()).then(|| e.text.clone()));
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: artifact_uri(&e.file, root),
            },
            region: e
                .line
                .filter(|l| *l >= 1)
                .map(|start_line| Region { start_line }),
        },
        logical_locations: Vec::new(),
        message: message.map(|text| Message { text }),
    }
}

/// A finding without file evidence: the file of its first object that has one in a directory
/// export (`tenant.json` otherwise), with every object as a logical location.
fn object_location(finding: &Finding, root: Option<&str>) -> Location {
    let file = finding
        .objects
        .iter()
        .find_map(|o| object_file(o.kind, &o.name))
        .unwrap_or_else(|| TENANT_FILE.to_string());
    let logical_locations = finding
        .objects
        .iter()
        .map(|o| LogicalLocation {
            name: o.name.clone(),
            fully_qualified_name: format!("{}:{}", o.kind, o.name),
            kind: "resource",
        })
        .collect();
    Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: artifact_uri(&file, root),
            },
            region: None,
        },
        logical_locations,
        message: None,
    }
}

fn invocation(report: &ScanReport) -> Invocation {
    let mut notes: Vec<Notification> = report
        .not_evaluated
        .iter()
        .map(|n| Notification {
            level: "warning",
            message: Message {
                text: format!("Rule {} was not evaluated: {}", n.rule, n.reason),
            },
            descriptor: Some(DescriptorRef { id: n.rule.clone() }),
        })
        .collect();
    notes.sort_by(|a, b| a.message.text.cmp(&b.message.text));
    let mut missing: Vec<&String> = report.missing_data.iter().collect();
    missing.sort();
    notes.extend(missing.into_iter().map(|m| Notification {
        level: "warning",
        message: Message {
            text: format!("Data not available to the scan: {m}"),
        },
        descriptor: None,
    }));
    Invocation {
        execution_successful: true,
        tool_execution_notifications: notes,
    }
}
