//! Test support for path rules: shorthands over the shared
//! [`TenantBuilder`](crate::checks::config::test_support::TenantBuilder), and a runner that
//! evaluates one rule exactly as the engine does.

use serde_json::{Value, json};

use crate::checks::config::test_support::TenantBuilder;
use crate::checks::context::ScanContext;
use crate::checks::engine::evaluate;
use crate::checks::registry::Rule;
use crate::code::analyze_tenant_code;
use crate::findings::Finding;
use crate::graph::build_graph;
use crate::tenant::SourceText;

/// A snapshot under construction (tenant `acme`, domain `acme.eu.auth0.com`).
pub struct Tenant(TenantBuilder);

impl Tenant {
    pub fn new() -> Tenant {
        Tenant(TenantBuilder::new())
    }

    fn map(self, f: impl FnOnce(TenantBuilder) -> TenantBuilder) -> Tenant {
        Tenant(f(self.0))
    }

    pub fn client(self, name: &str, app_type: &str) -> Tenant {
        self.map(|b| b.client(json!({"name": name, "app_type": app_type})))
    }

    pub fn m2m_with_id(self, name: &str, client_id: &str) -> Tenant {
        self.map(|b| {
            b.client(json!({"name": name, "app_type": "non_interactive", "client_id": client_id}))
        })
    }

    pub fn database(self, name: &str, signup_open: bool, clients: &[&str]) -> Tenant {
        let v = json!({"name": name, "strategy": "auth0", "enabled_clients": clients, "options": {"disable_signup": !signup_open}});
        self.map(|b| b.connection(v))
    }

    pub fn connection(
        self,
        name: &str,
        strategy: &str,
        options: Value,
        clients: &[&str],
    ) -> Tenant {
        let v = json!({"name": name, "strategy": strategy, "enabled_clients": clients, "options": options});
        self.map(|b| b.connection(v))
    }

    pub fn profile_script(self, connection: &str, code: &str) -> Tenant {
        let text = SourceText {
            path: format!("connections/{connection}.json"),
            text: code.into(),
        };
        self.map(|b| {
            b.with(|s| {
                if let Some(c) = s.connections.iter_mut().find(|c| c.name == connection) {
                    c.fetch_user_profile = Some(text);
                }
            })
        })
    }

    /// A post-login Action, bound to post-login when `bound`.
    pub fn action(self, name: &str, code: &str, deployed: bool, bound: bool) -> Tenant {
        let v = json!({"name": name, "deployed": deployed, "supported_triggers": [{"id": "post-login", "version": "v3"}]});
        let triggers: &[&str] = if bound { &["post-login"] } else { &[] };
        self.map(|b| b.action(v, code, triggers))
    }

    pub fn api(self, name: &str, identifier: &str, scopes: &[&str], rbac: bool) -> Tenant {
        let scopes: Vec<Value> = scopes.iter().map(|s| json!({"value": s})).collect();
        self.map(|b| b.api(json!({"name": name, "identifier": identifier, "scopes": scopes, "enforce_policies": rbac})))
    }

    pub fn grant(self, client: &str, audience: &str, scopes: &[&str]) -> Tenant {
        self.map(|b| b.grant(json!({"client_id": client, "audience": audience, "scope": scopes})))
    }

    /// Direct access to the shared builder for everything else.
    pub fn with(self, f: impl FnOnce(TenantBuilder) -> TenantBuilder) -> Tenant {
        self.map(f)
    }

    /// Runs one rule over the snapshot (code analysed and graph built as in a scan).
    pub fn run(&self, rule: &'static Rule) -> Vec<Finding> {
        let snapshot = self.0.clone().build();
        let code = analyze_tenant_code(&snapshot);
        let graph = build_graph(&snapshot, &code);
        let ctx = ScanContext {
            snapshot: &snapshot,
            code: &code,
            graph: &graph,
        };
        evaluate(&ctx, vec![rule]).0
    }
}
