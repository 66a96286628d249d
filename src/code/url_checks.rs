//! Conditions that check a value against constants before it is used as a redirect URL, so a
//! checked redirect is not reported as an open redirect:
//!
//! - an allow-list: `ALLOWED.includes(url)`, `ALLOWED.indexOf(url) !== -1` (a local array of
//!   constant strings, or an array literal);
//! - an exact value: `url === 'https://app.example.com/home'`;
//! - a safe prefix: `url.startsWith('https://app.example.com/')` (scheme, host and the `/` that
//!   ends the host) or `url.startsWith('/app/')` (a path that cannot become `//host`);
//! - an origin or host: `new URL(url).origin === 'https://app.example.com'`, or the `host` /
//!   `hostname` of it compared with a constant or looked up in an allow-list.
//!
//! `url.startsWith('https://app.example.com')` is not a check: it lets
//! `https://app.example.com.evil.example` through. The condition's polarity counts
//! (`if (!ALLOWED.includes(url)) return;` checks everything after it), and a check holds for
//! the value's access path (`event.request.query.return_to`, also through a local alias), not
//! for values computed from it.

use swc_ecma_ast::{BinaryOp, CallExpr, Callee, Expr, Lit, MemberProp, OptChainBase, UnaryOp};

use super::flow::Analyzer;
use super::guards::{GuardFrame, implied, unwrap};
use super::sources::SourceSet;
use super::value::{Path, Val};

impl<'a> Analyzer<'a> {
    /// The guard frame of a condition `test` that holds with `positive` polarity.
    pub(super) fn frame(&self, sources: SourceSet, test: &Expr, positive: bool) -> GuardFrame {
        let verified_leaf =
            |e: &Expr, positive: bool| (positive && self.is_verified_leaf(e)).then_some(());
        let verified = !implied(test, positive, &verified_leaf).is_empty();
        let checked_leaf = |e: &Expr, positive: bool| self.checked_value(e, positive);
        GuardFrame {
            sources,
            verified,
            checked: implied(test, positive, &checked_leaf),
        }
    }

    /// The enclosing conditions checked `v` against constants.
    pub(super) fn is_checked(&self, v: &Val) -> bool {
        let Some(path) = v.path.as_deref() else {
            return false;
        };
        self.guards.iter().any(|f| f.checked.contains(path))
    }

    /// The value a leaf condition checks against constants when it is `positive`.
    fn checked_value(&self, e: &Expr, positive: bool) -> Option<Path> {
        match unwrap(e) {
            Expr::Call(c) if positive => self.checked_by_call(c),
            Expr::Bin(b) => {
                let eq = match b.op {
                    BinaryOp::EqEq | BinaryOp::EqEqEq => true,
                    BinaryOp::NotEq | BinaryOp::NotEqEq => false,
                    BinaryOp::Gt | BinaryOp::GtEq if positive => {
                        // `ALLOWED.indexOf(url) > -1` / `>= 0`.
                        return self.index_of(&b.left).filter(|_| is_found(b.op, &b.right));
                    }
                    _ => return None,
                };
                if let Some(path) = self.index_of(&b.left) {
                    // `indexOf(url) !== -1` holds when true, `=== -1` when false.
                    return (is_minus_one(&b.right) && eq != positive).then_some(path);
                }
                if eq != positive {
                    return None;
                }
                let (value, other) = if self.is_constant(&b.right) {
                    (&b.left, &b.right)
                } else {
                    (&b.right, &b.left)
                };
                if !self.is_constant(other) {
                    return None;
                }
                self.url_part_of(value).or_else(|| self.path_of(value))
            }
            _ => None,
        }
    }

    /// `ALLOWED.includes(x)`, `ALLOWED_HOSTS.includes(new URL(x).hostname)`,
    /// `x.startsWith('https://host/')`.
    fn checked_by_call(&self, c: &CallExpr) -> Option<Path> {
        let (object, method) = method_call(c)?;
        let arg = c.args.first().filter(|a| a.spread.is_none())?;
        match method {
            "includes" | "has" if self.is_constant_list(object) => self
                .url_part_of(&arg.expr)
                .or_else(|| self.path_of(&arg.expr)),
            "startsWith" if c.args.len() == 1 => {
                let prefix = self.constant_str(&arg.expr)?;
                is_safe_prefix(&prefix)
                    .then(|| self.path_of(object))
                    .flatten()
            }
            _ => None,
        }
    }

    /// The value whose position `ALLOWED.indexOf(value)` looks up.
    fn index_of(&self, e: &Expr) -> Option<Path> {
        let Expr::Call(c) = unwrap(e) else {
            return None;
        };
        let (object, method) = method_call(c)?;
        let arg = c.args.first()?;
        (method == "indexOf" && self.is_constant_list(object))
            .then(|| {
                self.url_part_of(&arg.expr)
                    .or_else(|| self.path_of(&arg.expr))
            })
            .flatten()
    }

    /// `new URL(x).origin` (or `.host`, `.hostname`): the value `x`.
    fn url_part_of(&self, e: &Expr) -> Option<Path> {
        let Expr::Member(m) = unwrap(e) else {
            return None;
        };
        let part = m.prop.as_ident()?;
        if !matches!(&*part.sym, "origin" | "host" | "hostname") {
            return None;
        }
        let Expr::New(n) = unwrap(&m.obj) else {
            return None;
        };
        let is_url = matches!(unwrap(&n.callee), Expr::Ident(i) if &*i.sym == "URL");
        let url = n.args.as_ref()?.first()?;
        if !is_url {
            return None;
        }
        self.path_of(&url.expr)
    }

    /// The access path an expression reads, without evaluating it (conditions were evaluated
    /// already): a variable's path, then literal property names.
    fn path_of(&self, e: &Expr) -> Option<Path> {
        match unwrap(e) {
            Expr::Ident(i) => self.scopes.get(&i.sym)?.path.as_deref().cloned(),
            Expr::Member(m) => Some(self.path_of(&m.obj)?.child(member_name(&m.prop)?)),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => Some(self.path_of(&m.obj)?.child(member_name(&m.prop)?)),
                OptChainBase::Call(_) => None,
            },
            _ => None,
        }
    }

    /// A string literal, or a variable holding a constant string.
    fn constant_str(&self, e: &Expr) -> Option<String> {
        match unwrap(e) {
            Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
            Expr::Ident(i) => self.scopes.get(&i.sym)?.const_str().map(str::to_string),
            _ => None,
        }
    }

    fn is_constant(&self, e: &Expr) -> bool {
        self.constant_str(e).is_some()
    }

    /// An array literal of string literals, or a variable holding only constant strings.
    fn is_constant_list(&self, e: &Expr) -> bool {
        match unwrap(e) {
            Expr::Array(a) => {
                !a.elems.is_empty()
                    && a.elems.iter().all(|el| {
                        el.as_ref().is_some_and(|el| {
                            el.spread.is_none()
                                && matches!(unwrap(&el.expr), Expr::Lit(Lit::Str(_)))
                        })
                    })
            }
            Expr::Ident(i) => self.scopes.get(&i.sym).is_some_and(|v| {
                v.path.is_none()
                    && v.sources.is_empty()
                    && v.props.as_ref().is_some_and(|props| {
                        !props.is_empty() && props.iter().all(|(_, p)| p.const_str().is_some())
                    })
            }),
            _ => false,
        }
    }
}

/// `object.method(...)` with a plain method name.
fn method_call(c: &CallExpr) -> Option<(&Expr, &str)> {
    let Callee::Expr(callee) = &c.callee else {
        return None;
    };
    let Expr::Member(m) = unwrap(callee) else {
        return None;
    };
    Some((&m.obj, &*m.prop.as_ident()?.sym))
}

fn member_name(prop: &MemberProp) -> Option<&str> {
    match prop {
        MemberProp::Ident(i) => Some(&i.sym),
        MemberProp::Computed(c) => match unwrap(&c.expr) {
            Expr::Lit(Lit::Str(s)) => s.value.as_str(),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

/// `-1` (also written `- 1`).
fn is_minus_one(e: &Expr) -> bool {
    match unwrap(e) {
        Expr::Unary(u) if u.op == UnaryOp::Minus => {
            matches!(unwrap(&u.arg), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
        }
        Expr::Lit(Lit::Num(n)) => n.value == -1.0,
        _ => false,
    }
}

/// `> -1` or `>= 0`: the position was found.
fn is_found(op: BinaryOp, right: &Expr) -> bool {
    match op {
        BinaryOp::Gt => is_minus_one(right),
        BinaryOp::GtEq => matches!(unwrap(right), Expr::Lit(Lit::Num(n)) if n.value == 0.0),
        _ => false,
    }
}

/// A prefix that pins the destination: `http(s)://host/...` up to and including the `/` after
/// the host, or a path `/x...` whose second character cannot start `//host` or `/\host`.
pub fn is_safe_prefix(prefix: &str) -> bool {
    let lower = prefix.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let Some(slash) = rest.find('/') else {
            return false;
        };
        let host = rest.get(..slash).unwrap_or_default();
        return !host.is_empty() && !host.contains(['@', '\\', '?', '#']);
    }
    let mut chars = prefix.chars();
    chars.next() == Some('/') && chars.next().is_some_and(|c| c != '/' && c != '\\')
}

#[cfg(test)]
mod tests {
    use super::is_safe_prefix;

    #[test]
    fn safe_prefixes_pin_the_host() {
        for ok in [
            "https://app.example.com/",
            "https://app.example.com/account/",
            "HTTPS://App.Example.com/x",
            "/app/",
            "/a",
        ] {
            assert!(is_safe_prefix(ok), "{ok}");
        }
        for bad in [
            "https://app.example.com",
            "https://",
            "https:///x",
            "https://user@evil.example/",
            "/",
            "//app.example.com/",
            "/\\evil",
            "app.example.com/",
            "",
        ] {
            assert!(!is_safe_prefix(bad), "{bad}");
        }
    }
}
