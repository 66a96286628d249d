//! Tenant-wide settings: default audience and directory, dynamic client registration, session
//! lifetimes and the Rules/Hooks sandbox version. CheckMate surfaces the first four
//! unconditionally; here they become findings only when the value is notable.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};

use super::support::{config_rule, evidence, settings_file, tenant_ref};

config_rule!(DEFAULT_AUDIENCE {
    id: "tenant.default-audience",
    title: "Tenant adds a default audience to every authorization",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.default_audience", "resource_servers.identifier"],
    condition: "default_audience is set (info); medium when it is the Management API.",
    remediation: "Leave default_audience empty and have applications ask for the audience they need.",
    matches: ["CM:checkDefaultAudience", "GAP default-audience-target"],
    eval: eval_default_audience,
});

config_rule!(DEFAULT_DIRECTORY {
    id: "tenant.default-directory",
    title: "Tenant has a default directory for password grants",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.default_directory"],
    condition: "default_directory is set, so password grants without a realm use that connection (info).",
    remediation: "Prefer the password-realm grant with an explicit connection and leave default_directory empty unless needed.",
    matches: ["CM:checkDefaultDirectory"],
    eval: eval_default_directory,
});

config_rule!(DYNAMIC_CLIENT_REGISTRATION {
    id: "tenant.dynamic-client-registration",
    title: "Anyone can register applications (dynamic client registration)",
    severity: Low,
    category: Tenant,
    needs: [TenantSettings],
    reads: [
        "tenant.flags.enable_dynamic_client_registration",
        "tenant.dynamic_client_registration_security_mode",
        "tenant.client_id_metadata_document_supported",
        "connections.is_domain_connection"
    ],
    condition: "Dynamic client registration or client-ID metadata documents are on (reported only then); medium when the registration mode is permissive or a domain-level connection lets registered apps log users in.",
    remediation: "Turn DCR off unless a product needs it; when on, keep connections per application and review third-party consent.",
    matches: [
        "CM:checkEnabledDynamicClientRegistration",
        "GAP dcr-permissive"
    ],
    eval: eval_dcr,
});

config_rule!(SESSION_LIFETIME {
    id: "tenant.session-lifetime",
    title: "Login sessions last unusually long",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.session_lifetime", "tenant.idle_session_lifetime"],
    condition: "The absolute session lifetime is above 30 days (720 h) or the idle lifetime above 7 days (168 h); the defaults (168 h / 72 h) are not reported.",
    remediation: "Shorten session_lifetime and idle_session_lifetime to what the product needs.",
    matches: [
        "CM:checkSessionLifetime",
        "GAP session-length-policy",
        "PRC-B sso-timeouts"
    ],
    eval: eval_session,
});

config_rule!(SANDBOX_VERSION {
    id: "tenant.sandbox-version",
    title: "Rules, Hooks and database scripts run on an outdated Node.js",
    severity: High,
    category: Tenant,
    needs: [TenantSettings],
    reads: [
        "tenant.sandbox_version",
        "rules.enabled",
        "hooks.enabled",
        "connections.options.enabledDatabaseCustomization"
    ],
    condition: "sandbox_version is below 18; low when no enabled Rule, enabled Hook or custom database script runs on it.",
    remediation: "Set sandbox_version to 18 or later and test the Rules, Hooks and database scripts on it.",
    matches: ["CM:checkSandboxVersion", "PRC-C tenant-node"],
    eval: eval_sandbox,
});

fn tenant_hit(ctx: &ScanContext, description: String, text: String) -> Hit {
    let s = ctx.snapshot;
    Hit::new(vec![tenant_ref(s)], description).with_evidence(evidence(&settings_file(s), text))
}

fn eval_default_audience(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(aud) = s
        .settings
        .default_audience
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    else {
        return Vec::new();
    };
    let mgmt = s.is_management_api(aud);
    let api = s.resource_server_by_identifier(aud);
    let name = api.map_or(aud, |a| a.name.as_str());
    let mut hit = tenant_hit(
        ctx,
        format!("Every authorization without an audience gets an access token for \"{name}\"."),
        format!("default_audience: {aud}"),
    );
    if let Some(api) = api {
        hit.objects
            .push(ObjectRef::new(ObjectKind::ResourceServer, api.name.clone()));
    }
    if mgmt {
        hit = hit.with_severity(Severity::Medium);
        hit.description.push_str(" That is the Management API.");
    }
    vec![hit]
}

fn eval_default_directory(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(dir) = s
        .settings
        .default_directory
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    else {
        return Vec::new();
    };
    let mut hit = tenant_hit(
        ctx,
        format!("Password grants without a realm authenticate against \"{dir}\"."),
        format!("default_directory: {dir}"),
    );
    if s.connection(dir).is_some() {
        hit.objects
            .push(ObjectRef::new(ObjectKind::Connection, dir));
    }
    vec![hit]
}

fn eval_dcr(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let dcr = s.settings.flags.enable_dynamic_client_registration == Some(true);
    let cimd = s.settings.client_id_metadata_document_supported == Some(true);
    if !dcr && !cimd {
        return Vec::new();
    }
    let mode = s
        .settings
        .dynamic_client_registration_security_mode
        .as_deref();
    let permissive = mode.is_some_and(|m| m.contains("permissive"));
    let domain: Vec<&str> = s
        .connections
        .iter()
        .filter(|c| c.is_domain_connection == Some(true))
        .map(|c| c.name.as_str())
        .collect();
    let mut d = String::from("Anyone can register an application");
    if cimd {
        d.push_str(" (client-ID metadata documents are accepted)");
    }
    d.push('.');
    if permissive {
        d.push_str(" Registration mode is permissive.");
    }
    if !domain.is_empty() {
        d.push_str(&format!(
            " Domain-level connections usable by such apps: {}.",
            domain.join(", ")
        ));
    }
    let severity = if permissive || !domain.is_empty() {
        Severity::Medium
    } else {
        Severity::Low
    };
    let text = format!(
        "flags.enable_dynamic_client_registration: {dcr}, client_id_metadata_document_supported: {cimd}, dynamic_client_registration_security_mode: {}",
        mode.unwrap_or("(not set)")
    );
    vec![tenant_hit(ctx, d, text).with_severity(severity)]
}

fn eval_session(ctx: &ScanContext) -> Vec<Hit> {
    let st = &ctx.snapshot.settings;
    let (absolute, idle) = (
        st.session_lifetime_hours(),
        st.idle_session_lifetime_hours(),
    );
    if absolute <= 720.0 && idle <= 168.0 {
        return Vec::new();
    }
    let d = format!(
        "Sessions last up to {absolute} hours ({:.0} days), {idle} hours when idle.",
        absolute / 24.0
    );
    vec![tenant_hit(
        ctx,
        d,
        format!("session_lifetime: {absolute}, idle_session_lifetime: {idle}"),
    )]
}

/// Leading major version of `"18"`, `"v12"` or `"16.20"`.
fn major(version: &str) -> Option<u32> {
    let digits: String = version
        .trim()
        .trim_start_matches(['v', 'V'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn eval_sandbox(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(version) = s.settings.sandbox_version.as_deref() else {
        return Vec::new();
    };
    let Some(v) = major(version).filter(|v| *v < 18) else {
        return Vec::new();
    };
    let mut users: Vec<ObjectRef> = s
        .rules
        .iter()
        .filter(|r| r.is_enabled())
        .map(|r| ObjectRef::new(ObjectKind::Rule, r.name.clone()))
        .collect();
    users.extend(
        s.hooks
            .iter()
            .filter(|h| h.is_enabled())
            .map(|h| ObjectRef::new(ObjectKind::Hook, h.name.clone())),
    );
    users.extend(
        s.connections
            .iter()
            .filter(|c| {
                c.options.enabled_database_customization == Some(true)
                    && !c.enabled_clients.is_empty()
            })
            .map(|c| ObjectRef::new(ObjectKind::Connection, c.name.clone())),
    );
    let severity = if users.is_empty() {
        Severity::Low
    } else {
        Severity::High
    };
    let mut d =
        format!("The extensibility sandbox runs Node.js {v}, which no longer gets security fixes.");
    if users.is_empty() {
        d.push_str(" No enabled Rule, Hook or custom database uses it.");
    }
    let mut hit = tenant_hit(ctx, d, format!("sandbox_version: {version}")).with_severity(severity);
    hit.objects.extend(users);
    vec![hit]
}
#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    fn settings(v: serde_json::Value) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new().settings(v).build()
    }

    #[test]
    fn default_audience_and_directory() {
        let s = settings(
            json!({"default_audience": "https://acme.eu.auth0.com/api/v2/", "default_directory": "db"}),
        );
        assert_eq!(severity(&DEFAULT_AUDIENCE, &s), Severity::Medium);
        assert_eq!(
            one(&DEFAULT_DIRECTORY, &s).evidence[0].text,
            "default_directory: db"
        );
        let s = settings(json!({"default_audience": "https://api.acme.com"}));
        assert_eq!(severity(&DEFAULT_AUDIENCE, &s), Severity::Info);
        clean(
            &DEFAULT_AUDIENCE,
            &settings(json!({"default_audience": ""})),
        );
        clean(&DEFAULT_DIRECTORY, &settings(json!({})));
    }

    #[test]
    fn dcr_only_when_on() {
        assert_eq!(
            severity(
                &DYNAMIC_CLIENT_REGISTRATION,
                &settings(json!({"flags": {"enable_dynamic_client_registration": true}}))
            ),
            Severity::Low
        );
        let s = TenantBuilder::new()
            .settings(json!({"flags": {"enable_dynamic_client_registration": true}}))
            .connection(json!({"name": "db", "strategy": "auth0", "is_domain_connection": true}))
            .build();
        assert_eq!(severity(&DYNAMIC_CLIENT_REGISTRATION, &s), Severity::Medium);
        clean(
            &DYNAMIC_CLIENT_REGISTRATION,
            &settings(json!({"flags": {"enable_dynamic_client_registration": false}})),
        );
    }

    #[test]
    fn session_lifetime_notable_only_above_thresholds() {
        assert!(
            one(
                &SESSION_LIFETIME,
                &settings(json!({"session_lifetime": 2160}))
            )
            .description
            .contains("90 days")
        );
        clean(&SESSION_LIFETIME, &settings(json!({})));
        clean(
            &SESSION_LIFETIME,
            &settings(json!({"session_lifetime": 720, "idle_session_lifetime": 72})),
        );
    }

    #[test]
    fn sandbox_version_weighs_users() {
        let s = TenantBuilder::new()
            .settings(json!({"sandbox_version": "12"}))
            .rule(
                json!({"name": "r", "enabled": true}),
                "function (user, context, callback) { callback(null, user, context); }",
            )
            .build();
        let hit = one(&SANDBOX_VERSION, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.objects.iter().any(|o| o.name == "r"));
        assert_eq!(
            severity(
                &SANDBOX_VERSION,
                &settings(json!({"sandbox_version": "16"}))
            ),
            Severity::Low
        );
        clean(
            &SANDBOX_VERSION,
            &settings(json!({"sandbox_version": "18"})),
        );
        clean(&SANDBOX_VERSION, &settings(json!({"sandbox_version": 22})));
    }
}
