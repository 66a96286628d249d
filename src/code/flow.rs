//! The analyzer state: scopes and variables, local functions (inlined at
//! each call with the caller's argument values, depth-bounded, so helpers propagate taint and
//! their sinks keep the caller's guards), entry points (`exports.onExecute*`, the Rule / Hook /
//! script function) and the guard frames of `if`, `switch`, loops and early exits.

use super::FastMap;
use std::rc::Rc;

use swc_atoms::Atom;
use swc_common::Span;
use swc_ecma_ast::{Expr, ModuleItem, Pat, Program, Stmt};

use super::collect::Collected;
use super::effects::CodeKind;
use super::guards::{GuardFrame, asserts_verified, is_falsy_literal, sources_since};
use super::parse::LineTable;
use super::paths::{Interned, PathTable};
use super::scopes::Scopes;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

/// Deepest expression / statement recursion of the walk.
pub const MAX_WALK_DEPTH: u32 = 400;
/// Deepest chain of inlined local function calls.
const MAX_INLINE: usize = 6;

/// A body of a local function.
#[derive(Clone, Copy)]
pub enum FnBody<'a> {
    Block(&'a [Stmt]),
    Expr(&'a Expr),
}

/// A local function: its parameters (a range of [`Analyzer::fn_params`]), body and the scope
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
    fn from_index(i: usize) -> Self {
        FnId(table_index(i))
    }

    fn index(self) -> usize {
        self.0 as usize
    }
}

/// A position in the analyzer's function or parameter table as stored (a file of at most 2 MiB
/// has far fewer than `u32::MAX` functions).
fn table_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The analyzer of one file.
pub struct Analyzer<'a> {
    pub text: &'a str,
    pub lines: &'a LineTable,
    pub kind: CodeKind,
    pub trigger: &'a str,
    pub scopes: Scopes<'a>,
    pub guards: Vec<GuardFrame>,
    pub(super) fn_guard_base: usize,
    pub fns: Vec<FnDef<'a>>,
    /// The parameters of every function in `fns`, one after another.
    pub(super) fn_params: Vec<&'a Pat>,
    pub(super) fn_index: FastMap<u32, FnId>,
    pub(super) called: Vec<bool>,
    pub(super) call_stack: Vec<FnId>,
    pub(super) returns: Vec<Val>,
    /// Per running call: (every truthy `return` asserts `email_verified`, some return can be
    /// truthy).
    pub(super) return_checks: Vec<(bool, bool)>,
    /// Whether the local function call that just ended returns truthy only for a verified
    /// e-mail (`function isVerified(u) { return u.email_verified === true; }`).
    pub(super) last_call_verifies: bool,
    /// Start positions of call sites whose result asserts `email_verified` when truthy.
    pub(super) verified_calls: Vec<u32>,
    pub depth: u32,
    pub(super) last_if_test: Option<SourceSet>,
    pub(super) paths: PathTable,
    pub out: Collected,
}

impl<'a> Analyzer<'a> {
    pub fn new(text: &'a str, lines: &'a LineTable, kind: CodeKind, trigger: &'a str) -> Self {
        Analyzer {
            text,
            lines,
            kind,
            trigger,
            scopes: Scopes::default(),
            guards: Vec::new(),
            fn_guard_base: 0,
            fns: Vec::new(),
            fn_params: Vec::new(),
            fn_index: FastMap::default(),
            called: Vec::new(),
            call_stack: Vec::new(),
            returns: Vec::new(),
            return_checks: Vec::new(),
            last_call_verifies: false,
            verified_calls: Vec::new(),
            depth: 0,
            last_if_test: None,
            paths: PathTable::take(kind),
            out: Collected::default(),
        }
    }

    /// Walks the program, then every local function no one called (with unknown arguments).
    pub fn run(&mut self, program: &'a Program) {
        match program {
            Program::Script(s) => self.walk_stmts(&s.body, true),
            Program::Module(m) => {
                let stmts: Vec<&'a Stmt> = m.body.iter().filter_map(|i| i.as_stmt()).collect();
                self.hoist(stmts.iter().copied());
                for item in &m.body {
                    match item {
                        ModuleItem::Stmt(s) => self.walk_top_stmt(s),
                        ModuleItem::ModuleDecl(d) => self.walk_module_decl(d),
                    }
                }
            }
        }
        let mut i = 0;
        while i < self.fns.len() {
            if !self.called.get(i).copied().unwrap_or(true) {
                self.call_fn(FnId::from_index(i), Vec::new());
            }
            i += 1;
        }
    }

    pub fn line(&self, span: Span) -> u32 {
        let off = span.lo.0.saturating_sub(super::parse::START) as usize;
        self.lines.line_of(off)
    }

    // ----- variables -----

    pub fn lookup(&mut self, name: &Atom) -> Val {
        if let Some(v) = self.scopes.get(name) {
            return v.clone();
        }
        match (self.kind, &**name) {
            (CodeKind::Rule, "configuration") => self.root_val(Root::Configuration),
            (CodeKind::Rule, "auth0") => self.root_val(Root::RulesAuth0),
            _ => {
                let found = self.paths.global(name, self.kind);
                self.interned_val(found)
            }
        }
    }

    /// The value of a known root object.
    pub fn root_val(&mut self, root: Root) -> Val {
        let found = self.paths.root(root, self.kind);
        self.interned_val(found)
    }

    /// The value of `parent.key` for a known path.
    pub fn child_val(&mut self, parent: &Rc<Path>, key: &str) -> Val {
        let found = self.paths.child(parent, key, self.kind);
        self.interned_val(found)
    }

    /// A value for an interned path; the first use of a path in this file records the metadata
    /// keys and secret names it reads.
    fn interned_val(&mut self, ((path, sources), first_use): (Interned, bool)) -> Val {
        if first_use {
            self.out.record_reads(&sources);
        }
        Val::at(path, sources)
    }

    /// Ends the walk: hands the path table back for the next file of this kind and returns
    /// what was collected.
    pub fn finish(self) -> Collected {
        self.paths.give_back(self.kind);
        self.out
    }

    pub fn declare(&mut self, name: &'a Atom, v: Val) {
        self.scopes.declare(name, v, table_index(self.guards.len()));
    }

    /// Assignment: a strong update unless guard frames were opened since the variable was
    /// bound; then the value is joined with the old one. A data-free value (a constant, `[]`,
    /// `{}`) assigned under such frames carries their sources (implicit flow: after
    /// `if (md.role === 'admin') isAdmin = true;`, `isAdmin` is decided by `user_metadata.role`).
    /// A value that carries data keeps only its own sources, so a copy loop guarded by a
    /// wildcard comparison does not taint every key it copies with every key it compared.
    pub fn assign_var(&mut self, name: &'a Atom, mut v: Val) {
        let guards = &self.guards;
        self.scopes.assign(name, |depth| {
            let conditional = (depth as usize) < guards.len();
            if conditional && v.sources.is_empty() {
                v.sources = sources_since(guards, depth);
            }
            (v, conditional)
        });
    }

    /// Adds taint (and a known property) to a variable after `x.k = v` (or `x.push(v)`, with
    /// key `*`); a data-free value carries the sources of the guard frames opened since the
    /// variable was bound, as in [`Analyzer::assign_var`].
    pub fn taint_var(&mut self, name: &Atom, key: &str, v: &Val) {
        let Some((depth, old)) = self.scopes.binding_mut(name) else {
            return;
        };
        let mut v = v.clone();
        if v.sources.is_empty() {
            v.sources = sources_since(&self.guards, depth);
        }
        old.sources.union_with(&v.sources);
        if let Some(props) = &mut old.props {
            Rc::make_mut(props).push((Atom::from(key), v));
        }
    }

    /// Binds a (possibly destructuring) pattern to a value.
    pub fn bind_pat(&mut self, pat: &'a Pat, v: Val) {
        match pat {
            Pat::Ident(b) => {
                self.check_named_secret(&b.id.sym, &v, b.id.span);
                self.declare(&b.id.sym, v);
            }
            Pat::Object(o) => {
                for prop in &o.props {
                    match prop {
                        swc_ecma_ast::ObjectPatProp::KeyValue(kv) => {
                            let key = super::expr::prop_name_key(&kv.key)
                                .unwrap_or_else(|| swc_atoms::Atom::from("*"));
                            let m = self.member(&v, &key);
                            self.bind_pat(&kv.value, m);
                        }
                        swc_ecma_ast::ObjectPatProp::Assign(a) => {
                            let mut m = self.member(&v, &a.key.sym);
                            if let Some(d) = &a.value {
                                let dv = self.eval(d);
                                m = keep_path_join(m, &dv);
                            }
                            self.declare(&a.key.sym, m);
                        }
                        swc_ecma_ast::ObjectPatProp::Rest(r) => self.bind_pat(&r.arg, v.clone()),
                    }
                }
            }
            Pat::Array(a) => {
                for p in a.elems.iter().flatten() {
                    let m = self.member(&v, "*");
                    self.bind_pat(p, m);
                }
            }
            Pat::Rest(r) => self.bind_pat(&r.arg, v.taint_only()),
            Pat::Assign(a) => {
                let dv = self.eval(&a.right);
                self.bind_pat(&a.left, keep_path_join(v, &dv));
            }
            Pat::Expr(_) | Pat::Invalid(_) => {}
        }
    }

    // ----- functions -----

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
        self.return_checks.push((true, false));
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
        self.last_call_verifies = self
            .return_checks
            .pop()
            .is_some_and(|(all, any)| all && any);
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
        let leaf = |e: &Expr| self.is_verified_leaf(e);
        // `if (!u.email_verified) return false; return true;`: the guard asserts it.
        let under_verified_guard = self
            .guards
            .get(self.fn_guard_base..)
            .is_some_and(|frames| frames.iter().any(|f| f.verified));
        let verifies = under_verified_guard || asserts_verified(e, true, &leaf);
        if let Some((all, any)) = self.return_checks.last_mut() {
            *all &= verifies;
            *any = true;
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

/// `a || default`: keeps `a`'s path when the default adds nothing.
pub fn keep_path_join(v: Val, default: &Val) -> Val {
    let path = v.path.clone();
    let props = v.props.clone();
    let mut j = v.join(default);
    if default.path.is_none() && default.sources.is_empty() {
        // A data-free default (`|| {}`) must not hide the access path behind its empty props.
        j.path = path;
        j.props = props;
    }
    j
}
