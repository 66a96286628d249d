//! Guards: the conditions that control whether an effect happens. The analyzer keeps a stack of
//! [`GuardFrame`]s while it walks (`if`, `?:`, `&&`/`||`, `switch`, loops, and the rest of a
//! block after an early `return` / `api.access.deny`). This module also decides whether a
//! condition asserts `email_verified` (with polarity: `if (!event.user.email_verified) return;`
//! guards everything after it).

use swc_ecma_ast::{BinaryOp, Expr, Lit, Stmt, UnaryOp};

use super::source_list::SourceList;
use super::sources::SourceSet;

/// One enclosing condition.
#[derive(Debug, Clone, Default)]
pub struct GuardFrame {
    pub sources: SourceSet,
    /// The path under this frame is only taken when `email_verified` is true.
    pub verified: bool,
}

/// Union of the sources of all frames, and whether any frame asserts `email_verified`.
pub fn summarise(frames: &[GuardFrame]) -> (SourceList, bool) {
    let mut sources = SourceList::new();
    let mut verified = false;
    for f in frames {
        f.sources.add_to(&mut sources);
        verified |= f.verified;
    }
    (sources, verified)
}

/// Union of the sources of the frames above the first `depth`: the conditions opened since a
/// binding made under `depth` frames.
pub fn sources_since(frames: &[GuardFrame], depth: u32) -> SourceSet {
    let mut out = SourceSet::new();
    for f in frames.get(depth as usize..).unwrap_or(&[]) {
        out.union_with(&f.sources);
    }
    out
}

/// Strips parentheses, `await` and TypeScript-free wrappers.
pub fn unwrap(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Await(a) => e = &a.arg,
            _ => return e,
        }
    }
}

/// Does `cond` evaluating to `positive` imply that `email_verified` is true? `is_verified_leaf`
/// tells whether a leaf expression reads `email_verified`.
pub fn asserts_verified(
    cond: &Expr,
    positive: bool,
    is_verified_leaf: &dyn Fn(&Expr) -> bool,
) -> bool {
    asserts_at(cond, positive, is_verified_leaf, 0)
}

fn asserts_at(cond: &Expr, positive: bool, leaf: &dyn Fn(&Expr) -> bool, depth: u32) -> bool {
    if depth > 64 {
        return false;
    }
    let cond = unwrap(cond);
    let next = depth + 1;
    match cond {
        Expr::Unary(u) if u.op == UnaryOp::Bang => asserts_at(&u.arg, !positive, leaf, next),
        Expr::Bin(b) => match b.op {
            BinaryOp::LogicalAnd if positive => {
                asserts_at(&b.left, true, leaf, next) || asserts_at(&b.right, true, leaf, next)
            }
            BinaryOp::LogicalOr if !positive => {
                asserts_at(&b.left, false, leaf, next) || asserts_at(&b.right, false, leaf, next)
            }
            BinaryOp::LogicalOr => {
                asserts_at(&b.left, true, leaf, next) && asserts_at(&b.right, true, leaf, next)
            }
            BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq => {
                let eq = matches!(b.op, BinaryOp::EqEq | BinaryOp::EqEqEq);
                let (other, lit) = match (bool_lit(&b.left), bool_lit(&b.right)) {
                    (_, Some(v)) => (&*b.left, v),
                    (Some(v), _) => (&*b.right, v),
                    _ => return false,
                };
                // x === true, x !== false -> positive polarity on x.
                let same = eq == lit;
                asserts_at(other, if same { positive } else { !positive }, leaf, next)
            }
            _ => false,
        },
        _ => positive && leaf(cond),
    }
}

/// `false`, `null`, `undefined`, `0` or `''`: a value that is never truthy.
pub fn is_falsy_literal(e: &Expr) -> bool {
    match unwrap(e) {
        Expr::Lit(Lit::Bool(b)) => !b.value,
        Expr::Lit(Lit::Null(_)) => true,
        Expr::Lit(Lit::Num(n)) => n.value == 0.0,
        Expr::Lit(Lit::Str(s)) => s.value.is_empty(),
        Expr::Ident(i) => &*i.sym == "undefined",
        _ => false,
    }
}

fn bool_lit(e: &Expr) -> Option<bool> {
    match unwrap(e) {
        Expr::Lit(Lit::Bool(b)) => Some(b.value),
        _ => None,
    }
}

/// True when running `stmt` always leaves the function (or denies access): `return`, `throw`,
/// or a block ending in one, or a call the caller recognises as a deny (`is_deny_call`).
pub fn always_exits(stmt: &Stmt, is_deny_call: &dyn Fn(&Expr) -> bool) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) => true,
        Stmt::Expr(e) => is_deny_call(&e.expr),
        Stmt::Block(b) => b
            .stmts
            .iter()
            .any(|s| always_exits_shallow(s, is_deny_call)),
        _ => false,
    }
}

fn always_exits_shallow(stmt: &Stmt, is_deny_call: &dyn Fn(&Expr) -> bool) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) => true,
        Stmt::Expr(e) => is_deny_call(&e.expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::parse::parse;
    use swc_ecma_ast::{ModuleItem, Program};

    fn expr_of(src: &str) -> Box<Expr> {
        let parsed = parse(src).ok();
        let stmt = parsed.and_then(|p| match p.program {
            Program::Script(s) => s.body.into_iter().next(),
            Program::Module(m) => m.body.into_iter().find_map(|i| match i {
                ModuleItem::Stmt(s) => Some(s),
                _ => None,
            }),
        });
        match stmt {
            Some(Stmt::Expr(e)) => e.expr,
            other => panic!("not an expression: {other:?}"),
        }
    }

    fn leaf(e: &Expr) -> bool {
        matches!(e, Expr::Member(m) if m.prop.as_ident().is_some_and(|i| &*i.sym == "email_verified"))
    }

    fn check(src: &str, positive: bool) -> bool {
        asserts_verified(&expr_of(src), positive, &leaf)
    }

    #[test]
    fn polarity_of_email_verified_checks() {
        assert!(check("u.email_verified", true));
        assert!(!check("u.email_verified", false));
        assert!(check("!u.email_verified", false));
        assert!(check("u.email_verified && x", true));
        assert!(!check("u.email_verified || x", true));
        assert!(check("!u.email_verified || x", false));
        assert!(check("u.email_verified === true", true));
        assert!(check("u.email_verified !== true", false));
        assert!(check("u.email_verified === false", false));
        assert!(!check("x.includes('a')", true));
    }

    #[test]
    fn exits() {
        let deny = |_: &Expr| false;
        let parsed = parse("if (a) { log(); return; }").ok();
        let Some(Program::Script(s)) = parsed.map(|p| p.program) else {
            panic!("parse")
        };
        let Some(Stmt::If(i)) = s.body.first() else {
            panic!("if")
        };
        assert!(always_exits(&i.cons, &deny));
        let parsed = parse("if (a) { log(); }").ok();
        let Some(Program::Script(s)) = parsed.map(|p| p.program) else {
            panic!("parse")
        };
        let Some(Stmt::If(i)) = s.body.first() else {
            panic!("if")
        };
        assert!(!always_exits(&i.cons, &deny));
    }
}
