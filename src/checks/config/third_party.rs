//! Third-party applications and organisations (catalog section 13): what a third-party
//! application may do beyond asking users for consent (permissive security mode, client grants
//! on the Management API), and URL lists that mix the `{organization_name}` placeholder with
//! `*` wildcards, which widens what Auth0 accepts for every organisation. The password and
//! implicit grants of third-party applications are rated by `client.grant-types`.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Client;

use super::support::{client_file, client_ref, config_rule, evidence, is_global, list};

config_rule!(THIRD_PARTY_POWERS {
    id: "client.third-party-powers",
    title: "Third-party application holds more than consent-based access",
    severity: Medium,
    category: Application,
    needs: [Clients, ClientGrants],
    reads: [
        "clients.is_first_party",
        "clients.third_party_security_mode",
        "client_grants.audience",
        "client_grants.scope"
    ],
    condition: "A third-party application (is_first_party false) has a client grant on the Management API (high) or runs in permissive third-party security mode (medium).",
    remediation: "Remove Management API grants from third-party applications and keep third_party_security_mode strict.",
    matches: ["GAP third-party-apps"],
    eval: eval_third_party,
});

config_rule!(ORG_WILDCARD_URLS {
    id: "client.organization-wildcard-urls",
    title: "Organisation placeholder combined with wildcard URLs",
    severity: Medium,
    category: Organization,
    needs: [Clients],
    reads: [
        "clients.callbacks",
        "clients.allowed_logout_urls",
        "clients.web_origins",
        "clients.organization_usage"
    ],
    condition: "A callback, logout URL or web origin contains both {organization_name} and a * wildcard, or an application that uses organisations (organization_usage allow/require) has wildcard callbacks.",
    remediation: "Use either exact per-organisation URLs with the {organization_name} placeholder or exact URLs, never a wildcard with it.",
    matches: ["GAP org-grants"],
    eval: eval_org_wildcards,
});

const PLACEHOLDER: &str = "{organization_name}";

fn eval_third_party(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| c.is_third_party() && !is_global(c))
        .filter_map(|c| {
            let mut problems: Vec<(Severity, String, String)> = Vec::new();
            for g in s
                .grants_of(&c.name)
                .filter(|g| s.is_management_api(&g.audience))
            {
                let scopes: Vec<&str> = g.scope.iter().map(String::as_str).collect();
                problems.push((
                    Severity::High,
                    format!("a Management API grant ({})", list(&scopes, 4)),
                    format!("client grant on {}: {}", g.audience, g.scope.join(" ")),
                ));
            }
            if c.third_party_security_mode.as_deref() == Some("permissive") {
                problems.push((
                    Severity::Medium,
                    "permissive third-party security mode".to_string(),
                    "third_party_security_mode: permissive".to_string(),
                ));
            }
            let severity = problems.iter().map(|p| p.0).max()?;
            let what: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
            let hit = Hit::new(
                vec![client_ref(c)],
                format!(
                    "Third-party application \"{}\" has {}.",
                    c.name,
                    what.join(" and ")
                ),
            )
            .with_severity(severity);
            Some(problems.iter().fold(hit, |h, p| {
                h.with_evidence(evidence(&client_file(c), p.2.clone()))
            }))
        })
        .collect()
}

fn wide_org_urls(c: &Client) -> Vec<&str> {
    let uses_orgs = matches!(c.organization_usage.as_deref(), Some("allow" | "require"));
    let mixed = c
        .callbacks
        .iter()
        .chain(&c.allowed_logout_urls)
        .chain(&c.web_origins)
        .filter(|u| u.contains(PLACEHOLDER) && u.contains('*'));
    let wildcard_callbacks = c
        .callbacks
        .iter()
        .filter(|u| uses_orgs && u.contains('*') && !u.contains(PLACEHOLDER));
    let mut out: Vec<&str> = mixed
        .chain(wildcard_callbacks)
        .map(String::as_str)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn eval_org_wildcards(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter_map(|c| {
            let urls = wide_org_urls(c);
            let first = urls.first()?;
            let hit = Hit::new(
                vec![client_ref(c)],
                format!(
                    "Application \"{}\" accepts organisation URLs with wildcards: {}.",
                    c.name,
                    list(&urls, 3)
                ),
            );
            Some(hit.with_evidence(evidence(&client_file(c), format!("URL: {first}"))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    const MGMT: &str = "https://acme.eu.auth0.com/api/v2/";

    #[test]
    fn third_party_with_management_grant_is_high() {
        let s = TenantBuilder::new()
            .client(
                json!({"name": "Partner", "is_first_party": false, "app_type": "non_interactive"}),
            )
            .grant(json!({"client_id": "Partner", "audience": MGMT, "scope": ["read:users"]}))
            .build();
        let hit = one(&THIRD_PARTY_POWERS, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.description.contains("read:users"));
    }

    #[test]
    fn permissive_mode_is_medium_and_first_party_is_clean() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Partner", "is_first_party": false, "third_party_security_mode": "permissive"}))
            .build();
        assert_eq!(severity(&THIRD_PARTY_POWERS, &s), Severity::Medium);
        let first_party = TenantBuilder::new()
            .client(json!({"name": "Backend", "is_first_party": true, "third_party_security_mode": "permissive"}))
            .grant(json!({"client_id": "Backend", "audience": MGMT, "scope": ["read:users"]}))
            .build();
        clean(&THIRD_PARTY_POWERS, &first_party);
        let strict = TenantBuilder::new()
            .client(json!({"name": "Partner", "is_first_party": false, "third_party_security_mode": "strict"}))
            .grant(json!({"client_id": "Partner", "audience": "https://api.acme.example", "scope": ["read:orders"]}))
            .build();
        clean(&THIRD_PARTY_POWERS, &strict);
    }

    #[test]
    fn org_placeholder_with_wildcard_is_reported() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Portal", "callbacks": ["https://{organization_name}.*.acme.example/cb"]}))
            .build();
        one(&ORG_WILDCARD_URLS, &s);
        let s = TenantBuilder::new()
            .client(json!({"name": "Portal", "organization_usage": "require",
                "callbacks": ["https://*.acme.example/cb"]}))
            .build();
        one(&ORG_WILDCARD_URLS, &s);
    }

    #[test]
    fn exact_org_urls_and_non_org_wildcards_are_not_this_rule() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Portal", "organization_usage": "require",
                "callbacks": ["https://{organization_name}.acme.example/cb"]}))
            .client(json!({"name": "Other", "callbacks": ["https://*.acme.example/cb"]}))
            .build();
        clean(&ORG_WILDCARD_URLS, &s);
    }
}
