//! Analyzer tests: `api.authentication.setPrimaryUser` (the login continues as another user)
//! and `api.samlResponse.setAttribute` (what a SAML service provider authorizes on), each with
//! a clean look-alike.

use super::effects::{CodeFinding, EffectKind, Source};
use super::tests_flow::{action, effect, md};
use crate::findings::Severity;

fn finding<'r>(r: &'r super::CodeReport, rule: &str, line: u32) -> Option<&'r CodeFinding> {
    r.findings.iter().find(|f| f.rule == rule && f.line == line)
}

#[test]
fn a_primary_user_from_user_metadata_is_critical() {
    let r = action("api.authentication.setPrimaryUser(event.user.user_metadata.link_to);");
    let e = effect(&r, |k| *k == EffectKind::SetPrimaryUser);
    assert!(e.value_sources.contains(&md("link_to")));
    let f = finding(&r, "code.metadata-driven-privilege", 2).expect("finding");
    assert_eq!(f.severity, Severity::Critical);
    let clean = action("api.authentication.setPrimaryUser(event.user.app_metadata.primary_id);");
    assert!(clean.findings.is_empty(), "{:#?}", clean.findings);
}

#[test]
fn a_primary_user_found_by_an_unverified_email_is_critical() {
    let lookup = "const { data } = await mgmt.usersByEmail.getByEmail({ email: event.user.email });\nconst other = data.find((u) => u.user_id !== event.user.user_id);\n";
    let head = "const { ManagementClient } = require('auth0');\nconst mgmt = new ManagementClient({ domain: event.secrets.D, clientId: event.secrets.C, clientSecret: event.secrets.S });\n";
    let r = action(&format!(
        "{head}{lookup}if (other) api.authentication.setPrimaryUser(other.user_id);"
    ));
    let e = effect(&r, |k| *k == EffectKind::SetPrimaryUser);
    assert!(e.value_sources.contains(&Source::Email));
    let f = finding(&r, "code.unverified-email-trust", 6).expect("finding");
    assert_eq!(f.severity, Severity::Critical);
    let guarded = action(&format!(
        "if (!event.user.email_verified) return;\n{head}{lookup}if (other) api.authentication.setPrimaryUser(other.user_id);"
    ));
    assert!(
        finding(&guarded, "code.unverified-email-trust", 7).is_none(),
        "{:#?}",
        guarded.findings
    );
}

#[test]
fn saml_attributes_are_rated_like_id_token_claims() {
    let r = action(
        "api.samlResponse.setAttribute('http://schemas.acme.example/role', event.user.user_metadata.role);\napi.samlResponse.setAttribute('http://schemas.acme.example/locale', event.user.user_metadata.locale);\napi.samlResponse.setAttribute('http://schemas.acme.example/dept', event.user.app_metadata.dept);",
    );
    let e = effect(&r, |k| matches!(k, EffectKind::SamlAttribute { .. }));
    assert_eq!(
        e.kind,
        EffectKind::SamlAttribute {
            name: Some("http://schemas.acme.example/role".into())
        }
    );
    let f = finding(&r, "code.metadata-driven-privilege", 2).expect("role");
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.starts_with("SAML attribute"), "{}", f.message);
    let f = finding(&r, "code.metadata-driven-privilege", 3).expect("locale");
    assert_eq!(f.severity, Severity::Low);
    assert!(finding(&r, "code.metadata-driven-privilege", 4).is_none());
}
