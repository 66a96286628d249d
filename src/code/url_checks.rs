//! Conditions that check a value against constants before it is used as a redirect URL, so a
//! checked redirect is not reported as an open redirect:
//!
//! - an allow-list: `ALLOWED.includes(url)`, `ALLOWED.indexOf(url) !== -1` (a local array of
//!   constant strings, or an array literal);
//! - an exact value: `url === 'https://app.example.com/home'`;
//! - a safe prefix: `url.startsWith('https://app.example.com/')` (scheme, host and the `/` that
//!   ends the host) or `url.startsWith('/app/')` (a path that cannot become `//host`), also from
//!   a list: `PREFIXES.some((p) => url.startsWith(p))` when every prefix is safe;
//! - an origin or host: `new URL(url).origin === 'https://app.example.com'`, or the `host` /
//!   `hostname` of it compared with a constant or looked up in an allow-list; also through a
//!   variable (`const u = new URL(url, base)`, then `u.origin`), whose `href` then redirects to
//!   the checked value;
//! - a local validator whose every truthy `return` checks its argument one of these ways
//!   (`function isAllowed(u) { return ALLOWED.includes(u); }`, then `if (isAllowed(url))`).
//!
//! `url.startsWith('https://app.example.com')` is not a check: it lets
//! `https://app.example.com.evil.example` through. The condition's polarity counts
//! (`if (!ALLOWED.includes(url)) return;` checks everything after it), and a check holds for
//! the value's access path (`event.request.query.return_to`, also through a local alias), not
//! for values computed from it (`u.toString()`, `url + '?x=1'`).
//!
//! The guard frame of every condition is built here (`Analyzer::frame`): one pass over the
//! condition finds the URL checks and the `email_verified` assertion together.

use std::rc::Rc;

use swc_common::Span;

use swc_ecma_ast::{BinaryOp, CallExpr, Expr, Lit, OptChainBase};

use super::effects::{EffectKind, Source};
use super::flow::Analyzer;
use super::guards::{GuardFrame, implied, unwrap};
use super::sources::SourceSet;
use super::url_patterns::{
    is_found, is_minus_one, is_safe_prefix, member_name, method_call, starts_with_param,
    url_part_of,
};
use super::value::{Path, Val, same_path};

/// What one leaf of a condition asserts.
#[derive(PartialEq)]
enum Fact {
    EmailVerified,
    Checked(Rc<Path>),
    /// `startsWith` with a URL prefix that leaves the host open: no check, but the finding
    /// says why.
    OpenPrefix(Rc<Path>, Rc<str>),
}

impl<'a> Analyzer<'a> {
    /// The guard frame of a condition `test` that holds with `positive` polarity.
    pub(super) fn frame(&mut self, sources: SourceSet, test: &Expr, positive: bool) -> GuardFrame {
        let mut leaf = |e: &Expr, positive: bool| {
            if positive && self.is_verified_leaf(e) {
                Some(Fact::EmailVerified)
            } else if self.may_redirect {
                self.checked_value(e, positive)
            } else {
                None
            }
        };
        let facts = implied(test, positive, &mut leaf);
        let mut frame = GuardFrame::from(sources);
        for fact in facts {
            match fact {
                Fact::EmailVerified => frame.verified = true,
                Fact::Checked(path) => frame.checked.push(path),
                Fact::OpenPrefix(path, prefix) => frame.open_prefixes.push((path, prefix)),
            }
        }
        frame
    }

    /// Whether every part of the redirect arguments `vals` that the caller controls (the URL,
    /// query options such as `{ query: { return_to } }`) was checked against constants by the
    /// enclosing conditions (parts without caller-controlled data need no check), and else a
    /// prefix check of an unchecked part that leaves the host open.
    pub(super) fn redirect_check(&self, vals: &[Val]) -> (bool, Option<String>) {
        let mut unchecked = Vec::new();
        for v in vals {
            self.unchecked_parts(v, 0, &mut unchecked);
        }
        let open_prefix = unchecked.iter().flatten().find_map(|path| {
            self.guards
                .iter()
                .flat_map(|f| &f.open_prefixes)
                .find(|(p, _)| same_path(p, path))
                .map(|(_, prefix)| prefix.to_string())
        });
        (unchecked.is_empty(), open_prefix)
    }

    /// Records a redirect whose arguments are `parts` (`sendUserTo(url, options)`, a Rule's
    /// `{ url }`), with what they carry.
    pub(super) fn emit_redirect(&mut self, parts: &[Val], sources: &SourceSet, span: Span) {
        let (checked, open_prefix) = self.redirect_check(parts);
        let kind = EffectKind::Redirect {
            checked,
            open_prefix,
        };
        self.emit(kind, span, sources);
    }

    /// The caller-controlled parts of `v` no enclosing condition checked, by path (`None` for
    /// a part without one).
    fn unchecked_parts<'v>(&self, v: &'v Val, depth: u32, out: &mut Vec<Option<&'v Rc<Path>>>) {
        let controlled = v
            .sources
            .iter()
            .any(|s| s.is_attacker_controlled() || matches!(s, Source::OpaqueCall { .. }));
        if !controlled || self.is_checked(v) {
            return;
        }
        // An options object is as checked as its properties (at most four levels deep).
        match &v.props {
            Some(props) if depth < 4 && v.path.is_none() => {
                for (_, p) in props.iter() {
                    self.unchecked_parts(p, depth + 1, out);
                }
            }
            _ => out.push(v.path.as_ref()),
        }
    }

    /// The enclosing conditions checked `v` against constants.
    pub(super) fn is_checked(&self, v: &Val) -> bool {
        let Some(path) = v.path.as_ref() else {
            return false;
        };
        self.guards
            .iter()
            .flat_map(|f| &f.checked)
            .any(|c| same_path(c, path))
    }

    /// The value a leaf condition checks against constants when it is `positive`.
    fn checked_value(&mut self, e: &Expr, positive: bool) -> Option<Fact> {
        match unwrap(e) {
            Expr::Call(c) if positive => self.checked_by_call(c),
            Expr::Bin(b) => {
                let eq = match b.op {
                    BinaryOp::EqEq | BinaryOp::EqEqEq => true,
                    BinaryOp::NotEq | BinaryOp::NotEqEq => false,
                    // `ALLOWED.indexOf(url) > -1` / `>= 0`.
                    BinaryOp::Gt | BinaryOp::GtEq if positive && is_found(b.op, &b.right) => {
                        return self.index_of(&b.left).map(Fact::Checked);
                    }
                    _ => return None,
                };
                if is_minus_one(&b.right) {
                    // `indexOf(url) !== -1` holds when true, `=== -1` when false.
                    return if eq != positive {
                        self.index_of(&b.left).map(Fact::Checked)
                    } else {
                        None
                    };
                }
                if eq != positive {
                    return None;
                }
                let value = if self.is_constant(&b.right) {
                    &b.left
                } else if self.is_constant(&b.left) {
                    &b.right
                } else {
                    return None;
                };
                self.url_or_path(value).map(Fact::Checked)
            }
            _ => None,
        }
    }

    /// `ALLOWED.includes(x)`, `ALLOWED_HOSTS.includes(new URL(x).hostname)`,
    /// `x.startsWith('https://host/')`.
    fn checked_by_call(&mut self, c: &CallExpr) -> Option<Fact> {
        // A local validator: `isAllowed(url)` whose every truthy return checks `url`.
        if let Some((_, checked)) = self
            .checking_calls
            .iter()
            .find(|(at, _)| *at == c.span.lo.0)
        {
            return checked.first().cloned().map(Fact::Checked);
        }
        let (object, method) = method_call(c)?;
        let arg = c.args.first().filter(|a| a.spread.is_none())?;
        match method {
            "includes" | "has" if self.is_constant_list(object) => {
                self.url_or_path(&arg.expr).map(Fact::Checked)
            }
            // `PREFIXES.some((p) => x.startsWith(p))` over prefixes that all pin the host.
            "some" if self.constant_list_all(object, is_safe_prefix) => {
                let checked = starts_with_param(&arg.expr)?;
                self.path_of(checked).map(Fact::Checked)
            }
            "startsWith" if c.args.len() == 1 => {
                let prefix = self.constant_str(&arg.expr)?;
                if is_safe_prefix(prefix) {
                    return self.path_of(object).map(Fact::Checked);
                }
                let url_like = prefix.starts_with('/') || prefix.contains("://");
                let prefix: Rc<str> = Rc::from(prefix);
                url_like
                    .then(|| self.path_of(object))
                    .flatten()
                    .map(|path| Fact::OpenPrefix(path, prefix))
            }
            _ => None,
        }
    }

    /// The value whose position `ALLOWED.indexOf(value)` looks up.
    fn index_of(&mut self, e: &Expr) -> Option<Rc<Path>> {
        let Expr::Call(c) = unwrap(e) else {
            return None;
        };
        let (object, method) = method_call(c)?;
        let arg = c.args.first()?;
        if method == "indexOf" && self.is_constant_list(object) {
            self.url_or_path(&arg.expr)
        } else {
            None
        }
    }

    /// The value `x` of `new URL(x).origin` (or `.host`, `.hostname`), else what `e` reads.
    fn url_or_path(&mut self, e: &Expr) -> Option<Rc<Path>> {
        match url_part_of(e) {
            Some(url) => self.path_of(url),
            None => self.path_of(e),
        }
    }

    /// The access path an expression reads, without evaluating it (conditions were evaluated
    /// already, so the paths are interned): a variable's path, then literal property names.
    fn path_of(&mut self, e: &Expr) -> Option<Rc<Path>> {
        let (obj, prop) = match unwrap(e) {
            Expr::Ident(i) => return self.scopes.get(&i.sym)?.path.clone(),
            Expr::Member(m) => (&m.obj, &m.prop),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => (&m.obj, &m.prop),
                OptChainBase::Call(_) => return None,
            },
            _ => return None,
        };
        let key = member_name(prop)?;
        let Some(parent) = self.path_of(obj) else {
            // A known property of a local object (`new URL(x).origin` stands for `x`).
            let Expr::Ident(i) = unwrap(obj) else {
                return None;
            };
            return self.scopes.get(&i.sym)?.prop(key)?.path.clone();
        };
        let ((path, _), _) = self.paths.child(&parent, key, self.kind);
        Some(path)
    }

    /// A string literal, or a variable holding a constant string.
    fn constant_str<'e>(&'e self, e: &'e Expr) -> Option<&'e str> {
        match unwrap(e) {
            Expr::Lit(Lit::Str(s)) => s.value.as_str(),
            Expr::Ident(i) => self.scopes.get(&i.sym)?.const_str(),
            _ => None,
        }
    }

    fn is_constant(&self, e: &Expr) -> bool {
        match unwrap(e) {
            Expr::Lit(Lit::Str(_)) => true,
            Expr::Ident(_) => self.constant_str(e).is_some(),
            _ => false,
        }
    }

    /// An array literal of string literals, or a variable holding only constant strings.
    fn is_constant_list(&self, e: &Expr) -> bool {
        self.constant_list_all(e, |_| true)
    }

    /// [`Self::is_constant_list`] whose every string `accepts` takes.
    fn constant_list_all(&self, e: &Expr, accepts: impl Fn(&str) -> bool) -> bool {
        match unwrap(e) {
            Expr::Array(a) => {
                !a.elems.is_empty()
                    && a.elems.iter().all(|el| {
                        el.as_ref().is_some_and(|el| {
                            el.spread.is_none()
                                && matches!(unwrap(&el.expr), Expr::Lit(Lit::Str(s))
                                    if s.value.as_str().is_some_and(&accepts))
                        })
                    })
            }
            Expr::Ident(i) => self.scopes.get(&i.sym).is_some_and(|v| {
                v.path.is_none()
                    && v.sources.is_empty()
                    && v.props.as_ref().is_some_and(|props| {
                        !props.is_empty()
                            && props
                                .iter()
                                .all(|(_, p)| p.const_str().is_some_and(&accepts))
                    })
            }),
            _ => false,
        }
    }
}
