//! How applications authenticate and are protected at the authorization and token endpoints:
//! pushed and signed authorization requests, shared secrets versus private_key_jwt, back-channel
//! logout, and PKCE enforcement for public clients (joined with the post-login Actions that
//! actually run, not drafts).

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::code::{CodeUnit, EffectKind};
use crate::findings::{ObjectKind, Severity};
use crate::tenant::Client;

use super::support::{
    ClientAuth, client_auth, client_file, client_ref, config_rule, evidence, has_no_connections,
    is_global, is_public_client, lower_if_unused,
};

config_rule!(PAR_NOT_REQUIRED {
    id: "client.par-not-required",
    title: "Confidential application does not require pushed authorization requests",
    severity: Info,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.require_pushed_authorization_requests",
        "clients.token_endpoint_auth_method",
        "clients.app_type",
        "clients.grant_types"
    ],
    condition: "A confidential application (not spa/native, auth method not none) with the authorization_code grant has require_pushed_authorization_requests not true.",
    remediation: "Require PAR so authorization parameters travel over an authenticated back channel instead of the browser.",
    matches: ["CM:checkPAR"],
    eval: eval_par,
});

config_rule!(JAR_NOT_REQUIRED {
    id: "client.jar-not-required",
    title: "Confidential application does not require signed request objects",
    severity: Info,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.signed_request_object.required",
        "clients.signed_request_object.credentials"
    ],
    condition: "A confidential application with the code or implicit grant has signed_request_object.required not true, or required with no credentials registered.",
    remediation: "Register a key and require JWT-secured authorization requests (JAR).",
    matches: ["CM:checkJAR"],
    eval: eval_jar,
});

config_rule!(SHARED_SECRET_AUTH {
    id: "client.shared-secret-auth",
    title: "Confidential application authenticates with a shared secret",
    severity: Info,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.client_authentication_methods",
        "clients.token_endpoint_auth_method",
        "clients.require_proof_of_possession"
    ],
    condition: "A confidential, non-global application has no private_key_jwt or mTLS credentials and no proof of possession, so a copied client secret is enough to act as it.",
    remediation: "Register a public key and switch the application to private_key_jwt (or mTLS); then delete the client secret.",
    matches: ["CM:checkPrivateKeyJWT"],
    eval: eval_shared_secret,
});

config_rule!(NO_BACKCHANNEL_LOGOUT {
    id: "client.no-backchannel-logout",
    title: "Server-side application cannot be logged out centrally",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.oidc_logout.backchannel_logout_urls",
        "clients.app_type",
        "connections.enabled_clients"
    ],
    condition: "A regular web application has no back-channel logout URL (low when no connection is enabled for it).",
    remediation: "Implement the OIDC back-channel logout endpoint and register it in oidc_logout.backchannel_logout_urls.",
    matches: ["CM:checkBackchannelLogout"],
    eval: eval_backchannel,
});

config_rule!(PKCE_NOT_ENFORCED {
    id: "client.pkce-not-enforced",
    title: "Public application is not forced to use PKCE",
    severity: Low,
    category: Application,
    needs: [Clients, Actions, Triggers],
    reads: [
        "clients.app_type",
        "clients.grant_types",
        "actions.code",
        "triggers.post-login"
    ],
    condition: "A single-page or native application allows the code grant and no deployed post-login Action bound to the trigger reads code_challenge and denies access.",
    remediation: "Deny authorization requests without code_challenge in a post-login Action (or use an SDK that always sends PKCE and verify it server-side).",
    matches: ["CM:checkPKCEEnforcement"],
    eval: eval_pkce,
});

fn is_confidential(c: &Client) -> bool {
    !is_global(c) && !is_public_client(c)
}

fn eval_par(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| is_confidential(c) && c.allows_grant("authorization_code"))
        .filter(|c| c.require_pushed_authorization_requests != Some(true))
        .map(|c| {
            let d = format!(
                "Application \"{}\" accepts authorization requests without PAR.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d).with_evidence(evidence(
                &client_file(c),
                "require_pushed_authorization_requests: false",
            ))
        })
        .collect()
}

fn eval_jar(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| {
            is_confidential(c)
                && (c.allows_grant("authorization_code") || c.allows_grant("implicit"))
        })
        .filter_map(|c| {
            let sro = c.signed_request_object.as_ref();
            let required = sro
                .and_then(|v| v.get("required"))
                .and_then(|v| v.as_bool())
                == Some(true);
            let has_keys = sro
                .and_then(|v| v.get("credentials"))
                .and_then(|v| v.as_array())
                .is_some_and(|a| !a.is_empty());
            if required && has_keys {
                return None;
            }
            let (d, text) = if required {
                (
                    "requires signed request objects but has no key to verify them",
                    "signed_request_object.required: true, credentials: []",
                )
            } else {
                (
                    "accepts unsigned authorization requests",
                    "signed_request_object.required: false",
                )
            };
            Some(
                Hit::new(
                    vec![client_ref(c)],
                    format!("Application \"{}\" {d}.", c.name),
                )
                .with_evidence(evidence(&client_file(c), text)),
            )
        })
        .collect()
}

fn eval_shared_secret(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| is_confidential(c) && c.require_proof_of_possession != Some(true))
        .filter(|c| client_auth(c) == ClientAuth::SharedSecret)
        .map(|c| {
            let method = c
                .token_endpoint_auth_method
                .as_deref()
                .unwrap_or("client_secret_post (default)");
            let d = format!(
                "Application \"{}\" authenticates with a shared client secret and has no private_key_jwt credentials.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d).with_evidence(evidence(
                &client_file(c),
                format!("token_endpoint_auth_method: {method}"),
            ))
        })
        .collect()
}

fn eval_backchannel(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| !is_global(c) && c.app_type.as_deref() == Some("regular_web"))
        .filter(|c| {
            !c.oidc_logout
                .as_ref()
                .and_then(|v| v.get("backchannel_logout_urls"))
                .and_then(|v| v.as_array())
                .is_some_and(|a| a.iter().any(|u| u.as_str().is_some_and(|u| !u.trim().is_empty())))
        })
        .map(|c| {
            let unused = has_no_connections(s, &c.name);
            let d = format!(
                "Application \"{}\" has no back-channel logout URL: ending a user's session at Auth0 leaves its own session alive.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d)
                .with_severity(lower_if_unused(Severity::Medium, unused))
                .with_evidence(evidence(&client_file(c), "oidc_logout.backchannel_logout_urls: []"))
        })
        .collect()
}

/// An active post-login Action that reads `code_challenge` and can deny access.
fn enforces_pkce(ctx: &ScanContext, unit: &CodeUnit) -> bool {
    unit.object.kind == ObjectKind::Action
        && unit.reachability.is_active()
        && unit.bindings.iter().any(|(t, _)| t == "post-login")
        && unit
            .report
            .effects
            .iter()
            .any(|e| e.kind == EffectKind::DenyAccess)
        && ctx
            .snapshot
            .action(&unit.object.name)
            .and_then(|a| a.code.as_ref())
            .is_some_and(|code| code.text.contains("code_challenge"))
}

fn eval_pkce(ctx: &ScanContext) -> Vec<Hit> {
    if ctx.code.iter().any(|u| enforces_pkce(ctx, u)) {
        return Vec::new();
    }
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| matches!(c.app_type.as_deref(), Some("spa" | "native")))
        .filter(|c| c.allows_grant("authorization_code"))
        .map(|c| {
            let d = format!(
                "Public application \"{}\" can use the code grant without PKCE: no active post-login Action rejects requests lacking code_challenge.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d).with_evidence(evidence(
                &client_file(c),
                format!("app_type: {}", c.app_type.as_deref().unwrap_or("")),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    #[test]
    fn par_and_jar_on_confidential_apps_only() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web", "grant_types": ["authorization_code"]}))
            .client(json!({"name": "Spa", "app_type": "spa", "grant_types": ["authorization_code"]}))
            .build();
        assert_eq!(one(&PAR_NOT_REQUIRED, &s).objects[0].name, "Web");
        assert_eq!(one(&JAR_NOT_REQUIRED, &s).objects[0].name, "Web");
        let ok = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web", "grant_types": ["authorization_code"],
                "require_pushed_authorization_requests": true,
                "signed_request_object": {"required": true, "credentials": [{"id": "cred_1"}]}}))
            .build();
        clean(&PAR_NOT_REQUIRED, &ok);
        clean(&JAR_NOT_REQUIRED, &ok);
    }

    #[test]
    fn jar_required_without_keys_is_reported() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web",
                "signed_request_object": {"required": true}}))
            .build();
        assert!(one(&JAR_NOT_REQUIRED, &s).description.contains("no key"));
    }

    #[test]
    fn shared_secret_versus_private_key() {
        let s = TenantBuilder::new()
            .client(json!({"name": "M2M", "app_type": "non_interactive"}))
            .build();
        assert_eq!(severity(&SHARED_SECRET_AUTH, &s), Severity::Info);
        let ok = TenantBuilder::new()
            .client(json!({"name": "M2M", "app_type": "non_interactive",
                "client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": "cred_1"}]}}}))
            .client(json!({"name": "Spa", "app_type": "spa", "token_endpoint_auth_method": "none"}))
            .build();
        clean(&SHARED_SECRET_AUTH, &ok);
    }

    #[test]
    fn backchannel_logout() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web"}))
            .connection(json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web"]}))
            .build();
        assert_eq!(severity(&NO_BACKCHANNEL_LOGOUT, &s), Severity::Medium);
        let ok = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web",
                "oidc_logout": {"backchannel_logout_urls": ["https://web.acme.com/bcl"]}}))
            .build();
        clean(&NO_BACKCHANNEL_LOGOUT, &ok);
    }

    const PKCE_ACTION: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (!event.request.query.code_challenge) {
    api.access.deny('PKCE required');
  }
};"#;

    #[test]
    fn pkce_enforced_only_by_a_bound_deployed_action() {
        let spa = json!({"name": "Spa", "app_type": "spa", "grant_types": ["authorization_code"]});
        let unbound = TenantBuilder::new()
            .client(spa.clone())
            .action(json!({"name": "PKCE", "deployed": true}), PKCE_ACTION, &[])
            .build();
        assert_eq!(one(&PKCE_NOT_ENFORCED, &unbound).objects[0].name, "Spa");
        let bound = TenantBuilder::new()
            .client(spa)
            .action(
                json!({"name": "PKCE", "deployed": true}),
                PKCE_ACTION,
                &["post-login"],
            )
            .build();
        clean(&PKCE_NOT_ENFORCED, &bound);
    }
}
