//! Analyzer tests: claim names built from an unknown namespace keep their known text, and claims
//! whose name is a display preference are rated low when user-writable data reaches them; the
//! same data in any other claim keeps the full rating.

use super::effects::{CodeFinding, EffectKind};
use super::tests_flow::{action, claim, effect, rule};
use crate::findings::Severity;

/// The `code.metadata-driven-privilege` finding on `line` of an Action body.
fn privilege_at(body: &str, line: u32) -> Option<CodeFinding> {
    action(body)
        .findings
        .into_iter()
        .find(|f| f.rule == "code.metadata-driven-privilege" && f.line == line)
}

#[test]
fn a_preference_claim_from_user_metadata_is_low() {
    for body in [
        "api.accessToken.setCustomClaim('https://app.example.com/timezone', event.user.user_metadata.tz);",
        "api.idToken.setCustomClaim('https://app.example.com/locale', event.user.user_metadata.locale || 'en');",
        "if (event.user.user_metadata.dark) api.idToken.setCustomClaim('https://app.example.com/theme', 'dark');",
        "api.idToken.setCustomClaim('given_name', event.request.query.name);",
    ] {
        let f = privilege_at(body, 2).unwrap_or_else(|| panic!("no finding for {body}"));
        assert_eq!(f.severity, Severity::Low, "{body}");
        assert!(f.message.contains("display preference"), "{}", f.message);
    }
}

#[test]
fn other_claims_keep_their_rating() {
    for (body, severity) in [
        (
            "api.accessToken.setCustomClaim('https://app.example.com/role', event.user.user_metadata.locale);",
            Severity::Critical,
        ),
        (
            "api.accessToken.setCustomClaim('https://app.example.com/tenant_id', event.user.user_metadata.tenant);",
            Severity::Critical,
        ),
        (
            "api.idToken.setCustomClaim('https://app.example.com/username', event.user.user_metadata.username);",
            Severity::High,
        ),
        (
            "if (event.user.user_metadata.admin) api.accessToken.setCustomClaim('https://app.example.com/locale_admin', true);",
            Severity::High,
        ),
    ] {
        let f = privilege_at(body, 2).unwrap_or_else(|| panic!("no finding for {body}"));
        assert_eq!(f.severity, severity, "{body}");
        assert!(!f.message.contains("display preference"), "{}", f.message);
    }
}

#[test]
fn a_preference_claim_from_trusted_data_stays_clean() {
    assert!(
        privilege_at(
            "api.idToken.setCustomClaim('https://app.example.com/locale', event.user.app_metadata.locale);",
            2
        )
        .is_none()
    );
}

#[test]
fn a_claim_under_an_unknown_namespace_keeps_its_known_text() {
    let r = action(
        "const ns = event.secrets.NAMESPACE;\napi.accessToken.setCustomClaim(`${ns}/role`, event.user.user_metadata.role);",
    );
    assert_eq!(
        claim(&r).kind,
        EffectKind::AccessTokenClaim {
            name: Some("{…}/role".into())
        }
    );
    let f = privilege_at_report(&r, 3);
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.message.contains("`{…}/role`"), "{}", f.message);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "code.unnamespaced-custom-claim"),
        "the unknown part is the namespace: {:#?}",
        r.findings
    );
}

#[test]
fn a_rules_claim_keyed_by_configuration_plus_text() {
    let r = rule(
        "const namespace = configuration.NAMESPACE || 'https://acme.example/';\ncontext.idToken[namespace + 'locale'] = user.user_metadata.locale;\ncontext.accessToken[namespace + 'role'] = user.user_metadata.role;\ncallback(null, user, context);",
    );
    let id = effect(&r, |k| matches!(k, EffectKind::IdTokenClaim { .. }));
    assert_eq!(
        id.kind,
        EffectKind::IdTokenClaim {
            name: Some("{…}locale".into())
        }
    );
    assert_eq!(privilege_at_report(&r, 3).severity, Severity::Low);
    assert_eq!(privilege_at_report(&r, 4).severity, Severity::Critical);
}

#[test]
fn known_namespace_unknown_leaf_and_wholly_unknown_names() {
    let r = action(
        "api.accessToken.setCustomClaim('https://acme.example/' + event.request.query.k, 1);",
    );
    assert_eq!(
        claim(&r).kind,
        EffectKind::AccessTokenClaim {
            name: Some("https://acme.example/{…}".into())
        }
    );
    let r = action("api.accessToken.setCustomClaim(event.request.query.k, 1);");
    assert_eq!(claim(&r).kind, EffectKind::AccessTokenClaim { name: None });
}

fn privilege_at_report(r: &super::CodeReport, line: u32) -> &CodeFinding {
    r.findings
        .iter()
        .find(|f| f.rule == "code.metadata-driven-privilege" && f.line == line)
        .unwrap_or_else(|| panic!("no finding on line {line}: {:#?}", r.findings))
}
