//! Ratings when user-writable data reaches an effect only because a whole object (`event`,
//! `event.user`, `event.request`, Rules `user` / `context`) went into a function of an npm module
//! ([`Source::OpaqueCall`]). authpath does not analyse module code, so the value may depend on
//! `user_metadata` or the e-mail address, or on neither: `computeTier(event.user)` is reported as
//! a lead to check (medium for what would otherwise be critical, low otherwise), not as a proven
//! flow. What the objects carry is listed inside the call's source, apart from what the code
//! reads itself: a key (`event.user.user_metadata.role`) or a whole field (`event.user.email`)
//! read next to such a call keeps the full rating.

use super::effects::{Effect, EffectKind, Source};
use super::findings::{Describe, Out, is_role_call, user_writable};
use super::privilege_findings::decided_by_email;
use super::source_list::SourceList;
use crate::findings::{Category, Severity};

/// Each module function in `set` with one of the sources it carries.
pub fn carried(set: &SourceList) -> impl Iterator<Item = (&str, &Source)> {
    set.iter()
        .filter_map(|s| match s {
            Source::OpaqueCall { callee, carries } => Some((&**callee, carries)),
            _ => None,
        })
        .flat_map(|(callee, carries)| carries.iter().map(move |s| (callee, s)))
}

/// The first module function in `set` that carries a source `matches` accepts.
pub fn carrier(set: &SourceList, matches: impl Fn(&Source) -> bool) -> Option<&str> {
    carried(set)
        .find(|(_, s)| matches(s))
        .map(|(callee, _)| callee)
}

/// The message of a lead: `claim`, then why it is only a lead.
fn lead_message(claim: &str, callee: &str) -> String {
    format!(
        "{claim}: the whole user or request object goes into `{callee}`, npm code authpath does \
         not analyse; check what it reads"
    )
}

/// The rating of the caller-controlled sources of `set` (those `matches` accepts): `full` of
/// them when the code reads one itself, a low lead (`lead_claim` and the function) when one
/// only came with a whole object passed into an npm module's function, `None` without either.
pub(super) fn full_or_lead<'s>(
    set: &'s SourceList,
    matches: impl Fn(&Source) -> bool,
    lead_claim: &str,
    full: impl FnOnce(&[&'s Source]) -> (Severity, String),
) -> Option<(Severity, String)> {
    let direct: Vec<&Source> = set.iter().filter(|s| matches(s)).collect();
    if !direct.is_empty() {
        return Some(full(&direct));
    }
    carrier(set, matches).map(|callee| (Severity::Low, lead_message(lead_claim, callee)))
}

/// The privilege lead of an effect that user-writable data reaches (in its value, in its
/// guards) only through a module function: the caller found no proven flow. `false` when there
/// is no such lead either.
pub(super) fn maybe_privilege(e: &Effect, out: &mut Out) -> bool {
    let value = carrier(&e.value_sources, user_writable);
    let guard = carrier(&e.guard_sources, user_writable);
    let Some(callee) = value.or(guard) else {
        return false;
    };
    let value_tainted = value.is_some();
    let (category, severity) = match &e.kind {
        EffectKind::AccessTokenClaim { .. } | EffectKind::AddScope { .. } if value_tainted => {
            (Category::MetadataDrivenPrivilege, Severity::Medium)
        }
        EffectKind::SetAppMetadata { .. } if value_tainted => {
            (Category::UserInputToAppMetadata, Severity::Medium)
        }
        EffectKind::SetPrimaryUser if value_tainted => {
            (Category::MetadataDrivenPrivilege, Severity::Medium)
        }
        k if is_role_call(k) => (Category::MetadataDrivenPrivilege, Severity::Medium),
        EffectKind::AccessTokenClaim { .. }
        | EffectKind::IdTokenClaim { .. }
        | EffectKind::SamlAttribute { .. }
        | EffectKind::AddScope { .. }
        | EffectKind::DenyAccess
        | EffectKind::SetPrimaryUser => (Category::MetadataDrivenPrivilege, Severity::Low),
        _ => return false,
    };
    let what = Describe(&e.kind);
    out.push(
        category,
        severity,
        e.line,
        lead_message(&format!("{what} may depend on user-writable data"), callee),
    );
    true
}

/// The e-mail-trust lead of an effect whose e-mail source came only with a whole object that
/// went into a module function: the caller found no proven use. `false` when there is no such
/// lead either.
pub(super) fn maybe_email(e: &Effect, out: &mut Out) -> bool {
    let through = |set| carrier(set, |s| *s == Source::Email);
    // As in the full rating: a condition decides these; a role call and the switch of the
    // primary user are driven by their value too.
    let (callee, severity) = if decided_by_email(&e.kind) {
        (through(&e.guard_sources), Severity::Low)
    } else if is_role_call(&e.kind) {
        let callee = through(&e.guard_sources).or_else(|| through(&e.value_sources));
        (callee, Severity::Low)
    } else if e.kind == EffectKind::SetPrimaryUser {
        let callee = through(&e.guard_sources).or_else(|| through(&e.value_sources));
        (callee, Severity::Medium)
    } else {
        (None, Severity::Low)
    };
    let Some(callee) = callee else {
        return false;
    };
    out.push(
        Category::UnverifiedEmailTrust,
        severity,
        e.line,
        lead_message(
            &format!(
                "{} may depend on the unverified e-mail address",
                Describe(&e.kind)
            ),
            callee,
        ),
    );
    true
}
