//! Call sinks: Actions `api.*` methods, the completion callback of Rules / Hooks / scripts
//! (deny, asserted `email_verified`, credentials-exchange claims and scopes), and Management API
//! methods (`ManagementClient`, Rules `auth0.users.*`) with their metadata writes.

use swc_common::Span;
use swc_ecma_ast::{Expr, ExprOrSpread};

use super::calls::union_of;
use super::effects::{CodeKind, EffectKind, Source};
use super::expr::named;
use super::flow::Analyzer;
use super::guards::unwrap;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

impl<'a> Analyzer<'a> {
    pub(super) fn api_sink(
        &mut self,
        path: &Path,
        args: &'a [ExprOrSpread],
        vals: &[Val],
        span: Span,
    ) {
        let [object, method] = path.segs.as_slice() else {
            return;
        };
        let empty = SourceSet::new();
        let sources = |i: usize| vals.get(i).map_or(&empty, |v| &v.sources);
        let name = |i: usize| vals.get(i).and_then(|v| v.const_str()).map(str::to_string);
        let (kind, value) = match (&**object, &**method) {
            ("user", "setAppMetadata") => (EffectKind::SetAppMetadata { key: name(0) }, 1),
            ("user", "setUserMetadata") => (EffectKind::SetUserMetadata { key: name(0) }, 1),
            ("accessToken", "setCustomClaim") => {
                let name = self.first_arg_name(args, vals);
                (EffectKind::AccessTokenClaim { name }, 1)
            }
            ("idToken", "setCustomClaim") => {
                let name = self.first_arg_name(args, vals);
                (EffectKind::IdTokenClaim { name }, 1)
            }
            ("samlResponse", "setAttribute") => {
                let name = self.first_arg_name(args, vals);
                (EffectKind::SamlAttribute { name }, 1)
            }
            ("authentication", "setPrimaryUser") => (EffectKind::SetPrimaryUser, 0),
            ("accessToken", "addScope") => (EffectKind::AddScope { scope: name(0) }, 0),
            ("accessToken", "removeScope") => (EffectKind::RemoveScope { scope: name(0) }, 0),
            ("multifactor", "enable")
            | (
                "authentication",
                "challengeWith" | "challengeWithAny" | "enrollWith" | "enrollWithAny",
            ) => return self.emit(EffectKind::RequireMfa, span, &union_of(vals)),
            ("access", "deny") => return self.emit(EffectKind::DenyAccess, span, &union_of(vals)),
            ("redirect", "sendUserTo") => {
                return self.emit_redirect(vals, &union_of(vals), span);
            }
            _ => return,
        };
        self.emit(kind, span, sources(value));
    }

    /// `callback(err)` denies; scripts return a profile (`email_verified`); credentials-exchange
    /// Hooks return the access token's claims and scopes.
    pub(super) fn callback_sink(&mut self, args: &'a [ExprOrSpread], vals: &[Val], span: Span) {
        if args
            .first()
            .is_some_and(|a| matches!(unwrap(&a.expr), Expr::New(_)))
        {
            self.emit(EffectKind::DenyAccess, span, &SourceSet::new());
            return;
        }
        let Some(result) = vals.get(1) else { return };
        match self.kind {
            CodeKind::ProfileScript | CodeKind::DbScript => match result.prop("email_verified") {
                Some(v) if v.is_true && v.sources.is_empty() => {
                    self.emit(
                        EffectKind::AssertsEmailVerified {
                            constant_true: true,
                        },
                        span,
                        &SourceSet::new(),
                    );
                }
                Some(v) if !v.sources.is_empty() => {
                    self.emit(
                        EffectKind::AssertsEmailVerified {
                            constant_true: false,
                        },
                        span,
                        &v.sources,
                    );
                }
                Some(_) => {}
                None if result.props.is_none()
                    && result.sources.contains(&Source::ProviderProfile) =>
                {
                    self.emit(
                        EffectKind::AssertsEmailVerified {
                            constant_true: false,
                        },
                        span,
                        &result.sources,
                    );
                }
                None => {}
            },
            CodeKind::Hook if self.trigger == "credentials-exchange" => {
                let Some(props) = result.props.clone() else {
                    return;
                };
                for (k, v) in props.iter() {
                    if k == "scope" {
                        self.emit_scopes(v, span);
                    } else {
                        self.emit(
                            EffectKind::AccessTokenClaim { name: named(k) },
                            span,
                            &v.sources,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn management_sink(&mut self, path: &Path, vals: &[Val], span: Span) {
        let method = path.dotted();
        let all = union_of(vals);
        let lower = method.to_ascii_lowercase();
        let is_rules = path.root == Root::RulesAuth0;
        let app = lower.ends_with("updateappmetadata");
        let user = lower.ends_with("updateusermetadata");
        if app || user {
            let flushed = self.out.flush_pending(app);
            let data = vals.get(1).cloned().unwrap_or_default();
            if !flushed || data.props.is_some() {
                self.emit_metadata_writes(app, &data, span);
            }
            if is_rules {
                return;
            }
        }
        self.emit(
            EffectKind::ManagementApiCall {
                method: method.clone(),
            },
            span,
            &all,
        );
        if lower.contains("link") {
            self.emit(EffectKind::LinkAccounts, span, &all);
        }
        for v in vals {
            for (field, app) in [("app_metadata", true), ("user_metadata", false)] {
                if let Some(md) = v.prop(field) {
                    self.emit_metadata_writes(app, md, span);
                }
            }
        }
    }

    /// One metadata write per known key of an object literal, or one with an unknown key.
    fn emit_metadata_writes(&mut self, app: bool, data: &Val, span: Span) {
        let mk = |k: Option<String>| {
            if app {
                EffectKind::SetAppMetadata { key: k }
            } else {
                EffectKind::SetUserMetadata { key: k }
            }
        };
        match &data.props {
            Some(props) if !props.is_empty() => {
                for (k, v) in props.iter() {
                    self.emit(mk(named(k)), span, &v.sources);
                }
            }
            _ => self.emit(mk(None), span, &data.sources),
        }
    }
}
