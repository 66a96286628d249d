//! Path search: from attacker-controlled attributes, through code that launders them into
//! other attributes, to a privilege (a scope, a claim).
//!
//! A step through a code node is only taken when the edge into it and the edge out of it are
//! realised by the same code effect, so an Action that reads `user_metadata.a` for one thing and
//! sets a scope from a constant elsewhere does not make a path.

use std::collections::BTreeSet;

use crate::findings::ObjectKind;

use super::model::{AttackGraph, Edge, EdgeKind, NodeId};
use super::names::matches_attribute;

/// Code hops a path may take at most (cycles are cut by the visited set anyway).
const MAX_CODE_HOPS: usize = 6;
/// Paths reported per start edge at most.
const MAX_PATHS_PER_START: usize = 16;

/// A path found in the graph: the chain of edges from the start edge to the privilege.
#[derive(Debug, Clone)]
pub struct FoundPath<'g> {
    pub edges: Vec<&'g Edge>,
}

impl<'g> FoundPath<'g> {
    /// Code units the path runs through (from `Edge::via`), in order, without repeats.
    pub fn code_units(&self) -> Vec<usize> {
        let mut seen = Vec::new();
        for e in &self.edges {
            if let Some((u, _)) = e.via
                && !seen.contains(&u)
            {
                seen.push(u);
            }
        }
        seen
    }

    /// How many times the path writes an attribute before reaching the privilege.
    pub fn laundering_hops(&self) -> usize {
        self.edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Writes)
            .count()
    }

    pub fn last(&self) -> Option<&'g Edge> {
        self.edges.last().copied()
    }
}

/// Every path that starts with one of `starts` (edges into an attribute node) and ends with
/// a scope or claim being set, extended by the APIs that trust the scope.
pub fn privilege_paths<'g>(g: &'g AttackGraph, starts: &[&'g Edge]) -> Vec<FoundPath<'g>> {
    let mut found = Vec::new();
    for start in starts {
        let mut out = Vec::new();
        let mut visited = BTreeSet::new();
        walk(g, start.to, vec![*start], &mut visited, &mut out);
        found.extend(out);
    }
    found
}

fn walk<'g>(
    g: &'g AttackGraph,
    attr: NodeId,
    chain: Vec<&'g Edge>,
    visited: &mut BTreeSet<(usize, usize)>,
    out: &mut Vec<FoundPath<'g>>,
) {
    let code_hops = chain.iter().filter(|e| e.kind == EdgeKind::ReadBy).count();
    if code_hops >= MAX_CODE_HOPS || out.len() >= MAX_PATHS_PER_START {
        return;
    }
    let Some(attr_name) = g.get(attr).map(|n| n.name.clone()) else {
        return;
    };
    let readers: Vec<&Edge> = g
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::ReadBy)
        .filter(|e| {
            g.get(e.from).is_some_and(|n| {
                n.kind == ObjectKind::UserAttribute && matches_attribute(&attr_name, &n.name)
            })
        })
        .collect();
    for read in readers {
        let Some(via) = read.via else { continue };
        if !visited.insert(via) {
            continue;
        }
        for next in g.out(read.to).filter(|e| e.via == Some(via)) {
            let mut chain = chain.clone();
            chain.push(read);
            chain.push(next);
            match next.kind {
                EdgeKind::Writes => walk(g, next.to, chain, visited, out),
                EdgeKind::AddsScope => {
                    let trusted: Vec<&Edge> = g.out_of(next.to, EdgeKind::TrustedBy).collect();
                    if trusted.is_empty() {
                        out.push(FoundPath { edges: chain });
                    } else {
                        for t in trusted {
                            let mut c = chain.clone();
                            c.push(t);
                            out.push(FoundPath { edges: c });
                        }
                    }
                }
                EdgeKind::SetsClaim => out.push(FoundPath { edges: chain }),
                _ => {}
            }
        }
        visited.remove(&via);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Evidence;

    fn ev() -> Vec<Evidence> {
        vec![Evidence {
            file: "f.js".into(),
            line: Some(1),
            text: "x".into(),
        }]
    }

    /// signup -> user_metadata.t -> A writes app_metadata.t -> B adds admin -> API.
    fn laundering_graph(b_reads: &str) -> AttackGraph {
        let mut g = AttackGraph::default();
        let conn = g.node(ObjectKind::Connection, "db");
        let um = g.node(ObjectKind::UserAttribute, "user_metadata.t");
        let am = g.node(ObjectKind::UserAttribute, "app_metadata.t");
        let read_b = g.node(ObjectKind::UserAttribute, b_reads);
        let a = g.node(ObjectKind::Action, "A");
        let b = g.node(ObjectKind::Action, "B");
        let scope = g.node(ObjectKind::Scope, "admin");
        let api = g.node(ObjectKind::ResourceServer, "API");
        g.edge(conn, um, EdgeKind::SignupWrites, "sign up", ev());
        g.edge_via(um, a, EdgeKind::ReadBy, "flows into", ev(), (0, 0));
        g.edge_via(a, am, EdgeKind::Writes, "writes", ev(), (0, 0));
        g.edge_via(read_b, b, EdgeKind::ReadBy, "decides", ev(), (1, 0));
        g.edge_via(b, scope, EdgeKind::AddsScope, "adds", ev(), (1, 0));
        g.edge(scope, api, EdgeKind::TrustedBy, "trusted by", ev());
        g
    }

    #[test]
    fn finds_the_laundering_path_to_the_api() {
        let g = laundering_graph("app_metadata.t");
        let starts: Vec<&Edge> = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::SignupWrites)
            .collect();
        let paths = privilege_paths(&g, &starts);
        assert_eq!(paths.len(), 1);
        let p = &paths[0];
        assert_eq!(p.laundering_hops(), 1);
        assert_eq!(p.code_units(), vec![0, 1]);
        let steps = g.steps(&p.edges);
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "db",
                "user_metadata.t",
                "A",
                "app_metadata.t",
                "B",
                "admin",
                "API"
            ]
        );
    }

    #[test]
    fn a_different_key_breaks_the_path() {
        let g = laundering_graph("app_metadata.other");
        let starts: Vec<&Edge> = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::SignupWrites)
            .collect();
        assert!(privilege_paths(&g, &starts).is_empty());
    }

    #[test]
    fn an_effect_that_does_not_read_the_attribute_breaks_the_path() {
        let mut g = laundering_graph("app_metadata.t");
        // B's scope comes from another effect than the one reading app_metadata.t.
        for e in g.edges.iter_mut().filter(|e| e.kind == EdgeKind::AddsScope) {
            e.via = Some((1, 1));
        }
        let starts: Vec<&Edge> = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::SignupWrites)
            .collect();
        assert!(privilege_paths(&g, &starts).is_empty());
    }
}
