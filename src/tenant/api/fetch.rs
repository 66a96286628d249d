//! Reads every planned kind of data from the live API into a [`RawTenant`] (API shapes, ids
//! kept): lists with their page helpers, enabled clients per connection, permissions per role,
//! bindings for every trigger, enabled connections per organization, and a bounded user sample
//! reduced to shapes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::error::{LiveError, Result};
use super::http::ApiClient;
use super::paging::{PAGE, actions_all, checkpoint_all, offset_all, segment};
use super::plan::Plan;
use crate::tenant::DataKind;

/// Email templates; there is no list endpoint, so each is read by name.
pub const EMAIL_TEMPLATES: &[&str] = &[
    "verify_email",
    "verify_email_by_code",
    "reset_email",
    "reset_email_by_code",
    "welcome_email",
    "blocked_account",
    "stolen_credentials",
    "enrollment_email",
    "mfa_oob_code",
    "user_invitation",
    "change_password",
    "password_reset",
    "async_approval",
];

/// Attack-protection settings endpoints (also the export file stems).
pub const ATTACK_PROTECTION: &[&str] = &[
    "bot-detection",
    "breached-password-detection",
    "brute-force-protection",
    "captcha",
    "suspicious-ip-throttling",
];

/// Users sampled for shapes.
pub const USER_SAMPLE: usize = 100;

/// Shapes of the user base: no user data, only which keys and providers exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserShapes {
    pub total: Option<u64>,
    pub sampled: usize,
    pub app_metadata_keys: BTreeSet<String>,
    pub user_metadata_keys: BTreeSet<String>,
    pub providers: BTreeMap<String, usize>,
}

/// Live data in API shapes.
#[derive(Debug, Clone, Default)]
pub struct RawTenant {
    pub domain: String,
    /// Client id of the reader's own credentials: its grants are left out of the export, as
    /// the Deploy CLI leaves out its own.
    pub reader_client_id: Option<String>,
    pub settings: Option<Value>,
    pub clients: Vec<Value>,
    pub client_grants: Vec<Value>,
    pub resource_servers: Vec<Value>,
    /// With `enabled_clients` (client ids) filled in.
    pub connections: Vec<Value>,
    pub actions: Vec<Value>,
    /// Trigger id -> bindings in execution order.
    pub bindings: BTreeMap<String, Vec<Value>>,
    pub rules: Vec<Value>,
    pub hooks: Vec<Value>,
    /// With `permissions` filled in.
    pub roles: Vec<Value>,
    /// With `enabled_connections` filled in.
    pub organizations: Vec<Value>,
    pub log_streams: Vec<Value>,
    /// Event streams (`GET /event-streams`, items of any wrapper).
    pub event_streams: Vec<Value>,
    pub attack_protection: BTreeMap<String, Value>,
    pub guardian_factors: Vec<Value>,
    pub guardian_policies: Vec<Value>,
    /// Guardian factor providers (`{name, provider, ...credentials}`), empty ones left out.
    pub guardian_providers: Vec<Value>,
    pub phone_selected_provider: Option<Value>,
    pub phone_message_types: Option<Value>,
    pub email_provider: Option<Value>,
    pub email_templates: BTreeMap<String, Value>,
    pub custom_domains: Vec<Value>,
    pub prompts: Option<Value>,
    pub users: Option<UserShapes>,
}

/// Progress of a run: a resource type started, or finished with its item count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressEvent {
    Started(&'static str),
    Finished(&'static str, usize),
    Skipped(&'static str, String),
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// 404 -> `None`; other errors pass through.
pub(super) async fn optional(api: &mut ApiClient, path: &str) -> Result<Option<Value>> {
    match api.get(path).await {
        Ok(v) => Ok(Some(v)),
        Err(LiveError::Http { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether an error means "this tenant does not offer the feature" (plan-gated, deprecated).
pub(super) fn refused(e: &LiveError) -> Option<String> {
    match e {
        LiveError::Http {
            status: 403,
            message,
            ..
        } => Some(format!("the API refused it: {message}")),
        _ => None,
    }
}

/// Reads `kind` with `read`; a 403 marks the kind as refused instead of failing the run.
macro_rules! step {
    ($plan:expr, $progress:expr, $kind:expr, $label:expr, $read:expr) => {
        if $plan.reads($kind) {
            $progress($crate::tenant::api::fetch::ProgressEvent::Started($label));
            match $read.await {
                Ok(n) => $progress($crate::tenant::api::fetch::ProgressEvent::Finished(
                    $label, n,
                )),
                Err(e) => match $crate::tenant::api::fetch::refused(&e) {
                    Some(reason) => {
                        $progress($crate::tenant::api::fetch::ProgressEvent::Skipped(
                            $label,
                            reason.clone(),
                        ));
                        $plan.refuse($kind, reason);
                    }
                    None => return Err(e),
                },
            }
        }
    };
}
pub(super) use step;

/// Reads every kind `plan` allows.
pub async fn fetch_all(
    api: &mut ApiClient,
    plan: &mut Plan,
    progress: &mut dyn FnMut(ProgressEvent),
) -> Result<RawTenant> {
    let mut raw = RawTenant {
        domain: api.endpoints().domain.clone(),
        reader_client_id: Some(api.client_id().to_string()),
        ..RawTenant::default()
    };
    let r = &mut raw;
    step!(
        plan,
        progress,
        DataKind::TenantSettings,
        "tenant settings",
        async {
            r.settings = Some(api.get("tenants/settings").await?);
            Ok::<usize, LiveError>(1)
        }
    );
    step!(plan, progress, DataKind::Clients, "clients", async {
        r.clients = checkpoint_all(api, "clients?is_global=false", "clients", PAGE).await?;
        Ok::<usize, LiveError>(r.clients.len())
    });
    step!(
        plan,
        progress,
        DataKind::ClientGrants,
        "client grants",
        async {
            r.client_grants = checkpoint_all(api, "client-grants", "client_grants", PAGE).await?;
            Ok::<usize, LiveError>(r.client_grants.len())
        }
    );
    step!(plan, progress, DataKind::ResourceServers, "APIs", async {
        r.resource_servers = offset_all(api, "resource-servers", "resource_servers").await?;
        Ok::<usize, LiveError>(r.resource_servers.len())
    });
    step!(
        plan,
        progress,
        DataKind::Connections,
        "connections",
        async {
            let mut conns = checkpoint_all(api, "connections", "connections", PAGE).await?;
            for c in &mut conns {
                let id = segment(str_of(c, "id"));
                let clients =
                    checkpoint_all(api, &format!("connections/{id}/clients"), "clients", 1000)
                        .await?;
                let ids: Vec<Value> = clients
                    .iter()
                    .filter_map(|x| x.get("client_id").cloned())
                    .collect();
                if let Some(m) = c.as_object_mut() {
                    m.insert("enabled_clients".into(), Value::Array(ids));
                }
            }
            r.connections = conns;
            Ok::<usize, LiveError>(r.connections.len())
        }
    );
    step!(plan, progress, DataKind::Actions, "actions", async {
        r.actions = actions_all(api, "actions/actions", "actions").await?;
        Ok::<usize, LiveError>(r.actions.len())
    });
    step!(
        plan,
        progress,
        DataKind::Triggers,
        "trigger bindings",
        async {
            let triggers = api.get("actions/triggers").await?;
            let ids: BTreeSet<String> = triggers
                .get("triggers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|t| str_of(t, "id").to_string())
                .filter(|id| !id.is_empty())
                .collect();
            let mut n = 0;
            for id in ids {
                let bindings = actions_all(
                    api,
                    &format!("actions/triggers/{}/bindings", segment(&id)),
                    "bindings",
                )
                .await?;
                n += bindings.len();
                r.bindings.insert(id, bindings);
            }
            Ok::<usize, LiveError>(n)
        }
    );
    step!(plan, progress, DataKind::Rules, "rules", async {
        r.rules = offset_all(api, "rules", "rules").await?;
        Ok::<usize, LiveError>(r.rules.len())
    });
    step!(plan, progress, DataKind::Hooks, "hooks", async {
        r.hooks = offset_all(api, "hooks", "hooks").await?;
        Ok::<usize, LiveError>(r.hooks.len())
    });
    step!(plan, progress, DataKind::Roles, "roles", async {
        let mut roles = offset_all(api, "roles", "roles").await?;
        for role in &mut roles {
            let id = segment(str_of(role, "id"));
            let perms = offset_all(api, &format!("roles/{id}/permissions"), "permissions").await?;
            if let Some(m) = role.as_object_mut() {
                m.insert("permissions".into(), Value::Array(perms));
            }
        }
        r.roles = roles;
        Ok::<usize, LiveError>(r.roles.len())
    });
    step!(
        plan,
        progress,
        DataKind::Organizations,
        "organizations",
        async {
            let mut orgs = checkpoint_all(api, "organizations", "organizations", PAGE).await?;
            for org in &mut orgs {
                let id = segment(str_of(org, "id"));
                let conns = offset_all(
                    api,
                    &format!("organizations/{id}/enabled_connections"),
                    "enabled_connections",
                )
                .await?;
                if let Some(m) = org.as_object_mut() {
                    m.insert("enabled_connections".into(), Value::Array(conns));
                }
            }
            r.organizations = orgs;
            Ok::<usize, LiveError>(r.organizations.len())
        }
    );
    super::fetch_settings::fetch_settings(api, plan, progress, r).await?;
    Ok(raw)
}
