//! Runs every registered rule over a snapshot and assembles the [`ScanReport`].
//!
//! Rules whose data the source did not provide are not run; they are listed in
//! `not_evaluated` with the reason, never passed silently.

use std::collections::BTreeSet;

use crate::code::{CodeUnit, analyze_tenant_code};
use crate::findings::{Finding, NotEvaluated, ScanReport, Summary};
use crate::graph::build_graph;
use crate::tenant::{DataKind, SnapshotSource, TenantSnapshot};

use super::context::ScanContext;
use super::registry::Rule;
use super::rules::all_rules;

/// The analysed intermediate products of a scan, kept for callers that want more than findings.
pub struct ScanOutput {
    pub report: ScanReport,
    pub code: Vec<CodeUnit>,
}

/// Analyses the code, builds the graph, runs every rule.
pub fn scan(snapshot: &TenantSnapshot, scanned_at: &str) -> ScanOutput {
    let code = analyze_tenant_code(snapshot);
    let graph = build_graph(snapshot, &code);
    let ctx = ScanContext {
        snapshot,
        code: &code,
        graph: &graph,
    };
    let (findings, not_evaluated) = evaluate(&ctx, all_rules());
    let source = match snapshot.source {
        SnapshotSource::Export { .. } => "export",
        SnapshotSource::Api { .. } => "api",
    };
    let missing_data = snapshot
        .warnings
        .iter()
        .map(|w| match w.line {
            Some(line) => format!("{}:{line}: {}", w.file, w.message),
            None => format!("{}: {}", w.file, w.message),
        })
        .collect();
    let report = ScanReport {
        tenant: snapshot.tenant.clone(),
        source: source.to_string(),
        scanned_at: scanned_at.to_string(),
        summary: Summary::of(&findings),
        findings,
        not_evaluated,
        missing_data,
    };
    ScanOutput { report, code }
}

/// Runs `rules` and returns the findings (sorted, unique by id) and the rules not evaluated.
pub fn evaluate(ctx: &ScanContext, rules: Vec<&Rule>) -> (Vec<Finding>, Vec<NotEvaluated>) {
    let mut findings: Vec<Finding> = Vec::new();
    let mut not_evaluated = Vec::new();
    for rule in rules {
        let missing: Vec<DataKind> = rule
            .needs
            .iter()
            .copied()
            .filter(|k| !ctx.snapshot.present.contains(k))
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|k| format!("{k:?}")).collect();
            not_evaluated.push(NotEvaluated {
                rule: rule.meta.id.to_string(),
                reason: format!("the source did not provide: {}", names.join(", ")),
            });
            continue;
        }
        findings.extend((rule.eval)(ctx).into_iter().map(|hit| rule.finding(hit)));
    }
    let mut seen = BTreeSet::new();
    findings.retain(|f| seen.insert(f.id.clone()));
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.objects.cmp(&b.objects))
    });
    (findings, not_evaluated)
}
