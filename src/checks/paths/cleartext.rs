//! The attack path from a cleartext (`http://`) call to a privilege: active code adds a scope,
//! sets a privileged claim or writes `app_metadata` that other code grants a privilege on,
//! from the response of a call anyone on the network path can forge (or under a condition on
//! it). The code finding (`code.insecure-http-call`) names the call; the path shows what
//! forging the response reaches, up to the API that trusts the scope.

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule, RuleMeta};
use crate::code::Source;
use crate::code::units::CodeUnit;
use crate::findings::{Category, Evidence, Severity};
use crate::graph::{Edge, EdgeKind, FoundPath, privilege_paths};
use crate::tenant::DataKind;

use super::privilege::{hit_with, shortest_per_privilege};

pub static CLEARTEXT_RESPONSE_TO_PRIVILEGE: Rule = Rule {
    meta: RuleMeta {
        id: "path.cleartext-response-to-privilege",
        title: "A response fetched over cleartext HTTP decides a privilege",
        severity: Severity::High,
        category: Category::AttackPath,
        reads: &[
            "actions.code",
            "triggers",
            "rules.script",
            "resource_servers.scopes",
        ],
        condition: "Active code calls an http:// URL and adds a scope, sets a claim whose name carries authorisation meaning, or writes app_metadata that other active code grants a privilege on, from the response or under a condition on it. Anyone on the network path between Auth0 and that host can forge the response. High at most: the attacker needs that network position.",
        remediation: "Call the service over https:// (and verify its certificate, the default), or sign its responses and verify the signature before trusting them; decide scopes and claims from data the tenant controls.",
        matches: &["GAP insecure-egress"],
    },
    needs: &[DataKind::Actions],
    eval: eval_cleartext,
};

/// The line of the cleartext call an edge's effect takes its value or condition from.
fn cleartext_line(ctx: &ScanContext, edge: &Edge) -> Option<(usize, u32)> {
    let (u, i) = edge.via?;
    let effect = ctx.unit(u)?.report.effects.get(i)?;
    let line = effect
        .value_sources
        .iter()
        .chain(effect.guard_sources.iter())
        .find_map(|s| match s {
            Source::CleartextResponse { line } => Some(*line),
            _ => None,
        })?;
    Some((u, line))
}

fn eval_cleartext(ctx: &ScanContext) -> Vec<Hit> {
    let g = ctx.graph;
    let starts: Vec<(&Edge, (usize, u32))> = g
        .edges
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EdgeKind::Writes | EdgeKind::AddsScope | EdgeKind::SetsClaim
            )
        })
        .filter_map(|e| Some((e, cleartext_line(ctx, e)?)))
        .collect();
    let mut paths: Vec<FoundPath> = Vec::new();
    for (start, _) in &starts {
        match start.kind {
            EdgeKind::Writes => paths.extend(privilege_paths(g, &[*start])),
            EdgeKind::AddsScope => {
                let trusted: Vec<&Edge> = g.out_of(start.to, EdgeKind::TrustedBy).collect();
                if trusted.is_empty() {
                    paths.push(FoundPath {
                        edges: vec![*start],
                    });
                }
                for t in trusted {
                    paths.push(FoundPath {
                        edges: vec![*start, t],
                    });
                }
            }
            _ => paths.push(FoundPath {
                edges: vec![*start],
            }),
        }
    }
    shortest_per_privilege(ctx, paths)
        .iter()
        .filter_map(|path| {
            let first = path.edges.first()?;
            let (_, (u, line)) = starts.iter().find(|(e, _)| std::ptr::eq(*e, *first))?;
            let unit = ctx.unit(*u)?;
            let who = format!(
                "Anyone on the network path of the http:// call on line {line} of {}",
                unit.label()
            );
            let what = "the code trusts the cleartext response, which that attacker can forge";
            let mut hit = hit_with(ctx, path, &who, what, Severity::High)?;
            hit.evidence.insert(
                0,
                Evidence {
                    file: unit.report.file.clone(),
                    line: Some(*line),
                    text: call_text(unit, *line),
                },
            );
            Some(hit)
        })
        .collect()
}

/// The statement text of the call on `line`, as the code report recorded it.
fn call_text(unit: &CodeUnit, line: u32) -> String {
    unit.report
        .effects
        .iter()
        .find(|e| e.line == line)
        .map_or_else(|| "http:// call".to_string(), |e| e.text.clone())
}
