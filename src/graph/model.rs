//! Node and edge types of the attack graph and the graph container.

use std::collections::HashMap;

use serde::Serialize;

use crate::findings::{Evidence, ObjectKind, ObjectRef, PathStep};

/// Index of a node in [`AttackGraph::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct NodeId(pub usize);

/// A node: one tenant object, user attribute, scope, claim or Management API impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub kind: ObjectKind,
    /// Display name: object name, `user_metadata.role`, `https://api/ admin:orders`, ...
    pub name: String,
}

/// How one node enables the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// connection -> client: the connection is enabled for the application.
    EnabledFor,
    /// connection -> user attribute: anyone can sign up and choose this attribute.
    SignupWrites,
    /// Management API -> `user_metadata.*`: any logged-in user can get a Management API token
    /// with `update:current_user_metadata` and rewrite their own metadata.
    SelfServiceWrites,
    /// connection -> `email_verified`: the connection marks e-mails verified without proof.
    AssertsEmailVerified,
    /// user attribute -> code: the code reads the attribute into a decision or value.
    ReadBy,
    /// code -> `app_metadata.*` / `user_metadata.*`: the code writes the attribute.
    Writes,
    /// code -> scope: the code adds the scope to access tokens.
    AddsScope,
    /// code -> claim: the code sets a custom claim.
    SetsClaim,
    /// scope -> resource server: the API defines (and trusts) the scope.
    TrustedBy,
    /// client -> client grant: the application holds the grant.
    HoldsGrant,
    /// client grant -> Management API impact.
    Grants,
    /// code -> client: the code contains that application's credentials.
    LeaksSecretOf,
    /// client -> resource server: the application can request tokens for the API.
    CanRequestTokensFor,
    /// resource server -> scope: without RBAC, any requested scope is issued.
    IssuesAnyScope,
}

/// A directed edge with the text that explains it and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: EdgeKind,
    /// How the next step is reached, in words (becomes `PathStep::edge`).
    pub label: String,
    pub evidence: Vec<Evidence>,
    /// For edges into or out of a code node: the (code unit, effect) that realises the edge.
    /// A path may only pass through a code node on one effect.
    pub via: Option<(usize, usize)>,
    /// Not a proven flow: the data went through code authpath does not analyse (a whole user
    /// object passed into an npm module's function). A path over such an edge is a lead.
    pub lead: bool,
}

/// The attack graph: nodes keyed by (kind, name), edges in insertion order.
#[derive(Debug, Default, Clone, Serialize)]
pub struct AttackGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    #[serde(skip)]
    index: HashMap<(ObjectKind, String), NodeId>,
    #[serde(skip)]
    outgoing: HashMap<NodeId, Vec<usize>>,
}

impl AttackGraph {
    /// The node for (kind, name), created on first use.
    pub fn node(&mut self, kind: ObjectKind, name: &str) -> NodeId {
        if let Some(id) = self.index.get(&(kind, name.to_string())) {
            return *id;
        }
        let id = NodeId(self.nodes.len());
        self.nodes.push(Node {
            kind,
            name: name.to_string(),
        });
        self.index.insert((kind, name.to_string()), id);
        id
    }

    pub fn find(&self, kind: ObjectKind, name: &str) -> Option<NodeId> {
        self.index.get(&(kind, name.to_string())).copied()
    }

    /// Adds an edge unless the same (from, to, kind) edge exists; then the evidence is merged.
    pub fn edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: EdgeKind,
        label: &str,
        evidence: Vec<Evidence>,
    ) {
        self.add(from, to, kind, label, evidence, (None, false));
    }

    /// Adds an edge realised by one code effect (see [`Edge::via`]).
    pub fn edge_via(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: EdgeKind,
        label: &str,
        evidence: Vec<Evidence>,
        via: (usize, usize),
    ) {
        self.add(from, to, kind, label, evidence, (Some(via), false));
    }

    /// [`AttackGraph::edge_via`] for a flow that is only a lead (see [`Edge::lead`]).
    pub fn lead_via(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: EdgeKind,
        label: &str,
        evidence: Vec<Evidence>,
        via: (usize, usize),
    ) {
        self.add(from, to, kind, label, evidence, (Some(via), true));
    }

    fn add(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: EdgeKind,
        label: &str,
        evidence: Vec<Evidence>,
        (via, lead): (Option<(usize, usize)>, bool),
    ) {
        if let Some(list) = self.outgoing.get(&from) {
            for &i in list {
                if let Some(e) = self.edges.get_mut(i)
                    && e.to == to
                    && e.kind == kind
                    && e.via == via
                {
                    // A proven flow along the same edge makes it proven.
                    e.lead &= lead;
                    for ev in evidence {
                        if !e.evidence.contains(&ev) {
                            e.evidence.push(ev);
                        }
                    }
                    return;
                }
            }
        }
        let i = self.edges.len();
        self.edges.push(Edge {
            from,
            to,
            kind,
            label: label.to_string(),
            evidence,
            via,
            lead,
        });
        self.outgoing.entry(from).or_default().push(i);
    }

    /// Outgoing edges of a node, in insertion order.
    pub fn out(&self, from: NodeId) -> impl Iterator<Item = &Edge> {
        self.outgoing
            .get(&from)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }

    /// Outgoing edges of one kind.
    pub fn out_of(&self, from: NodeId, kind: EdgeKind) -> impl Iterator<Item = &Edge> {
        self.out(from).filter(move |e| e.kind == kind)
    }

    /// Incoming edges of one kind (linear scan; graphs are small).
    pub fn into_of(&self, to: NodeId, kind: EdgeKind) -> impl Iterator<Item = &Edge> {
        self.edges
            .iter()
            .filter(move |e| e.to == to && e.kind == kind)
    }

    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0)
    }

    pub fn object(&self, id: NodeId) -> Option<ObjectRef> {
        self.get(id).map(|n| ObjectRef::new(n.kind, n.name.clone()))
    }

    /// The evidence of every edge of a chain, in order, without repeats.
    pub fn evidence(chain: &[&Edge]) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::new();
        for e in chain {
            for ev in &e.evidence {
                if !out.contains(ev) {
                    out.push(ev.clone());
                }
            }
        }
        out
    }

    /// Turns a chain of edges into path steps: each edge's source node with the edge label,
    /// then the last target with an empty label. Where the chain jumps between a wildcard
    /// attribute (`user_metadata.*`) and a concrete one, the concrete name is shown.
    pub fn steps(&self, chain: &[&Edge]) -> Vec<PathStep> {
        let mut steps = Vec::new();
        let mut arrived: Option<NodeId> = None;
        for e in chain {
            let shown = match arrived.and_then(|a| self.get(a)) {
                Some(prev)
                    if prev.kind == ObjectKind::UserAttribute && !prev.name.ends_with(".*") =>
                {
                    arrived
                }
                _ => Some(e.from),
            };
            if let Some(n) = shown.and_then(|id| self.get(id)) {
                steps.push(PathStep {
                    kind: n.kind,
                    name: n.name.clone(),
                    edge: e.label.clone(),
                });
            }
            arrived = Some(e.to);
        }
        if let Some(n) = chain.last().and_then(|e| self.get(e.to)) {
            steps.push(PathStep {
                kind: n.kind,
                name: n.name.clone(),
                edge: String::new(),
            });
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_unique_by_kind_and_name() {
        let mut g = AttackGraph::default();
        let a = g.node(ObjectKind::Client, "App");
        let b = g.node(ObjectKind::Client, "App");
        let c = g.node(ObjectKind::Action, "App");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(g.nodes.len(), 2);
    }

    #[test]
    fn duplicate_edges_merge_evidence() {
        let mut g = AttackGraph::default();
        let a = g.node(ObjectKind::Connection, "db");
        let b = g.node(ObjectKind::Client, "App");
        let ev = |l| Evidence {
            file: "f".into(),
            line: Some(l),
            text: "t".into(),
        };
        g.edge(a, b, EdgeKind::EnabledFor, "enabled for", vec![ev(1)]);
        g.edge(
            a,
            b,
            EdgeKind::EnabledFor,
            "enabled for",
            vec![ev(2), ev(1)],
        );
        assert_eq!(g.edges.len(), 1);
        assert_eq!(g.edges[0].evidence.len(), 2);
        let steps = g.steps(&[&g.edges[0]]);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].edge, "enabled for");
        assert_eq!(steps[1].name, "App");
        assert!(steps[1].edge.is_empty());
    }
}
