//! Social, enterprise and passwordless connections, which CheckMate never reads: Auth0 developer
//! keys on social connections, e-mail addresses trusted as verified from an identity provider,
//! weak SAML and OIDC settings, enterprise connections disclosed to anonymous callers, and
//! stored upstream tokens.

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

config_rule!(SAML_WEAK {
    id: "connection.saml-weak",
    title: "SAML connection sends unsigned requests, uses SHA-1 or debug logging",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.signSAMLRequest",
        "connections.options.signatureAlgorithm",
        "connections.options.digestAlgorithm",
        "connections.options.debug"
    ],
    condition: "A samlp connection does not sign AuthnRequests or uses rsa-sha1/sha1 (medium), or has debug on (low).",
    remediation: "Sign SAML requests with rsa-sha256/sha256 and turn debug off.",
    matches: ["GAP saml-request-unsigned"],
    eval: eval_saml,
});

config_rule!(OIDC_FRONT_CHANNEL {
    id: "connection.oidc-front-channel",
    title: "OIDC connection uses the front channel or weak PKCE",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.type",
        "connections.options.connection_settings.pkce"
    ],
    condition: "An oidc or okta connection has type front_channel (ID token through the browser) or connection_settings.pkce disabled or plain.",
    remediation: "Use type back_channel with a client secret and PKCE S256 (or auto).",
    matches: ["GAP oidc-front-channel"],
    eval: eval_oidc,
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

fn eval_saml(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| c.strategy == "samlp")
        .filter_map(|c| {
            let o = &c.options;
            let mut problems: Vec<(Severity, String)> = Vec::new();
            if o.sign_saml_request != Some(true) {
                problems.push((Severity::Medium, "signSAMLRequest: false".into()));
            }
            if let Some(a) = o
                .signature_algorithm
                .as_deref()
                .filter(|a| a.contains("sha1"))
            {
                problems.push((Severity::Medium, format!("signatureAlgorithm: {a}")));
            }
            if let Some(a) = o.digest_algorithm.as_deref().filter(|a| a.contains("sha1")) {
                problems.push((Severity::Medium, format!("digestAlgorithm: {a}")));
            }
            if o.debug == Some(true) {
                problems.push((Severity::Low, "debug: true".into()));
            }
            let severity = problems.iter().map(|p| p.0).max()?;
            let texts: Vec<String> = problems
                .into_iter()
                .map(|p| format!("options.{}", p.1))
                .collect();
            Some(hit(
                c,
                severity,
                format!("has weak SAML settings ({})", texts.join(", ")),
                texts.join("; "),
            ))
        })
        .collect()
}

fn eval_oidc(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| matches!(c.strategy.as_str(), "oidc" | "okta"))
        .filter_map(|c| {
            let mut texts = Vec::new();
            if c.options.kind.as_deref() == Some("front_channel") {
                texts.push("options.type: front_channel".to_string());
            }
            let pkce = c
                .options
                .connection_settings
                .as_ref()
                .and_then(|s| s.get("pkce"))
                .and_then(|p| p.as_str());
            if let Some(p) = pkce.filter(|p| matches!(*p, "disabled" | "plain")) {
                texts.push(format!("options.connection_settings.pkce: {p}"));
            }
            if texts.is_empty() {
                return None;
            }
            Some(hit(
                c,
                Severity::Medium,
                format!("weakens the OIDC flow ({})", texts.join(", ")),
                texts.join("; "),
            ))
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
    fn saml_and_oidc() {
        let s = TenantBuilder::new()
            .connection(json!({"name": "saml", "strategy": "samlp", "enabled_clients": ["Web"],
                "options": {"signSAMLRequest": true, "signatureAlgorithm": "rsa-sha1", "digestAlgorithm": "sha256"}}))
            .connection(json!({"name": "oidc", "strategy": "oidc", "enabled_clients": ["Web"],
                "options": {"type": "front_channel"}}))
            .build();
        assert!(one(&SAML_WEAK, &s).description.contains("rsa-sha1"));
        assert_eq!(one(&OIDC_FRONT_CHANNEL, &s).objects[0].name, "oidc");
        let ok = TenantBuilder::new()
            .connection(json!({"name": "saml", "strategy": "samlp", "enabled_clients": ["Web"],
                "options": {"signSAMLRequest": true, "signatureAlgorithm": "rsa-sha256", "digestAlgorithm": "sha256"}}))
            .connection(json!({"name": "oidc", "strategy": "oidc", "enabled_clients": ["Web"],
                "options": {"type": "back_channel", "connection_settings": {"pkce": "auto"}}}))
            .build();
        clean(&SAML_WEAK, &ok);
        clean(&OIDC_FRONT_CHANNEL, &ok);
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
