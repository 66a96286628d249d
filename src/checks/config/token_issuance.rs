//! How many and how durable the tokens are that the tenant hands out: APIs that issue refresh
//! tokens (`allow_offline_access`) to public applications that can reach them, and M2M
//! applications that may mint access tokens without a quota.

use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::graph::names::user_policy;
use crate::tenant::{Client, ResourceServer, TenantSnapshot};

use super::support::{
    client_ref, config_rule, evidence, file_or, is_global, is_public_client, list, settings_file,
    tenant_ref,
};

config_rule!(OFFLINE_ACCESS_PUBLIC {
    id: "api.offline-access-public-clients",
    title: "API issues refresh tokens to public applications",
    severity: Medium,
    category: Api,
    needs: [ResourceServers, Clients],
    reads: [
        "resource_servers.allow_offline_access",
        "resource_servers.subject_type_authorization.user.policy",
        "clients.app_type",
        "clients.grant_types",
        "clients.refresh_token.rotation_type",
        "client_grants.subject_type"
    ],
    condition: "An API allows offline access and a single-page or native application with the refresh_token grant can get user tokens for it (user policy allow_all/unset, or a user client grant); medium when such an application's refresh tokens do not rotate, low otherwise.",
    remediation: "Switch allow_offline_access off for APIs public clients do not need long-lived access to, or make those clients' refresh tokens rotating and expiring.",
    matches: ["GAP offline-access-spa"],
    eval: eval_offline,
});

config_rule!(NO_TOKEN_QUOTA {
    id: "client.no-token-quota",
    title: "M2M applications can mint access tokens without a quota",
    severity: Info,
    category: Application,
    needs: [Clients, ClientGrants, TenantSettings],
    reads: [
        "clients.token_quota",
        "tenant.default_token_quota",
        "client_grants.client_id"
    ],
    condition: "The tenant sets no default_token_quota and M2M applications that hold client grants set no token_quota, so a leaked credential can mint tokens without limit.",
    remediation: "Set a default token quota for M2M clients (tenant default_token_quota) or per-client token_quota.",
    matches: ["GAP token-quota"],
    eval: eval_quota,
});

fn api_ref(api: &ResourceServer) -> ObjectRef {
    let name = if api.name.is_empty() {
        &api.identifier
    } else {
        &api.name
    };
    ObjectRef::new(ObjectKind::ResourceServer, name.clone())
}

/// Whether `c` can obtain user tokens for `api`.
fn reaches(s: &TenantSnapshot, c: &Client, api: &ResourceServer) -> bool {
    match user_policy(api) {
        Some("deny_all") => false,
        Some("require_client_grant") => s
            .grants_of(&c.name)
            .any(|g| g.audience == api.identifier && g.subject_type.as_deref() == Some("user")),
        _ => true,
    }
}

fn rotates(c: &Client) -> bool {
    c.refresh_token
        .as_ref()
        .and_then(|r| r.rotation_type.as_deref())
        == Some("rotating")
}

fn eval_offline(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let public: Vec<&Client> = s
        .clients
        .iter()
        .filter(|c| !is_global(c) && is_public_client(c) && c.allows_grant("refresh_token"))
        .collect();
    s.resource_servers
        .iter()
        .filter(|a| a.allow_offline_access == Some(true) && !s.is_management_api(&a.identifier))
        .filter_map(|api| {
            let holders: Vec<&&Client> = public.iter().filter(|c| reaches(s, c, api)).collect();
            if holders.is_empty() {
                return None;
            }
            let non_rotating: Vec<&str> = holders
                .iter()
                .filter(|c| !rotates(c))
                .map(|c| c.name.as_str())
                .collect();
            let names: Vec<&str> = holders.iter().map(|c| c.name.as_str()).collect();
            let (severity, detail) = if non_rotating.is_empty() {
                (Severity::Low, "their refresh tokens rotate".to_string())
            } else {
                (
                    Severity::Medium,
                    format!("{} keep non-rotating refresh tokens", list(&non_rotating, 3)),
                )
            };
            let mut objects = vec![api_ref(api)];
            objects.extend(holders.iter().map(|c| client_ref(c)));
            Some(
                Hit::new(
                    objects,
                    format!(
                        "API \"{}\" issues refresh tokens to public application(s) {} ({detail}); a token stolen from the browser or device keeps access offline.",
                        api_ref(api).name,
                        list(&names, 3)
                    ),
                )
                .with_severity(severity)
                .with_evidence(evidence(
                    &file_or(&api.file, "resource-servers", &api.name),
                    "allow_offline_access: true",
                )),
            )
        })
        .collect()
}

fn has_quota(v: Option<&Value>) -> bool {
    v.is_some_and(|q| !q.is_null())
}

fn eval_quota(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if has_quota(s.settings.extra.get("default_token_quota")) {
        return Vec::new();
    }
    let unlimited: Vec<&Client> = s
        .clients
        .iter()
        .filter(|c| c.is_m2m() && !is_global(c))
        .filter(|c| !has_quota(c.extra.get("token_quota")))
        .filter(|c| {
            s.grants_of(&c.name)
                .any(|g| g.subject_type.as_deref() != Some("user"))
        })
        .collect();
    if unlimited.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = unlimited.iter().map(|c| c.name.as_str()).collect();
    let mut objects = vec![tenant_ref(s)];
    objects.extend(unlimited.iter().map(|c| client_ref(c)));
    vec![
        Hit::new(
            objects,
            format!(
                "No token quota limits client-credentials issuance for {}.",
                list(&names, 5)
            ),
        )
        .with_evidence(evidence(
            &settings_file(s),
            "default_token_quota: (not set)",
        )),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    fn api(policy: &str) -> serde_json::Value {
        json!({"name": "Orders", "identifier": "https://api.acme.example", "allow_offline_access": true,
            "subject_type_authorization": {"user": {"policy": policy}}})
    }

    #[test]
    fn spa_with_non_rotating_tokens_is_medium() {
        let s = TenantBuilder::new()
            .api(api("allow_all"))
            .client(json!({"name": "SPA", "app_type": "spa", "grant_types": ["authorization_code", "refresh_token"]}))
            .build();
        let hit = one(&OFFLINE_ACCESS_PUBLIC, &s);
        assert_eq!(hit.severity, Some(Severity::Medium));
        assert!(hit.description.contains("\"SPA\""));
    }

    #[test]
    fn rotating_tokens_are_low() {
        let s = TenantBuilder::new()
            .api(api("allow_all"))
            .client(json!({"name": "SPA", "app_type": "spa", "grant_types": ["authorization_code", "refresh_token"],
                "refresh_token": {"rotation_type": "rotating"}}))
            .build();
        assert_eq!(severity(&OFFLINE_ACCESS_PUBLIC, &s), Severity::Low);
    }

    #[test]
    fn unreachable_api_or_confidential_clients_are_clean() {
        let spa = json!({"name": "SPA", "app_type": "spa", "grant_types": ["authorization_code", "refresh_token"]});
        let s = TenantBuilder::new()
            .api(api("require_client_grant"))
            .client(spa.clone())
            .build();
        clean(&OFFLINE_ACCESS_PUBLIC, &s);
        let s = TenantBuilder::new()
            .api(api("allow_all"))
            .client(json!({"name": "Web", "app_type": "regular_web", "grant_types": ["authorization_code", "refresh_token"]}))
            .client(json!({"name": "SPA", "app_type": "spa", "grant_types": ["authorization_code"]}))
            .build();
        clean(&OFFLINE_ACCESS_PUBLIC, &s);
        // A user grant makes the API reachable under require_client_grant.
        let s = TenantBuilder::new()
            .api(api("require_client_grant"))
            .client(spa)
            .grant(json!({"client_id": "SPA", "audience": "https://api.acme.example", "subject_type": "user"}))
            .build();
        one(&OFFLINE_ACCESS_PUBLIC, &s);
    }

    #[test]
    fn token_quota_missing_for_m2m_with_grants() {
        let m2m = json!({"name": "Sync", "app_type": "non_interactive"});
        let grant = json!({"client_id": "Sync", "audience": "https://api.acme.example", "scope": ["read:x"]});
        let s = TenantBuilder::new()
            .client(m2m.clone())
            .grant(grant.clone())
            .build();
        assert!(one(&NO_TOKEN_QUOTA, &s).description.contains("\"Sync\""));
        let tenant_quota = TenantBuilder::new()
            .settings(json!({"default_token_quota": {"clients": {"client_credentials": {"per_hour": 100}}}}))
            .client(m2m)
            .grant(grant.clone())
            .build();
        clean(&NO_TOKEN_QUOTA, &tenant_quota);
        let client_quota = TenantBuilder::new()
            .client(json!({"name": "Sync", "app_type": "non_interactive",
                "token_quota": {"client_credentials": {"per_day": 1000}}}))
            .grant(grant)
            .build();
        clean(&NO_TOKEN_QUOTA, &client_quota);
        let no_grant = TenantBuilder::new()
            .client(json!({"name": "Sync", "app_type": "non_interactive"}))
            .build();
        clean(&NO_TOKEN_QUOTA, &no_grant);
    }
}
