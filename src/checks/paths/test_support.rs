//! Test support: a tiny builder of tenant snapshots, and a runner for one rule.

use serde_json::{Value, json};

use crate::checks::context::ScanContext;
use crate::checks::engine::evaluate;
use crate::checks::registry::Rule;
use crate::code::analyze_tenant_code;
use crate::findings::Finding;
use crate::graph::build_graph;
use crate::tenant::{
    Action, Client, ClientGrant, Connection, DataKind, ResourceServer, SourceText, TenantSnapshot,
    TriggerBinding,
};

/// A snapshot builder; every kind of data counts as present.
pub struct Tenant(pub TenantSnapshot);

fn from<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("test fixture must deserialize")
}

impl Tenant {
    pub fn new() -> Tenant {
        let mut s = TenantSnapshot {
            tenant: "test".into(),
            domain: Some("test.eu.auth0.com".into()),
            ..TenantSnapshot::default()
        };
        for k in [
            DataKind::Clients,
            DataKind::ClientGrants,
            DataKind::ResourceServers,
            DataKind::Connections,
            DataKind::Actions,
            DataKind::Triggers,
            DataKind::Rules,
            DataKind::Hooks,
            DataKind::TenantSettings,
        ] {
            s.present.insert(k);
        }
        Tenant(s)
    }

    pub fn client(mut self, name: &str, app_type: &str) -> Tenant {
        let c: Client = from(json!({"name": name, "app_type": app_type}));
        self.0.clients.push(Client {
            file: format!("clients/{name}.json"),
            ..c
        });
        self
    }

    pub fn m2m_with_id(mut self, name: &str, client_id: &str) -> Tenant {
        let c: Client =
            from(json!({"name": name, "app_type": "non_interactive", "client_id": client_id}));
        self.0.clients.push(Client {
            file: format!("clients/{name}.json"),
            ..c
        });
        self
    }

    pub fn database(mut self, name: &str, signup_open: bool, clients: &[&str]) -> Tenant {
        let c: Connection = from(json!({
            "name": name, "strategy": "auth0", "enabled_clients": clients,
            "options": {"disable_signup": !signup_open}
        }));
        self.0.connections.push(Connection {
            file: format!("database-connections/{name}/database.json"),
            ..c
        });
        self
    }

    pub fn connection(
        mut self,
        name: &str,
        strategy: &str,
        options: Value,
        clients: &[&str],
    ) -> Tenant {
        let c: Connection = from(json!({
            "name": name, "strategy": strategy, "enabled_clients": clients, "options": options
        }));
        self.0.connections.push(Connection {
            file: format!("connections/{name}.json"),
            ..c
        });
        self
    }

    pub fn profile_script(mut self, connection: &str, code: &str) -> Tenant {
        if let Some(c) = self.0.connections.iter_mut().find(|c| c.name == connection) {
            c.fetch_user_profile = Some(SourceText {
                path: format!("connections/{connection}.json"),
                text: code.into(),
            });
        }
        self
    }

    /// A post-login Action; bound in call order when `bound`.
    pub fn action(mut self, name: &str, code: &str, deployed: bool, bound: bool) -> Tenant {
        let a: Action = from(
            json!({"name": name, "deployed": deployed, "supported_triggers": [{"id": "post-login", "version": "v3"}]}),
        );
        let path = format!("actions/{name}/code.js");
        self.0.actions.push(Action {
            file: format!("actions/{name}.json"),
            code: Some(SourceText {
                path,
                text: code.into(),
            }),
            ..a
        });
        if bound {
            self.0
                .triggers
                .entry("post-login".into())
                .or_default()
                .push(TriggerBinding {
                    action_name: name.into(),
                    display_name: Some(name.into()),
                });
        }
        self
    }

    pub fn api(mut self, name: &str, identifier: &str, scopes: &[&str], rbac: bool) -> Tenant {
        let scopes: Vec<Value> = scopes.iter().map(|s| json!({"value": s})).collect();
        let r: ResourceServer = from(json!({
            "name": name, "identifier": identifier, "scopes": scopes, "enforce_policies": rbac
        }));
        self.0.resource_servers.push(ResourceServer {
            file: format!("resource-servers/{name}.json"),
            ..r
        });
        self
    }

    pub fn grant(mut self, client: &str, audience: &str, scopes: &[&str]) -> Tenant {
        let g: ClientGrant =
            from(json!({"client_id": client, "audience": audience, "scope": scopes}));
        self.0.client_grants.push(ClientGrant {
            file: format!("grants/{client}.json"),
            ..g
        });
        self
    }

    /// Runs one rule over the snapshot (code analysed and graph built as in a scan).
    pub fn run(&self, rule: &'static Rule) -> Vec<Finding> {
        let code = analyze_tenant_code(&self.0);
        let graph = build_graph(&self.0, &code);
        let ctx = ScanContext {
            snapshot: &self.0,
            code: &code,
            graph: &graph,
        };
        evaluate(&ctx, vec![rule]).0
    }
}
