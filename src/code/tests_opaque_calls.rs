//! Analyzer tests: a whole user object passed into an npm module's function is a lead to check
//! (medium / low, naming the function), never a proven flow; what the code reads itself, local
//! helpers and standard functions keep the full rating.

use super::effects::{CodeFinding, Source};
use super::tests_flow::{action, claim, run};
use crate::findings::Severity;

fn at<'r>(r: &'r super::CodeReport, rule: &str, line: u32) -> Option<&'r CodeFinding> {
    r.findings.iter().find(|f| f.rule == rule && f.line == line)
}

const MODULE: &str = "const tiers = require('@acme/tiers');\n";

fn with_module(body: &str) -> super::CodeReport {
    run(&format!(
        "{MODULE}exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};"
    ))
}

#[test]
fn a_whole_user_into_a_module_function_is_a_lead_not_a_flow() {
    let r = with_module(
        "const tier = tiers.compute(event.user);\napi.accessToken.setCustomClaim('https://acme.example/tier', tier);\nif (tiers.compute(event.user) === 'gold') api.accessToken.addScope('gold');",
    );
    let value = &claim(&r).value_sources;
    let carries = value.iter().find_map(|s| match s {
        Source::OpaqueCall { callee, carries } if &**callee == "@acme/tiers.compute" => {
            Some(carries)
        }
        _ => None,
    });
    let carries = carries.expect("the call's source names the function");
    assert!(
        carries.contains(&Source::Email) && carries.contains(&Source::UserMetadata { key: None })
    );
    // What the user object carries is listed in the call's source, not loose next to it.
    assert!(!value.contains(&Source::Email), "{value:?}");
    let value = at(&r, "code.metadata-driven-privilege", 4).expect("claim lead");
    assert_eq!(value.severity, Severity::Medium);
    assert!(
        value.message.contains("may depend on user-writable data")
            && value.message.contains("`@acme/tiers.compute`"),
        "{}",
        value.message
    );
    let guard = at(&r, "code.metadata-driven-privilege", 5).expect("scope lead");
    assert_eq!(guard.severity, Severity::Low);
    let email = at(&r, "code.unverified-email-trust", 5).expect("e-mail lead");
    assert_eq!(email.severity, Severity::Low);
    assert!(r.findings.iter().all(|f| f.severity <= Severity::Medium));
}

#[test]
fn a_key_the_code_reads_itself_keeps_the_full_rating() {
    let r = with_module(
        "const tier = tiers.compute(event.user.user_metadata.plan);\napi.accessToken.setCustomClaim('https://acme.example/tier', tier);\nif (tiers.compute(event.user) && event.user.user_metadata.admin) api.accessToken.addScope('admin');",
    );
    assert_eq!(
        at(&r, "code.metadata-driven-privilege", 4).map(|f| f.severity),
        Some(Severity::Critical)
    );
    assert_eq!(
        at(&r, "code.metadata-driven-privilege", 5).map(|f| f.severity),
        Some(Severity::High)
    );
}

#[test]
fn local_helpers_and_standard_functions_are_not_leads() {
    let local = action(
        "function tierOf(u) { return u.app_metadata.tier; }\napi.accessToken.setCustomClaim('https://acme.example/tier', tierOf(event.user));",
    );
    assert!(local.findings.is_empty(), "{:#?}", local.findings);
    let standard = action(
        "api.accessToken.setCustomClaim('https://acme.example/profile', JSON.stringify(event.user));",
    );
    assert_eq!(
        at(&standard, "code.metadata-driven-privilege", 2).map(|f| f.severity),
        Some(Severity::Critical),
        "the JSON holds user_metadata"
    );
}

#[test]
fn lodash_copies_are_proven_flows_not_leads() {
    for (require, call) in [
        (
            "const _ = require('lodash');",
            "_.pick(event.user, ['user_metadata'])",
        ),
        (
            "const cloneDeep = require('lodash.clonedeep');",
            "cloneDeep(event.user)",
        ),
        (
            "const merge = require('lodash/merge');",
            "merge({}, event.user)",
        ),
    ] {
        let r = run(&format!(
            "{require}\nexports.onExecutePostLogin = async (event, api) => {{\nconst copy = {call};\napi.accessToken.setCustomClaim('https://acme.example/profile', copy);\n}};"
        ));
        assert_eq!(
            at(&r, "code.metadata-driven-privilege", 4).map(|f| f.severity),
            Some(Severity::Critical),
            "{call}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn the_whole_request_into_a_module_function_is_a_lead_too() {
    let r = with_module(
        "const mode = tiers.modeOf(event.request);\nif (mode === 'admin') api.accessToken.addScope('admin');",
    );
    let f = at(&r, "code.metadata-driven-privilege", 4).expect("lead");
    assert_eq!(f.severity, Severity::Low);
    let direct = with_module(
        "const mode = tiers.modeOf(event.request.query.mode);\nif (mode === 'admin') api.accessToken.addScope('admin');",
    );
    assert_eq!(
        at(&direct, "code.metadata-driven-privilege", 4).map(|f| f.severity),
        Some(Severity::High)
    );
}

#[test]
fn mfa_and_redirect_rules_rate_leads_low() {
    let r = with_module(
        "if (!tiers.trusted(event.request)) {\n  api.multifactor.enable('any');\n}\napi.redirect.sendUserTo(tiers.next(event.user));",
    );
    let mfa = at(&r, "code.mfa-bypass-condition", 4).expect("MFA lead");
    assert_eq!(mfa.severity, Severity::Low);
    assert!(
        mfa.message.contains("`@acme/tiers.trusted`"),
        "{}",
        mfa.message
    );
    let redirect = at(&r, "code.open-redirect", 6).expect("redirect lead");
    assert_eq!(redirect.severity, Severity::Low);
    let direct = with_module(
        "if (!tiers.trusted(event.request.ip)) {\n  api.multifactor.enable('any');\n}\napi.redirect.sendUserTo(tiers.next(event.request.query.to));",
    );
    assert_eq!(
        at(&direct, "code.mfa-bypass-condition", 4).map(|f| f.severity),
        Some(Severity::High)
    );
    assert_eq!(
        at(&direct, "code.open-redirect", 6).map(|f| f.severity),
        Some(Severity::Medium)
    );
}

#[test]
fn a_direct_read_next_to_a_module_call_keeps_the_full_rating() {
    // The e-mail address is read directly in the guard; the module call next to it must not
    // turn that proven read into a lead.
    let r = with_module(
        "const vip = tiers.compute(event.user);\nif (vip || event.user.email.endsWith('@acme.com')) api.accessToken.addScope('admin:orders');",
    );
    assert_eq!(
        at(&r, "code.unverified-email-trust", 4).map(|f| f.severity),
        Some(Severity::High),
        "{:#?}",
        r.findings
    );
    // The whole user_metadata object, read directly, put in a claim next to a module result.
    let r = with_module(
        "const tier = tiers.compute(event.user);\napi.accessToken.setCustomClaim('https://acme.example/role', tier || event.user.user_metadata);",
    );
    assert_eq!(
        at(&r, "code.metadata-driven-privilege", 4).map(|f| f.severity),
        Some(Severity::Critical),
        "{:#?}",
        r.findings
    );
}

#[test]
fn switching_the_primary_user_on_a_module_result_is_a_lead() {
    let r = with_module(
        "const id = await tiers.findLinked(event.user);\napi.authentication.setPrimaryUser(id);",
    );
    let privilege = at(&r, "code.metadata-driven-privilege", 4).expect("privilege lead");
    assert_eq!(privilege.severity, Severity::Medium);
    assert!(privilege.message.contains("`@acme/tiers.findLinked`"));
    let email = at(&r, "code.unverified-email-trust", 4).expect("e-mail lead");
    assert_eq!(email.severity, Severity::Medium);
    assert!(
        email
            .message
            .contains("may depend on the unverified e-mail address")
    );
    // The same switch on an id the code finds by the e-mail address itself stays critical.
    let r = with_module(
        "const found = await tiers.byEmail(event.user.email);\napi.authentication.setPrimaryUser(found);",
    );
    assert_eq!(
        at(&r, "code.unverified-email-trust", 4).map(|f| f.severity),
        Some(Severity::Critical)
    );
}
