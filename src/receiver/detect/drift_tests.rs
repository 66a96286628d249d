//! Drift detections against `sapi` events shaped like the reference's recorded ones.

use serde_json::{Value, json};

use super::*;
use crate::receiver::classify::classify;
use crate::receiver::event::event_from;

fn sapi(method: &str, path: &str, req: Value, resp: Value) -> LogEvent {
    event_from(json!({
        "type": "sapi", "date": "2026-01-01T00:00:00Z", "description": "x",
        "client_id": "m2mclient", "client_name": "",
        "details": {"request": {"auth": {"strategy": "jwt", "user": {}, "credentials": {}},
            "channel": "api", "ip": "10.0.0.1", "method": method, "path": path, "query": {},
            "body": req},
            "response": {"body": resp, "statusCode": 200}}}))
}

fn run(d: &mut DriftDetector, dir: &mut ObjectDirectory, e: &LogEvent) -> Vec<Detection> {
    let c = classify(e);
    dir.observe(e, c.change.as_ref());
    let mut out = Vec::new();
    d.inspect(e, &c, dir, &mut out);
    out
}

fn one(e: LogEvent) -> Vec<Detection> {
    run(
        &mut DriftDetector::default(),
        &mut ObjectDirectory::default(),
        &e,
    )
}

fn ids(v: &[Detection]) -> Vec<DetectionKind> {
    v.iter().map(|d| d.id).collect()
}

const MGMT: &str = "https://acme.eu.auth0.com/api/v2/";

#[test]
fn new_management_grant_with_write_scope_is_high() {
    let e = sapi(
        "post",
        "/api/v2/client-grants",
        json!({"client_id": "cid1", "audience": MGMT, "scope": ["read:users", "update:users"]}),
        json!({"id": "cgr_1", "client_id": "cid1", "audience": MGMT, "scope": ["read:users", "update:users"]}),
    );
    let d = one(e);
    assert_eq!(ids(&d), vec![DetectionKind::ManagementGrantCreated]);
    assert_eq!(d[0].severity, Severity::High);
    assert!(d[0].summary.contains("update:users"));
}

#[test]
fn grant_on_own_api_is_not_a_management_grant() {
    let e = sapi(
        "post",
        "/api/v2/client-grants",
        json!({"client_id": "cid1", "audience": "https://api.example.com/", "scope": ["delete:everything"]}),
        json!({"id": "cgr_1", "client_id": "cid1", "audience": "https://api.example.com/"}),
    );
    assert!(one(e).is_empty());
}

#[test]
fn widened_grant_reports_only_added_scopes() {
    let mut d = DriftDetector::default();
    let mut dir = ObjectDirectory::default();
    dir.learn(Resource::Client, "cid1", "Billing Sync");
    let create = sapi(
        "post",
        "/api/v2/client-grants",
        json!({"client_id": "cid1", "audience": MGMT, "scope": ["read:users"]}),
        json!({"id": "cgr_1", "client_id": "cid1", "audience": MGMT, "scope": ["read:users"]}),
    );
    let first = run(&mut d, &mut dir, &create);
    assert_eq!(first[0].severity, Severity::Medium);
    assert!(first[0].summary.contains("Billing Sync"));
    // Same scopes again: not widened.
    let same = sapi(
        "patch",
        "/api/v2/client-grants/cgr_1",
        json!({"scope": ["read:users"]}),
        json!({"id": "cgr_1", "client_id": "cid1", "audience": MGMT, "scope": ["read:users"]}),
    );
    assert!(run(&mut d, &mut dir, &same).is_empty());
    let wider = sapi(
        "patch",
        "/api/v2/client-grants/cgr_1",
        json!({"scope": ["read:users", "delete:users"]}),
        json!({"id": "cgr_1", "client_id": "cid1", "audience": MGMT, "scope": ["read:users", "delete:users"]}),
    );
    let out = run(&mut d, &mut dir, &wider);
    assert_eq!(ids(&out), vec![DetectionKind::ManagementGrantWidened]);
    assert!(
        out[0].summary.ends_with("widened: delete:users"),
        "{}",
        out[0].summary
    );
}

#[test]
fn update_of_unknown_grant_reports_write_scopes_only() {
    let read_only = sapi(
        "patch",
        "/api/v2/client-grants/cgr_9",
        json!({"scope": ["read:users"]}),
        json!({"id": "cgr_9", "client_id": "c", "audience": MGMT}),
    );
    assert!(one(read_only).is_empty());
    let write = sapi(
        "patch",
        "/api/v2/client-grants/cgr_9",
        json!({"scope": ["read:users", "update:clients"]}),
        json!({"id": "cgr_9", "client_id": "c", "audience": MGMT}),
    );
    assert_eq!(
        ids(&one(write)),
        vec![DetectionKind::ManagementGrantWidened]
    );
}

#[test]
fn brute_force_turned_off_or_monitor_only() {
    let off = sapi(
        "patch",
        "/api/v2/attack-protection/brute-force-protection",
        json!({"enabled": false}),
        json!({"enabled": false, "shields": ["block"], "mode": "count_per_identifier_and_ip"}),
    );
    let d = one(off);
    assert_eq!(ids(&d), vec![DetectionKind::AttackProtectionWeakened]);
    assert!(d[0].summary.contains("turned off"));
    let monitor = sapi(
        "patch",
        "/api/v2/attack-protection/brute-force-protection",
        json!({"shields": ["user_notification"]}),
        json!({"enabled": true, "shields": ["user_notification"]}),
    );
    assert!(one(monitor)[0].summary.contains("monitoring only"));
    let fine = sapi(
        "patch",
        "/api/v2/attack-protection/brute-force-protection",
        json!({"max_attempts": 5}),
        json!({"enabled": true, "shields": ["block", "user_notification"]}),
    );
    assert!(one(fine).is_empty());
}

#[test]
fn breached_password_and_ip_throttling() {
    let signup = sapi(
        "patch",
        "/api/v2/attack-protection/breached-password-detection",
        json!({"stage": {"pre-user-registration": {"shields": ["admin_notification"]}}}),
        json!({"enabled": true, "shields": ["block"], "stage": {"pre-user-registration": {"shields": ["admin_notification"]}}}),
    );
    assert!(one(signup)[0].summary.contains("at signup"));
    let ip_off = sapi(
        "patch",
        "/api/v2/attack-protection/suspicious-ip-throttling",
        json!({"enabled": false}),
        json!({"enabled": false}),
    );
    assert!(
        one(ip_off)[0]
            .summary
            .starts_with("suspicious IP throttling")
    );
    let ip_on = sapi(
        "patch",
        "/api/v2/attack-protection/suspicious-ip-throttling",
        json!({"allowlist": ["10.0.0.0/8"]}),
        json!({"enabled": true, "allowlist": ["10.0.0.0/8"]}),
    );
    assert!(one(ip_on).is_empty());
}

#[test]
fn bot_detection_off() {
    let off = sapi(
        "patch",
        "/api/v2/attack-protection/bot-detection",
        json!({"bot_detection_level": "off"}),
        json!({"bot_detection_level": "off"}),
    );
    assert_eq!(
        ids(&one(off)),
        vec![DetectionKind::AttackProtectionWeakened]
    );
    let on = sapi(
        "patch",
        "/api/v2/attack-protection/bot-detection",
        json!({"bot_detection_level": "medium", "challenge_password_policy": "when_risky"}),
        json!({}),
    );
    assert!(one(on).is_empty());
}

#[test]
fn mfa_factor_policy_and_risk_assessment_downgrades() {
    let factor = sapi(
        "put",
        "/api/v2/guardian/factors/otp",
        json!({"enabled": false}),
        json!({"enabled": false}),
    );
    assert_eq!(one(factor)[0].summary, "MFA factor otp disabled");
    let never = sapi("put", "/api/v2/guardian/policies", json!([]), json!([]));
    assert_eq!(ids(&one(never)), vec![DetectionKind::MfaDowngraded]);
    let always = sapi(
        "put",
        "/api/v2/guardian/policies",
        json!(["all-applications"]),
        json!(["all-applications"]),
    );
    assert!(one(always).is_empty());
    let enable = sapi(
        "put",
        "/api/v2/guardian/factors/webauthn-roaming",
        json!({"enabled": true}),
        json!({"enabled": true}),
    );
    assert!(one(enable).is_empty());
    let risk = sapi(
        "patch",
        "/api/v2/risk-assessments/settings",
        json!({"enabled": false}),
        json!({"enabled": false}),
    );
    assert_eq!(ids(&one(risk)), vec![DetectionKind::MfaDowngraded]);
}

#[test]
fn cross_origin_and_insecure_grants_on_a_client() {
    let e = sapi(
        "patch",
        "/api/v2/clients/cid1",
        json!({"cross_origin_authentication": true, "grant_types": ["authorization_code", "implicit", "password"]}),
        json!({"client_id": "cid1", "name": "Storefront", "cross_origin_authentication": true}),
    );
    let d = one(e);
    assert_eq!(
        ids(&d),
        vec![
            DetectionKind::CrossOriginAuthEnabled,
            DetectionKind::InsecureGrantTypeEnabled
        ]
    );
    assert!(d[0].summary.contains("Storefront"));
    assert!(d[1].summary.ends_with("implicit password"));
    // A rename of an app that already has CORS on: the change does not enable it.
    let rename = sapi(
        "patch",
        "/api/v2/clients/cid1",
        json!({"name": "Shop"}),
        json!({"client_id": "cid1", "name": "Shop", "cross_origin_authentication": true, "grant_types": ["implicit"]}),
    );
    assert!(one(rename).is_empty());
    let safe = sapi(
        "patch",
        "/api/v2/clients/cid1",
        json!({"cross_origin_authentication": false, "grant_types": ["authorization_code", "refresh_token"]}),
        json!({}),
    );
    assert!(one(safe).is_empty());
}

#[test]
fn code_changes_name_the_action() {
    let deploy = sapi(
        "post",
        "/api/v2/actions/actions/0f1e-uuid/deploy",
        json!({}),
        json!({"id": "v-uuid", "action": {"id": "0f1e-uuid"}, "name": "Grant admin"}),
    );
    let d = one(deploy);
    assert_eq!(ids(&d), vec![DetectionKind::CodeChanged]);
    assert_eq!(d[0].summary, "Action Grant admin deployed");
    let bindings = sapi(
        "patch",
        "/api/v2/actions/triggers/post-login/bindings",
        json!({"bindings": []}),
        json!({}),
    );
    assert_eq!(one(bindings)[0].summary, "flow post-login bindings updated");
    let rule = sapi(
        "post",
        "/api/v2/rules",
        json!({"name": "add-roles", "script": "function(){}"}),
        json!({"id": "rul_1", "name": "add-roles"}),
    );
    assert_eq!(one(rule)[0].summary, "Rule add-roles created");
    let delete = sapi(
        "delete",
        "/api/v2/actions/actions/0f1e-uuid",
        json!({}),
        json!({}),
    );
    assert!(one(delete).is_empty());
}

#[test]
fn client_secret_read_only_when_secret_accessed() {
    let read = event_from(
        json!({"type": "mgmt_api_read", "details": {"accessedSecrets": ["client_secret"],
        "request": {"method": "get", "path": "/api/v2/clients/cid7"}}}),
    );
    let d = one(read);
    assert_eq!(ids(&d), vec![DetectionKind::ClientSecretRead]);
    assert!(d[0].summary.contains("cid7"));
    let other = event_from(
        json!({"type": "mgmt_api_read", "details": {"accessedSecrets": ["signing_keys"]}}),
    );
    assert!(one(other).is_empty());
}

#[test]
fn unrelated_changes_raise_nothing() {
    let user = sapi(
        "post",
        "/api/v2/users",
        json!({"email": "a@b.c", "password": "*****"}),
        json!({}),
    );
    assert!(one(user).is_empty());
    let login = event_from(json!({"type": "s", "client_name": "Web"}));
    assert!(one(login).is_empty());
}
