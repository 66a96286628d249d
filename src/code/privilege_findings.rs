//! The code findings where data someone else chose decides a privilege: user-writable data
//! (`user_metadata`, the request) in or behind a token claim, SAML attribute, scope, role call,
//! access decision, `app_metadata` write or switch of the primary user
//! (`code.metadata-driven-privilege`, `code.user-input-to-app-metadata`), and the e-mail address
//! trusted without `email_verified` (`code.unverified-email-trust`). Ratings are listed in
//! [`super::findings`].

use super::effects::{Effect, EffectKind, Source};
use super::findings::{Describe, Out, any, is_role_call, user_writable};
use super::opaque_calls;
use super::preference_claims::is_preference_claim;
use crate::findings::{Category, Severity};

/// Effects the e-mail address must not decide without an `email_verified` check (role calls,
/// which their value drives too, are rated apart).
pub(super) fn decided_by_email(kind: &EffectKind) -> bool {
    matches!(
        kind,
        EffectKind::AccessTokenClaim { .. }
            | EffectKind::IdTokenClaim { .. }
            | EffectKind::SamlAttribute { .. }
            | EffectKind::AddScope { .. }
            | EffectKind::DenyAccess
            | EffectKind::SetAppMetadata { .. }
    )
}

/// User-writable data that sets or decides a claim, SAML attribute, scope, role call, access
/// decision or `app_metadata` write.
pub(super) fn privilege(e: &Effect, out: &mut Out) {
    let value_tainted = any(&e.value_sources, user_writable);
    let guard_tainted = any(&e.guard_sources, user_writable);
    if !proven_privilege(e, (value_tainted, guard_tainted), out) {
        opaque_calls::maybe_privilege(e, out);
    }
}

/// The rating when the code itself reads the user-writable data; `false` when that rates
/// nothing for this effect.
fn proven_privilege(
    e: &Effect,
    (value_tainted, guard_tainted): (bool, bool),
    out: &mut Out,
) -> bool {
    use Category::{MetadataDrivenPrivilege as Privilege, UserInputToAppMetadata as ToAppMetadata};
    let what = Describe(&e.kind);
    let (category, severity, message) = match &e.kind {
        EffectKind::AccessTokenClaim { name: Some(n) }
        | EffectKind::IdTokenClaim { name: Some(n) }
        | EffectKind::SamlAttribute { name: Some(n) }
            if (value_tainted || guard_tainted) && is_preference_claim(n) =>
        {
            let how = if value_tainted {
                "takes its value from"
            } else {
                "is decided by a condition on"
            };
            let message = format!(
                "{what} {how} user-writable data; its name says it is a display preference, so \
                 never authorize on it"
            );
            (Privilege, Severity::Low, message)
        }
        EffectKind::AccessTokenClaim { .. } | EffectKind::AddScope { .. } if value_tainted => (
            Privilege,
            Severity::Critical,
            format!("{what} takes its value from user-writable data"),
        ),
        EffectKind::IdTokenClaim { .. } | EffectKind::SamlAttribute { .. } if value_tainted => (
            Privilege,
            Severity::High,
            format!("{what} takes its value from user-writable data"),
        ),
        EffectKind::AccessTokenClaim { .. }
        | EffectKind::IdTokenClaim { .. }
        | EffectKind::SamlAttribute { .. }
        | EffectKind::AddScope { .. }
        | EffectKind::DenyAccess
            if guard_tainted =>
        {
            (
                Privilege,
                Severity::High,
                format!("{what} is decided by a condition on user-writable data"),
            )
        }
        k if is_role_call(k) && (value_tainted || guard_tainted) => (
            Privilege,
            Severity::High,
            format!("{what} is driven by user-writable data"),
        ),
        EffectKind::SetAppMetadata { .. } if value_tainted => (
            ToAppMetadata,
            Severity::High,
            format!("{what} stores user-writable data where the tenant expects trusted data"),
        ),
        // `api.authentication.setPrimaryUser(id)`: whoever chooses the id logs in as that user.
        EffectKind::SetPrimaryUser if value_tainted => (
            Privilege,
            Severity::Critical,
            "the login continues as a user id taken from user-writable data: anyone can log in \
             as any user"
                .into(),
        ),
        EffectKind::SetPrimaryUser if guard_tainted => (
            Privilege,
            Severity::High,
            "the switch to another primary user is decided by a condition on user-writable data"
                .into(),
        ),
        _ => return false,
    };
    out.push(category, severity, e.line, message);
    true
}

/// The e-mail address, unchecked by `email_verified`, deciding a privilege or linking accounts.
pub(super) fn email_trust(e: &Effect, out: &mut Out) {
    if e.guarded_by_email_verified {
        return;
    }
    let in_guard = e.guard_sources.contains(&Source::Email);
    let in_value = e.value_sources.contains(&Source::Email);
    if !proven_email_trust(e, (in_guard, in_value), out) {
        opaque_calls::maybe_email(e, out);
    }
}

/// The rating when the code itself reads the e-mail address (or links accounts); `false` when
/// that rates nothing for this effect.
fn proven_email_trust(e: &Effect, (in_guard, in_value): (bool, bool), out: &mut Out) -> bool {
    let what = Describe(&e.kind);
    let (severity, message) = match &e.kind {
        EffectKind::LinkAccounts => (
            Severity::Critical,
            "accounts are linked without checking `email_verified`".into(),
        ),
        k if in_guard && decided_by_email(k) => (
            Severity::High,
            format!("{what} is decided by the e-mail address without an `email_verified` check"),
        ),
        EffectKind::AssertsEmailVerified {
            constant_true: true,
        } => (
            Severity::Medium,
            "the script returns `email_verified: true` for every user without verifying the \
             address; anything that trusts `email_verified` trusts this connection's users"
                .into(),
        ),
        k if is_role_call(k) && (in_guard || in_value) => (
            Severity::High,
            format!("{what} is decided by the e-mail address without an `email_verified` check"),
        ),
        EffectKind::SetPrimaryUser if in_guard || in_value => (
            Severity::Critical,
            "the login continues as an account found by the e-mail address without an \
             `email_verified` check: signing up with someone's address logs in as them"
                .into(),
        ),
        _ => return false,
    };
    out.push(Category::UnverifiedEmailTrust, severity, e.line, message);
    true
}
