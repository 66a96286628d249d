//! Pure plan of what one scan does to the `Auth0Finding` resources of its integration: which to
//! apply (new or changed spec), what each one's status becomes, which to resolve and which to
//! delete. Resolving and deleting happen only after a complete scan, and never for findings of a
//! rule that could not be evaluated in this scan.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::Timestamp;

use crate::crd::{Auth0FindingSpec, Auth0FindingStatus, FindingCounts, FindingState};
use crate::findings::{Finding, Severity};
use crate::operator::names;

/// A finding resource as it exists now.
#[derive(Debug, Clone)]
pub struct ExistingFinding {
    pub name: String,
    pub spec: Auth0FindingSpec,
    pub status: Auth0FindingStatus,
}

/// What the scan found and how complete it was.
#[derive(Debug, Clone)]
pub struct ScanResult<'a> {
    pub findings: &'a [Finding],
    /// False when data was missing: nothing may be resolved or deleted.
    pub complete: bool,
    /// Rules that did not run: their findings are left alone.
    pub not_evaluated: BTreeSet<String>,
}

/// Everything to write.
#[derive(Debug, Default, Clone)]
pub struct SyncPlan {
    /// Findings whose spec must be applied (new or changed), by resource name.
    pub apply_spec: BTreeMap<String, Auth0FindingSpec>,
    /// Status to apply, by resource name.
    pub apply_status: BTreeMap<String, Auth0FindingStatus>,
    /// Resources to delete (resolved longer than the retention).
    pub delete: Vec<String>,
    /// Open findings by severity after the plan is carried out.
    pub open_counts: FindingCounts,
}

fn count(counts: &mut FindingCounts, severity: Severity) {
    let slot = match severity {
        Severity::Critical => &mut counts.critical,
        Severity::High => &mut counts.high,
        Severity::Medium => &mut counts.medium,
        Severity::Low => &mut counts.low,
        Severity::Info => &mut counts.info,
    };
    *slot += 1;
}

/// The finding resource spec of one scan finding.
pub fn finding_spec(integration: &str, finding: &Finding) -> Auth0FindingSpec {
    Auth0FindingSpec {
        integration: integration.to_string(),
        id: finding.id.clone(),
        rule: finding.rule.clone(),
        severity: finding.severity,
        category: finding.category,
        title: finding.title.clone(),
        description: finding.description.clone(),
        remediation: finding.remediation.clone(),
        objects: finding.objects.clone(),
        path: finding.path.clone(),
        evidence: finding.evidence.clone(),
    }
}

fn parse_time(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(|t| t.parse().ok())
}

/// Plans the sync of `scan` against `existing` at `now`.
pub fn plan(
    integration: &str,
    existing: &[ExistingFinding],
    scan: &ScanResult<'_>,
    min_severity: Severity,
    retention: Duration,
    now: Timestamp,
) -> SyncPlan {
    let now_text = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let by_name: BTreeMap<&str, &ExistingFinding> =
        existing.iter().map(|e| (e.name.as_str(), e)).collect();
    let mut out = SyncPlan::default();
    let mut seen = BTreeSet::new();
    for finding in scan.findings.iter().filter(|f| f.severity >= min_severity) {
        let name = names::finding(integration, &finding.id);
        if !seen.insert(name.clone()) {
            continue;
        }
        let spec = finding_spec(integration, finding);
        let previous = by_name.get(name.as_str());
        if previous.is_none_or(|p| p.spec != spec) {
            out.apply_spec.insert(name.clone(), spec);
        }
        let first_seen = previous
            .and_then(|p| p.status.first_seen.clone())
            .unwrap_or_else(|| now_text.clone());
        let runtime = previous.and_then(|p| p.status.runtime.clone());
        out.apply_status.insert(
            name,
            Auth0FindingStatus {
                state: Some(FindingState::Open),
                first_seen: Some(first_seen),
                last_seen: Some(now_text.clone()),
                resolved_at: None,
                runtime,
            },
        );
        count(&mut out.open_counts, finding.severity);
    }
    for old in existing.iter().filter(|e| !seen.contains(&e.name)) {
        let may_change = scan.complete && !scan.not_evaluated.contains(&old.spec.rule);
        match old.status.state {
            Some(FindingState::Resolved) => {
                let resolved_at = parse_time(old.status.resolved_at.as_deref());
                let expired = resolved_at.is_some_and(|at| {
                    now.duration_since(at)
                        .try_into()
                        .is_ok_and(|age: Duration| age >= retention)
                });
                if may_change && expired {
                    out.delete.push(old.name.clone());
                }
            }
            _ if may_change => {
                let mut status = old.status.clone();
                status.state = Some(FindingState::Resolved);
                status.resolved_at = Some(now_text.clone());
                out.apply_status.insert(old.name.clone(), status);
            }
            _ => count(&mut out.open_counts, old.spec.severity),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Category, ObjectKind, ObjectRef};

    fn finding(rule: &str, object: &str, severity: Severity) -> Finding {
        let objects = vec![ObjectRef::new(ObjectKind::Client, object)];
        Finding {
            id: Finding::stable_id(rule, &objects),
            rule: rule.to_string(),
            severity,
            category: Category::Application,
            title: format!("{rule} on {object}"),
            description: String::new(),
            remediation: String::new(),
            objects,
            path: vec![],
            evidence: vec![],
        }
    }

    fn existing(f: &Finding, state: FindingState, resolved_at: Option<&str>) -> ExistingFinding {
        ExistingFinding {
            name: names::finding("prod", &f.id),
            spec: finding_spec("prod", f),
            status: Auth0FindingStatus {
                state: Some(state),
                first_seen: Some("2026-01-01T00:00:00Z".into()),
                last_seen: Some("2026-01-01T00:00:00Z".into()),
                resolved_at: resolved_at.map(str::to_string),
                runtime: None,
            },
        }
    }

    fn now() -> Timestamp {
        "2026-03-01T00:00:00Z".parse().unwrap()
    }

    const DAY: Duration = Duration::from_secs(86_400);

    fn scan<'a>(findings: &'a [Finding], complete: bool) -> ScanResult<'a> {
        ScanResult {
            findings,
            complete,
            not_evaluated: BTreeSet::new(),
        }
    }

    #[test]
    fn a_complete_scan_opens_new_keeps_first_seen_and_resolves_missing() {
        let kept = finding("r1", "A", Severity::High);
        let gone = finding("r2", "B", Severity::Critical);
        let new = finding("r3", "C", Severity::Low);
        let old = [
            existing(&kept, FindingState::Open, None),
            existing(&gone, FindingState::Open, None),
        ];
        let found = [kept.clone(), new.clone()];
        let p = plan(
            "prod",
            &old,
            &scan(&found, true),
            Severity::Info,
            DAY,
            now(),
        );
        assert_eq!(p.apply_spec.len(), 1, "unchanged spec is not re-applied");
        let kept_status = &p.apply_status[&names::finding("prod", &kept.id)];
        assert_eq!(
            kept_status.first_seen.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            kept_status.last_seen.as_deref(),
            Some("2026-03-01T00:00:00Z")
        );
        let gone_status = &p.apply_status[&names::finding("prod", &gone.id)];
        assert_eq!(gone_status.state, Some(FindingState::Resolved));
        assert_eq!(
            p.open_counts,
            FindingCounts {
                high: 1,
                low: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_partial_scan_resolves_and_deletes_nothing() {
        let gone = finding("r2", "B", Severity::Critical);
        let old_resolved = finding("r4", "D", Severity::Low);
        let old = [
            existing(&gone, FindingState::Open, None),
            existing(
                &old_resolved,
                FindingState::Resolved,
                Some("2025-01-01T00:00:00Z"),
            ),
        ];
        let p = plan("prod", &old, &scan(&[], false), Severity::Info, DAY, now());
        assert!(p.apply_status.is_empty() && p.delete.is_empty());
        assert_eq!(p.open_counts.critical, 1);
    }

    #[test]
    fn resolved_findings_are_deleted_only_after_the_retention() {
        let recent = finding("r1", "A", Severity::High);
        let stale = finding("r2", "B", Severity::High);
        let old = [
            existing(
                &recent,
                FindingState::Resolved,
                Some("2026-02-28T12:00:00Z"),
            ),
            existing(&stale, FindingState::Resolved, Some("2026-02-01T00:00:00Z")),
        ];
        let p = plan("prod", &old, &scan(&[], true), Severity::Info, DAY, now());
        assert_eq!(p.delete, vec![names::finding("prod", &stale.id)]);
        assert!(
            p.apply_status.is_empty(),
            "already resolved ones are not rewritten"
        );
    }

    #[test]
    fn findings_of_rules_that_did_not_run_stay_open() {
        let f = finding("needs-scope", "A", Severity::Medium);
        let old = [existing(&f, FindingState::Open, None)];
        let mut s = scan(&[], true);
        s.not_evaluated.insert("needs-scope".into());
        let p = plan("prod", &old, &s, Severity::Info, DAY, now());
        assert!(p.apply_status.is_empty());
        assert_eq!(p.open_counts.medium, 1);
    }

    #[test]
    fn findings_below_the_minimum_severity_are_not_written_and_a_resolved_one_reopens() {
        let low = finding("r1", "A", Severity::Low);
        let back = finding("r2", "B", Severity::High);
        let old = [existing(
            &back,
            FindingState::Resolved,
            Some("2026-02-28T00:00:00Z"),
        )];
        let found = [low, back.clone()];
        let p = plan(
            "prod",
            &old,
            &scan(&found, true),
            Severity::Medium,
            DAY,
            now(),
        );
        assert_eq!(p.apply_status.len(), 1);
        let status = &p.apply_status[&names::finding("prod", &back.id)];
        assert_eq!(status.state, Some(FindingState::Open));
        assert_eq!(status.resolved_at, None);
    }
}
