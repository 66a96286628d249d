//! Endpoints of features the emulated tenants do not use, answered as a tenant without them
//! answers (empty lists or default settings), so clients that read every resource type (the
//! Deploy CLI) see a complete, consistent tenant.

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::routes::{Scopes, any_of};

/// `(path, scope, body)` of each empty-feature endpoint; `*` matches one segment.
fn table() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("branding", "read:branding", json!({})),
        (
            "branding/phone/providers",
            "read:phone_providers",
            json!({"providers": []}),
        ),
        (
            "branding/phone/templates",
            "read:phone_templates",
            json!({"templates": []}),
        ),
        ("branding/themes/default", "read:branding", Value::Null),
        (
            "guardian/factors/sms/providers/twilio",
            "read:guardian_factors",
            json!({}),
        ),
        (
            "guardian/factors/phone/providers/twilio",
            "read:guardian_factors",
            json!({}),
        ),
        (
            "guardian/factors/push-notification/providers/sns",
            "read:guardian_factors",
            json!({}),
        ),
        (
            "guardian/factors/push-notification/providers/apns",
            "read:guardian_factors",
            json!({}),
        ),
        (
            "guardian/factors/duo/settings",
            "read:guardian_factors",
            json!({}),
        ),
        (
            "guardian/factors/sms/templates",
            "read:guardian_factors",
            json!({
            "enrollment_message": "{{code}} is your verification code for {{tenant.friendly_name}}. Please enter this code to verify your enrollment.",
            "verification_message": "{{code}} is your verification code for {{tenant.friendly_name}}"}),
        ),
        (
            "guardian/factors/phone/templates",
            "read:guardian_factors",
            json!({
            "enrollment_message": "{{code}} is your verification code for {{tenant.friendly_name}}. Please enter this code to verify your enrollment.",
            "verification_message": "{{code}} is your verification code for {{tenant.friendly_name}}"}),
        ),
        ("prompts/*/custom-text/*", "read:prompts", json!({})),
        ("prompts/*/partials", "read:prompts", json!({})),
        ("prompts/rendering", "read:prompts", json!({"configs": []})),
        (
            "forms",
            "read:forms",
            json!({"forms": [], "start": 0, "limit": 100, "total": 0}),
        ),
        (
            "flows",
            "read:flows",
            json!({"flows": [], "start": 0, "limit": 100, "total": 0}),
        ),
        (
            "flows/vault/connections",
            "read:flows",
            json!({"connections": [], "start": 0, "limit": 100, "total": 0}),
        ),
        (
            "self-service-profiles",
            "read:self_service_profiles",
            json!({"self_service_profiles": [], "start": 0, "limit": 100, "total": 0}),
        ),
        (
            "network-acls",
            "read:network_acls",
            json!({"network_acls": [], "start": 0, "limit": 100, "total": 0}),
        ),
        (
            "event-streams",
            "read:event_streams",
            json!({"eventStreams": []}),
        ),
        (
            "token-exchange-profiles",
            "read:token_exchange_profiles",
            json!({"token_exchange_profiles": []}),
        ),
        (
            "actions/modules",
            "read:actions",
            json!({"modules": [], "total": 0, "per_page": 100}),
        ),
        (
            "risk-assessments/settings",
            "read:attack_protection",
            json!({"enabled": false}),
        ),
        (
            "risk-assessments/settings/new-device",
            "read:attack_protection",
            json!({"remember_for": 30}),
        ),
        ("keys/signing", "read:signing_keys", json!([])),
        (
            "user-attribute-profiles",
            "read:user_attribute_profiles",
            json!({"user_attribute_profiles": []}),
        ),
        (
            "connection-profiles",
            "read:connection_profiles",
            json!({"connection_profiles": []}),
        ),
        (
            "rate-limit-policies",
            "read:rate_limit_policies",
            json!({"rate_limit_policies": []}),
        ),
        ("supplemental-signals", "read:attack_protection", json!({})),
    ]
}

fn matches(pattern: &str, segs: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.split('/').collect();
    parts.len() == segs.len() && parts.iter().zip(segs).all(|(p, s)| *p == "*" || p == s)
}

/// The answer for an empty-feature endpoint, `None` when `segs` is not one.
pub fn answer(scopes: &Scopes, segs: &[&str]) -> Option<Result<Value, ApiError>> {
    let (_, scope, body) = table().into_iter().find(|(p, _, _)| matches(p, segs))?;
    if let Err(e) = any_of(scopes, &[scope]) {
        return Some(Err(e));
    }
    if body.is_null() {
        return Some(Err(ApiError::not_found(
            "There is no default theme",
            Some("theme_not_found"),
        )));
    }
    Some(Ok(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_segment_only() {
        assert!(matches(
            "prompts/*/custom-text/*",
            &["prompts", "login", "custom-text", "en"]
        ));
        assert!(!matches(
            "prompts/*/custom-text/*",
            &["prompts", "login", "custom-text"]
        ));
        let all: Scopes = ["read:branding".to_string()].into_iter().collect();
        assert!(answer(&all, &["branding"]).is_some_and(|r| r.is_ok()));
        assert!(answer(&Scopes::new(), &["branding"]).is_some_and(|r| r.is_err()));
        assert!(answer(&all, &["nothing"]).is_none());
    }
}
