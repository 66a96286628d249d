//! Findings on `api.authentication.setPrimaryUser(user_id)`, the call that makes the login
//! continue as another user (the last step of account linking in an Action). Whoever chooses
//! that id logs in as that user:
//!
//! - the id comes from user-writable data (`user_metadata`, the request): critical
//!   `code.metadata-driven-privilege`;
//! - the id was found by, or the switch is decided by, the e-mail address without an
//!   `email_verified` check: critical `code.unverified-email-trust` (sign up with the victim's
//!   address, get merged into the victim's account);
//! - the switch is decided by a condition on user-writable data: high
//!   `code.metadata-driven-privilege`.

use super::effects::{Effect, EffectKind, Source};
use super::findings::{Out, user_writable};
use crate::findings::{Category, Severity};

/// The findings of one `setPrimaryUser` effect; nothing for any other effect.
pub(super) fn primary_user(e: &Effect, out: &mut Out) {
    if e.kind != EffectKind::SetPrimaryUser {
        return;
    }
    if e.value_sources.iter().any(user_writable) {
        out.push(
            Category::MetadataDrivenPrivilege,
            Severity::Critical,
            e.line,
            "the login continues as a user id taken from user-writable data: anyone can log in \
             as any user"
                .into(),
        );
    } else if e.guard_sources.iter().any(user_writable) {
        out.push(
            Category::MetadataDrivenPrivilege,
            Severity::High,
            e.line,
            "the switch to another primary user is decided by a condition on user-writable data"
                .into(),
        );
    }
    let by_email =
        e.value_sources.contains(&Source::Email) || e.guard_sources.contains(&Source::Email);
    if by_email && !e.guarded_by_email_verified {
        out.push(
            Category::UnverifiedEmailTrust,
            Severity::Critical,
            e.line,
            "the login continues as an account found by the e-mail address without an \
             `email_verified` check: signing up with someone's address logs in as them"
                .into(),
        );
    }
}
