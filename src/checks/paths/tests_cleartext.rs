//! Tests of `path.cleartext-response-to-privilege`: a scope, privileged claim or laundered
//! `app_metadata` flag decided by the response of an `http://` call is a path (high at most);
//! the same code over `https://`, a display claim, or code that never runs is not (or latent).

use super::cleartext::CLEARTEXT_RESPONSE_TO_PRIVILEGE;
use super::test_support::Tenant;
use crate::findings::{ObjectKind, Severity};

const API: &str = "https://api.example/orders";

fn grant_from(scheme: &str, sink: &str) -> String {
    format!(
        "exports.onExecutePostLogin = async (event, api) => {{\n  const res = await fetch('{scheme}://entitlements.internal.example/v1/' + event.user.user_id);\n  const body = await res.json();\n  {sink}\n}};"
    )
}

fn tenant(code: &str, deployed: bool, bound: bool) -> Tenant {
    Tenant::new()
        .action("Entitlements", code, deployed, bound)
        .api("Orders API", API, &["admin:orders"], true)
}

#[test]
fn a_scope_decided_by_a_cleartext_response_reaches_the_api() {
    let code = grant_from(
        "http",
        "if (body.admin) api.accessToken.addScope('admin:orders');",
    );
    let found = tenant(&code, true, true).run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    // It would be critical from signup; a network position caps it at high.
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        f.path.last().map(|s| s.kind),
        Some(ObjectKind::ResourceServer)
    );
    assert!(
        f.description
            .starts_with("Anyone on the network path of the http:// call on line 2 of action"),
        "{}",
        f.description
    );
    assert_eq!(f.evidence.first().and_then(|e| e.line), Some(2));
    let safe = grant_from(
        "https",
        "if (body.admin) api.accessToken.addScope('admin:orders');",
    );
    assert!(
        tenant(&safe, true, true)
            .run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE)
            .is_empty()
    );
}

#[test]
fn only_claims_with_authorisation_meaning_count() {
    let role = grant_from(
        "http",
        "api.accessToken.setCustomClaim('https://acme.example/role', body.role);",
    );
    let found = tenant(&role, true, true).run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE);
    assert_eq!(found.len(), 1, "{found:#?}");
    let nickname = grant_from(
        "http",
        "api.idToken.setCustomClaim('https://acme.example/nickname', body.nickname);",
    );
    assert!(
        tenant(&nickname, true, true)
            .run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE)
            .is_empty()
    );
}

#[test]
fn a_forged_flag_laundered_through_app_metadata_is_followed() {
    let writer = grant_from("http", "api.user.setAppMetadata('plan', body.plan);");
    let granter = "exports.onExecutePostLogin = async (event, api) => {\n  if (event.user.app_metadata.plan === 'enterprise') api.accessToken.addScope('admin:orders');\n};";
    let found = tenant(&writer, true, true)
        .action("Plan Scopes", granter, true, true)
        .run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE);
    assert_eq!(found.len(), 1, "{found:#?}");
    let names: Vec<&str> = found[0].path.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Entitlements",
            "app_metadata.plan",
            "Plan Scopes",
            "admin:orders",
            "Orders API"
        ]
    );
}

#[test]
fn code_that_never_runs_is_latent() {
    let code = grant_from(
        "http",
        "if (body.admin) api.accessToken.addScope('admin:orders');",
    );
    let found = tenant(&code, true, false).run(&CLEARTEXT_RESPONSE_TO_PRIVILEGE);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Low);
    assert!(
        found[0].description.contains("Latent"),
        "{}",
        found[0].description
    );
}
