//! Application grant types: grants outside what the application type needs (CheckMate's
//! allow-sets), weighed by the grant (password and implicit are worst, the more so on
//! third-party applications), and trust of the caller-asserted end-user IP.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::{Client, DEFAULT_GRANT_TYPES};

use super::support::{
    client_file, client_ref, config_rule, evidence, has_no_connections, is_global, list,
    lower_if_unused,
};

config_rule!(GRANT_TYPES {
    id: "client.grant-types",
    title: "Application allows grant types its type does not need",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.grant_types",
        "clients.app_type",
        "clients.is_first_party",
        "connections.enabled_clients"
    ],
    condition: "A grant is outside the set for the application type (regular_web: code, refresh, client_credentials; spa: code, refresh; native: code, refresh, device_code; M2M: client_credentials); password/implicit are high (critical on a third-party app), client_credentials on a public app and token exchange medium, others low; user grants on an app no connection is enabled for are low. Absent grant_types means the API default list, implicit included.",
    remediation: "Set grant_types explicitly to what the application uses: authorization_code (with PKCE) and refresh_token for interactive apps, client_credentials for M2M; drop implicit and password.",
    matches: [
        "CM:checkGrantTypes",
        "BL:check_grant_implicitnotused",
        "BL:check_apptype_thirdpartynotusepassword",
        "DET:insecure_grants_enabled_for_applications"
    ],
    eval: eval_grant_types,
});

config_rule!(IP_HEADER_TRUSTED {
    id: "client.ip-header-trusted",
    title: "Application may assert the end-user IP address to attack protection",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.is_token_endpoint_ip_header_trusted",
        "clients.grant_types"
    ],
    condition: "is_token_endpoint_ip_header_trusted is true (high when the application also allows the password grant): whoever holds its secret chooses the IP brute-force protection and IP throttling see.",
    remediation: "Turn the setting off unless a trusted back end proxies Resource Owner Password logins, and then keep that back end's secret out of every client-side place.",
    matches: ["GAP ip-header-trust", "GAP ip-spoofable-attack-protection"],
    eval: eval_ip_header,
});

const PASSWORD: &str = "password";
const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Grants an application type needs.
fn allowed_for(app_type: Option<&str>) -> &'static [&'static str] {
    match app_type {
        Some("regular_web") => &["authorization_code", "refresh_token", "client_credentials"],
        Some("spa") => &["authorization_code", "refresh_token"],
        Some("native") => &["authorization_code", "refresh_token", DEVICE_CODE],
        Some("non_interactive") => &["client_credentials"],
        _ => &["authorization_code", "refresh_token"],
    }
}

fn grant_severity(c: &Client, grant: &str) -> Severity {
    let public = matches!(c.app_type.as_deref(), Some("spa" | "native"));
    match grant {
        PASSWORD | PASSWORD_REALM if c.is_third_party() => Severity::Critical,
        PASSWORD | PASSWORD_REALM | "implicit" => Severity::High,
        "client_credentials" if public => Severity::Medium,
        g if g.contains("token-exchange") => Severity::Medium,
        _ => Severity::Low,
    }
}

fn granted(c: &Client) -> Vec<&str> {
    match &c.grant_types {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => DEFAULT_GRANT_TYPES.to_vec(),
    }
}

fn eval_grant_types(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| !is_global(c))
        .filter_map(|c| {
            let allowed = allowed_for(c.app_type.as_deref());
            let extra: Vec<&str> = granted(c)
                .into_iter()
                .filter(|g| !allowed.contains(g))
                .collect();
            let unused = has_no_connections(s, &c.name);
            let severity = extra
                .iter()
                .map(|g| {
                    let user_grant = *g != "client_credentials";
                    lower_if_unused(grant_severity(c, g), unused && user_grant)
                })
                .max()?;
            let kind = c.app_type.as_deref().unwrap_or("(no type)");
            let mut description = format!(
                "Application \"{}\" ({kind}{}) allows {} beyond what its type needs.",
                c.name,
                if c.is_third_party() {
                    ", third-party"
                } else {
                    ""
                },
                list(&extra, 6)
            );
            if c.grant_types.is_none() {
                description.push_str(" grant_types is not set, so the API default list applies.");
            }
            let text = match &c.grant_types {
                Some(g) => format!("grant_types: {}", g.join(", ")),
                None => format!(
                    "grant_types: (not set; default {})",
                    DEFAULT_GRANT_TYPES.join(", ")
                ),
            };
            Some(
                Hit::new(vec![client_ref(c)], description)
                    .with_severity(severity)
                    .with_evidence(evidence(&client_file(c), text)),
            )
        })
        .collect()
}

fn eval_ip_header(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| c.is_token_endpoint_ip_header_trusted == Some(true))
        .map(|c| {
            let password = c.allows_grant(PASSWORD) || c.allows_grant(PASSWORD_REALM);
            let severity = if password {
                Severity::High
            } else {
                Severity::Medium
            };
            let description = format!(
                "Application \"{}\" may send auth0-forwarded-for{}; anyone with its credentials can rotate the IP that brute-force protection and IP throttling count.",
                c.name,
                if password { " and allows the password grant" } else { "" }
            );
            Hit::new(vec![client_ref(c)], description)
                .with_severity(severity)
                .with_evidence(evidence(
                    &client_file(c),
                    "is_token_endpoint_ip_header_trusted: true",
                ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::tenant::TenantSnapshot;

    fn snap(client: serde_json::Value) -> TenantSnapshot {
        TenantBuilder::new()
            .client(client)
            .connection(json!({"name": "db", "strategy": "auth0", "enabled_clients": ["App"]}))
            .build()
    }

    #[test]
    fn implicit_on_spa_is_high() {
        let s = snap(
            json!({"name": "App", "app_type": "spa", "grant_types": ["authorization_code", "implicit"]}),
        );
        let hit = one(&GRANT_TYPES, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert!(hit.description.contains("\"implicit\""));
        assert_eq!(
            hit.evidence[0].text,
            "grant_types: authorization_code, implicit"
        );
    }

    #[test]
    fn absent_grant_types_use_the_default_list() {
        let s = snap(json!({"name": "App", "app_type": "spa"}));
        let hit = one(&GRANT_TYPES, &s);
        assert!(hit.description.contains("API default"));
        assert_eq!(hit.severity, Some(Severity::High));
    }

    #[test]
    fn third_party_password_is_critical_and_unused_app_is_low() {
        let s = snap(
            json!({"name": "App", "app_type": "regular_web", "is_first_party": false,
            "grant_types": ["password"]}),
        );
        assert_eq!(severity(&GRANT_TYPES, &s), Severity::Critical);
        let lonely = TenantBuilder::new()
            .client(
                json!({"name": "Other", "app_type": "regular_web", "grant_types": ["password"]}),
            )
            .build();
        assert_eq!(severity(&GRANT_TYPES, &lonely), Severity::Low);
    }

    #[test]
    fn fitting_grants_are_clean() {
        clean(
            &GRANT_TYPES,
            &snap(json!({"name": "App", "app_type": "native",
                "grant_types": ["authorization_code", "refresh_token", DEVICE_CODE]})),
        );
        clean(
            &GRANT_TYPES,
            &snap(
                json!({"name": "M2M", "app_type": "non_interactive", "grant_types": ["client_credentials"]}),
            ),
        );
    }

    #[test]
    fn ip_header_trust_with_password_is_high() {
        let s = snap(
            json!({"name": "App", "is_token_endpoint_ip_header_trusted": true,
            "grant_types": ["password"]}),
        );
        assert_eq!(severity(&IP_HEADER_TRUSTED, &s), Severity::High);
        let s = snap(
            json!({"name": "App", "is_token_endpoint_ip_header_trusted": true,
            "grant_types": ["client_credentials"]}),
        );
        assert_eq!(severity(&IP_HEADER_TRUSTED, &s), Severity::Medium);
        clean(
            &IP_HEADER_TRUSTED,
            &snap(json!({"name": "App", "is_token_endpoint_ip_header_trusted": false})),
        );
    }
}
