//! Tests of the configuration multi-hop paths (reference section (c) 12, 18-20, 22-24): each
//! found on a small tenant, and a near miss that differs in one link is not.

use serde_json::json;

use super::login_paths::{
    CROSS_ORIGIN_STUFFING, ENUMERATION_STUFFING, SILENT_AUTH_MFA_BYPASS, SPOOFABLE_CLIENT_IP,
};
use super::test_support::Tenant;
use super::token_paths::{DCR_CONSENT_PHISHING, LONG_LIVED_BROWSER_TOKENS, SECRET_READER_PIVOT};
use crate::findings::Severity;

const MGMT: &str = "https://acme.eu.auth0.com/api/v2/";

#[test]
fn secret_reader_pivots_to_a_takeover_client() {
    let t = |reader_scopes: &[&str]| {
        Tenant::new()
            .client("Reporting", "non_interactive")
            .client("Deployer", "non_interactive")
            .grant("Reporting", MGMT, reader_scopes)
            .grant("Deployer", MGMT, &["update:actions"])
    };
    let found = t(&["read:client_keys"]).run(&SECRET_READER_PIVOT);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].path[1].name, "Deployer");
    assert!(t(&["read:clients"]).run(&SECRET_READER_PIVOT).is_empty());
}

#[test]
fn secret_reader_can_forge_id_tokens_of_hs256_apps() {
    let t = |alg: &str| {
        Tenant::new()
            .client("Reporting", "non_interactive")
            .with(|b| b.client(json!({"name": "Portal", "app_type": "regular_web", "jwt_configuration": {"alg": alg}})))
            .grant("Reporting", MGMT, &["read:client_keys"])
    };
    let found = t("HS256").run(&SECRET_READER_PIVOT);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::High);
    assert!(t("RS256").run(&SECRET_READER_PIVOT).is_empty());
}

#[test]
fn spa_with_non_rotating_refresh_tokens_and_offline_api() {
    let t = |rotation: &str| {
        Tenant::new()
            .with(|b| {
                b.client(json!({"name": "Shop", "app_type": "spa", "grant_types": ["authorization_code", "refresh_token"],
                    "refresh_token": {"rotation_type": rotation, "expiration_type": "expiring"}}))
                    .api(json!({"name": "Orders", "identifier": "https://orders", "allow_offline_access": true}))
            })
    };
    let found = t("non-rotating").run(&LONG_LIVED_BROWSER_TOKENS);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(t("rotating").run(&LONG_LIVED_BROWSER_TOKENS).is_empty());
}

#[test]
fn open_dcr_with_a_promoted_connection() {
    let t = |dcr: bool| {
        Tenant::new()
            .with(|b| b.settings(json!({"flags": {"enable_dynamic_client_registration": dcr}})))
            .with(|b| {
                b.connection(
                    json!({"name": "Users", "strategy": "auth0", "is_domain_connection": true}),
                )
            })
    };
    assert_eq!(t(true).run(&DCR_CONSENT_PHISHING).len(), 1);
    assert!(t(false).run(&DCR_CONSENT_PHISHING).is_empty());
}

#[test]
fn cross_origin_password_login_without_bot_challenge() {
    let t = |policy: &str| {
        Tenant::new()
            .with(|b| b.client(json!({"name": "Legacy Widget", "app_type": "spa", "cross_origin_authentication": true})))
            .database("Users", false, &["Legacy Widget"])
            .with(|b| b.bot_detection(json!({"bot_detection_level": "medium", "challenge_password_policy": policy})))
    };
    let found = t("never").run(&CROSS_ORIGIN_STUFFING);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(t("when_risky").run(&CROSS_ORIGIN_STUFFING).is_empty());
}

const SKIP_ON_PROMPT: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction?.prompt === 'none') { return; }
  api.multifactor.enable('any');
};"#;

#[test]
fn mfa_only_in_a_skippable_action_when_policy_is_never() {
    let t = |policies: &[&str], deployed: bool| {
        let policies: Vec<String> = policies.iter().map(|p| p.to_string()).collect();
        Tenant::new()
            .action("MFA Gate", SKIP_ON_PROMPT, deployed, true)
            .with(move |b| {
                let p: Vec<&str> = policies.iter().map(String::as_str).collect();
                b.guardian(&[("otp", true)], &p)
            })
    };
    let found = t(&[], true).run(&SILENT_AUTH_MFA_BYPASS);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        t(&["all-applications"], true)
            .run(&SILENT_AUTH_MFA_BYPASS)
            .is_empty()
    );
    let latent = t(&[], false).run(&SILENT_AUTH_MFA_BYPASS);
    assert_eq!(latent[0].severity, Severity::Low);
}

#[test]
fn user_exists_error_with_weak_brute_force() {
    let t = |exists_error: bool, allowlist: &[&str]| {
        let allowlist: Vec<String> = allowlist.iter().map(|a| a.to_string()).collect();
        Tenant::new()
            .client("Shop", "spa")
            .database("Users", true, &["Shop"])
            .with(move |b| {
                b.settings(
                    json!({"flags": {"enable_public_signup_user_exists_error": exists_error}}),
                )
                .brute_force(json!({"enabled": true, "shields": ["block"], "allowlist": allowlist}))
            })
    };
    assert_eq!(
        t(true, &["203.0.113.0/24"])
            .run(&ENUMERATION_STUFFING)
            .len(),
        1
    );
    assert!(
        t(false, &["203.0.113.0/24"])
            .run(&ENUMERATION_STUFFING)
            .is_empty()
    );
    assert!(t(true, &[]).run(&ENUMERATION_STUFFING).is_empty());
}

#[test]
fn trusted_client_ip_header_defeats_ip_throttling() {
    let t = |header: &str| {
        let header = header.to_string();
        Tenant::new().with(move |b| {
            b.suspicious_ip(json!({"enabled": true, "shields": ["block"]}))
                .with(move |s| {
                    s.custom_domains.push(
                        serde_json::from_value(
                            json!({"domain": "login.acme.example", "type": "self_managed_certs",
                        "status": "ready", "custom_client_ip_header": header}),
                        )
                        .expect("custom domain fixture"),
                    );
                })
        })
    };
    let found = t("true-client-ip").run(&SPOOFABLE_CLIENT_IP);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(t("").run(&SPOOFABLE_CLIENT_IP).is_empty());
}
