//! Guards: the conditions that control whether an effect happens. The analyzer keeps a stack of
//! [`GuardFrame`]s while it walks (`if`, `?:`, `&&`/`||`, `switch`, loops, and the rest of a
//! block after an early `return` / `api.access.deny`). This module also decides whether a
//! condition asserts `email_verified` (with polarity: `if (!event.user.email_verified) return;`
//! guards everything after it).

use swc_ecma_ast::{BinaryOp, Expr, Lit, Stmt, UnaryOp};

use super::source_list::SourceList;
use super::sources::SourceSet;
use super::value::Path;
use std::rc::Rc;

/// One enclosing condition.
#[derive(Debug, Clone, Default)]
pub struct GuardFrame {
    pub sources: SourceSet,
    /// The path under this frame is only taken when `email_verified` is true.
    pub verified: bool,
    /// Values this condition checks against constants (an allow-list, an exact value, a safe
    /// URL prefix or origin), by access path: see [`super::url_checks`].
    pub checked: Vec<Rc<Path>>,
    /// `startsWith` checks whose URL prefix leaves the host open (no check; the finding says
    /// why), by the path checked.
    pub open_prefixes: Vec<(Rc<Path>, Rc<str>)>,
}

impl From<SourceSet> for GuardFrame {
    /// A condition that asserts nothing beyond its sources.
    fn from(sources: SourceSet) -> Self {
        GuardFrame {
            sources,
            ..GuardFrame::default()
        }
    }
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

/// The facts `cond` evaluating to `positive` implies, where `leaf` names the fact (if any) a
/// leaf expression gives with a polarity: both sides of a true `&&` (or a false `||`) hold,
/// only what both sides give holds for a true `||` (or a false `&&`), `!` flips the polarity,
/// and so does a comparison with `false`.
pub fn implied<K: PartialEq>(
    cond: &Expr,
    positive: bool,
    leaf: &mut dyn FnMut(&Expr, bool) -> Option<K>,
) -> Vec<K> {
    let mut out = Vec::new();
    implied_at(cond, positive, leaf, 0, &mut out);
    out
}

fn implied_at<K: PartialEq>(
    cond: &Expr,
    positive: bool,
    leaf: &mut dyn FnMut(&Expr, bool) -> Option<K>,
    depth: u32,
    out: &mut Vec<K>,
) {
    if depth > 64 {
        return;
    }
    let cond = unwrap(cond);
    let next = depth + 1;
    match cond {
        Expr::Unary(u) if u.op == UnaryOp::Bang => implied_at(&u.arg, !positive, leaf, next, out),
        Expr::Bin(b) if is_and(b.op, positive) => {
            implied_at(&b.left, positive, leaf, next, out);
            implied_at(&b.right, positive, leaf, next, out);
        }
        Expr::Bin(b) if is_and(b.op, !positive) => {
            // Either side may be the one that decided: only what both give holds.
            let mut left = Vec::new();
            implied_at(&b.left, positive, leaf, next, &mut left);
            if left.is_empty() {
                return;
            }
            let mut right = Vec::new();
            implied_at(&b.right, positive, leaf, next, &mut right);
            out.extend(left.into_iter().filter(|k| right.contains(k)));
        }
        Expr::Bin(b)
            if matches!(
                b.op,
                BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq
            ) && (bool_lit(&b.left).is_some() || bool_lit(&b.right).is_some()) =>
        {
            let eq = matches!(b.op, BinaryOp::EqEq | BinaryOp::EqEqEq);
            let (other, lit) = match (bool_lit(&b.left), bool_lit(&b.right)) {
                (_, Some(v)) => (&*b.left, v),
                (Some(v), _) => (&*b.right, v),
                _ => return,
            };
            // x === true, x !== false -> the polarity of x.
            let same = eq == lit;
            implied_at(
                other,
                if same { positive } else { !positive },
                leaf,
                next,
                out,
            )
        }
        _ => out.extend(leaf(cond, positive)),
    }
}

/// `op` joins facts that must all hold when the whole is `positive`: `&&` when true, `||` when
/// false.
fn is_and(op: BinaryOp, positive: bool) -> bool {
    match op {
        BinaryOp::LogicalAnd => positive,
        BinaryOp::LogicalOr => !positive,
        _ => false,
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

    /// Does `src` evaluating to `positive` imply that `email_verified` is true?
    fn check(src: &str, positive: bool) -> bool {
        let mut verified = |e: &Expr, positive: bool| (positive && leaf(e)).then_some(());
        !implied(&expr_of(src), positive, &mut verified).is_empty()
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
