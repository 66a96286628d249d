//! The statement walk: blocks (with hoisting and the guard frames of early exits), `if`,
//! `switch`, loops, `try`, declarations, imports / exports and the top-level entry points.

use swc_common::Spanned;
use swc_ecma_ast::{Decl, Expr, ForHead, ModuleDecl, Pat, Stmt, VarDecl};

use super::effects::CodeKind;
use super::expr::const_elements;
use super::flow::{Analyzer, MAX_WALK_DEPTH};
use super::functions::FnBody;
use super::guards::{GuardFrame, always_exits};
use super::sources::SourceSet;
use super::value::{Root, Val};

impl<'a> Analyzer<'a> {
    // ----- statements -----

    pub(super) fn hoist(&mut self, stmts: impl Iterator<Item = &'a Stmt>) {
        for s in stmts {
            if let Stmt::Decl(Decl::Fn(f)) = s {
                let v = self.fn_val(&f.function);
                self.declare(&f.ident.sym, v);
            }
        }
    }

    pub fn fn_val(&mut self, f: &'a swc_ecma_ast::Function) -> Val {
        let params = f.params.iter().map(|p| &p.pat);
        match &f.body {
            Some(b) => Val {
                func: Some(self.register_fn(f.span, params, FnBody::Block(&b.stmts))),
                ..Val::default()
            },
            None => Val::default(),
        }
    }

    pub fn walk_stmts(&mut self, stmts: &'a [Stmt], top: bool) {
        self.hoist(stmts.iter());
        let base = self.guards.len();
        for s in stmts {
            if top {
                self.walk_top_stmt(s);
            } else {
                self.walk_stmt(s);
            }
            if let Stmt::If(i) = s
                && let Some(sources) = self.last_if_test.take()
            {
                let deny = |e: &Expr| self.is_deny_call(e);
                let exits_cons = always_exits(&i.cons, &deny);
                let exits_alt = i.alt.as_ref().is_some_and(|a| always_exits(a, &deny));
                if exits_cons != exits_alt {
                    let frame = self.frame(sources, &i.test, exits_alt);
                    self.guards.push(frame);
                }
            }
        }
        self.guards.truncate(base);
    }

    /// Top-level statements: the Rule / script function is an entry point.
    pub(super) fn walk_top_stmt(&mut self, s: &'a Stmt) {
        match s {
            Stmt::Expr(e)
                if matches!(super::guards::unwrap(&e.expr), Expr::Fn(_) | Expr::Arrow(_)) =>
            {
                let v = self.eval(&e.expr);
                self.maybe_entry(None, &v);
            }
            Stmt::Decl(Decl::Fn(f))
                if matches!(
                    self.kind,
                    CodeKind::Rule | CodeKind::ProfileScript | CodeKind::DbScript
                ) =>
            {
                let v = self.lookup(&f.ident.sym);
                self.maybe_entry(Some(&f.ident.sym), &v);
            }
            _ => self.walk_stmt(s),
        }
    }

    pub(super) fn walk_module_decl(&mut self, d: &'a ModuleDecl) {
        match d {
            ModuleDecl::Import(i) => self.bind_import(i),
            ModuleDecl::ExportDecl(e) => match &e.decl {
                Decl::Fn(f) => {
                    let v = self.fn_val(&f.function);
                    self.declare(&f.ident.sym, v.clone());
                    self.maybe_entry(Some(&f.ident.sym), &v);
                }
                Decl::Var(v) => {
                    self.walk_var(v);
                    for d in &v.decls {
                        if let Pat::Ident(b) = &d.name {
                            let val = self.lookup(&b.id.sym);
                            self.maybe_entry(Some(&b.id.sym), &val);
                        }
                    }
                }
                _ => {}
            },
            ModuleDecl::ExportDefaultDecl(e) => {
                if let swc_ecma_ast::DefaultDecl::Fn(f) = &e.decl {
                    let v = self.fn_val(&f.function);
                    self.maybe_entry(None, &v);
                }
            }
            ModuleDecl::ExportDefaultExpr(e) => {
                let v = self.eval(&e.expr);
                self.maybe_entry(None, &v);
            }
            _ => {}
        }
    }

    fn bind_import(&mut self, i: &'a swc_ecma_ast::ImportDecl) {
        let module = i.src.value.to_string_lossy().to_string();
        for s in &i.specifiers {
            let base = self.root_val(Root::Module(module.as_str().into()));
            let (local, v) = match s {
                swc_ecma_ast::ImportSpecifier::Named(n) => {
                    let imported = match &n.imported {
                        Some(swc_ecma_ast::ModuleExportName::Ident(id)) => id.sym.to_string(),
                        Some(swc_ecma_ast::ModuleExportName::Str(s)) => {
                            s.value.to_string_lossy().to_string()
                        }
                        None => n.local.sym.to_string(),
                    };
                    let child = self.member(&base, &imported);
                    (&n.local.sym, child)
                }
                swc_ecma_ast::ImportSpecifier::Default(d) => (&d.local.sym, base),
                swc_ecma_ast::ImportSpecifier::Namespace(n) => (&n.local.sym, base),
            };
            self.declare(local, v);
        }
    }

    pub fn walk_var(&mut self, v: &'a VarDecl) {
        for d in &v.decls {
            let val = d.init.as_ref().map(|e| self.eval(e)).unwrap_or_default();
            self.bind_pat(&d.name, val);
        }
    }

    pub fn walk_stmt(&mut self, s: &'a Stmt) {
        if self.depth > MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        self.walk_stmt_inner(s);
        self.depth -= 1;
    }

    fn with_guard(&mut self, frame: GuardFrame, f: impl FnOnce(&mut Self)) {
        self.guards.push(frame);
        let len = self.guards.len();
        f(self);
        self.guards.truncate(len - 1);
    }

    fn walk_block(&mut self, stmts: &'a [Stmt]) {
        self.scopes.push();
        self.walk_stmts(stmts, false);
        self.scopes.pop();
    }

    fn walk_body(&mut self, s: &'a Stmt) {
        match s {
            Stmt::Block(b) => self.walk_block(&b.stmts),
            other => self.walk_stmt(other),
        }
    }

    fn walk_stmt_inner(&mut self, s: &'a Stmt) {
        match s {
            Stmt::Expr(e) => {
                self.eval(&e.expr);
            }
            Stmt::Decl(Decl::Var(v)) => self.walk_var(v),
            Stmt::Decl(Decl::Class(c)) => {
                let v = self.class_val(&c.class);
                self.declare(&c.ident.sym, v);
            }
            Stmt::Decl(_) => {}
            Stmt::Return(r) => {
                let v = r.arg.as_ref().map(|e| self.eval(e)).unwrap_or_default();
                self.add_return(v);
                self.note_return_assertion(r.arg.as_deref());
            }
            Stmt::Throw(t) => {
                self.eval(&t.arg);
            }
            Stmt::Block(b) => self.walk_block(&b.stmts),
            Stmt::If(i) => {
                let test = self.eval(&i.test);
                let pos = self.frame(test.sources.clone(), &i.test, true);
                self.with_guard(pos, |a| a.walk_body(&i.cons));
                if let Some(alt) = &i.alt {
                    let neg = self.frame(test.sources.clone(), &i.test, false);
                    self.with_guard(neg, |a| a.walk_body(alt));
                }
                self.last_if_test = Some(test.sources);
            }
            Stmt::Switch(sw) => {
                let mut sources = self.eval(&sw.discriminant).sources;
                for c in &sw.cases {
                    if let Some(t) = &c.test {
                        sources.union_with(&self.eval(t).sources);
                    }
                }
                self.with_guard(sources.into(), |a| {
                    for c in &sw.cases {
                        a.walk_block(&c.cons);
                    }
                });
            }
            Stmt::Try(t) => {
                self.walk_block(&t.block.stmts);
                if let Some(h) = &t.handler {
                    self.scopes.push();
                    if let Some(p) = &h.param {
                        self.bind_pat(p, Val::default());
                    }
                    self.walk_stmts(&h.body.stmts, false);
                    self.scopes.pop();
                }
                if let Some(f) = &t.finalizer {
                    self.walk_block(&f.stmts);
                }
            }
            Stmt::While(w) => {
                let t = self.eval(&w.test).sources;
                self.with_guard(t.into(), |a| a.walk_body(&w.body));
            }
            Stmt::DoWhile(w) => {
                let t = self.eval(&w.test).sources;
                self.with_guard(t.into(), |a| a.walk_body(&w.body));
            }
            Stmt::For(f) => {
                self.scopes.push();
                match &f.init {
                    Some(swc_ecma_ast::VarDeclOrExpr::VarDecl(v)) => self.walk_var(v),
                    Some(swc_ecma_ast::VarDeclOrExpr::Expr(e)) => {
                        self.eval(e);
                    }
                    None => {}
                }
                let t = f
                    .test
                    .as_ref()
                    .map(|e| self.eval(e).sources)
                    .unwrap_or_default();
                self.with_guard(t.into(), |a| {
                    a.walk_body(&f.body);
                    if let Some(u) = &f.update {
                        a.eval(u);
                    }
                });
                self.scopes.pop();
            }
            Stmt::ForIn(f) => self.walk_for_each(&f.left, &f.right, &f.body, false),
            Stmt::ForOf(f) => self.walk_for_each(&f.left, &f.right, &f.body, true),
            Stmt::Labeled(l) => self.walk_stmt(&l.body),
            Stmt::With(w) => {
                self.eval(&w.obj);
                self.walk_body(&w.body);
            }
            _ => {}
        }
    }

    fn walk_for_each(&mut self, left: &'a ForHead, right: &'a Expr, body: &'a Stmt, of: bool) {
        let coll = self.eval(right);
        if of {
            let (elems, complete) = const_elements(&coll);
            for elem in elems {
                self.walk_loop_body(left, elem, coll.sources.clone(), body);
            }
            if complete {
                return;
            }
        }
        let elem = self.member(&coll, "*");
        self.walk_loop_body(left, elem, coll.sources, body);
    }

    /// One run of a loop body with the loop variable bound to `elem`, guarded by the
    /// collection's sources.
    fn walk_loop_body(&mut self, left: &'a ForHead, elem: Val, sources: SourceSet, body: &'a Stmt) {
        self.scopes.push();
        match left {
            ForHead::VarDecl(v) => {
                for d in &v.decls {
                    self.bind_pat(&d.name, elem.clone());
                }
            }
            ForHead::Pat(p) => self.bind_pat(p, elem),
            ForHead::UsingDecl(_) => {}
        }
        self.with_guard(sources.into(), |a| a.walk_body(body));
        self.scopes.pop();
    }

    /// A class as a value: its methods (static and instance alike) as known properties and its
    /// constructor as the function `new` runs, so `Grants.apply(api, event.user)` and
    /// `new Grants().apply(...)` are analysed like any local helper.
    pub fn class_val(&mut self, c: &'a swc_ecma_ast::Class) -> Val {
        let mut props: Vec<(swc_atoms::Atom, Val)> = Vec::new();
        let mut ctor = None;
        for m in &c.body {
            match m {
                swc_ecma_ast::ClassMember::Method(m) => {
                    let v = self.fn_val(&m.function);
                    if let Some(k) = super::expr::prop_name_key(&m.key) {
                        props.push((k, v));
                    }
                }
                swc_ecma_ast::ClassMember::Constructor(c) => {
                    if let Some(b) = &c.body {
                        let params = c.params.iter().filter_map(|p| match p {
                            swc_ecma_ast::ParamOrTsParamProp::Param(p) => Some(&p.pat),
                            swc_ecma_ast::ParamOrTsParamProp::TsParamProp(_) => None,
                        });
                        ctor = Some(self.register_fn(c.span(), params, FnBody::Block(&b.stmts)));
                    }
                }
                _ => {}
            }
        }
        Val {
            props: Some(std::rc::Rc::new(props)),
            func: ctor,
            ..Val::default()
        }
    }
}
