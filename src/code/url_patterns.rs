//! The shapes of URL checks, read from the syntax alone: prefixes that pin a host, `-1` / `>= 0`
//! position tests, `new URL(x).origin`, `(p) => x.startsWith(p)` callbacks and method calls.
//! [`super::url_checks`] resolves the values they check.

use swc_ecma_ast::{
    ArrowFunctionBody, BinaryOp, CallExpr, Callee, Expr, Lit, MemberProp, Pat, Stmt, UnaryOp,
};

use super::guards::unwrap;

/// The `x` of a callback `(p) => x.startsWith(p)` (or a function that returns it).
pub(super) fn starts_with_param(callback: &Expr) -> Option<&Expr> {
    let (params, body): (Vec<&Pat>, &Expr) = match unwrap(callback) {
        Expr::Arrow(a) => {
            let body = match &*a.body {
                ArrowFunctionBody::Expr(e) => &**e,
                ArrowFunctionBody::FunctionBody(b) => single_return(&b.stmts)?,
            };
            (a.params.iter().collect(), body)
        }
        Expr::Fn(f) => {
            let body = single_return(&f.function.body.as_ref()?.stmts)?;
            (f.function.params.iter().map(|p| &p.pat).collect(), body)
        }
        _ => return None,
    };
    let [Pat::Ident(param)] = params.as_slice() else {
        return None;
    };
    let Expr::Call(call) = unwrap(body) else {
        return None;
    };
    let (checked, method) = method_call(call)?;
    let arg = call.args.first()?;
    let passes_param = matches!(unwrap(&arg.expr), Expr::Ident(i) if i.sym == param.id.sym);
    (method == "startsWith" && call.args.len() == 1 && passes_param).then_some(checked)
}

/// The expression of a body that is only `return expr;`.
fn single_return(stmts: &[Stmt]) -> Option<&Expr> {
    match stmts {
        [Stmt::Return(r)] => r.arg.as_deref(),
        _ => None,
    }
}

/// The `x` of `new URL(x).origin`, `.host` or `.hostname`.
pub(super) fn url_part_of(e: &Expr) -> Option<&Expr> {
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
    is_url.then_some(&*url.expr)
}

/// `object.method(...)` with a plain method name.
pub(super) fn method_call(c: &CallExpr) -> Option<(&Expr, &str)> {
    let Callee::Expr(callee) = &c.callee else {
        return None;
    };
    let Expr::Member(m) = unwrap(callee) else {
        return None;
    };
    Some((&m.obj, &*m.prop.as_ident()?.sym))
}

pub(super) fn member_name(prop: &MemberProp) -> Option<&str> {
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
pub(super) fn is_minus_one(e: &Expr) -> bool {
    match unwrap(e) {
        Expr::Unary(u) if u.op == UnaryOp::Minus => {
            matches!(unwrap(&u.arg), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
        }
        Expr::Lit(Lit::Num(n)) => n.value == -1.0,
        _ => false,
    }
}

/// `> -1` or `>= 0`: the position was found.
pub(super) fn is_found(op: BinaryOp, right: &Expr) -> bool {
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

/// A URL on another host that starts with `prefix`, a prefix [`is_safe_prefix`] refuses.
pub fn passes_open_prefix(prefix: &str) -> String {
    let host_only = prefix
        .split_once("://")
        .is_some_and(|(_, host)| !host.is_empty() && !host.contains('/'));
    if host_only {
        format!("{prefix}.evil.example")
    } else if prefix.contains("://") {
        format!("{prefix}evil.example")
    } else {
        "//evil.example".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{is_safe_prefix, passes_open_prefix};

    #[test]
    fn an_open_prefix_is_passed_by_another_host() {
        assert_eq!(
            passes_open_prefix("https://app.example.com"),
            "https://app.example.com.evil.example"
        );
        assert_eq!(passes_open_prefix("https://"), "https://evil.example");
        assert_eq!(passes_open_prefix("/"), "//evil.example");
        for prefix in ["https://app.example.com", "https://", "/"] {
            let url = passes_open_prefix(prefix);
            assert!(
                url.starts_with(prefix) && !is_safe_prefix(prefix),
                "{prefix}"
            );
        }
    }

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
