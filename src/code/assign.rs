//! Assignments: variables (strong / conditional updates), destructuring assignment, and
//! `obj.key = value` sinks — Rules `context.accessToken[...]`, `context.idToken[...]`,
//! `context.multifactor`, `context.redirect`, `user.app_metadata.x` (pending until
//! `auth0.users.updateAppMetadata`), credentials-exchange Hook `access_token[...]`, and the
//! `exports.onExecute*` / `module.exports` entry points.

use swc_ecma_ast::{AssignOp, AssignTarget, Expr, SimpleAssignTarget};

use super::effects::EffectKind;
use super::expr::named;
use super::flow::Analyzer;
use super::sources::SourceSet;
use super::value::{Root, Val};

impl<'a> Analyzer<'a> {
    pub(super) fn eval_assign(&mut self, a: &'a swc_ecma_ast::AssignExpr) -> Val {
        let rhs = self.eval(&a.right);
        match &a.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(b)) => {
                self.check_named_secret(&b.id.sym, &rhs, a.span);
                let v = if a.op == AssignOp::Assign {
                    rhs.clone()
                } else {
                    self.lookup(&b.id.sym).taint_only().join(&rhs.taint_only())
                };
                self.assign_var(&b.id.sym, v);
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => {
                let obj = self.eval(&m.obj);
                let key = self.member_key(&m.prop);
                self.check_named_secret(&key, &rhs, a.span);
                let computed = match &m.prop {
                    swc_ecma_ast::MemberProp::Computed(c) if key == "*" => Some(&*c.expr),
                    _ => None,
                };
                self.member_assign(&m.obj, &obj, (&key, computed), &rhs, a.span);
            }
            AssignTarget::Pat(p) => {
                // Destructuring assignment: taint every name it binds.
                let mut names = Vec::new();
                match p {
                    swc_ecma_ast::AssignTargetPat::Object(o) => {
                        for prop in &o.props {
                            match prop {
                                swc_ecma_ast::ObjectPatProp::KeyValue(kv) => {
                                    pat_names(&kv.value, &mut names, 0)
                                }
                                swc_ecma_ast::ObjectPatProp::Assign(a) => names.push(&a.key.sym),
                                swc_ecma_ast::ObjectPatProp::Rest(r) => {
                                    pat_names(&r.arg, &mut names, 0)
                                }
                            }
                        }
                    }
                    swc_ecma_ast::AssignTargetPat::Array(arr) => {
                        for el in arr.elems.iter().flatten() {
                            pat_names(el, &mut names, 0);
                        }
                    }
                    swc_ecma_ast::AssignTargetPat::Invalid(_) => {}
                }
                for n in names {
                    let m = self.member(&rhs, "*");
                    self.assign_var(n, m);
                }
            }
            _ => {}
        }
        rhs
    }

    /// `obj.key = rhs`: Rules / Hooks sinks, entry points, weak updates of local objects.
    fn member_assign(
        &mut self,
        obj_expr: &'a Expr,
        obj: &Val,
        (key, computed): (&str, Option<&'a Expr>),
        rhs: &Val,
        span: swc_common::Span,
    ) {
        // The name of a token claim, with the known text of a computed key kept.
        let claim = |this: &mut Self| match computed {
            Some(e) => this.computed_name(Some(e), None),
            None => named(key),
        };
        if let Some(p) = obj.path.clone() {
            let segs: Vec<&str> = p.segs.iter().map(|s| s.as_ref()).collect();
            match (&p.root, segs.as_slice()) {
                (Root::Global(g), []) if &**g == "exports" => {
                    self.maybe_entry(Some(key), rhs);
                }
                (Root::Global(g), ["exports"]) if &**g == "module" => {
                    self.maybe_entry(Some(key), rhs);
                }
                (Root::Global(g), []) if &**g == "module" && key == "exports" => {
                    self.maybe_entry(None, rhs);
                }
                (Root::Context, ["accessToken"]) if key == "scope" => self.emit_scopes(rhs, span),
                (Root::Context, ["accessToken"]) => {
                    let name = claim(self);
                    self.emit(EffectKind::AccessTokenClaim { name }, span, &rhs.sources);
                }
                (Root::Context, ["idToken"]) => {
                    let name = claim(self);
                    self.emit(EffectKind::IdTokenClaim { name }, span, &rhs.sources);
                }
                (Root::Context, []) if key == "multifactor" => {
                    self.emit(EffectKind::RequireMfa, span, &rhs.sources);
                }
                (Root::Context, []) if key == "redirect" => {
                    let url = rhs.prop("url").unwrap_or(rhs);
                    self.emit_redirect(std::slice::from_ref(url), &url.sources, span);
                }
                (Root::Context, ["redirect"]) if key == "url" => {
                    self.emit_redirect(std::slice::from_ref(rhs), &rhs.sources, span);
                }
                (Root::User, ["app_metadata"]) => {
                    self.pend(
                        EffectKind::SetAppMetadata { key: named(key) },
                        span,
                        &rhs.sources,
                    );
                }
                (Root::User, ["user_metadata"]) => {
                    self.pend(
                        EffectKind::SetUserMetadata { key: named(key) },
                        span,
                        &rhs.sources,
                    );
                }
                (Root::User, []) if key == "app_metadata" || key == "user_metadata" => {
                    let keys: Vec<(swc_atoms::Atom, SourceSet)> = match &rhs.props {
                        Some(props) => props
                            .iter()
                            .map(|(k, v)| (k.clone(), v.sources.clone()))
                            .collect(),
                        None => vec![("*".into(), rhs.sources.clone())],
                    };
                    for (k, s) in keys {
                        let kind = if key == "app_metadata" {
                            EffectKind::SetAppMetadata { key: named(&k) }
                        } else {
                            EffectKind::SetUserMetadata { key: named(&k) }
                        };
                        self.pend(kind, span, &s);
                    }
                }
                _ => {}
            }
            return;
        }
        if let Expr::Ident(id) = super::guards::unwrap(obj_expr) {
            let name = id.sym.to_ascii_lowercase().replace('_', "");
            if self.kind == super::effects::CodeKind::Hook && name == "accesstoken" {
                if key == "scope" {
                    self.emit_scopes(rhs, span);
                } else {
                    let name = claim(self);
                    self.emit(EffectKind::AccessTokenClaim { name }, span, &rhs.sources);
                }
            }
            self.taint_var(&id.sym, key, rhs);
        }
    }

    /// `context.accessToken.scope = ...` / Hook `access_token.scope = ...`: one effect per
    /// literal scope, or one with an unknown scope.
    pub fn emit_scopes(&mut self, rhs: &Val, span: swc_common::Span) {
        let scopes: Vec<String> = rhs
            .const_str()
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        if scopes.is_empty() {
            self.emit(EffectKind::AddScope { scope: None }, span, &rhs.sources);
        }
        for s in scopes {
            self.emit(EffectKind::AddScope { scope: Some(s) }, span, &rhs.sources);
        }
    }
}

/// Names bound by a pattern (depth-bounded).
fn pat_names<'a>(p: &'a swc_ecma_ast::Pat, out: &mut Vec<&'a swc_atoms::Atom>, depth: u32) {
    if depth > 32 {
        return;
    }
    match p {
        swc_ecma_ast::Pat::Ident(b) => out.push(&b.id.sym),
        swc_ecma_ast::Pat::Array(a) => a
            .elems
            .iter()
            .flatten()
            .for_each(|e| pat_names(e, out, depth + 1)),
        swc_ecma_ast::Pat::Object(o) => {
            for prop in &o.props {
                match prop {
                    swc_ecma_ast::ObjectPatProp::KeyValue(kv) => {
                        pat_names(&kv.value, out, depth + 1)
                    }
                    swc_ecma_ast::ObjectPatProp::Assign(a) => out.push(&a.key.sym),
                    swc_ecma_ast::ObjectPatProp::Rest(r) => pat_names(&r.arg, out, depth + 1),
                }
            }
        }
        swc_ecma_ast::Pat::Rest(r) => pat_names(&r.arg, out, depth + 1),
        swc_ecma_ast::Pat::Assign(a) => pat_names(&a.left, out, depth + 1),
        _ => {}
    }
}
