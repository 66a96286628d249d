//! The data of one served tenant, as the Management API holds it: every object with its id,
//! references by id (grants, enabled clients, bindings), code inline. Built from a Deploy CLI
//! export by [`crate::load`] or synthesised by [`crate::generate`].

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

/// One tenant the emulator serves.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Canonical domain, e.g. `acme-prod.eu.auth0.com` (the audience is `https://{domain}/api/v2/`).
    pub domain: String,
    pub settings: Value,
    pub clients: Vec<Value>,
    pub client_grants: Vec<Value>,
    pub resource_servers: Vec<Value>,
    /// Connections as `GET /connections/{id}` returns them (with the deprecated `enabled_clients`, ids).
    pub connections: Vec<Value>,
    pub actions: Vec<Value>,
    /// Trigger id -> bindings in execution order.
    pub bindings: BTreeMap<String, Vec<Value>>,
    pub rules: Vec<Value>,
    pub rules_configs: Vec<Value>,
    pub hooks: Vec<Value>,
    /// Hook id -> secret names (values are never shown).
    pub hook_secrets: HashMap<String, Vec<String>>,
    pub roles: Vec<Value>,
    /// Role id -> permissions.
    pub role_permissions: HashMap<String, Vec<Value>>,
    pub organizations: Vec<Value>,
    /// Organization id -> enabled connections.
    pub org_connections: HashMap<String, Vec<Value>>,
    pub log_streams: Vec<Value>,
    /// `bot-detection`, `brute-force-protection`, ... -> settings.
    pub attack_protection: BTreeMap<String, Value>,
    pub guardian_factors: Vec<Value>,
    pub guardian_policies: Vec<Value>,
    pub phone_selected_provider: Option<Value>,
    pub phone_message_types: Option<Value>,
    /// Without credentials (the API never returns keys).
    pub email_provider: Option<Value>,
    pub email_templates: BTreeMap<String, Value>,
    pub custom_domains: Vec<Value>,
    pub prompts: Option<Value>,
    pub users: Vec<Value>,
    pub logs: Vec<Value>,
}

/// Read scopes of the Management API; a client gets all of them unless narrowed.
pub const READ_SCOPES: &[&str] = &[
    "read:clients",
    "read:client_keys",
    "read:client_credentials",
    "read:client_summary",
    "read:client_grants",
    "read:resource_servers",
    "read:connections",
    "read:connections_keys",
    "read:rules",
    "read:rules_configs",
    "read:hooks",
    "read:actions",
    "read:roles",
    "read:role_members",
    "read:users",
    "read:user_idp_tokens",
    "read:logs",
    "read:logs_users",
    "read:organizations",
    "read:organizations_summary",
    "read:organization_members",
    "read:organization_member_roles",
    "read:organization_connections",
    "read:tenant_settings",
    "read:attack_protection",
    "read:guardian_factors",
    "read:mfa_policies",
    "read:custom_domains",
    "read:log_streams",
    "read:email_provider",
    "read:email_templates",
    "read:signing_keys",
    "read:branding",
    "read:prompts",
    "read:grants",
    "read:stats",
    "read:network_acls",
    "read:event_streams",
    "read:forms",
    "read:flows",
    "read:phone_providers",
    "read:phone_templates",
    "read:self_service_profiles",
    "read:token_exchange_profiles",
    "read:custom_signing_keys",
    "read:user_attribute_profiles",
    "read:connection_profiles",
    "read:rate_limit_policies",
];

impl Tenant {
    /// The Management API audience of this tenant.
    pub fn audience(&self) -> String {
        format!("https://{}/api/v2/", self.domain)
    }

    /// Tenant name (the first label of the domain), as the API's `tenant` field holds it.
    pub fn tenant_name(&self) -> String {
        self.domain
            .split('.')
            .next()
            .unwrap_or(&self.domain)
            .to_string()
    }

    /// The system "Auth0 Management API" resource server every tenant has.
    pub fn management_api(domain: &str) -> Value {
        let scopes: Vec<Value> = READ_SCOPES
            .iter()
            .map(|s| json!({"value": s, "description": format!("Read {}", s.trim_start_matches("read:"))}))
            .collect();
        json!({
            "id": crate::ids::hex24(&format!("mgmt:{domain}")),
            "name": "Auth0 Management API",
            "identifier": format!("https://{domain}/api/v2/"),
            "is_system": true,
            "allow_offline_access": false,
            "skip_consent_for_verifiable_first_party_clients": false,
            "token_lifetime": 86400,
            "token_lifetime_for_web": 7200,
            "signing_alg": "RS256",
            "scopes": scopes,
        })
    }

    /// Client id of the client named `name`.
    pub fn client_id_by_name(&self, name: &str) -> Option<String> {
        self.clients
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|c| c.get("client_id").and_then(Value::as_str))
            .map(str::to_string)
    }

    /// Id of the connection named `name`.
    pub fn connection_id_by_name(&self, name: &str) -> Option<String> {
        self.connections
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|c| c.get("id").and_then(Value::as_str))
            .map(str::to_string)
    }

    /// Finds an object by its id field.
    pub fn find<'a>(items: &'a [Value], key: &str, id: &str) -> Option<&'a Value> {
        items
            .iter()
            .find(|v| v.get(key).and_then(Value::as_str) == Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_has_the_trailing_slash_and_tenant_name_is_the_first_label() {
        let t = Tenant {
            domain: "acme-prod.eu.auth0.com".into(),
            ..Tenant::default()
        };
        assert_eq!(t.audience(), "https://acme-prod.eu.auth0.com/api/v2/");
        assert_eq!(t.tenant_name(), "acme-prod");
        let m = Tenant::management_api(&t.domain);
        assert_eq!(m["is_system"], true);
        assert_eq!(m["identifier"], t.audience());
    }
}
