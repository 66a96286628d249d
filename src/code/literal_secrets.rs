//! Where literals become hard-coded secrets beyond the literal itself: credential-named
//! object properties (with the literal client id / domain beside them), names a literal is
//! bound to, credentials inside form bodies and query strings, literal fallbacks for
//! configured secrets (`event.secrets.X || '...'`), and hard-coded values used as a
//! `clientSecret`.

use swc_atoms::Atom;
use swc_common::Span;

use super::effects::{SecretKind, Source};
use super::flow::Analyzer;
use super::secrets::{classify_literal, embedded_credential, fallback_secret};
use super::value::Val;

impl Analyzer<'_> {
    /// A credential inside a form body or query string literal, recorded with the `client_id`
    /// beside it; the literal's value then carries the secret.
    #[inline]
    pub(super) fn record_embedded_credential(&mut self, text: &str, span: Span, v: &mut Val) {
        // Most literals hold no `=`; only those are split into pairs.
        if text.len() < 8 || !text.bytes().any(|b| b == b'=') {
            return;
        }
        if let Some((kind, secret, client_id)) = embedded_credential(text) {
            let src = self.record_secret(kind, secret, span, client_id.map(str::to_string), None);
            v.sources.insert(src);
        }
    }

    /// `event.secrets.NAME || '<literal>'`: the literal is a copy of the secret.
    pub(super) fn record_secret_fallback(
        &mut self,
        left: &Val,
        right: &Val,
        span: Span,
    ) -> Option<Source> {
        let value = right.const_str()?;
        let kind = left.sources.iter().find_map(|s| match s {
            Source::Secret { name } if &**name != "*" => fallback_secret(name, value),
            _ => None,
        })?;
        let value = value.to_string();
        Some(self.record_secret(kind, &value, span, None, None))
    }

    /// Records the credential-named literal properties of an object literal, with the literal
    /// `clientId` / `domain` beside them, and marks each property with its secret source.
    pub(super) fn record_object_secrets(
        &mut self,
        props: &mut [(Atom, Val)],
        secrets: &[(usize, Span, SecretKind)],
    ) {
        let (client_id, domain) = client_of(props);
        for (at, span, kind) in secrets {
            let Some(value) = props
                .get(*at)
                .and_then(|(_, v)| v.const_str().map(str::to_string))
            else {
                continue;
            };
            let src = self.record_secret(*kind, &value, *span, client_id.clone(), domain.clone());
            if let Some((_, v)) = props.get_mut(*at) {
                v.sources.insert(src);
            }
        }
    }

    /// `{ clientId: '..', clientSecret: secret }` where `secret` holds a hard-coded credential
    /// (a fallback, a constant defined elsewhere): that credential is a client secret, and
    /// the literal client id / domain beside it say whose.
    pub(super) fn mark_client_secrets(&mut self, props: &[(Atom, Val)]) {
        let (client_id, domain) = client_of(props);
        for (k, v) in props {
            if !matches!(&**k, "clientSecret" | "client_secret") || v.const_str().is_some() {
                continue;
            }
            for s in &v.sources {
                if let Source::HardcodedSecret { fingerprint } = s {
                    self.annotate_secret(fingerprint, client_id.clone(), domain.clone());
                    self.upgrade_secret_kind(fingerprint, SecretKind::ClientSecret);
                }
            }
        }
    }

    /// A credential literal bound to a variable or property name.
    pub fn check_named_secret(&mut self, name: &str, v: &Val, span: Span) {
        if let Some(value) = v.const_str()
            && let Some(kind) = classify_literal(Some(name), value)
        {
            let value = value.to_string();
            self.record_secret(kind, &value, span, None, None);
        }
    }
}

/// Notes property `at` when its value is a literal that its name marks as a credential.
pub(super) fn note_secret(
    secrets: &mut Vec<(usize, Span, SecretKind)>,
    at: usize,
    key: &str,
    v: &Val,
    span: Span,
) {
    if let Some(kind) = v.const_str().and_then(|s| classify_literal(Some(key), s)) {
        secrets.push((at, span, kind));
    }
}

/// The literal client id and domain of an object literal's properties (SDK options, token
/// request bodies).
fn client_of(props: &[(Atom, Val)]) -> (Option<String>, Option<String>) {
    let find = |names: &[&str]| {
        props
            .iter()
            .find(|(k, _)| names.contains(&&**k))
            .and_then(|(_, v)| v.const_str().map(str::to_string))
    };
    (
        find(&["clientId", "client_id", "clientID"]),
        find(&["domain", "host", "issuerBaseURL"]),
    )
}
