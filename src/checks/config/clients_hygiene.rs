//! Application hygiene rows of Auth0-Audit and the production best practices: legacy
//! non-OIDC-conformant applications, applications without a concrete type, types whose grants
//! do not fit (a web app without the code grant, an M2M app without client credentials),
//! delegation open to every application while the legacy delegation endpoint is on, and the
//! custom-scheme callback confirmation prompt switched off per application.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Client;

use super::support::{
    client_file, client_ref, config_rule, evidence, has_no_connections, is_global, lower_if_unused,
};

config_rule!(NOT_OIDC_CONFORMANT {
    id: "client.not-oidc-conformant",
    title: "Application is not OIDC conformant",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: ["clients.oidc_conformant"],
    condition: "oidc_conformant is false: the application may use legacy flows and responses (legacy grants, full profiles in tokens); low when no connection is enabled for it.",
    remediation: "Migrate the application to OIDC-conformant flows and set oidc_conformant to true.",
    matches: ["BL:check_oidcconformant"],
    eval: eval_oidc,
});

config_rule!(GENERIC_TYPE {
    id: "client.generic-app-type",
    title: "Application has no concrete type",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.app_type"],
    condition: "app_type is missing, empty or generic, so neither Auth0 nor type-based checks can tell which grants and URLs it needs.",
    remediation: "Set app_type to spa, native, regular_web or non_interactive.",
    matches: ["BL:check_apptype_genericnotused"],
    eval: eval_generic,
});

config_rule!(TYPE_GRANT_MISMATCH {
    id: "client.type-grant-mismatch",
    title: "Application type and grants do not fit",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.app_type", "clients.grant_types"],
    condition: "A regular_web application lists grant_types without authorization_code, or a non_interactive (M2M) application lists grant_types without client_credentials.",
    remediation: "Give web applications the authorization_code grant and M2M applications client_credentials, and drop grants the type does not use.",
    matches: [
        "BL:check_apptype_webapphasauthcode",
        "BL:check_apptype_m2mhasclientcred"
    ],
    eval: eval_mismatch,
});

config_rule!(DELEGATION_OPEN {
    id: "client.delegation-unrestricted",
    title: "Any application may request delegated tokens for this application",
    severity: Low,
    category: Application,
    needs: [Clients, TenantSettings],
    reads: [
        "tenant.flags.allow_legacy_delegation_grant_types",
        "clients.allowed_clients"
    ],
    condition: "The legacy /delegation endpoint is on (flags.allow_legacy_delegation_grant_types) and the application's allowed_clients is empty, which lets every application of the tenant exchange its tokens for this one's.",
    remediation: "Switch legacy delegation off, or list in allowed_clients only the applications that need delegation.",
    matches: ["PRC-B restrict-delegation"],
    eval: eval_delegation,
});

config_rule!(CALLBACK_PROMPT_SKIPPED {
    id: "client.skip-callback-confirmation",
    title: "Application skips the confirmation prompt for custom-scheme callbacks",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.skip_non_verifiable_callback_uri_confirmation_prompt",
        "clients.callbacks"
    ],
    condition: "skip_non_verifiable_callback_uri_confirmation_prompt is true on an application with custom-scheme callbacks (any app can register the scheme and receive the code); low when every callback is https.",
    remediation: "Turn the setting off, or use claimed https (universal/app) links as callbacks.",
    matches: ["GAP nonverifiable-callback-prompt"],
    eval: eval_callback_prompt,
});

fn customer_clients<'a>(ctx: &ScanContext<'a>) -> impl Iterator<Item = &'a Client> {
    ctx.snapshot.clients.iter().filter(|c| !is_global(c))
}

fn eval_oidc(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    customer_clients(ctx)
        .filter(|c| c.oidc_conformant == Some(false))
        .map(|c| {
            let unused = has_no_connections(s, &c.name);
            Hit::new(
                vec![client_ref(c)],
                format!(
                    "Application \"{}\" is not OIDC conformant and may use legacy flows and token formats.",
                    c.name
                ),
            )
            .with_severity(lower_if_unused(Severity::Medium, unused))
            .with_evidence(evidence(&client_file(c), "oidc_conformant: false"))
        })
        .collect()
}

fn eval_generic(ctx: &ScanContext) -> Vec<Hit> {
    customer_clients(ctx)
        .filter(|c| {
            c.app_type
                .as_deref()
                .map(str::trim)
                .is_none_or(|t| t.is_empty() || t.eq_ignore_ascii_case("generic"))
        })
        .map(|c| {
            let text = match c.app_type.as_deref() {
                Some(t) => format!("app_type: \"{t}\""),
                None => "app_type: (not set)".to_string(),
            };
            Hit::new(
                vec![client_ref(c)],
                format!(
                    "Application \"{}\" has no concrete application type.",
                    c.name
                ),
            )
            .with_evidence(evidence(&client_file(c), text))
        })
        .collect()
}

fn eval_mismatch(ctx: &ScanContext) -> Vec<Hit> {
    customer_clients(ctx)
        .filter_map(|c| {
            let grants = c.grant_types.as_ref()?;
            let needed = match c.app_type.as_deref() {
                Some("regular_web") => "authorization_code",
                Some("non_interactive") => "client_credentials",
                _ => return None,
            };
            if grants.iter().any(|g| g == needed) {
                return None;
            }
            Some(
                Hit::new(
                    vec![client_ref(c)],
                    format!(
                        "Application \"{}\" ({}) does not have the {needed} grant its type is built for.",
                        c.name,
                        c.app_type.as_deref().unwrap_or_default()
                    ),
                )
                .with_evidence(evidence(
                    &client_file(c),
                    format!("grant_types: {}", grants.join(", ")),
                )),
            )
        })
        .collect()
}

fn eval_delegation(ctx: &ScanContext) -> Vec<Hit> {
    if ctx
        .snapshot
        .settings
        .flags
        .allow_legacy_delegation_grant_types
        != Some(true)
    {
        return Vec::new();
    }
    customer_clients(ctx)
        .filter(|c| !c.is_m2m() && c.allowed_clients.is_empty())
        .map(|c| {
            Hit::new(
                vec![client_ref(c)],
                format!(
                    "Legacy delegation is on and application \"{}\" does not restrict allowed_clients: any application may obtain delegated tokens for it.",
                    c.name
                ),
            )
            .with_evidence(evidence(&client_file(c), "allowed_clients: []"))
        })
        .collect()
}

/// A callback with a custom (non-web) scheme, which any app on the device may claim.
fn is_custom_scheme(url: &str) -> bool {
    match url.split_once("://") {
        Some((scheme, _)) => {
            let scheme = scheme.to_ascii_lowercase();
            !scheme.is_empty() && !matches!(scheme.as_str(), "http" | "https")
        }
        None => false,
    }
}

fn eval_callback_prompt(ctx: &ScanContext) -> Vec<Hit> {
    customer_clients(ctx)
        .filter(|c| {
            c.extra
                .get("skip_non_verifiable_callback_uri_confirmation_prompt")
                .and_then(|v| v.as_bool())
                == Some(true)
        })
        .map(|c| {
            let custom: Vec<&str> = c
                .callbacks
                .iter()
                .map(String::as_str)
                .filter(|u| is_custom_scheme(u))
                .collect();
            let (severity, detail) = match custom.first() {
                Some(first) => (
                    Severity::Medium,
                    format!("custom-scheme callback {first} is used without asking the user"),
                ),
                None => (
                    Severity::Low,
                    "no custom-scheme callback is registered today".to_string(),
                ),
            };
            Hit::new(
                vec![client_ref(c)],
                format!(
                    "Application \"{}\" skips the confirmation prompt for non-verifiable callbacks ({detail}).",
                    c.name
                ),
            )
            .with_severity(severity)
            .with_evidence(evidence(
                &client_file(c),
                "skip_non_verifiable_callback_uri_confirmation_prompt: true",
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
    fn non_conformant_app_is_medium_and_low_when_unused() {
        let s = snap(json!({"name": "App", "app_type": "spa", "oidc_conformant": false}));
        assert_eq!(severity(&NOT_OIDC_CONFORMANT, &s), Severity::Medium);
        let s = snap(json!({"name": "Other", "app_type": "spa", "oidc_conformant": false}));
        assert_eq!(severity(&NOT_OIDC_CONFORMANT, &s), Severity::Low);
        clean(
            &NOT_OIDC_CONFORMANT,
            &snap(json!({"name": "App", "oidc_conformant": true})),
        );
        clean(&NOT_OIDC_CONFORMANT, &snap(json!({"name": "App"})));
    }

    #[test]
    fn generic_type_is_reported_and_concrete_types_are_not() {
        one(&GENERIC_TYPE, &snap(json!({"name": "App"})));
        one(
            &GENERIC_TYPE,
            &snap(json!({"name": "App", "app_type": "Generic"})),
        );
        clean(
            &GENERIC_TYPE,
            &snap(json!({"name": "App", "app_type": "regular_web"})),
        );
        clean(
            &GENERIC_TYPE,
            &snap(json!({"name": "All Applications", "global": true})),
        );
    }

    #[test]
    fn type_grant_mismatch() {
        let hit = one(
            &TYPE_GRANT_MISMATCH,
            &snap(json!({"name": "App", "app_type": "regular_web", "grant_types": ["implicit"]})),
        );
        assert!(hit.description.contains("authorization_code"));
        one(
            &TYPE_GRANT_MISMATCH,
            &snap(
                json!({"name": "M2M", "app_type": "non_interactive", "grant_types": ["password"]}),
            ),
        );
        clean(
            &TYPE_GRANT_MISMATCH,
            &snap(json!({"name": "App", "app_type": "regular_web",
                "grant_types": ["authorization_code", "refresh_token"]})),
        );
        // Absent grant_types means the default list, which has both grants.
        clean(
            &TYPE_GRANT_MISMATCH,
            &snap(json!({"name": "M2M", "app_type": "non_interactive"})),
        );
    }

    #[test]
    fn delegation_matters_only_when_the_legacy_endpoint_is_on() {
        let on = |allowed: serde_json::Value| {
            TenantBuilder::new()
                .settings(json!({"flags": {"allow_legacy_delegation_grant_types": true}}))
                .client(json!({"name": "App", "app_type": "spa", "allowed_clients": allowed}))
                .build()
        };
        one(&DELEGATION_OPEN, &on(json!([])));
        clean(&DELEGATION_OPEN, &on(json!(["Partner"])));
        clean(
            &DELEGATION_OPEN,
            &snap(json!({"name": "App", "app_type": "spa"})),
        );
    }

    #[test]
    fn skipped_callback_prompt_is_medium_with_custom_schemes() {
        let s = snap(json!({"name": "App", "app_type": "native",
            "callbacks": ["com.acme.app://callback"], "skip_non_verifiable_callback_uri_confirmation_prompt": true}));
        assert_eq!(severity(&CALLBACK_PROMPT_SKIPPED, &s), Severity::Medium);
        let s = snap(
            json!({"name": "App", "callbacks": ["https://app.acme.example/cb"],
            "skip_non_verifiable_callback_uri_confirmation_prompt": true}),
        );
        assert_eq!(severity(&CALLBACK_PROMPT_SKIPPED, &s), Severity::Low);
        clean(
            &CALLBACK_PROMPT_SKIPPED,
            &snap(
                json!({"name": "App", "callbacks": ["com.acme.app://callback"],
                "skip_non_verifiable_callback_uri_confirmation_prompt": false}),
            ),
        );
    }
}
