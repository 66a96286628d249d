//! Tests of [`super`] (`clients_tokens.rs`), kept in their own file.

use serde_json::{Value, json};

use super::*;
use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
use crate::tenant::TenantSnapshot;

fn snap(client: Value, strategy: &str) -> TenantSnapshot {
    TenantBuilder::new()
        .client(client)
        .connection(json!({"name": "c", "strategy": strategy, "enabled_clients": ["App"]}))
        .build()
}

#[test]
fn hs256_is_flagged_rs256_is_clean() {
    let s = snap(
        json!({"name": "App", "jwt_configuration": {"alg": "HS256"}}),
        "auth0",
    );
    let hit = one(&ID_TOKEN_HS256, &s);
    assert_eq!(hit.severity, Some(Severity::High));
    assert_eq!(hit.evidence[0].text, "jwt_configuration.alg: HS256");
    clean(
        &ID_TOKEN_HS256,
        &snap(
            json!({"name": "App", "jwt_configuration": {"alg": "RS256"}}),
            "auth0",
        ),
    );
    clean(&ID_TOKEN_HS256, &snap(json!({"name": "App"}), "auth0"));
}

#[test]
fn cross_origin_depends_on_credential_connections() {
    let on = json!({"name": "App", "cross_origin_auth": true});
    assert_eq!(
        severity(&CROSS_ORIGIN_AUTH, &snap(on.clone(), "auth0")),
        Severity::High
    );
    assert_eq!(
        severity(&CROSS_ORIGIN_AUTH, &snap(on, "google-oauth2")),
        Severity::Low
    );
    clean(
        &CROSS_ORIGIN_AUTH,
        &snap(
            json!({"name": "App", "cross_origin_authentication": false}),
            "auth0",
        ),
    );
}

#[test]
fn default_refresh_tokens_on_spa_are_high() {
    let s = snap(json!({"name": "App", "app_type": "spa"}), "auth0");
    let hit = one(&REFRESH_TOKENS, &s);
    assert_eq!(hit.severity, Some(Severity::High));
    assert!(hit.description.contains("neither rotate nor expire"));
}

#[test]
fn long_lifetimes_and_leeway_are_low() {
    let s = snap(
        json!({"name": "App", "app_type": "regular_web", "grant_types": ["refresh_token"],
            "refresh_token": {"rotation_type": "rotating", "expiration_type": "expiring",
            "token_lifetime": 31536000, "idle_token_lifetime": 1296000, "leeway": 30}}),
        "auth0",
    );
    let hit = one(&REFRESH_TOKENS, &s);
    assert_eq!(hit.severity, Some(Severity::Low));
    assert!(hit.description.contains("365 days"));
    assert!(hit.description.contains("leeway"));
}

#[test]
fn sane_refresh_tokens_and_no_refresh_grant_are_clean() {
    clean(
        &REFRESH_TOKENS,
        &snap(
            json!({"name": "App", "grant_types": ["authorization_code", "refresh_token"],
                "refresh_token": {"rotation_type": "rotating", "expiration_type": "expiring",
                "token_lifetime": 2592000, "idle_token_lifetime": 1296000, "leeway": 0}}),
            "auth0",
        ),
    );
    clean(
        &REFRESH_TOKENS,
        &snap(
            json!({"name": "App", "grant_types": ["authorization_code"]}),
            "auth0",
        ),
    );
}

#[test]
fn sender_constraining() {
    let s = snap(
        json!({"name": "App", "grant_types": ["authorization_code"]}),
        "auth0",
    );
    assert_eq!(severity(&SENDER_CONSTRAINING, &s), Severity::Low);
    clean(
        &SENDER_CONSTRAINING,
        &snap(
            json!({"name": "App", "grant_types": ["authorization_code"],
            "require_proof_of_possession": true}),
            "auth0",
        ),
    );
    clean(
        &SENDER_CONSTRAINING,
        &snap(json!({"name": "App", "grant_types": ["implicit"]}), "auth0"),
    );
}

#[test]
fn id_token_lifetime() {
    let s = snap(
        json!({"name": "App", "jwt_configuration": {"lifetime_in_seconds": 86400}}),
        "auth0",
    );
    assert!(one(&ID_TOKEN_LIFETIME, &s).description.contains("24 hours"));
    clean(
        &ID_TOKEN_LIFETIME,
        &snap(
            json!({"name": "App", "jwt_configuration": {"lifetime_in_seconds": 36000}}),
            "auth0",
        ),
    );
}
