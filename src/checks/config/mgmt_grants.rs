//! Client grants: Management API grants judged by the worst impact class of their scopes
//! ([`crate::graph::worst_impact`]) and by how the client authenticates, machine-to-machine
//! clients holding write scopes with a shared secret, and user-subject / organisation-wide /
//! all-scope grants.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::graph::{Impact, impact_of, worst_impact};
use crate::tenant::{ClientGrant, TenantSnapshot};

use super::support::{ClientAuth, client_auth, config_rule, evidence, file_or};

config_rule!(MGMT_GRANT_IMPACT {
    id: "management-api.dangerous-grant",
    title: "Application holds Management API scopes that reach users, secrets or the tenant",
    severity: Critical,
    category: ManagementApi,
    needs: [ClientGrants],
    reads: [
        "client_grants.audience",
        "client_grants.scope",
        "client_grants.allow_all_scopes",
        "clients.token_endpoint_auth_method",
        "clients.client_authentication_methods"
    ],
    condition: "A client grant on the Management API holds a write or user-data scope; severity follows the worst scope class (tenant or account takeover, credential theft, privilege escalation: critical; user dump, defence downgrade: high; branding, logs, other writes: medium), one level lower when the client authenticates with private_key_jwt or mTLS.",
    remediation: "Cut the grant to the scopes the client needs (read-only where possible), move the client to private_key_jwt, and keep its credentials out of code and CI logs.",
    matches: [
        "GAP mgmt-write-grants",
        "GAP escalation-scopes",
        "path(c)11",
        "path(c)14",
        "path(c)15",
        "path(c)16",
        "path(c)26",
        "DET:client_with_overpermissive_granted_scopes",
        "DET:grant_mgn_api_scopes"
    ],
    eval: eval_impact,
});

config_rule!(M2M_SHARED_SECRET {
    id: "management-api.m2m-shared-secret",
    title: "Management API client with write scopes authenticates with a shared secret",
    severity: Medium,
    category: ManagementApi,
    needs: [ClientGrants, Clients],
    reads: [
        "client_grants.scope",
        "clients.token_endpoint_auth_method",
        "clients.client_authentication_methods"
    ],
    condition: "A client holding create:/update:/delete: scopes on the Management API has no private_key_jwt or mTLS credentials, so a copied client secret is enough to use them.",
    remediation: "Register a key and switch the client to private_key_jwt; rotate and delete the client secret.",
    matches: ["GAP m2m-credential"],
    eval: eval_shared_secret,
});

config_rule!(USER_SUBJECT_GRANT {
    id: "client-grant.broad-subject",
    title: "Client grant for users, any organisation or all scopes",
    severity: Medium,
    category: Api,
    needs: [ClientGrants],
    reads: [
        "client_grants.subject_type",
        "client_grants.allow_any_organization",
        "client_grants.allow_all_scopes",
        "client_grants.default_for"
    ],
    condition: "A grant allows all scopes (high), has subject_type user on the Management API (high), or has subject_type user on another API, allows any organisation, or is the default for third-party clients (medium).",
    remediation: "Grant explicit scopes to explicit clients; keep user-subject grants off the Management API and restrict organisation access.",
    matches: ["GAP user-subject-grants", "GAP org-grants"],
    eval: eval_subject,
});

fn api_name(s: &TenantSnapshot, audience: &str) -> String {
    if s.is_management_api(audience) {
        return "Management API".to_string();
    }
    s.resource_server_by_identifier(audience)
        .map_or_else(|| audience.to_string(), |a| a.name.clone())
}

fn grant_ref(s: &TenantSnapshot, g: &ClientGrant) -> ObjectRef {
    ObjectRef::new(
        ObjectKind::ClientGrant,
        format!("{} -> {}", g.client, api_name(s, &g.audience)),
    )
}

fn grant_file(g: &ClientGrant) -> String {
    file_or(&g.file, "grants", &g.client)
}

fn one_lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

fn auth_of(s: &TenantSnapshot, client: &str) -> Option<ClientAuth> {
    s.client(client).map(client_auth)
}

fn eval_impact(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.client_grants
        .iter()
        .filter(|g| s.is_management_api(&g.audience))
        .filter_map(|g| {
            let all = g.allow_all_scopes == Some(true);
            let (impact, scopes) = if all {
                (Impact::TenantTakeover, vec!["(all scopes)"])
            } else {
                worst_impact(g.scope.iter().map(String::as_str))?
            };
            let auth = auth_of(s, &g.client);
            let strong = auth == Some(ClientAuth::PrivateKey);
            let severity = if strong {
                one_lower(impact.severity())
            } else {
                impact.severity()
            };
            let how = auth.map_or("an unknown method", ClientAuth::describe);
            let mut d = format!(
                "\"{}\" holds {} on the Management API: {}.",
                g.client,
                scopes.join(", "),
                impact.describe()
            );
            let others = other_impacts(g, impact);
            if !others.is_empty() {
                d.push_str(&format!(" Also: {}.", others.join("; ")));
            }
            d.push_str(&format!(" It authenticates with {how}."));
            let objects = vec![
                ObjectRef::new(ObjectKind::Client, g.client.clone()),
                grant_ref(s, g),
                ObjectRef::new(ObjectKind::ManagementApi, impact.describe()),
            ];
            Some(
                Hit::new(objects, d)
                    .with_severity(severity)
                    .with_evidence(evidence(
                        &grant_file(g),
                        format!("scope: {}", g.scope.join(" ")),
                    )),
            )
        })
        .collect()
}

/// The grant's other impactful scopes, grouped by impact, worst first (`scope, scope (impact)`).
fn other_impacts(g: &ClientGrant, worst: Impact) -> Vec<String> {
    let mut by_impact: Vec<(Impact, Vec<&str>)> = Vec::new();
    for scope in &g.scope {
        let Some(impact) = impact_of(scope).filter(|i| *i != worst) else {
            continue;
        };
        match by_impact.iter_mut().find(|(i, _)| *i == impact) {
            Some((_, list)) => list.push(scope),
            None => by_impact.push((impact, vec![scope])),
        }
    }
    by_impact.sort_by_key(|(i, _)| *i);
    by_impact
        .into_iter()
        .map(|(i, list)| format!("{} ({})", list.join(", "), i.describe()))
        .collect()
}

fn is_write(scope: &str) -> bool {
    scope.starts_with("create:") || scope.starts_with("update:") || scope.starts_with("delete:")
}

fn eval_shared_secret(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.client_grants
        .iter()
        .filter(|g| s.is_management_api(&g.audience))
        .filter_map(|g| {
            let client = s.client(&g.client)?;
            if client_auth(client) != ClientAuth::SharedSecret {
                return None;
            }
            let writes: Vec<&str> = g.scope.iter().map(String::as_str).filter(|sc| is_write(sc)).collect();
            if writes.is_empty() && g.allow_all_scopes != Some(true) {
                return None;
            }
            let d = format!(
                "\"{}\" can write through the Management API ({} write scopes) with nothing but its client secret.",
                g.client,
                writes.len()
            );
            let method = client.token_endpoint_auth_method.as_deref().unwrap_or("client_secret_post (default)");
            Some(
                Hit::new(vec![ObjectRef::new(ObjectKind::Client, g.client.clone()), grant_ref(s, g)], d)
                    .with_evidence(evidence(&file_or(&client.file, "clients", &client.name), format!("token_endpoint_auth_method: {method}")))
                    .with_evidence(evidence(&grant_file(g), format!("scope: {}", writes.join(" ")))),
            )
        })
        .collect()
}

fn eval_subject(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.client_grants
        .iter()
        .filter_map(|g| {
            let mgmt = s.is_management_api(&g.audience);
            let user = g.subject_type.as_deref() == Some("user");
            let mut problems: Vec<(Severity, String)> = Vec::new();
            if g.allow_all_scopes == Some(true) {
                problems.push((Severity::High, "allow_all_scopes: true".into()));
            }
            if user {
                let sev = if mgmt {
                    Severity::High
                } else {
                    Severity::Medium
                };
                problems.push((sev, "subject_type: user".into()));
            }
            if g.allow_any_organization == Some(true) {
                problems.push((Severity::Medium, "allow_any_organization: true".into()));
            }
            if let Some(d) = g
                .default_for
                .as_deref()
                .filter(|d| d.contains("third_party"))
            {
                problems.push((Severity::Medium, format!("default_for: {d}")));
            }
            let severity = problems.iter().map(|p| p.0).max()?;
            let texts: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
            let d = format!(
                "Client grant of \"{}\" for {} is broad: {}.",
                g.client,
                api_name(s, &g.audience),
                texts.join(", ")
            );
            let file = grant_file(g);
            let hit = Hit::new(
                vec![
                    ObjectRef::new(ObjectKind::Client, g.client.clone()),
                    grant_ref(s, g),
                ],
                d,
            )
            .with_severity(severity);
            Some(
                problems
                    .iter()
                    .fold(hit, |h, p| h.with_evidence(evidence(&file, p.1.clone()))),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    const MGMT: &str = "https://acme.eu.auth0.com/api/v2/";

    fn m2m(auth: Value, scopes: &[&str]) -> TenantSnapshot {
        let mut client = json!({"name": "Sync", "app_type": "non_interactive"});
        if let (Some(c), Some(a)) = (client.as_object_mut(), auth.as_object()) {
            c.extend(a.clone());
        }
        TenantBuilder::new()
            .client(client)
            .grant(json!({"client_id": "Sync", "audience": MGMT, "scope": scopes}))
            .build()
    }

    fn pkjwt() -> Value {
        json!({"client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": "cred_1"}]}}})
    }

    #[test]
    fn takeover_scopes_depend_on_client_auth() {
        let secret = m2m(json!({}), &["read:users", "update:actions"]);
        let hit = one(&MGMT_GRANT_IMPACT, &secret);
        assert_eq!(hit.severity, Some(Severity::Critical));
        assert!(hit.description.contains("update:actions"));
        assert!(
            hit.description.contains("read:users (full dump"),
            "{}",
            hit.description
        );
        assert!(
            hit.objects
                .iter()
                .any(|o| o.name == "Sync -> Management API")
        );
        assert_eq!(
            severity(&MGMT_GRANT_IMPACT, &m2m(pkjwt(), &["update:actions"])),
            Severity::High
        );
        assert_eq!(
            severity(&MGMT_GRANT_IMPACT, &m2m(json!({}), &["read:users"])),
            Severity::High
        );
    }

    #[test]
    fn read_only_and_non_management_grants_are_clean() {
        clean(
            &MGMT_GRANT_IMPACT,
            &m2m(json!({}), &["read:clients", "read:stats"]),
        );
        let other = TenantBuilder::new()
            .grant(json!({"client_id": "Sync", "audience": "https://orders", "scope": ["update:users"]}))
            .build();
        clean(&MGMT_GRANT_IMPACT, &other);
        clean(&M2M_SHARED_SECRET, &other);
    }

    #[test]
    fn shared_secret_with_write_scopes() {
        assert_eq!(
            severity(&M2M_SHARED_SECRET, &m2m(json!({}), &["delete:users"])),
            Severity::Medium
        );
        clean(&M2M_SHARED_SECRET, &m2m(pkjwt(), &["delete:users"]));
        clean(&M2M_SHARED_SECRET, &m2m(json!({}), &["read:users"]));
    }

    #[test]
    fn broad_subject_grants() {
        let s = TenantBuilder::new()
            .grant(json!({"client_id": "Web", "audience": MGMT, "scope": ["read:current_user"], "subject_type": "user"}))
            .build();
        assert_eq!(severity(&USER_SUBJECT_GRANT, &s), Severity::High);
        let s = TenantBuilder::new()
            .grant(
                json!({"client_id": "Web", "audience": "https://orders", "scope": ["read:orders"],
                "subject_type": "user", "allow_any_organization": true}),
            )
            .build();
        let hit = one(&USER_SUBJECT_GRANT, &s);
        assert_eq!(hit.severity, Some(Severity::Medium));
        assert_eq!(hit.evidence.len(), 2);
        clean(
            &USER_SUBJECT_GRANT,
            &TenantBuilder::new()
                .grant(json!({"client_id": "Sync", "audience": "https://orders", "scope": ["read:orders"], "subject_type": "client"}))
                .build(),
        );
    }
}
