//! APIs (resource servers): who may get user tokens for the Management API and for each API,
//! token signing, lifetimes, sender constraining and encryption.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity, mask_secret};
use crate::graph::names::user_policy;
use crate::tenant::{ResourceServer, TenantSnapshot};

use super::support::{config_rule, evidence, file_or};

config_rule!(MGMT_API_USER_ACCESS {
    id: "api.management-api-user-access",
    title: "Any application's users can get Management API tokens",
    severity: High,
    category: ManagementApi,
    needs: [ResourceServers],
    reads: [
        "resource_servers.subject_type_authorization.user.policy",
        "resource_servers.identifier"
    ],
    condition: "The Management API's user policy is neither require_client_grant nor deny_all (absent means allow_all), so any application can get user tokens with the *:current_user_* scopes, identity linking included.",
    remediation: "Set subject_type_authorization.user.policy to require_client_grant on the Management API and grant it only to the applications that need it.",
    matches: ["CM:checkManagementAPIUserAccess", "path(c)4"],
    eval: eval_mgmt_user,
});

config_rule!(API_USER_POLICY {
    id: "api.user-access-policy",
    title: "Any application can get user tokens for an API",
    severity: Medium,
    category: Api,
    needs: [ResourceServers],
    reads: [
        "resource_servers.subject_type_authorization.user.policy",
        "resource_servers.enforce_policies",
        "resource_servers.scopes"
    ],
    condition: "A non-system API's user policy is not require_client_grant or deny_all; high when RBAC is also off and the API defines scopes (any user of any app can ask for any scope).",
    remediation: "Set subject_type_authorization.user.policy to require_client_grant and turn on RBAC.",
    matches: [
        "CM:checkAPIAuthorizationPolicy",
        "GAP client-policy",
        "path(c)3"
    ],
    eval: eval_user_policy,
});

config_rule!(API_HS256 {
    id: "api.hs256-signing",
    title: "API access tokens are signed with a shared secret (HS256)",
    severity: Medium,
    category: Api,
    needs: [ResourceServers],
    reads: [
        "resource_servers.signing_alg",
        "resource_servers.signing_secret"
    ],
    condition: "signing_alg is HS256; high when the snapshot contains the signing secret (anyone who can read API settings can mint tokens).",
    remediation: "Switch the API to RS256 (or PS256) and validate tokens with the tenant's public keys.",
    matches: ["CM:checkAPISigningAlgorithm", "GAP hs256-secret-exposure"],
    eval: eval_hs256,
});

config_rule!(API_TOKEN_LIFETIME {
    id: "api.token-lifetime",
    title: "API access tokens live longer than a day",
    severity: Info,
    category: Api,
    needs: [ResourceServers],
    reads: [
        "resource_servers.token_lifetime",
        "resource_servers.token_lifetime_for_web"
    ],
    condition: "token_lifetime is above 86400 s (info) or at least 604800 s (low).",
    remediation: "Shorten access-token lifetimes (hours, not days) and use refresh tokens.",
    matches: ["CM:checkAPITokenLifetime", "GAP web-token-lifetime"],
    eval: eval_lifetime,
});

config_rule!(API_SENDER_CONSTRAINING {
    id: "api.no-sender-constraining",
    title: "API accepts unbound bearer tokens",
    severity: Low,
    category: Api,
    needs: [ResourceServers],
    reads: [
        "resource_servers.proof_of_possession.mechanism",
        "resource_servers.proof_of_possession.required"
    ],
    condition: "A non-system API has no proof_of_possession, or its mechanism is not dpop or mtls.",
    remediation: "Require DPoP or mTLS-bound tokens for sensitive APIs.",
    matches: ["CM:checkTokenConstrainingResourceServer"],
    eval: eval_pop,
});

config_rule!(API_TOKEN_ENCRYPTION {
    id: "api.no-token-encryption",
    title: "API access tokens are not encrypted",
    severity: Info,
    category: Api,
    needs: [ResourceServers],
    reads: [
        "resource_servers.token_encryption.format",
        "resource_servers.token_encryption.encryption_key"
    ],
    condition: "A non-system API has no token_encryption, a format other than compact-nested-jwe, or no encryption key.",
    remediation: "Encrypt access tokens that carry personal data (JWE, compact-nested-jwe).",
    matches: ["CM:checkJWEResourceServer"],
    eval: eval_jwe,
});

fn api_ref(api: &ResourceServer) -> ObjectRef {
    let name = if api.name.is_empty() {
        &api.identifier
    } else {
        &api.name
    };
    ObjectRef::new(ObjectKind::ResourceServer, name.clone())
}

fn api_file(api: &ResourceServer) -> String {
    file_or(&api.file, "resource-servers", &api.name)
}

fn is_mgmt(s: &TenantSnapshot, api: &ResourceServer) -> bool {
    s.is_management_api(&api.identifier)
}

/// Customer APIs: neither system APIs nor the Management API.
fn customer_apis(s: &TenantSnapshot) -> impl Iterator<Item = &ResourceServer> {
    s.resource_servers
        .iter()
        .filter(move |a| a.is_system != Some(true) && !is_mgmt(s, a))
}

fn open_policy(api: &ResourceServer) -> Option<&str> {
    match user_policy(api) {
        Some("require_client_grant" | "deny_all") => None,
        Some(p) => Some(p),
        None => Some("(not set: allow_all)"),
    }
}

fn eval_mgmt_user(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.resource_servers
        .iter()
        .filter(|a| is_mgmt(s, a))
        .filter_map(|api| {
            let policy = open_policy(api)?;
            let d = "Any application can obtain Management API tokens for its signed-in users (update:current_user_identities links accounts, update:current_user_metadata, ...).".to_string();
            Some(
                Hit::new(vec![api_ref(api), ObjectRef::new(ObjectKind::ManagementApi, "Management API")], d)
                    .with_evidence(evidence(&api_file(api), format!("subject_type_authorization.user.policy: {policy}"))),
            )
        })
        .collect()
}

fn eval_user_policy(ctx: &ScanContext) -> Vec<Hit> {
    customer_apis(ctx.snapshot)
        .filter_map(|api| {
            let policy = open_policy(api)?;
            let rbac_off = api.enforce_policies != Some(true) && !api.scopes.is_empty();
            let mut d = format!(
                "Any application can get user tokens for API \"{}\".",
                api_ref(api).name
            );
            let severity = if rbac_off {
                d.push_str(" RBAC is off, so a user can ask for any of its scopes.");
                Severity::High
            } else {
                Severity::Medium
            };
            Some(
                Hit::new(vec![api_ref(api)], d)
                    .with_severity(severity)
                    .with_evidence(evidence(
                        &api_file(api),
                        format!("subject_type_authorization.user.policy: {policy}"),
                    )),
            )
        })
        .collect()
}

fn eval_hs256(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .resource_servers
        .iter()
        .filter(|a| a.signing_alg.as_deref().is_some_and(|g| g.eq_ignore_ascii_case("HS256")))
        .map(|api| {
            let file = api_file(api);
            let mut d = format!("API \"{}\" access tokens are signed with a shared secret.", api_ref(api).name);
            let mut hit = Hit::new(vec![api_ref(api)], String::new())
                .with_evidence(evidence(&file, "signing_alg: HS256"));
            if let Some(secret) = api.signing_secret.as_deref().filter(|s| !s.is_empty()) {
                d.push_str(" The signing secret is readable by anyone who can read the API's settings (or this export).");
                hit = hit
                    .with_severity(Severity::High)
                    .with_evidence(evidence(&file, format!("signing_secret: {}", mask_secret(secret))));
            }
            hit.description = d;
            hit
        })
        .collect()
}

fn eval_lifetime(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .resource_servers
        .iter()
        .filter_map(|api| {
            let secs = api.token_lifetime.filter(|t| *t > 86_400)?;
            let severity = if secs >= 604_800 {
                Severity::Low
            } else {
                Severity::Info
            };
            let d = format!(
                "API \"{}\" access tokens live {} hours.",
                api_ref(api).name,
                secs / 3600
            );
            Some(
                Hit::new(vec![api_ref(api)], d)
                    .with_severity(severity)
                    .with_evidence(evidence(&api_file(api), format!("token_lifetime: {secs}"))),
            )
        })
        .collect()
}

fn eval_pop(ctx: &ScanContext) -> Vec<Hit> {
    customer_apis(ctx.snapshot)
        .filter_map(|api| {
            let mechanism = api
                .proof_of_possession
                .as_ref()
                .and_then(|p| p.get("mechanism"))
                .and_then(|m| m.as_str());
            if matches!(mechanism, Some("dpop" | "mtls")) {
                return None;
            }
            let d = format!("API \"{}\" accepts plain bearer tokens.", api_ref(api).name);
            Some(Hit::new(vec![api_ref(api)], d).with_evidence(evidence(
                &api_file(api),
                format!(
                    "proof_of_possession.mechanism: {}",
                    mechanism.unwrap_or("(not set)")
                ),
            )))
        })
        .collect()
}

fn eval_jwe(ctx: &ScanContext) -> Vec<Hit> {
    customer_apis(ctx.snapshot)
        .filter_map(|api| {
            let enc = api.token_encryption.as_ref();
            let format = enc.and_then(|e| e.get("format")).and_then(|f| f.as_str());
            let key = enc
                .and_then(|e| e.get("encryption_key"))
                .is_some_and(|k| !k.is_null());
            if format == Some("compact-nested-jwe") && key {
                return None;
            }
            let d = format!(
                "API \"{}\" access tokens are readable by anyone who holds one.",
                api_ref(api).name
            );
            Some(Hit::new(vec![api_ref(api)], d).with_evidence(evidence(
                &api_file(api),
                format!("token_encryption.format: {}", format.unwrap_or("(not set)")),
            )))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    #[test]
    fn management_api_user_access() {
        let open = TenantBuilder::new()
            .api(json!({"name": "Auth0 Management API", "identifier": "https://acme.eu.auth0.com/api/v2/", "is_system": true}))
            .build();
        assert_eq!(severity(&MGMT_API_USER_ACCESS, &open), Severity::High);
        clean(&API_USER_POLICY, &open);
        let closed = TenantBuilder::new()
            .api(json!({"name": "Auth0 Management API", "identifier": "https://acme.eu.auth0.com/api/v2/", "is_system": true,
                "subject_type_authorization": {"user": {"policy": "require_client_grant"}}}))
            .build();
        clean(&MGMT_API_USER_ACCESS, &closed);
    }

    #[test]
    fn api_user_policy_weighs_rbac() {
        let s = TenantBuilder::new()
            .api(json!({"name": "Orders", "identifier": "https://orders", "scopes": [{"value": "admin:orders"}]}))
            .build();
        assert_eq!(severity(&API_USER_POLICY, &s), Severity::High);
        let s = TenantBuilder::new()
            .api(
                json!({"name": "Orders", "identifier": "https://orders", "enforce_policies": true,
                "subject_type_authorization": {"user": {"policy": "allow_all"}}}),
            )
            .build();
        assert_eq!(severity(&API_USER_POLICY, &s), Severity::Medium);
        clean(
            &API_USER_POLICY,
            &TenantBuilder::new()
                .api(json!({"name": "Orders", "identifier": "https://orders",
                    "subject_type_authorization": {"user": {"policy": "require_client_grant"}}}))
                .build(),
        );
    }

    #[test]
    fn hs256_never_shows_the_secret() {
        let secret = "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM";
        let s = TenantBuilder::new()
            .api(json!({"name": "Orders", "identifier": "https://orders", "signing_alg": "HS256", "signing_secret": secret}))
            .build();
        let hit = one(&API_HS256, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.evidence.iter().all(|e| !e.text.contains(&secret[4..])));
        assert!(!hit.description.contains(&secret[4..]));
        let s = TenantBuilder::new()
            .api(json!({"name": "Orders", "identifier": "https://orders", "signing_alg": "HS256"}))
            .build();
        assert_eq!(severity(&API_HS256, &s), Severity::Medium);
        clean(
            &API_HS256,
            &TenantBuilder::new().api(json!({"name": "Orders", "identifier": "https://orders", "signing_alg": "RS256"})).build(),
        );
    }

    #[test]
    fn token_lifetime() {
        let s = TenantBuilder::new()
            .api(json!({"name": "A", "identifier": "https://a", "token_lifetime": 2592000}))
            .build();
        assert_eq!(severity(&API_TOKEN_LIFETIME, &s), Severity::Low);
        let s = TenantBuilder::new()
            .api(json!({"name": "A", "identifier": "https://a", "token_lifetime": 172800}))
            .build();
        assert_eq!(severity(&API_TOKEN_LIFETIME, &s), Severity::Info);
        clean(
            &API_TOKEN_LIFETIME,
            &TenantBuilder::new()
                .api(json!({"name": "A", "identifier": "https://a", "token_lifetime": 86400}))
                .build(),
        );
    }

    #[test]
    fn pop_and_encryption() {
        let bare = TenantBuilder::new()
            .api(json!({"name": "A", "identifier": "https://a"}))
            .build();
        assert_eq!(severity(&API_SENDER_CONSTRAINING, &bare), Severity::Low);
        assert_eq!(severity(&API_TOKEN_ENCRYPTION, &bare), Severity::Info);
        let hardened = TenantBuilder::new()
            .api(json!({"name": "A", "identifier": "https://a", "proof_of_possession": {"mechanism": "dpop", "required": true},
                "token_encryption": {"format": "compact-nested-jwe", "encryption_key": {"alg": "RSA-OAEP-256", "pem": "x"}}}))
            .build();
        clean(&API_SENDER_CONSTRAINING, &hardened);
        clean(&API_TOKEN_ENCRYPTION, &hardened);
    }
}
