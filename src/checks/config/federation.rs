//! Social, enterprise and passwordless connections, which CheckMate never reads: Auth0 developer
//! keys on social connections, e-mail addresses trusted as verified from an identity provider,
//! enterprise connections disclosed to anonymous callers, and stored upstream tokens. SAML and
//! OIDC protocol settings are in [`super::federation_protocols`].

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::tenant::Connection;

use super::support::{
    config_rule, connection_file, connection_ref, evidence, lower_if_unused, settings_file,
    tenant_ref,
};

config_rule!(SOCIAL_DEV_KEYS {
    id: "connection.social-dev-keys",
    title: "Social connection uses Auth0 developer keys",
    severity: High,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.strategy",
        "connections.options.client_id",
        "connections.enabled_clients"
    ],
    condition: "A social connection (Google, Facebook, Microsoft, Apple, GitHub, LinkedIn, ...) has no client_id of its own, so it runs on Auth0's shared developer keys; low when enabled for no application.",
    remediation: "Register an OAuth application with the provider and set its client id and secret on the connection.",
    matches: ["PRC-C social-devkeys"],
    eval: eval_dev_keys,
});

config_rule!(TRUSTS_IDP_EMAIL {
    id: "connection.trusts-idp-email-verified",
    title: "Connection marks every identity-provider e-mail as verified",
    severity: High,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.should_trust_email_verified_connection",
        "connections.options.useCommonEndpoint",
        "tenant.flags.trust_azure_adfs_email_verified_connection_property"
    ],
    condition: "An enterprise connection sets should_trust_email_verified_connection to always_set_emails_as_verified (or an Entra ID/ADFS connection inherits the tenant-wide trust flag); critical for multi-tenant Entra ID, where anyone's directory can sign in; low when enabled for no application.",
    remediation: "Set should_trust_email_verified_connection to never_set_emails_as_verified and never grant access by e-mail address alone (nOAuth).",
    matches: ["GAP email-verified-trust"],
    eval: eval_email_trust,
});

config_rule!(ENTERPRISE_DISCLOSURE {
    id: "tenant.enterprise-connections-disclosed",
    title: "Enterprise connections and their domains are published to anonymous callers",
    severity: Low,
    category: Tenant,
    needs: [TenantSettings, Connections],
    reads: [
        "tenant.flags.no_disclose_enterprise_connections",
        "connections.strategy",
        "connections.options.domain_aliases"
    ],
    condition: "flags.no_disclose_enterprise_connections is not true and at least one enterprise connection exists.",
    remediation: "Set flags.no_disclose_enterprise_connections to true.",
    matches: ["GAP enterprise-disclosure"],
    eval: eval_disclosure,
});

config_rule!(FEDERATED_TOKENS {
    id: "connection.stores-upstream-tokens",
    title: "Connection stores upstream identity-provider tokens",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.federated_connections_access_tokens.active",
        "client_grants.scope"
    ],
    condition: "federated_connections_access_tokens.active is true; high when a client grant on the Management API holds read:user_idp_tokens, whose holder can read those tokens.",
    remediation: "Store upstream tokens only where an application needs them, and remove read:user_idp_tokens from client grants that do not.",
    matches: ["GAP federated-tokens"],
    eval: eval_federated,
});

const SOCIAL_STRATEGIES: [&str; 12] = [
    "google-oauth2",
    "facebook",
    "windowslive",
    "apple",
    "github",
    "linkedin",
    "twitter",
    "amazon",
    "yahoo",
    "paypal",
    "bitbucket",
    "dropbox",
];

fn hit(c: &Connection, severity: Severity, what: String, text: String) -> Hit {
    Hit::new(
        vec![connection_ref(c)],
        format!("Connection \"{}\" {what}.", c.name),
    )
    .with_severity(lower_if_unused(severity, c.enabled_clients.is_empty()))
    .with_evidence(evidence(&connection_file(c), text))
}

fn eval_dev_keys(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| SOCIAL_STRATEGIES.contains(&c.strategy.as_str()))
        .filter(|c| {
            c.options
                .client_id
                .as_deref()
                .is_none_or(|id| id.trim().is_empty())
        })
        .map(|c| {
            hit(
                c,
                Severity::High,
                format!(
                    "({}) has no client id of its own and runs on Auth0's shared developer keys",
                    c.strategy
                ),
                "options.client_id: (empty)".into(),
            )
        })
        .collect()
}

fn eval_email_trust(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let tenant_trust = s
        .settings
        .flags
        .trust_azure_adfs_email_verified_connection_property
        == Some(true);
    s.connections
        .iter()
        .filter(|c| c.is_enterprise())
        .filter_map(|c| {
            let setting = c.options.should_trust_email_verified_connection.as_deref();
            let text = match setting {
                Some("always_set_emails_as_verified") => {
                    "options.should_trust_email_verified_connection: always_set_emails_as_verified".to_string()
                }
                None if tenant_trust && matches!(c.strategy.as_str(), "waad" | "adfs") => {
                    "tenant flags.trust_azure_adfs_email_verified_connection_property: true".to_string()
                }
                _ => return None,
            };
            let multi_tenant = c.options.use_common_endpoint == Some(true);
            let mut what = "marks every e-mail address the identity provider sends as verified".to_string();
            let severity = if multi_tenant {
                what.push_str("; it accepts any Entra ID tenant (useCommonEndpoint), whose admins choose users' e-mail addresses");
                Severity::Critical
            } else {
                Severity::High
            };
            Some(hit(c, severity, what, text))
        })
        .collect()
}

fn eval_disclosure(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if s.settings.flags.no_disclose_enterprise_connections == Some(true) {
        return Vec::new();
    }
    let enterprise: Vec<&Connection> = s.connections.iter().filter(|c| c.is_enterprise()).collect();
    if enterprise.is_empty() {
        return Vec::new();
    }
    let mut objects = vec![tenant_ref(s)];
    objects.extend(enterprise.iter().map(|c| connection_ref(c)));
    let names: Vec<&str> = enterprise.iter().map(|c| c.name.as_str()).collect();
    let d = format!(
        "The login configuration lists the enterprise connections ({}) and their domains to anyone who asks.",
        names.join(", ")
    );
    vec![Hit::new(objects, d).with_evidence(evidence(
        &settings_file(s),
        "flags.no_disclose_enterprise_connections: false",
    ))]
}

fn eval_federated(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let readers: Vec<&str> = s
        .client_grants
        .iter()
        .filter(|g| {
            s.is_management_api(&g.audience)
                && g.scope.iter().any(|sc| sc == "read:user_idp_tokens")
        })
        .map(|g| g.client.as_str())
        .collect();
    s.connections
        .iter()
        .filter(|c| {
            c.options
                .raw
                .get("federated_connections_access_tokens")
                .and_then(|f| f.get("active"))
                .and_then(|a| a.as_bool())
                == Some(true)
        })
        .map(|c| {
            let mut what = "stores users' upstream access and refresh tokens".to_string();
            let severity = if readers.is_empty() {
                Severity::Medium
            } else {
                what.push_str(&format!(
                    "; {} can read them (read:user_idp_tokens)",
                    readers.join(", ")
                ));
                Severity::High
            };
            let mut h = hit(
                c,
                severity,
                what,
                "options.federated_connections_access_tokens.active: true".into(),
            );
            h.objects.extend(
                readers
                    .iter()
                    .map(|r| ObjectRef::new(ObjectKind::Client, *r)),
            );
            h
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    #[test]
    fn dev_keys() {
        let s = TenantBuilder::new()
            .connection(json!({"name": "google", "strategy": "google-oauth2", "enabled_clients": ["Web"], "options": {}}))
            .connection(json!({"name": "gh", "strategy": "github", "enabled_clients": ["Web"], "options": {"client_id": "Iv1.abc"}}))
            .build();
        let hit = one(&SOCIAL_DEV_KEYS, &s);
        assert_eq!(hit.objects[0].name, "google");
        assert_eq!(hit.severity, Some(Severity::High));
        clean(
            &SOCIAL_DEV_KEYS,
            &TenantBuilder::new()
                .connection(json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web"]}))
                .build(),
        );
    }

    #[test]
    fn email_trust_is_critical_when_multi_tenant() {
        let s = TenantBuilder::new()
            .connection(json!({"name": "entra", "strategy": "waad", "enabled_clients": ["Web"],
                "options": {"should_trust_email_verified_connection": "always_set_emails_as_verified", "useCommonEndpoint": true}}))
            .build();
        assert_eq!(severity(&TRUSTS_IDP_EMAIL, &s), Severity::Critical);
        let s = TenantBuilder::new()
            .connection(json!({"name": "okta", "strategy": "okta", "enabled_clients": ["Web"],
                "options": {"should_trust_email_verified_connection": "always_set_emails_as_verified"}}))
            .build();
        assert_eq!(severity(&TRUSTS_IDP_EMAIL, &s), Severity::High);
        clean(
            &TRUSTS_IDP_EMAIL,
            &TenantBuilder::new()
                .connection(json!({"name": "okta", "strategy": "okta", "enabled_clients": ["Web"],
                    "options": {"should_trust_email_verified_connection": "never_set_emails_as_verified"}}))
                .build(),
        );
    }

    #[test]
    fn disclosure_needs_enterprise_connections() {
        let s = TenantBuilder::new()
            .connection(json!({"name": "okta", "strategy": "okta"}))
            .build();
        assert_eq!(one(&ENTERPRISE_DISCLOSURE, &s).objects.len(), 2);
        let mut hidden = s.clone();
        hidden.settings.flags.no_disclose_enterprise_connections = Some(true);
        clean(&ENTERPRISE_DISCLOSURE, &hidden);
        clean(
            &ENTERPRISE_DISCLOSURE,
            &TenantBuilder::new()
                .connection(json!({"name": "db", "strategy": "auth0"}))
                .build(),
        );
    }

    #[test]
    fn federated_tokens_with_a_reader_are_high() {
        let conn = json!({"name": "google", "strategy": "google-oauth2", "enabled_clients": ["Web"],
            "options": {"client_id": "x", "federated_connections_access_tokens": {"active": true}}});
        let s = TenantBuilder::new()
            .connection(conn.clone())
            .grant(json!({"client_id": "Sync", "audience": "https://acme.eu.auth0.com/api/v2/", "scope": ["read:user_idp_tokens"]}))
            .build();
        let hit = one(&FEDERATED_TOKENS, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.objects.iter().any(|o| o.name == "Sync"));
        assert_eq!(
            severity(
                &FEDERATED_TOKENS,
                &TenantBuilder::new().connection(conn).build()
            ),
            Severity::Medium
        );
        clean(
            &FEDERATED_TOKENS,
            &TenantBuilder::new()
                .connection(json!({"name": "google", "strategy": "google-oauth2", "options": {"client_id": "x"}}))
                .build(),
        );
    }
}
