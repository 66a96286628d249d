//! Analyzer tests: claims whose name is a display preference are rated low when user-writable
//! data reaches them; the same data in any other claim keeps the full rating.

use super::effects::CodeFinding;
use super::tests_flow::action;
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
