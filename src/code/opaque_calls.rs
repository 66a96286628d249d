//! Ratings when user-writable data reaches an effect only because a whole object (`event`,
//! `event.user`, `event.request`, Rules `user` / `context`) went into a function of an npm module
//! ([`Source::OpaqueCall`]). authpath does not analyse module code, so the value may depend on
//! `user_metadata` or the e-mail address, or on neither: `computeTier(event.user)` is reported as
//! a lead to check (medium for what would otherwise be critical, low otherwise), not as a proven
//! flow. A key the code reads itself (`event.user.user_metadata.role`) keeps the full rating.

use super::effects::{Effect, EffectKind, Source};
use super::findings::{Describe, Out, is_role_call, user_writable};
use super::privilege_findings::decided_by_email;
use super::source_list::SourceList;
use crate::findings::{Category, Severity};

/// A source as it comes with a whole object: without a key or field of its own.
pub fn keyless(s: &Source) -> bool {
    match s {
        Source::UserMetadata { key }
        | Source::AppMetadata { key }
        | Source::RequestQuery { key }
        | Source::RequestBody { key } => key.is_none(),
        Source::RequestOther { field } => &**field == "*",
        Source::Email | Source::ProviderProfile => true,
        _ => false,
    }
}

/// The module function `set` went through, if any.
fn opaque_callee(set: &SourceList) -> Option<&str> {
    set.iter().find_map(|s| match s {
        Source::OpaqueCall { callee } => Some(&**callee),
        _ => None,
    })
}

/// The module function behind `sources` (a part of `set`), when every one of them is
/// [`keyless`] and `set` went through such a function.
pub(super) fn lead_behind<'s, 'x>(
    set: &'s SourceList,
    mut sources: impl Iterator<Item = &'x Source>,
) -> Option<&'s str> {
    let callee = opaque_callee(set)?;
    sources.all(keyless).then_some(callee)
}

/// The module function behind `set`, when `set` went through one and every user-writable
/// source in it is [`keyless`] (so each came with the whole object).
pub fn only_through_opaque(set: &SourceList) -> Option<&str> {
    lead_behind(set, set.iter().filter(|s| user_writable(s)))
}

/// The message of a lead: `claim`, then why it is only a lead.
fn lead_message(claim: &str, callee: &str) -> String {
    format!(
        "{claim}: the whole user or request object goes into `{callee}`, npm code authpath does \
         not analyse; check what it reads"
    )
}

/// `full` (severity and message), or a low lead when the caller-controlled `sources` (part of
/// `set`) only came with a whole object passed into an npm module's function.
pub(super) fn lead_or(
    set: &SourceList,
    sources: &[&Source],
    claim: &str,
    full: (Severity, String),
) -> (Severity, String) {
    match lead_behind(set, sources.iter().copied()) {
        Some(callee) => (Severity::Low, lead_message(claim, callee)),
        None => full,
    }
}

/// The privilege finding of an effect that user-writable data reaches (in its value, in its
/// guards) only through a module function; `false` when that is not the case (the caller rates
/// it as usual).
pub(super) fn maybe_privilege(
    e: &Effect,
    (value_tainted, guard_tainted): (bool, bool),
    out: &mut Out,
) -> bool {
    let value_opaque = only_through_opaque(&e.value_sources);
    let guard_opaque = only_through_opaque(&e.guard_sources);
    let callee = match (value_tainted, guard_tainted) {
        (true, true) => value_opaque.filter(|_| guard_opaque.is_some()),
        (true, false) => value_opaque,
        (false, true) => guard_opaque,
        (false, false) => None,
    };
    let Some(callee) = callee else {
        return false;
    };
    let (category, severity) = match &e.kind {
        EffectKind::AccessTokenClaim { .. } | EffectKind::AddScope { .. } if value_tainted => {
            (Category::MetadataDrivenPrivilege, Severity::Medium)
        }
        EffectKind::SetAppMetadata { .. } if value_tainted => {
            (Category::UserInputToAppMetadata, Severity::Medium)
        }
        k if is_role_call(k) => (Category::MetadataDrivenPrivilege, Severity::Medium),
        EffectKind::AccessTokenClaim { .. }
        | EffectKind::IdTokenClaim { .. }
        | EffectKind::SamlAttribute { .. }
        | EffectKind::AddScope { .. }
        | EffectKind::DenyAccess => (Category::MetadataDrivenPrivilege, Severity::Low),
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

/// The e-mail-trust finding of an effect whose e-mail source came with a whole object that went
/// into a module function; `false` when that is not the case.
pub(super) fn maybe_email<'e>(e: &'e Effect, out: &mut Out) -> bool {
    let through = |set: &'e SourceList| {
        set.contains(&Source::Email)
            .then(|| opaque_callee(set))
            .flatten()
    };
    // As in the full rating: a condition decides these; a role call is driven by its value too.
    let callee = if decided_by_email(&e.kind) {
        through(&e.guard_sources)
    } else if is_role_call(&e.kind) {
        through(&e.guard_sources).or_else(|| through(&e.value_sources))
    } else {
        None
    };
    let Some(callee) = callee else {
        return false;
    };
    out.push(
        Category::UnverifiedEmailTrust,
        Severity::Low,
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
