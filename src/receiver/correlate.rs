//! Correlation of events with the integration's open findings. Findings name tenant objects by
//! display name (`client` "Web", `client_grant` "Web -> Management API", `action` "Grant admin");
//! events carry names for logins and ids for changes, so [`touched_objects`] resolves ids through
//! the learned [`ObjectDirectory`] and builds the same names the scan uses. [`FindingIndex`] is
//! the view of open findings (the cluster implementation reads the `Auth0Finding` watch cache).

use std::collections::HashMap;
use std::sync::RwLock;

use serde_json::Value;

use crate::findings::{Finding, ObjectKind, ObjectRef};

use super::classify::{Category, Classified};
use super::detect::is_management_audience;
use super::directory::ObjectDirectory;
use super::event::LogEvent;
use super::mgmt_path::{ConfigChange, Resource};

/// Name the scan gives the Management API in grant names (`{client} -> Management API`).
const MANAGEMENT_API: &str = "Management API";

/// An open finding, as correlation reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingRef {
    /// The `Auth0Finding` resource name (the finding id in standalone use).
    pub name: String,
    pub rule: String,
}

/// The open findings of one integration, looked up by the objects they name.
pub trait FindingIndex: Send + Sync {
    /// Open findings that name `object` (in `objects` or on their path). A `tenant` object
    /// matches every tenant-level finding whatever its name: one integration is one tenant.
    fn lookup(&self, object: &ObjectRef) -> Vec<FindingRef>;
}

/// Lookup key: kind plus the name folded to lower case (tenant names fold to "").
fn key(object: &ObjectRef) -> (ObjectKind, String) {
    let name = if object.kind == ObjectKind::Tenant {
        String::new()
    } else {
        object.name.trim().to_lowercase()
    };
    (object.kind, name)
}

/// In-memory [`FindingIndex`], replaced wholesale when the set of open findings changes.
#[derive(Debug, Default)]
pub struct MemoryFindingIndex {
    by_object: RwLock<HashMap<(ObjectKind, String), Vec<FindingRef>>>,
}

impl MemoryFindingIndex {
    pub fn new() -> Self {
        MemoryFindingIndex::default()
    }

    /// An index over scan findings (the finding id stands in for the resource name).
    pub fn from_findings(findings: &[Finding]) -> Self {
        let index = MemoryFindingIndex::new();
        index.replace(findings.iter().map(|f| {
            let objects = f
                .objects
                .iter()
                .cloned()
                .chain(
                    f.path
                        .iter()
                        .map(|p| ObjectRef::new(p.kind, p.name.clone())),
                )
                .collect();
            (
                FindingRef {
                    name: f.id.clone(),
                    rule: f.rule.clone(),
                },
                objects,
            )
        }));
        index
    }

    /// Replaces the indexed findings: each open finding with every object it names.
    pub fn replace(&self, findings: impl IntoIterator<Item = (FindingRef, Vec<ObjectRef>)>) {
        let mut map: HashMap<(ObjectKind, String), Vec<FindingRef>> = HashMap::new();
        for (finding, objects) in findings {
            for object in &objects {
                let slot = map.entry(key(object)).or_default();
                if !slot.contains(&finding) {
                    slot.push(finding.clone());
                }
            }
        }
        if let Ok(mut guard) = self.by_object.write() {
            *guard = map;
        }
    }
}

impl FindingIndex for MemoryFindingIndex {
    fn lookup(&self, object: &ObjectRef) -> Vec<FindingRef> {
        self.by_object
            .read()
            .ok()
            .and_then(|m| m.get(&key(object)).cloned())
            .unwrap_or_default()
    }
}

/// The tenant objects an event touches, named as the scan names them.
pub fn touched_objects(
    event: &LogEvent,
    classified: &Classified,
    directory: &ObjectDirectory,
) -> Vec<ObjectRef> {
    let mut out = Vec::new();
    if let Some(change) = &classified.change {
        changed_objects(event, change, directory, &mut out);
    } else if runtime_touches_objects(classified.category) {
        if let Some(name) = client_name(event, directory) {
            out.push(ObjectRef::new(ObjectKind::Client, name));
        }
        let connection = event.connection().or_else(|| {
            event
                .connection_id()
                .and_then(|id| directory.name_of(Resource::Connection, id))
        });
        if let Some(name) = connection {
            out.push(ObjectRef::new(ObjectKind::Connection, name));
        }
    }
    out.dedup();
    out
}

fn runtime_touches_objects(category: Category) -> bool {
    category.is_authentication()
        || matches!(
            category,
            Category::BruteForceBlock
                | Category::SuspiciousIpBlock
                | Category::BreachedPassword
                | Category::MfaAbuse
                | Category::SecretRead
        )
}

fn client_name(event: &LogEvent, directory: &ObjectDirectory) -> Option<String> {
    event
        .client_name()
        .or_else(|| {
            event
                .client_id()
                .and_then(|id| directory.name_of(Resource::Client, id))
        })
        .map(str::to_string)
}

fn changed_objects(
    event: &LogEvent,
    change: &ConfigChange,
    directory: &ObjectDirectory,
    out: &mut Vec<ObjectRef>,
) {
    let field = |k: &str| event.resulting_field(k).and_then(Value::as_str);
    let id = change.id.as_deref();
    let learned = |r: Resource| id.and_then(|i| directory.name_of(r, i));
    let mut push = |kind: ObjectKind, name: Option<&str>| {
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            out.push(ObjectRef::new(kind, n));
        }
    };
    match change.resource {
        Resource::Client => push(
            ObjectKind::Client,
            field("name").or(learned(Resource::Client)),
        ),
        Resource::ClientGrant => {
            let link = id.and_then(|i| directory.grant(i));
            let client_id = field("client_id").or(link.map(|l| l.client_id.as_str()));
            let audience = field("audience").or(link.map(|l| l.audience.as_str()));
            let client = client_id.map(|c| directory.name_of(Resource::Client, c).unwrap_or(c));
            let api = audience.map(|a| {
                if is_management_audience(a) {
                    MANAGEMENT_API
                } else {
                    directory.name_of(Resource::ResourceServer, a).unwrap_or(a)
                }
            });
            if let (Some(c), Some(a)) = (client, api) {
                push(ObjectKind::ClientGrant, Some(&format!("{c} -> {a}")));
            }
            push(ObjectKind::Client, client);
        }
        Resource::ResourceServer => push(ObjectKind::ResourceServer, field("name")),
        Resource::Connection => push(
            ObjectKind::Connection,
            field("name").or(learned(Resource::Connection)),
        ),
        Resource::Action => push(
            ObjectKind::Action,
            field("name").or(learned(Resource::Action)),
        ),
        Resource::Rule => push(ObjectKind::Rule, field("name").or(learned(Resource::Rule))),
        Resource::Hook => push(ObjectKind::Hook, field("name").or(learned(Resource::Hook))),
        Resource::Role => push(ObjectKind::Role, field("name").or(learned(Resource::Role))),
        Resource::Organization => push(
            ObjectKind::Organization,
            field("name").or(learned(Resource::Organization)),
        ),
        Resource::CustomDomain => push(ObjectKind::CustomDomain, field("domain")),
        Resource::LogStream => push(ObjectKind::LogStream, field("name")),
        Resource::TriggerBindings => {
            for name in binding_action_names(event, directory) {
                push(ObjectKind::Action, Some(&name));
            }
            push(ObjectKind::Tenant, Some("*"));
        }
        r if r.is_tenant_wide() => push(ObjectKind::Tenant, Some("*")),
        _ => {}
    }
}

/// Action names bound by a trigger-bindings update (`bindings[].ref` or `display_name`).
fn binding_action_names(event: &LogEvent, directory: &ObjectDirectory) -> Vec<String> {
    let Some(Value::Array(bindings)) = event.changed_field("bindings") else {
        return Vec::new();
    };
    bindings
        .iter()
        .filter_map(|b| {
            let r = b.get("ref");
            let ty = r.and_then(|r| r.get("type")).and_then(Value::as_str);
            let value = r.and_then(|r| r.get("value")).and_then(Value::as_str);
            let by_ref = match (ty, value) {
                (Some("action_name"), Some(v)) => Some(v.to_string()),
                (Some("action_id"), Some(v)) => {
                    directory.name_of(Resource::Action, v).map(str::to_string)
                }
                _ => None,
            };
            by_ref.or_else(|| {
                b.get("display_name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
        })
        .collect()
}

/// The open findings an event touches, each with the object through which it does, without
/// repeats.
pub fn correlate(index: &dyn FindingIndex, objects: &[ObjectRef]) -> Vec<(FindingRef, ObjectRef)> {
    let mut out: Vec<(FindingRef, ObjectRef)> = Vec::new();
    for object in objects {
        for finding in index.lookup(object) {
            if !out.iter().any(|(f, _)| f == &finding) {
                out.push((finding, object.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "correlate_tests.rs"]
mod tests;
