//! Local functions: their table (registered once per source position), inlined calls (each
//! call runs the body with the caller's argument values, depth-bounded, so helpers propagate
//! taint and their sinks keep the caller's guards), return values and what a helper's truthy
//! returns assert (`email_verified`, URL checks of its arguments), and entry points
//! (`exports.onExecute*`, the Rule / Hook / script function).

use std::rc::Rc;

use swc_common::Span;
use swc_ecma_ast::{Expr, Pat, Stmt};

use super::effects::CodeKind;
use super::flow::{Analyzer, MAX_INLINE};
use super::guards::is_falsy_literal;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

/// A body of a local function.
#[derive(Clone, Copy)]
pub enum FnBody<'a> {
    Block(&'a [Stmt]),
    Expr(&'a Expr),
}

/// A local function: its parameters (a range of `Analyzer::fn_params`), body and the scope
/// depth where it was defined.
#[derive(Clone, Copy)]
pub struct FnDef<'a> {
    pub params: (u32, u32),
    pub body: FnBody<'a>,
    pub scope_depth: usize,
}

impl FnDef<'_> {
    fn param_count(&self) -> usize {
        self.params.1.saturating_sub(self.params.0) as usize
    }
}

/// A local function of the file: its number in the analyzer's function table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FnId(u32);

impl FnId {
    pub(super) fn from_index(i: usize) -> Self {
        FnId(table_index(i))
    }

    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A position in the analyzer's function or parameter table as stored (a file of at most 2 MiB
/// has far fewer than `u32::MAX` functions).
pub(super) fn table_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// What the truthy `return`s of a running local function assert.
#[derive(Debug)]
pub struct ReturnChecks {
    /// Every truthy `return` asserts `email_verified`.
    pub all_verify: bool,
    /// Some `return` can be truthy.
    pub any_truthy: bool,
    /// The values every truthy `return` checks against constants (`None` before the first).
    pub checked: Option<Vec<Rc<Path>>>,
}

impl Default for ReturnChecks {
    fn default() -> Self {
        ReturnChecks {
            all_verify: true,
            any_truthy: false,
            checked: None,
        }
    }
}

impl<'a> Analyzer<'a> {
    /// Registers a function (once per source position) and returns its index.
    pub fn register_fn(
        &mut self,
        span: Span,
        params: impl IntoIterator<Item = &'a Pat>,
        body: FnBody<'a>,
    ) -> FnId {
        if let Some(id) = self.fn_index.get(&span.lo.0) {
            return *id;
        }
        let first = table_index(self.fn_params.len());
        self.fn_params.extend(params);
        let id = FnId::from_index(self.fns.len());
        self.fns.push(FnDef {
            params: (first, table_index(self.fn_params.len())),
            body,
            scope_depth: self.scopes.depth(),
        });
        self.called.push(false);
        self.fn_index.insert(span.lo.0, id);
        id
    }

    /// Analyses a local function with the given argument values; returns its return value.
    pub fn call_fn(&mut self, id: FnId, args: Vec<Val>) -> Val {
        let Some(def) = self.fns.get(id.index()).copied() else {
            return Val::default();
        };
        if let Some(c) = self.called.get_mut(id.index()) {
            *c = true;
        }
        self.last_call_verifies = false;
        self.last_call_checks.clear();
        if self.call_stack.contains(&id) || self.call_stack.len() >= MAX_INLINE {
            return args
                .iter()
                .fold(Val::default(), |acc, a| acc.join(&a.taint_only()));
        }
        let keep = def.scope_depth.min(self.scopes.depth()).max(1);
        let saved_scopes = self.scopes.detach(keep);
        self.scopes.push();
        let saved_base = std::mem::replace(&mut self.fn_guard_base, self.guards.len());
        self.call_stack.push(id);
        self.returns.push(Val::default());
        self.return_checks.push(ReturnChecks::default());
        let mut args = args.into_iter();
        for at in def.params.0..def.params.1 {
            let Some(p) = self.fn_params.get(at as usize).copied() else {
                break;
            };
            let v = match p {
                Pat::Rest(_) => args.by_ref().fold(Val::default(), |acc, a| acc.join(&a)),
                _ => args.next().unwrap_or_default(),
            };
            self.bind_pat(p, v);
        }
        match def.body {
            FnBody::Block(b) => self.walk_stmts(b, false),
            FnBody::Expr(e) => {
                let v = self.eval(e);
                self.add_return(v);
                self.note_return_assertion(Some(e));
            }
        }
        let ret = self.returns.pop().unwrap_or_default();
        let checks = self.return_checks.pop().unwrap_or_default();
        self.last_call_verifies = checks.any_truthy && checks.all_verify;
        self.last_call_checks = checks.checked.unwrap_or_default();
        self.call_stack.pop();
        self.fn_guard_base = saved_base;
        self.scopes.reattach(keep, saved_scopes);
        ret
    }

    pub(super) fn add_return(&mut self, v: Val) {
        if let Some(r) = self.returns.last_mut() {
            let old = std::mem::take(r);
            *r = if old.path.is_none() && old.sources.is_empty() && old.props.is_none() {
                v
            } else {
                old.join(&v)
            };
        }
    }

    /// Notes whether a `return` of the running call asserts `email_verified` when the value
    /// it returns is truthy; `return;` and falsy literals never return truthy.
    pub(super) fn note_return_assertion(&mut self, e: Option<&Expr>) {
        let Some(e) = e.filter(|e| !is_falsy_literal(e)) else {
            return;
        };
        // What the returned value asserts when truthy, and what the conditions around the
        // `return` assert (`if (!u.email_verified) return false; return true;`).
        let returned = self.frame(SourceSet::new(), e, true);
        let around = self.guards.get(self.fn_guard_base..).unwrap_or_default();
        let verifies = returned.verified || around.iter().any(|f| f.verified);
        let mut checked = returned.checked;
        checked.extend(around.iter().flat_map(|f| f.checked.iter().cloned()));
        if let Some(r) = self.return_checks.last_mut() {
            r.all_verify &= verifies;
            r.any_truthy = true;
            // Only what every truthy `return` checks.
            r.checked = Some(match r.checked.take() {
                Some(before) => before.into_iter().filter(|p| checked.contains(p)).collect(),
                None => checked,
            });
        }
    }

    /// Parameter roles of an entry point: `onExecute*` handlers, or the kind's function shape.
    pub fn entry_roots(&self, name: Option<&str>, nparams: usize) -> Option<Vec<Option<Root>>> {
        if name.is_some_and(|n| n.starts_with("onExecute") || n.starts_with("onContinue")) {
            return Some(vec![Some(Root::Event), Some(Root::Api)]);
        }
        let rules = vec![Some(Root::User), Some(Root::Context), Some(Root::Callback)];
        match self.kind {
            CodeKind::Action => None,
            CodeKind::Rule | CodeKind::ProfileScript if nparams < 3 => None,
            CodeKind::DbScript if name.is_some_and(|n| !is_db_script_name(n)) => None,
            CodeKind::Rule => Some(rules),
            CodeKind::Hook => Some(match nparams {
                5 => vec![None, None, None, Some(Root::Context), Some(Root::Callback)],
                4 => vec![None, None, Some(Root::Context), Some(Root::Callback)],
                _ => rules,
            }),
            CodeKind::ProfileScript => {
                Some(vec![None, Some(Root::ProviderCtx), Some(Root::Callback)])
            }
            CodeKind::DbScript => {
                let mut v = vec![None; nparams.saturating_sub(1)];
                v.push(Some(Root::Callback));
                Some(v)
            }
        }
    }

    /// Runs a function as an entry point when `name` / the code kind says it is one.
    pub fn maybe_entry(&mut self, name: Option<&str>, f: &Val) -> bool {
        let Some(id) = f.func else { return false };
        let nparams = self.fns.get(id.index()).map_or(0, FnDef::param_count);
        let Some(roots) = self.entry_roots(name, nparams) else {
            return false;
        };
        let args = roots
            .into_iter()
            .map(|r| r.map_or_else(Val::default, |r| self.root_val(r)))
            .collect();
        self.call_fn(id, args);
        true
    }
}

/// Function names of custom database scripts.
pub fn is_db_script_name(name: &str) -> bool {
    matches!(
        name,
        "login"
            | "getByEmail"
            | "get_user"
            | "getUser"
            | "create"
            | "verify"
            | "changePassword"
            | "change_password"
            | "delete"
            | "remove"
            | "changeEmail"
            | "change_email"
    )
}
