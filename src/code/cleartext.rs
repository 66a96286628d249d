//! Code findings about cleartext (`http://`) calls (`code.insecure-http-call`), rated by what is
//! at stake on the network path:
//!
//! - the call itself: high when it sends a secret (`event.secrets.X`, Rules `configuration.X`,
//!   a hard-coded credential), medium otherwise; the message names the secrets and whether the
//!   e-mail address goes along;
//! - what trusts its response: an access- or ID-token claim, a SAML attribute, an added scope,
//!   an access or MFA decision, a role / permission Management API call, account linking or a
//!   switch of the primary user that takes its value from, or is decided by, the response of a
//!   cleartext call is high (anyone on the network path can forge the response); an
//!   `app_metadata` write of it is medium.

use std::fmt::Write;

use super::effects::{Effect, EffectKind, Source};
use super::findings::{Describe, Out, is_role_call};
use super::source_list::SourceList;
use crate::findings::{Category, Severity};

/// The cleartext call at `url`: what it sends where anyone on the network path can read it.
pub(super) fn cleartext_call(e: &Effect, url: Option<&str>, out: &mut Out) {
    let mut secrets: Vec<String> = Vec::new();
    let mut hardcoded = false;
    for s in e.value_sources.iter() {
        match s {
            Source::Secret { name } if &**name == "*" => secrets.push("every secret".into()),
            Source::Secret { name } => secrets.push(format!("secret `{name}`")),
            Source::HardcodedSecret { .. } => hardcoded = true,
            _ => {}
        }
    }
    if hardcoded {
        secrets.push("a hard-coded credential".into());
    }
    let severity = if secrets.is_empty() {
        Severity::Medium
    } else {
        Severity::High
    };
    let mut sent = secrets;
    if e.value_sources.contains(&Source::Email) {
        sent.push("the e-mail address".into());
    }
    let mut message = format!("cleartext HTTP call to `{}`", url.unwrap_or("?"));
    if !sent.is_empty() {
        let _ = write!(
            message,
            " sends {}, where anyone on the network path can read it",
            in_words(&sent)
        );
    }
    out.push(Category::InsecureHttpCall, severity, e.line, message);
}

/// `a`, `a and b`, `a, b and c`.
fn in_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// Line of the first cleartext call whose response reaches `set`.
fn cleartext_response(set: &SourceList) -> Option<u32> {
    set.iter()
        .filter_map(|s| match s {
            Source::CleartextResponse { line } => Some(*line),
            _ => None,
        })
        .min()
}

/// An effect that trusts the response of a cleartext call.
pub(super) fn trusts_cleartext_response(e: &Effect, out: &mut Out) {
    let severity = match &e.kind {
        EffectKind::AccessTokenClaim { .. }
        | EffectKind::IdTokenClaim { .. }
        | EffectKind::AddScope { .. }
        | EffectKind::DenyAccess
        | EffectKind::RequireMfa
        | EffectKind::LinkAccounts
        | EffectKind::SetPrimaryUser
        | EffectKind::SamlAttribute { .. } => Severity::High,
        k if is_role_call(k) => Severity::High,
        EffectKind::SetAppMetadata { .. } => Severity::Medium,
        _ => return,
    };
    let (how, line) = match (
        cleartext_response(&e.value_sources),
        cleartext_response(&e.guard_sources),
    ) {
        (Some(line), _) => ("takes its value from", line),
        (None, Some(line)) => ("is decided by", line),
        (None, None) => return,
    };
    let what = match e.kind {
        EffectKind::RequireMfa => "MFA requirement".to_string(),
        ref k => Describe(k).to_string(),
    };
    out.push(
        Category::InsecureHttpCall,
        severity,
        e.line,
        format!(
            "{what} {how} the response of the cleartext HTTP call on line {line}, which \
             anyone on the network path can forge"
        ),
    );
}
