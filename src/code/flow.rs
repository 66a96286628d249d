//! The analyzer state: scopes and variables (with implicit flow into variables assigned under
//! a condition), the local function table ([`super::functions`] inlines the calls) and the
//! guard frames of `if`, `switch`, loops and early exits.

use super::FastMap;
use std::rc::Rc;

use swc_atoms::Atom;
use swc_common::Span;
use swc_ecma_ast::{ModuleItem, Pat, Program, Stmt};

use super::collect::Collected;
use super::effects::CodeKind;
use super::functions::{FnDef, FnId, ReturnChecks, table_index};
use super::guards::{GuardFrame, sources_since};
use super::parse::LineTable;
use super::paths::{Interned, PathTable};
use super::scopes::Scopes;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

/// Deepest expression / statement recursion of the walk.
pub const MAX_WALK_DEPTH: u32 = 400;
/// Deepest chain of inlined local function calls.
pub(super) const MAX_INLINE: usize = 6;

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
    pub(super) return_checks: Vec<ReturnChecks>,
    /// Whether the local function call that just ended returns truthy only for a verified
    /// e-mail (`function isVerified(u) { return u.email_verified === true; }`).
    pub(super) last_call_verifies: bool,
    /// Start positions of call sites whose result asserts `email_verified` when truthy.
    pub(super) verified_calls: Vec<u32>,
    /// Whether the local function call that just ended returns truthy only when these values
    /// were checked against constants (`function isAllowed(u) { return ALLOWED.includes(u); }`).
    pub(super) last_call_checks: Vec<Rc<Path>>,
    /// Start positions of call sites whose truthy result checks these values (see
    /// [`super::url_checks`]).
    pub(super) checking_calls: Vec<(u32, Vec<Rc<Path>>)>,
    pub depth: u32,
    pub(super) last_if_test: Option<SourceSet>,
    /// The text mentions `redirect`: without it no redirect sink is reachable, and conditions
    /// need not be searched for URL checks ([`super::url_checks`]).
    pub(super) may_redirect: bool,
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
            last_call_checks: Vec::new(),
            checking_calls: Vec::new(),
            depth: 0,
            last_if_test: None,
            may_redirect: memchr::memmem::find(text.as_bytes(), b"redirect").is_some(),
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
