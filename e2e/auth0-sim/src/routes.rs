//! The Management API read endpoints: path -> scope check -> answer from the [`Tenant`].
//! Every answer goes through [`crate::paging`] for the endpoint's list shape.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::paging::{Query, Style, page};
use crate::store::Tenant;

/// Granted scopes of a token.
pub type Scopes = BTreeSet<String>;

const CLIENT_READ: &[&str] = &[
    "read:clients",
    "read:client_keys",
    "read:client_credentials",
    "read:client_summary",
];
const CLIENT_SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "encryption_key",
    "signing_keys",
    "client_authentication_methods",
];
/// Trigger ids `GET /actions/triggers` lists, with their current version.
const TRIGGERS: &[(&str, &str)] = &[
    ("post-login", "v3"),
    ("credentials-exchange", "v2"),
    ("pre-user-registration", "v2"),
    ("post-user-registration", "v2"),
    ("post-change-password", "v2"),
    ("send-phone-message", "v2"),
    ("password-reset-post-challenge", "v1"),
];

pub(crate) fn any_of(scopes: &Scopes, needed: &[&str]) -> Result<(), ApiError> {
    if needed.iter().any(|s| scopes.contains(*s)) {
        Ok(())
    } else {
        Err(ApiError::insufficient_scope(false, needed))
    }
}

pub(crate) fn all_of(scopes: &Scopes, needed: &[&str]) -> Result<(), ApiError> {
    if needed.iter().all(|s| scopes.contains(*s)) {
        Ok(())
    } else {
        Err(ApiError::insufficient_scope(true, needed))
    }
}

pub(crate) fn offset(key: &'static str, checkpoint: bool) -> Style {
    Style::Offset {
        key,
        checkpoint,
        offset_cap: None,
        users: false,
        length: false,
    }
}

/// Applies `fields` / `include_fields` to one object.
pub(crate) fn select_fields(mut v: Value, q: &Query) -> Value {
    let Some(fields) = q.get("fields").filter(|f| !f.is_empty()) else {
        return v;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    let include = q.get("include_fields") != Some("false");
    if let Some(m) = v.as_object_mut() {
        m.retain(|k, _| wanted.contains(&k.as_str()) == include);
    }
    v
}

pub(crate) fn filter_eq<'a>(
    items: &'a [Value],
    q: &Query,
    param: &str,
    field: &str,
) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|v| match q.get(param) {
            Some(want) => v.get(field).and_then(Value::as_str) == Some(want),
            None => true,
        })
        .collect()
}

pub(crate) fn cloned(items: Vec<&Value>, q: &Query) -> Vec<Value> {
    items
        .into_iter()
        .map(|v| select_fields(v.clone(), q))
        .collect()
}

pub(crate) fn one(
    items: &[Value],
    key: &str,
    id: &str,
    q: &Query,
    missing: ApiError,
) -> Result<Value, ApiError> {
    Tenant::find(items, key, id)
        .map(|v| select_fields(v.clone(), q))
        .ok_or(missing)
}

fn client_view(c: &Value, scopes: &Scopes) -> Value {
    let mut c = c.clone();
    let keys = scopes.contains("read:client_keys") || scopes.contains("read:client_credentials");
    if let Some(m) = c.as_object_mut() {
        if !keys {
            m.retain(|k, _| !CLIENT_SECRET_FIELDS.contains(&k.as_str()));
        }
        if !scopes.contains("read:clients") && !keys {
            m.retain(|k, _| ["client_id", "app_type", "name", "description"].contains(&k.as_str()));
        }
    }
    c
}

fn connection_list_item(c: &Value) -> Value {
    let mut c = c.clone();
    if let Some(m) = c.as_object_mut() {
        m.remove("enabled_clients");
    }
    c
}

/// Answers `GET /api/v2/<segments>`: the route template (for stats) and the body or error.
pub fn get(
    t: &Tenant,
    scopes: &Scopes,
    segs: &[&str],
    q: &Query,
) -> (String, Result<Value, ApiError>) {
    let template = template(segs);
    (template, answer(t, scopes, segs, q))
}

/// The path with ids replaced by `{id}`, e.g. `/api/v2/roles/{id}/permissions`.
pub fn template(segs: &[&str]) -> String {
    let fixed = [
        "clients",
        "client-grants",
        "resource-servers",
        "connections",
        "rules",
        "rules-configs",
        "hooks",
        "secrets",
        "actions",
        "versions",
        "triggers",
        "bindings",
        "roles",
        "permissions",
        "users",
        "organizations",
        "enabled_connections",
        "members",
        "tenants",
        "settings",
        "attack-protection",
        "guardian",
        "factors",
        "policies",
        "phone",
        "sms",
        "selected-provider",
        "message-types",
        "custom-domains",
        "log-streams",
        "emails",
        "provider",
        "email-templates",
        "prompts",
        "logs",
        "keys",
        "signing",
        "bot-detection",
        "breached-password-detection",
        "brute-force-protection",
        "suspicious-ip-throttling",
        "captcha",
        "branding",
    ];
    let parts: Vec<&str> = segs
        .iter()
        .map(|s| if fixed.contains(s) { *s } else { "{id}" })
        .collect();
    format!("/api/v2/{}", parts.join("/"))
}

fn answer(t: &Tenant, scopes: &Scopes, segs: &[&str], q: &Query) -> Result<Value, ApiError> {
    match segs {
        ["clients"] => {
            any_of(scopes, CLIENT_READ)?;
            let items: Vec<Value> = t
                .clients
                .iter()
                .filter(|c| match q.get("is_global") {
                    Some(g) => {
                        c.get("global")
                            .and_then(Value::as_bool)
                            .unwrap_or(false)
                            .to_string()
                            == g
                    }
                    None => true,
                })
                .map(|c| select_fields(client_view(c, scopes), q))
                .collect();
            page(&items, q, offset("clients", true))
        }
        ["clients", id] => {
            any_of(scopes, CLIENT_READ)?;
            let c = Tenant::find(&t.clients, "client_id", id).ok_or_else(|| {
                ApiError::not_found("The client does not exist", Some("inexistent_client"))
            })?;
            Ok(select_fields(client_view(c, scopes), q))
        }
        ["client-grants"] => {
            any_of(scopes, &["read:client_grants"])?;
            let items = filter_eq(&t.client_grants, q, "client_id", "client_id");
            let items: Vec<&Value> = items
                .into_iter()
                .filter(|g| {
                    q.get("audience")
                        .is_none_or(|a| g.get("audience").and_then(Value::as_str) == Some(a))
                })
                .collect();
            page(&cloned(items, q), q, offset("client_grants", true))
        }
        ["resource-servers"] => {
            any_of(scopes, &["read:resource_servers"])?;
            page(
                &cloned(t.resource_servers.iter().collect(), q),
                q,
                offset("resource_servers", false),
            )
        }
        ["resource-servers", id] => {
            any_of(scopes, &["read:resource_servers"])?;
            Tenant::find(&t.resource_servers, "id", id)
                .or_else(|| Tenant::find(&t.resource_servers, "identifier", id))
                .cloned()
                .ok_or_else(|| {
                    ApiError::not_found(
                        "The resource server does not exist",
                        Some("inexistent_resource_server"),
                    )
                })
        }
        ["connections"] => {
            any_of(scopes, &["read:connections"])?;
            let strategies: Vec<&str> =
                q.0.iter()
                    .filter(|(k, _)| k == "strategy")
                    .map(|(_, v)| v.as_str())
                    .collect();
            let items: Vec<Value> = filter_eq(&t.connections, q, "name", "name")
                .into_iter()
                .filter(|c| {
                    strategies.is_empty()
                        || strategies
                            .contains(&c.get("strategy").and_then(Value::as_str).unwrap_or(""))
                })
                .map(|c| select_fields(connection_list_item(c), q))
                .collect();
            let style = Style::Offset {
                key: "connections",
                checkpoint: true,
                offset_cap: Some(1000),
                users: false,
                length: false,
            };
            page(&items, q, style)
        }
        ["connections", id] => {
            any_of(scopes, &["read:connections"])?;
            one(
                &t.connections,
                "id",
                id,
                q,
                ApiError::not_found(
                    "The connection does not exist",
                    Some("inexistent_connection"),
                ),
            )
        }
        ["connections", id, "clients"] => {
            any_of(scopes, &["read:connections"])?;
            let c = Tenant::find(&t.connections, "id", id).ok_or_else(|| {
                ApiError::not_found(
                    "The connection does not exist",
                    Some("inexistent_connection"),
                )
            })?;
            let items: Vec<Value> = c
                .get("enabled_clients")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|id| json!({"client_id": id}))
                .collect();
            page(
                &items,
                q,
                Style::Checkpoint {
                    key: "clients",
                    max_take: 1000,
                    bare_without_params: false,
                },
            )
        }
        _ => crate::routes_more::answer(t, scopes, segs, q),
    }
}

/// Trigger ids and versions `GET /actions/triggers` lists.
pub(crate) fn known_triggers() -> &'static [(&'static str, &'static str)] {
    TRIGGERS
}
