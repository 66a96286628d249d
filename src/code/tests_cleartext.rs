//! Analyzer tests: cleartext HTTP calls rated by what they send and by what trusts their
//! response, each with an `https://` look-alike that must stay quiet.

use super::effects::{CodeFinding, Source};
use super::tests_flow::{action, effect, rule};
use super::{CodeReport, EffectKind};
use crate::findings::Severity;

/// The `code.insecure-http-call` findings of a report.
fn cleartext(r: &CodeReport) -> Vec<&CodeFinding> {
    r.findings
        .iter()
        .filter(|f| f.rule == "code.insecure-http-call")
        .collect()
}

/// The one `code.insecure-http-call` finding on `line`.
fn cleartext_at(r: &CodeReport, line: u32) -> &CodeFinding {
    let found: Vec<_> = cleartext(r)
        .into_iter()
        .filter(|f| f.line == line)
        .collect();
    assert_eq!(found.len(), 1, "line {line}: {:#?}", r.findings);
    found[0]
}

#[test]
fn a_cleartext_call_that_sends_a_secret_is_high_and_names_it() {
    let r = action(
        "await fetch(`http://audit.acme.example/log?u=${event.user.email}`, { headers: { 'x-key': event.secrets.AUDIT_TOKEN } });",
    );
    let f = cleartext_at(&r, 2);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.message
            .contains("secret `AUDIT_TOKEN` and the e-mail address"),
        "{}",
        f.message
    );
    let safe = action(
        "await fetch(`https://audit.acme.example/log?u=${event.user.email}`, { headers: { 'x-key': event.secrets.AUDIT_TOKEN } });",
    );
    assert!(cleartext(&safe).is_empty(), "{:#?}", safe.findings);
}

#[test]
fn a_cleartext_call_without_secrets_stays_medium() {
    let r = action("await fetch('http://status.acme.example/ping', { method: 'POST' });");
    let f = cleartext_at(&r, 2);
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.message,
        "cleartext HTTP call to `http://status.acme.example/ping`"
    );
}

#[test]
fn a_hard_coded_credential_sent_in_cleartext_is_high() {
    let r = action(
        "await fetch('http://crm.acme.example/api', { headers: { Authorization: 'Bearer 9fQ2xL7vR3mK8pT1wZ6cY4hJ0gN5sA2e' } });",
    );
    let f = cleartext_at(&r, 2);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.message.contains("a hard-coded credential"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("9fQ2xL7v"), "{}", f.message);
}

#[test]
fn a_claim_from_a_cleartext_response_is_high_and_names_the_call() {
    let r = action(
        "const res = await fetch('http://roles.acme.internal/r/' + event.user.user_id);\nconst body = await res.json();\napi.accessToken.setCustomClaim('https://acme.example/role', body.role);",
    );
    let claim = effect(&r, |k| matches!(k, EffectKind::AccessTokenClaim { .. }));
    assert!(
        claim
            .value_sources
            .contains(&Source::CleartextResponse { line: 2 })
    );
    let f = cleartext_at(&r, 4);
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.contains("takes its value from"), "{}", f.message);
    assert!(f.message.contains("call on line 2"), "{}", f.message);
    let safe = action(
        "const res = await fetch('https://roles.acme.internal/r/' + event.user.user_id);\nconst body = await res.json();\napi.accessToken.setCustomClaim('https://acme.example/role', body.role);",
    );
    assert!(cleartext(&safe).is_empty(), "{:#?}", safe.findings);
}

#[test]
fn a_scope_decided_by_a_cleartext_response_is_high() {
    let r = action(
        "const axios = require('axios');\nconst { data } = await axios.get('http://hr.acme.internal/staff/' + event.user.user_id);\nif (data.isAdmin) {\n  api.accessToken.addScope('admin:all');\n}",
    );
    let f = cleartext_at(&r, 5);
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.message
            .starts_with("added scope `admin:all` is decided by")
    );
    assert!(f.message.contains("call on line 3"), "{}", f.message);
}

#[test]
fn a_rules_callback_fed_by_a_cleartext_call_is_followed() {
    let r = rule(
        "request.get({ url: 'http://legacy.acme.internal/groups/' + user.user_id, json: true }, function (err, resp, body) {\n  context.idToken['https://acme.example/groups'] = body.groups;\n  callback(null, user, context);\n});",
    );
    let f = cleartext_at(&r, 3);
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.contains("ID-token claim"), "{}", f.message);
}

#[test]
fn an_app_metadata_write_of_a_cleartext_response_is_medium() {
    let r = action(
        "const res = await fetch('http://crm.acme.internal/contact');\nconst { id } = await res.json();\napi.user.setAppMetadata('crm_id', id);",
    );
    let f = cleartext_at(&r, 4);
    assert_eq!(f.severity, Severity::Medium);
    assert!(f.message.contains("app_metadata `crm_id` write"));
}

#[test]
fn the_more_severe_of_two_findings_on_one_line_stays() {
    // The call (medium: it sends nothing secret) and the claim that trusts its response (high)
    // share the line; the call's finding comes first.
    let r = action(
        "api.accessToken.setCustomClaim('https://acme.example/tier', (await fetch('http://tiers.acme.internal/t')).status);",
    );
    let f = cleartext_at(&r, 2);
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.contains("access-token claim"), "{}", f.message);
}
