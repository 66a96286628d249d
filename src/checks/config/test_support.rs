//! Test support: builds small [`TenantSnapshot`]s from JSON snippets (through the tenant
//! model's own serde types) and runs one rule over them with the real code analyzer and graph.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule};
use crate::code::analyze_tenant_code;
use crate::findings::Severity;
use crate::graph::build_graph;
use crate::tenant::{
    Action, Client, ClientGrant, Connection, DataKind, Guardian, GuardianFactor, Hook,
    ResourceServer, Rule as TenantRule, SourceText, TenantSnapshot, TriggerBinding,
};

fn parse<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("test JSON matches the tenant model")
}

/// Builds a snapshot of tenant `acme` (domain `acme.eu.auth0.com`) with every kind present.
#[derive(Clone)]
pub struct TenantBuilder {
    s: TenantSnapshot,
}

impl Default for TenantBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TenantBuilder {
    pub fn new() -> Self {
        let mut s = TenantSnapshot {
            tenant: "acme".into(),
            domain: Some("acme.eu.auth0.com".into()),
            ..TenantSnapshot::default()
        };
        s.present.extend(DataKind::ALL);
        TenantBuilder { s }
    }

    pub fn without(mut self, kind: DataKind) -> Self {
        self.s.present.remove(&kind);
        self
    }

    pub fn client(mut self, v: Value) -> Self {
        let mut c: Client = parse(v);
        c.file = format!("clients/{}.json", c.name);
        self.s.clients.push(c);
        self
    }

    pub fn connection(mut self, v: Value) -> Self {
        let mut c: Connection = parse(v);
        c.file = format!("connections/{}.json", c.name);
        self.s.connections.push(c);
        self
    }

    pub fn grant(mut self, v: Value) -> Self {
        let mut g: ClientGrant = parse(v);
        g.file = format!("grants/{}.json", g.client);
        self.s.client_grants.push(g);
        self
    }

    pub fn api(mut self, v: Value) -> Self {
        let mut r: ResourceServer = parse(v);
        r.file = format!("resource-servers/{}.json", r.name);
        self.s.resource_servers.push(r);
        self
    }

    /// An Action with `code`, bound to every trigger in `bound`.
    pub fn action(mut self, v: Value, code: &str, bound: &[&str]) -> Self {
        let mut a: Action = parse(v);
        a.file = format!("actions/{}.json", a.name);
        a.code = Some(SourceText {
            path: format!("actions/{}/code.js", a.name),
            text: code.to_string(),
        });
        for trigger in bound {
            self.s
                .triggers
                .entry((*trigger).to_string())
                .or_default()
                .push(TriggerBinding {
                    action_name: a.name.clone(),
                    display_name: None,
                });
        }
        self.s.actions.push(a);
        self
    }

    pub fn rule(mut self, v: Value, script: &str) -> Self {
        let mut r: TenantRule = parse(v);
        r.file = format!("rules/{}.json", r.name);
        r.script = Some(SourceText {
            path: format!("rules/{}.js", r.name),
            text: script.to_string(),
        });
        self.s.rules.push(r);
        self
    }

    pub fn hook(mut self, v: Value) -> Self {
        let mut h: Hook = parse(v);
        h.file = format!("hooks/{}.json", h.name);
        self.s.hooks.push(h);
        self
    }

    pub fn settings(mut self, v: Value) -> Self {
        self.s.settings = parse(v);
        self.s.settings.file = "tenant.json".into();
        self
    }

    pub fn prompts(mut self, v: Value) -> Self {
        self.s.prompts = Some(parse(v));
        self
    }

    pub fn brute_force(mut self, v: Value) -> Self {
        self.s.attack_protection.brute_force = Some(parse(v));
        self
    }

    pub fn suspicious_ip(mut self, v: Value) -> Self {
        self.s.attack_protection.suspicious_ip = Some(parse(v));
        self
    }

    pub fn breached_password(mut self, v: Value) -> Self {
        self.s.attack_protection.breached_password = Some(parse(v));
        self
    }

    pub fn bot_detection(mut self, v: Value) -> Self {
        self.s.attack_protection.bot_detection = Some(parse(v));
        self
    }

    /// Guardian with the given `(factor, enabled)` pairs and policies.
    pub fn guardian(mut self, factors: &[(&str, bool)], policies: &[&str]) -> Self {
        self.s.guardian = Guardian {
            factors: factors
                .iter()
                .map(|(name, enabled)| GuardianFactor {
                    name: (*name).to_string(),
                    enabled: Some(*enabled),
                    ..GuardianFactor::default()
                })
                .collect(),
            policies: policies.iter().map(|p| (*p).to_string()).collect(),
            ..Guardian::default()
        };
        self
    }

    pub fn phone_provider(mut self, provider: &str) -> Self {
        self.s.guardian.phone_selected_provider = Some(provider.to_string());
        self
    }

    /// Any other change to the snapshot under construction.
    pub fn with(mut self, change: impl FnOnce(&mut TenantSnapshot)) -> Self {
        change(&mut self.s);
        self
    }

    pub fn build(self) -> TenantSnapshot {
        self.s
    }
}

/// Runs `rule` over `s` with the analysed code and graph, as the engine does.
pub fn run(rule: &Rule, s: &TenantSnapshot) -> Vec<Hit> {
    let code = analyze_tenant_code(s);
    let graph = build_graph(s, &code);
    let ctx = ScanContext {
        snapshot: s,
        code: &code,
        graph: &graph,
    };
    (rule.eval)(&ctx)
}

/// Runs `rule` and returns the severity of its only hit (panics unless exactly one).
pub fn one(rule: &Rule, s: &TenantSnapshot) -> Hit {
    let mut hits = run(rule, s);
    assert_eq!(hits.len(), 1, "{}: {hits:#?}", rule.meta.id);
    hits.remove(0)
}

/// Severity of the only hit.
pub fn severity(rule: &Rule, s: &TenantSnapshot) -> Severity {
    let hit = one(rule, s);
    hit.severity.unwrap_or(rule.meta.severity)
}

/// Asserts that `rule` finds nothing in `s`.
pub fn clean(rule: &Rule, s: &TenantSnapshot) {
    let hits = run(rule, s);
    assert!(hits.is_empty(), "{}: {hits:#?}", rule.meta.id);
}
