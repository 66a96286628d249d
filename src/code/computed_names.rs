//! Names of claims built from a part the analyzer cannot know: `${event.secrets.NS}/role`,
//! `configuration.NAMESPACE + 'role'`. The known text is kept and each unknown part becomes
//! [`UNKNOWN`], so the claim reads `{…}/role`: findings can say which claim it is, a name whose
//! last segment is a display preference or looks privileged is rated as such, and the
//! unnamespaced-claim check skips a name whose namespace is the unknown part.

use swc_ecma_ast::{BinaryOp, Expr, Lit};

use super::flow::Analyzer;
use super::guards::unwrap;
use super::value::Val;

/// What stands for a part of a name that is not known.
pub const UNKNOWN: &str = "{…}";
/// Longest rendered name; longer ones are cut (at a character boundary).
const MAX_LEN: usize = 200;
/// Deepest `+` / template nesting followed.
const MAX_DEPTH: u32 = 32;

/// Whether a claim name starts with a part the analyzer could not know (its namespace).
pub fn starts_unknown(name: &str) -> bool {
    name.starts_with(UNKNOWN)
}

impl<'a> Analyzer<'a> {
    /// The name a claim is set under: the constant when `val` is one, else the known text of
    /// `expr` with [`UNKNOWN`] for the rest; `None` when no text of it is known.
    pub(super) fn computed_name(
        &mut self,
        expr: Option<&'a Expr>,
        val: Option<&Val>,
    ) -> Option<String> {
        if let Some(s) = val.and_then(Val::const_str) {
            return Some(s.to_string());
        }
        let mut out = String::new();
        self.render(expr?, 0, &mut out);
        if out.split(UNKNOWN).all(str::is_empty) {
            return None;
        }
        if out.len() > MAX_LEN {
            let mut cut = MAX_LEN;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
        Some(out)
    }

    /// [`Analyzer::computed_name`] of a call's first argument (`setCustomClaim(name, value)`).
    pub(super) fn first_arg_name(
        &mut self,
        args: &'a [swc_ecma_ast::ExprOrSpread],
        vals: &[Val],
    ) -> Option<String> {
        self.computed_name(args.first().map(|a| &*a.expr), vals.first())
    }

    fn render(&mut self, expr: &'a Expr, depth: u32, out: &mut String) {
        if depth > MAX_DEPTH || out.len() > MAX_LEN {
            push_unknown(out);
            return;
        }
        match unwrap(expr) {
            Expr::Lit(Lit::Str(s)) => out.push_str(&s.value.to_string_lossy()),
            Expr::Tpl(t) => {
                for (i, q) in t.quasis.iter().enumerate() {
                    match &q.cooked {
                        Some(c) => out.push_str(&c.to_string_lossy()),
                        None => push_unknown(out),
                    }
                    if let Some(e) = t.exprs.get(i) {
                        self.render(e, depth + 1, out);
                    }
                }
            }
            Expr::Bin(b) if b.op == BinaryOp::Add => {
                self.render(&b.left, depth + 1, out);
                self.render(&b.right, depth + 1, out);
            }
            Expr::Ident(id) => {
                let v = self.scopes.get(&id.sym);
                match (v.and_then(Val::const_str), v.and_then(Val::prefix)) {
                    (Some(s), _) => out.push_str(s),
                    (None, Some(p)) => {
                        out.push_str(p);
                        push_unknown(out);
                    }
                    (None, None) => push_unknown(out),
                }
            }
            _ => push_unknown(out),
        }
    }
}

/// Appends [`UNKNOWN`] unless the text already ends with it (`{…}{…}` says nothing more).
fn push_unknown(out: &mut String) {
    if !out.ends_with(UNKNOWN) {
        out.push_str(UNKNOWN);
    }
}
