//! Paths that start with public signup: scope self-grant on an API without RBAC, and signup
//! into an internal application through a shared connection.

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule, RuleMeta};
use crate::findings::{Category, ObjectKind, ObjectRef, Severity};
use crate::graph::{AttackGraph, Edge, EdgeKind, NodeId};
use crate::tenant::DataKind;

use super::privilege::looks_privileged;

pub static RBAC_OFF_SELF_GRANT: Rule = Rule {
    meta: RuleMeta {
        id: "path.rbac-off-scope-self-grant",
        title: "Anyone can sign up and ask for any scope of an API without RBAC",
        severity: Severity::Critical,
        category: Category::AttackPath,
        reads: &[
            "connections.options.disable_signup",
            "connections.enabled_clients",
            "resource_servers.enforce_policies",
            "resource_servers.scopes",
            "resource_servers.subject_type_authorization",
        ],
        condition: "An open signup connection is enabled for an application that can request user tokens for an API whose enforce_policies is false and that defines scopes.",
        remediation: "Turn on RBAC (enforce_policies) for the API and assign its scopes through roles, or require client grants for user tokens (subject_type_authorization.user.policy: require_client_grant).",
        matches: &["path(c)5", "GAP rbac-off"],
    },
    needs: &[
        DataKind::Connections,
        DataKind::ResourceServers,
        DataKind::Clients,
    ],
    eval: eval_rbac_off,
};

pub static HIDDEN_SIGNUP_INTERNAL_APP: Rule = Rule {
    meta: RuleMeta {
        id: "path.hidden-signup-internal-app",
        title: "Public signup reaches an internal application through a shared connection",
        severity: Severity::High,
        category: Category::AttackPath,
        reads: &[
            "connections.options.disable_signup",
            "connections.enabled_clients",
            "clients.name",
            "clients.app_type",
            "tenant.flags.enable_client_connections",
        ],
        condition: "A database connection with open signup is enabled for an application whose name marks it internal (admin, staff, employee, back office, support, ...).",
        remediation: "Move the internal application to a connection with signup disabled, or deny unknown users in a post-login Action keyed on event.client; hiding the signup button does not stop POST /dbconnections/signup.",
        matches: &["path(c)8", "GAP enabled-connections", "GAP public-signup"],
    },
    needs: &[DataKind::Connections, DataKind::Clients],
    eval: eval_hidden_signup,
};

/// Connections with open signup (they have `SignupWrites` edges).
fn signup_connections(g: &AttackGraph) -> Vec<NodeId> {
    let mut v: Vec<NodeId> = g
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::SignupWrites)
        .map(|e| e.from)
        .collect();
    v.sort();
    v.dedup();
    v
}

fn eval_rbac_off(ctx: &ScanContext) -> Vec<Hit> {
    let g = ctx.graph;
    let mut hits = Vec::new();
    for conn in signup_connections(g) {
        let mut seen_apis = Vec::new();
        // Name the most exposed application first: public ones before internal-looking ones.
        let mut enabled_for: Vec<&Edge> = g.out_of(conn, EdgeKind::EnabledFor).collect();
        enabled_for.sort_by_key(|e| g.get(e.to).map(|n| exposure_rank(ctx, &n.name)));
        for enabled in enabled_for {
            for req in g.out_of(enabled.to, EdgeKind::CanRequestTokensFor) {
                if seen_apis.contains(&req.to) {
                    continue;
                }
                seen_apis.push(req.to);
                let scopes: Vec<&Edge> = g.out_of(req.to, EdgeKind::IssuesAnyScope).collect();
                // Scope nodes of RBAC-off APIs are named "<identifier> <scope>"; judge the scope.
                let scope_of = |e: &&Edge| {
                    g.get(e.to)
                        .map(|n| n.name.rsplit(' ').next().unwrap_or("").to_string())
                };
                let mut privileged: Vec<&Edge> = scopes
                    .iter()
                    .copied()
                    .filter(|e| scope_of(e).is_some_and(|s| looks_privileged(&s)))
                    .collect();
                privileged.sort_by_key(|e| scope_of(e).map(|s| privilege_rank(&s)));
                let Some(example) = privileged.first().or(scopes.first()).copied() else {
                    continue;
                };
                let chain = [enabled, req, example];
                let steps = g.steps(&chain);
                let mut objects: Vec<ObjectRef> = steps[..3.min(steps.len())]
                    .iter()
                    .map(|s| ObjectRef::new(s.kind, s.name.clone()))
                    .collect();
                objects.sort();
                let names: Vec<String> = privileged
                    .iter()
                    .chain(if privileged.is_empty() {
                        scopes.iter()
                    } else {
                        [].iter()
                    })
                    .filter_map(scope_of)
                    .collect();
                let api = g.get(req.to).map(|n| n.name.clone()).unwrap_or_default();
                let description = format!(
                    "Anyone can sign up and then request tokens for \"{api}\" with any of its scopes ({}); \
                     without RBAC Auth0 issues every requested scope.",
                    names.join(", ")
                );
                let severity = if privileged.is_empty() {
                    Severity::High
                } else {
                    Severity::Critical
                };
                let evidence = AttackGraph::evidence(&chain);
                let hit = Hit::new(objects, description)
                    .with_severity(severity)
                    .with_path(steps);
                hits.push(Hit { evidence, ..hit });
            }
        }
    }
    hits
}

/// Orders applications by how exposed they are: public browser apps first, internal ones last.
fn exposure_rank(ctx: &ScanContext, client: &str) -> (bool, u8) {
    let app_type = ctx
        .snapshot
        .client(client)
        .and_then(|c| c.app_type.as_deref());
    let rank = match app_type {
        Some("spa") => 0,
        Some("native") => 1,
        Some("regular_web") => 2,
        _ => 3,
    };
    (looks_internal(client), rank)
}

/// Orders scopes so that the most dangerous is named first (write/delete/admin before read).
fn privilege_rank(scope: &str) -> u8 {
    let s = scope.to_ascii_lowercase();
    if s.contains("admin") && !s.contains("read")
        || s.contains("delete")
        || s.contains("write")
        || s.contains("manage")
    {
        0
    } else if s.contains("admin") {
        1
    } else {
        2
    }
}

/// Application names that say the application is meant for staff only.
fn looks_internal(name: &str) -> bool {
    static INTERNAL: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(admin|administration|internal|staff|employees?|back[- ]?office|intranet|ops|support|console|dashboard|corp|hr|finance)\b",
        )
        .ok()
    });
    INTERNAL.as_ref().is_some_and(|re| re.is_match(name))
}

fn eval_hidden_signup(ctx: &ScanContext) -> Vec<Hit> {
    let g = ctx.graph;
    let auto_enable = ctx.snapshot.settings.flags.enable_client_connections != Some(false);
    let mut hits = Vec::new();
    for conn in signup_connections(g) {
        for enabled in g.out_of(conn, EdgeKind::EnabledFor) {
            let Some(client) = g.get(enabled.to) else {
                continue;
            };
            if client.kind != ObjectKind::Client || !looks_internal(&client.name) {
                continue;
            }
            let steps = g.steps(&[enabled]);
            let objects = steps
                .iter()
                .map(|s| ObjectRef::new(s.kind, s.name.clone()))
                .collect();
            let conn_name = g.get(conn).map(|n| n.name.clone()).unwrap_or_default();
            let mut description = format!(
                "\"{conn_name}\" accepts public signups and is enabled for \"{}\", which looks internal. \
                 Anyone can create an account with POST /dbconnections/signup and client_id of that application, \
                 even when its login page hides the signup link.",
                client.name
            );
            if auto_enable {
                description.push_str(" The tenant flag enable_client_connections also enables every connection for new applications.");
            }
            let hit = Hit::new(objects, description).with_path(steps);
            hits.push(Hit {
                evidence: enabled.evidence.clone(),
                ..hit
            });
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::looks_internal;

    #[test]
    fn internal_names() {
        assert!(looks_internal("Acme Admin Portal"));
        assert!(looks_internal("Support Dashboard"));
        assert!(!looks_internal("Acme Storefront"));
        assert!(!looks_internal("Mobile App"));
        assert!(!looks_internal("Acme Shops"));
    }
}
