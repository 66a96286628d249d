//! The theoretical minimum number of Management API requests for a complete read of a tenant
//! (the inventory `authpath scan --tenant` takes), from the tenant's object counts and the
//! paging rules of the reference (section 2):
//!
//! - a list of `n` items at the largest page size `p` takes `max(1, ceil(n / p))` requests
//!   (offset paging with `include_totals` stops at `total`; checkpoint paging stops when `next`
//!   is absent, so an exact multiple of `p` needs no extra empty page); `p` is 100, except
//!   1000 for `GET /connections/{id}/clients`;
//! - per-object sub-lists: enabled clients per connection, permissions per role, enabled
//!   connections per organization, bindings per trigger that `GET /actions/triggers` lists;
//! - one request per single-object endpoint: tenant settings, log streams, 5 attack-protection
//!   settings, 8 MFA endpoints (factors, policies, phone provider and message types, 4 factor
//!   providers), email provider, 13 email templates (no list endpoint), custom
//!   domains, prompts, the trigger list, one page of users for shapes.
//!
//! The token request is not a Management API request (no rate limit) and is not counted.

use serde_json::Value;

use crate::routes::known_triggers;
use crate::store::Tenant;

/// Requests a list of `n` items takes at page size `page`.
pub fn pages(n: usize, page: usize) -> u64 {
    n.div_ceil(page.max(1)).max(1) as u64
}

/// Email templates read one by one (the reader's list).
pub const EMAIL_TEMPLATE_COUNT: u64 = 13;
/// Single-object endpoints: settings, log streams, 5 attack protection, 8 MFA, email provider,
/// custom domains, prompts, trigger list, user sample.
pub const SINGLE_OBJECT_REQUESTS: u64 = 1 + 1 + 5 + 8 + 1 + 1 + 1 + 1 + 1;

fn len_of(v: Option<&Value>) -> usize {
    v.and_then(Value::as_array).map_or(0, Vec::len)
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub what: &'static str,
    pub requests: u64,
}

/// The minimum, with the breakdown per resource type.
pub fn minimum_requests(t: &Tenant) -> (u64, Vec<Part>) {
    let clients = t
        .clients
        .iter()
        .filter(|c| c.get("global").and_then(Value::as_bool) != Some(true))
        .count();
    let conn_clients: u64 = t
        .connections
        .iter()
        .map(|c| pages(len_of(c.get("enabled_clients")), 1000))
        .sum();
    let role_perms: u64 = t
        .roles
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_str))
        .map(|id| pages(t.role_permissions.get(id).map_or(0, Vec::len), 100))
        .sum();
    let org_conns: u64 = t
        .organizations
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .map(|id| pages(t.org_connections.get(id).map_or(0, Vec::len), 100))
        .sum();
    let bindings: u64 = known_triggers()
        .iter()
        .map(|(id, _)| pages(t.bindings.get(*id).map_or(0, Vec::len), 100))
        .sum();
    let parts = vec![
        Part {
            what: "clients",
            requests: pages(clients, 100),
        },
        Part {
            what: "client grants",
            requests: pages(t.client_grants.len(), 100),
        },
        Part {
            what: "APIs",
            requests: pages(t.resource_servers.len(), 100),
        },
        Part {
            what: "connections + enabled clients",
            requests: pages(t.connections.len(), 100) + conn_clients,
        },
        Part {
            what: "actions",
            requests: pages(t.actions.len(), 100),
        },
        Part {
            what: "trigger bindings",
            requests: bindings,
        },
        Part {
            what: "rules, hooks",
            requests: pages(t.rules.len(), 100) + pages(t.hooks.len(), 100),
        },
        Part {
            what: "roles + permissions",
            requests: pages(t.roles.len(), 100) + role_perms,
        },
        Part {
            what: "organizations + connections",
            requests: pages(t.organizations.len(), 100) + org_conns,
        },
        Part {
            what: "single objects and email templates",
            requests: SINGLE_OBJECT_REQUESTS + EMAIL_TEMPLATE_COUNT,
        },
    ];
    (parts.iter().map(|p| p.requests).sum(), parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_round_up_and_an_empty_list_still_costs_one() {
        assert_eq!(pages(0, 100), 1);
        assert_eq!(pages(100, 100), 1);
        assert_eq!(pages(101, 100), 2);
        assert_eq!(pages(5000, 100), 50);
        assert_eq!(pages(4100, 1000), 5);
    }

    #[test]
    fn breakdown_counts_sub_lists() {
        let mut clients: Vec<Value> = (0..250)
            .map(|i| json!({"client_id": i.to_string()}))
            .collect();
        clients.push(json!({"client_id": "g", "global": true}));
        let mut t = Tenant {
            clients,
            connections: vec![
                json!({"id": "c1", "enabled_clients": (0..1500).collect::<Vec<_>>()}),
                json!({"id": "c2", "enabled_clients": []}),
            ],
            ..Tenant::default()
        };
        t.roles = vec![json!({"id": "r1"})];
        t.role_permissions.insert("r1".into(), vec![json!({}); 150]);
        let (total, parts) = minimum_requests(&t);
        let get = |w: &str| parts.iter().find(|p| p.what == w).unwrap().requests;
        assert_eq!(get("clients"), 3, "the global client is not listed");
        assert_eq!(get("connections + enabled clients"), 1 + 2 + 1);
        assert_eq!(get("roles + permissions"), 1 + 2);
        assert_eq!(get("trigger bindings"), 7);
        assert_eq!(total, parts.iter().map(|p| p.requests).sum::<u64>());
    }
}
