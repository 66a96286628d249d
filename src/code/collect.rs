//! What the walk collects: effects (one per kind and line, merged across the contexts a helper
//! is analysed in), the Rules `user.app_metadata.x = v` writes that only count once
//! `auth0.users.updateAppMetadata` is called, hard-coded secrets (masked, fingerprinted), the
//! metadata keys and secret names read, and substring e-mail domain checks.

use std::collections::BTreeSet;

use swc_common::Span;

use super::effects::{Effect, EffectKind, SecretKind, Source};
use super::flow::Analyzer;
use super::guards::summarise;
use super::secrets::fingerprint;
use super::snippet::snippet;
use super::sources::SourceSet;
use crate::findings::mask_secret;

/// Everything collected while walking one file.
#[derive(Debug, Default)]
pub struct Collected {
    pub effects: Vec<Effect>,
    /// Rules metadata writes waiting for an `updateAppMetadata` / `updateUserMetadata` call.
    pub pending: Vec<Effect>,
    /// Raw secret values, only to mask them in texts before the report is built.
    pub secret_values: Vec<String>,
    /// Lines and texts of substring e-mail domain checks (`email.includes('@acme.com')`).
    pub substring_email_checks: Vec<(u32, String)>,
    pub reads_user_metadata: BTreeSet<String>,
    pub reads_app_metadata: BTreeSet<String>,
    pub secret_names: BTreeSet<String>,
}

impl Collected {
    pub fn record_reads(&mut self, sources: &SourceSet) {
        let add = |set: &mut BTreeSet<String>, k: &str| {
            if !set.contains(k) {
                set.insert(k.to_string());
            }
        };
        for s in sources {
            match s {
                Source::UserMetadata { key: Some(k) } => add(&mut self.reads_user_metadata, k),
                Source::AppMetadata { key: Some(k) } => add(&mut self.reads_app_metadata, k),
                Source::Secret { name } if &**name != "*" => add(&mut self.secret_names, name),
                _ => {}
            }
        }
    }

    /// Adds an effect, merging with an earlier one of the same kind on the same line: sources
    /// are united, and the e-mail verification guard holds only if it held every time.
    pub fn add(&mut self, effect: Effect) {
        if let Some(old) = self
            .effects
            .iter_mut()
            .find(|e| e.line == effect.line && e.kind == effect.kind)
        {
            old.value_sources.add_all(&effect.value_sources);
            old.guard_sources.add_all(&effect.guard_sources);
            old.guarded_by_email_verified &= effect.guarded_by_email_verified;
            return;
        }
        self.effects.push(effect);
    }

    /// Emits the pending Rules metadata writes of one kind (`app` or `user` metadata).
    pub fn flush_pending(&mut self, app: bool) -> bool {
        let (take, keep): (Vec<Effect>, Vec<Effect>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|e| matches!(e.kind, EffectKind::SetAppMetadata { .. }) == app);
        self.pending = keep;
        let any = !take.is_empty();
        for e in take {
            self.add(e);
        }
        any
    }
}

impl Analyzer<'_> {
    fn make_effect(&self, kind: EffectKind, span: Span, value: &SourceSet) -> Effect {
        let (guard_sources, verified) = summarise(&self.guards);
        Effect {
            kind,
            line: self.line(span),
            text: snippet(self.text, span),
            value_sources: value.to_list(),
            guard_sources,
            guarded_by_email_verified: verified,
        }
    }

    /// Emits an effect: merged into an earlier one of the same kind on the same line exactly as
    /// [`Collected::add`] does, without building the text or copying shared sources first.
    pub fn emit(&mut self, kind: EffectKind, span: Span, value: &SourceSet) {
        let line = self.line(span);
        if let Some(old) = self
            .out
            .effects
            .iter_mut()
            .find(|e| e.line == line && e.kind == kind)
        {
            value.add_to(&mut old.value_sources);
            let mut verified = false;
            for frame in &self.guards {
                frame.sources.add_to(&mut old.guard_sources);
                verified |= frame.verified;
            }
            old.guarded_by_email_verified &= verified;
            return;
        }
        let e = self.make_effect(kind, span, value);
        self.out.effects.push(e);
    }

    /// A Rules metadata write that becomes an effect when the update call is seen.
    pub fn pend(&mut self, kind: EffectKind, span: Span, value: &SourceSet) {
        let e = self.make_effect(kind, span, value);
        self.out.pending.push(e);
    }

    /// Records a hard-coded secret (once per line and value) and returns the source that marks
    /// values derived from it.
    pub fn record_secret(
        &mut self,
        kind: SecretKind,
        value: &str,
        span: Span,
        client_id: Option<String>,
        domain: Option<String>,
    ) -> Source {
        let fp = fingerprint(value);
        let line = self.line(span);
        if !self.out.secret_values.iter().any(|v| v == value) {
            self.out.secret_values.push(value.to_string());
        }
        let existing = self.out.effects.iter_mut().find(|e| {
            e.line == line && matches!(&e.kind, EffectKind::HardcodedSecret { fingerprint, .. } if *fingerprint == fp)
        });
        if let Some(e) = existing {
            if let EffectKind::HardcodedSecret {
                secret_kind,
                client_id: c,
                domain: d,
                ..
            } = &mut e.kind
            {
                if *secret_kind == SecretKind::KnownFormat || kind == SecretKind::ClientSecret {
                    *secret_kind = kind;
                }
                if c.is_none() {
                    *c = client_id;
                }
                if d.is_none() {
                    *d = domain;
                }
            }
        } else {
            let effect = self.make_effect(
                EffectKind::HardcodedSecret {
                    secret_kind: kind,
                    masked: mask_secret(value),
                    fingerprint: fp.clone(),
                    client_id,
                    domain,
                },
                span,
                &SourceSet::new(),
            );
            self.out.add(effect);
        }
        Source::HardcodedSecret {
            fingerprint: fp.into(),
        }
    }

    /// Records that an already recorded secret is used as `kind` (a client secret).
    pub fn upgrade_secret_kind(&mut self, fp: &str, kind: SecretKind) {
        for e in &mut self.out.effects {
            if let EffectKind::HardcodedSecret {
                fingerprint,
                secret_kind,
                ..
            } = &mut e.kind
                && fingerprint == fp
            {
                *secret_kind = kind;
            }
        }
    }

    /// Fills the client id / domain of an already recorded secret (token request bodies).
    pub fn annotate_secret(&mut self, fp: &str, client_id: Option<String>, domain: Option<String>) {
        for e in &mut self.out.effects {
            if let EffectKind::HardcodedSecret {
                fingerprint,
                client_id: c,
                domain: d,
                ..
            } = &mut e.kind
                && fingerprint == fp
            {
                if c.is_none() {
                    c.clone_from(&client_id);
                }
                if d.is_none() {
                    d.clone_from(&domain);
                }
            }
        }
    }
}
