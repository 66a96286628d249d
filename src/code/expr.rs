//! Expression evaluation: member paths (with optional chaining and aliases), template literals
//! and `+` (constant prefixes), comparisons (literal guard values), short-circuit and `?:`
//! guards, object literals (known properties, spread, credential-named literals).

use std::borrow::Cow;
use std::rc::Rc;

use swc_atoms::Atom;
use swc_common::Spanned;
use swc_ecma_ast::{
    BinExpr, BinaryOp, Expr, Lit, MemberExpr, MemberProp, ObjectLit, OptChainBase, Prop, PropName,
    PropOrSpread, Tpl,
};

use super::effects::{SecretKind, Source};
use super::flow::{Analyzer, MAX_WALK_DEPTH, keep_path_join};
use super::functions::FnBody;
use super::guards::GuardFrame;
use super::literal_secrets::note_secret;
use super::secrets::classify_literal;
use super::sources::SourceSet;
use super::value::Val;

/// The name of a property key, when it is static.
pub fn prop_name_key(p: &PropName) -> Option<Atom> {
    match p {
        PropName::Ident(i) => Some(i.sym.clone()),
        PropName::Str(s) => Some(s.value.to_atom_lossy().into_owned()),
        PropName::Num(n) => Some(Atom::from(n.value.to_string())),
        _ => None,
    }
}

impl<'a> Analyzer<'a> {
    pub fn eval(&mut self, e: &'a Expr) -> Val {
        if self.depth > MAX_WALK_DEPTH {
            return Val::default();
        }
        self.depth += 1;
        let v = self.eval_inner(e);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &'a Expr) -> Val {
        match e {
            Expr::Ident(i) => self.lookup(&i.sym),
            Expr::Lit(Lit::Str(s)) => {
                let text = s.value.to_atom_lossy().into_owned();
                let secret = classify_literal(None, &text);
                let mut v = Val {
                    lit: Some(text),
                    complete: true,
                    ..Val::default()
                };
                if let (Some(kind), Some(text)) = (secret, v.lit.clone()) {
                    let src = self.record_secret(kind, &text, s.span, None, None);
                    v.sources.insert(src);
                } else if let Some(text) = v.lit.clone() {
                    self.record_embedded_credential(&text, s.span, &mut v);
                }
                v
            }
            Expr::Lit(Lit::Bool(b)) => Val {
                is_true: b.value,
                ..Val::default()
            },
            Expr::Lit(_) | Expr::This(_) | Expr::MetaProp(_) => Val::default(),
            Expr::Tpl(t) => self.eval_tpl(t),
            Expr::Member(m) => self.eval_member(m),
            Expr::SuperProp(_) => Val::default(),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => self.eval_member(m),
                OptChainBase::Call(c) => self.eval_call(&c.callee, &c.args, c.span),
            },
            Expr::Call(c) => match &c.callee {
                swc_ecma_ast::Callee::Expr(callee) => self.eval_call(callee, &c.args, c.span),
                _ => self.join_args(&c.args),
            },
            Expr::New(n) => self.eval_new(n),
            Expr::Assign(a) => self.eval_assign(a),
            Expr::Bin(b) => self.eval_bin(b),
            Expr::Unary(u) => self.eval(&u.arg).taint_only(),
            Expr::Update(u) => self.eval(&u.arg).taint_only(),
            Expr::Cond(c) => {
                let test = self.eval(&c.test);
                let pos = self.frame(test.sources.clone(), &c.test, true);
                let cons = self.guarded(pos, |a| a.eval(&c.cons));
                let neg = self.frame(test.sources.clone(), &c.test, false);
                let alt = self.guarded(neg, |a| a.eval(&c.alt));
                // The test picks the value: `md.admin ? 'admin' : 'user'` is decided by
                // `md.admin` even though both branches are constants.
                let mut v = cons.join(&alt);
                v.sources.union_with(&test.sources);
                v
            }
            Expr::Seq(s) => s.exprs.iter().fold(Val::default(), |_, e| self.eval(e)),
            Expr::Array(a) => self.eval_array(a),
            Expr::Object(o) => self.eval_object(o),
            Expr::Fn(f) => self.fn_val(&f.function),
            Expr::Arrow(a) => {
                let params = a.params.iter();
                let body = match &*a.body {
                    swc_ecma_ast::ArrowFunctionBody::FunctionBody(b) => FnBody::Block(&b.stmts),
                    swc_ecma_ast::ArrowFunctionBody::Expr(e) => FnBody::Expr(e),
                };
                Val {
                    func: Some(self.register_fn(a.span, params, body)),
                    ..Val::default()
                }
            }
            Expr::Class(c) => self.class_val(&c.class),
            Expr::Paren(p) => self.eval(&p.expr),
            Expr::Await(a) => self.eval(&a.arg),
            Expr::Yield(y) => y.arg.as_ref().map(|a| self.eval(a)).unwrap_or_default(),
            Expr::TaggedTpl(t) => {
                let tag = self.eval(&t.tag);
                self.eval_tpl(&t.tpl).join(&tag.taint_only()).taint_only()
            }
            _ => Val::default(),
        }
    }

    pub fn guarded<T>(&mut self, frame: GuardFrame, f: impl FnOnce(&mut Self) -> T) -> T {
        self.guards.push(frame);
        let len = self.guards.len();
        let out = f(self);
        self.guards.truncate(len - 1);
        out
    }

    /// An array literal: the union of its elements' taint, and the elements themselves as
    /// properties `0`, `1`, ... so that a loop over constant scopes can see each scope (see
    /// [`const_elements`]); values pushed later are added as properties `*`.
    fn eval_array(&mut self, a: &'a swc_ecma_ast::ArrayLit) -> Val {
        let mut out = Val::default();
        let mut elems: Vec<(Atom, Val)> = Vec::new();
        let mut exact = true;
        for (i, el) in a.elems.iter().enumerate() {
            let Some(el) = el else { continue };
            let v = self.eval(&el.expr);
            out.sources.union_with(&v.sources);
            out.from_egress |= v.from_egress;
            exact &= el.spread.is_none();
            if exact && elems.len() < MAX_CONST_ELEMENTS {
                elems.push((Atom::from(i.to_string()), v));
            }
        }
        out.props = Some(Rc::new(elems));
        out
    }

    /// `obj.key` / `obj[key]` (also inside `?.`).
    fn eval_member(&mut self, m: &'a MemberExpr) -> Val {
        let obj = self.eval(&m.obj);
        if let MemberProp::Ident(i) = &m.prop {
            return self.member(&obj, &i.sym);
        }
        let (key, key_sources) = self.member_key_with_sources(&m.prop);
        let mut v = self.member(&obj, &key);
        // A computed key picks the value: `roleScopes[md.role]` is decided by `md.role`
        // whatever the table holds.
        if !key_sources.is_empty() {
            v.sources.union_with(&key_sources);
        }
        v
    }

    pub fn member_key(&mut self, prop: &'a MemberProp) -> Cow<'a, str> {
        self.member_key_with_sources(prop).0
    }

    /// The property name of a member access (`*` when computed and not constant) and the
    /// sources of a computed key.
    pub fn member_key_with_sources(&mut self, prop: &'a MemberProp) -> (Cow<'a, str>, SourceSet) {
        match prop {
            MemberProp::Ident(i) => (Cow::Borrowed(&i.sym), SourceSet::new()),
            MemberProp::PrivateName(p) => (Cow::Borrowed(&p.name), SourceSet::new()),
            MemberProp::Computed(c) => {
                let v = self.eval(&c.expr);
                let key = v
                    .const_str()
                    .map_or(Cow::Borrowed("*"), |s| Cow::Owned(s.to_string()));
                (key, v.sources)
            }
        }
    }

    /// `obj.key`.
    pub fn member(&mut self, obj: &Val, key: &str) -> Val {
        if let Some(p) = &obj.path
            && obj.props.is_none()
        {
            let p = Rc::clone(p);
            return self.child_val(&p, key);
        }
        // An unknown key (`*`) may be any property: the union of them all, below.
        if key != "*"
            && let Some(v) = obj.prop(key)
        {
            return v.clone();
        }
        let mut v = obj.taint_only();
        // Upstream response fields stay upstream data.
        if obj.from_egress {
            v.from_egress = true;
        }
        v
    }

    fn eval_tpl(&mut self, t: &'a Tpl) -> Val {
        let mut out = Val {
            lit: Some(Atom::from("")),
            complete: true,
            ..Val::default()
        };
        let mut text = String::new();
        let mut exact = true;
        for (i, q) in t.quasis.iter().enumerate() {
            if exact {
                match &q.cooked {
                    Some(c) => text.push_str(&c.to_string_lossy()),
                    None => exact = false,
                }
            }
            if let Some(e) = t.exprs.get(i) {
                let v = self.eval(e);
                out.sources.union_with(&v.sources);
                out.from_egress |= v.from_egress;
                if exact {
                    match v.const_str() {
                        Some(s) => text.push_str(s),
                        None => {
                            if let Some(p) = v.prefix() {
                                text.push_str(p);
                            }
                            exact = false;
                        }
                    }
                }
            }
        }
        out.lit = Some(Atom::from(text.as_str()));
        out.complete = exact;
        if exact && let Some(kind) = classify_literal(None, &text) {
            let src = self.record_secret(kind, &text, t.span, None, None);
            out.sources.insert(src);
        } else if exact {
            self.record_embedded_credential(&text, t.span, &mut out);
        }
        out
    }

    fn eval_bin(&mut self, b: &'a BinExpr) -> Val {
        let left = self.eval(&b.left);
        match b.op {
            BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing => {
                let frame = match b.op {
                    BinaryOp::LogicalAnd => self.frame(left.sources.clone(), &b.left, true),
                    BinaryOp::LogicalOr => self.frame(left.sources.clone(), &b.left, false),
                    _ => left.sources.clone().into(),
                };
                let right = self.guarded(frame, |a| a.eval(&b.right));
                if b.op == BinaryOp::LogicalAnd {
                    return right.join(&left.taint_only());
                }
                let fallback = self.record_secret_fallback(&left, &right, b.right.span());
                let mut v = keep_path_join(left, &right);
                if let Some(src) = fallback {
                    v.sources.insert(src);
                }
                v
            }
            BinaryOp::Add => {
                let right = self.eval(&b.right);
                let mut out = left.taint_only().join(&right.taint_only());
                match (left.const_str(), right.const_str(), left.prefix()) {
                    (Some(l), Some(r), _) => {
                        out.lit = Some(Atom::from(format!("{l}{r}")));
                        out.complete = true;
                    }
                    (Some(l), None, _) => {
                        let p = right.prefix().unwrap_or("");
                        out.lit = Some(Atom::from(format!("{l}{p}")));
                    }
                    (None, _, Some(_)) => out.lit = left.lit.clone(),
                    _ => {}
                }
                out
            }
            BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq => {
                let right = self.eval(&b.right);
                let mut out = left.taint_only().join(&right.taint_only());
                for side in [&left, &right] {
                    if let Some(s) = side.const_str()
                        && s.len() <= 100
                        && classify_literal(None, s).is_none()
                    {
                        out.sources.insert(Source::Literal { value: s.into() });
                    }
                }
                out
            }
            _ => {
                let right = self.eval(&b.right);
                left.taint_only().join(&right.taint_only())
            }
        }
    }

    fn eval_object(&mut self, o: &'a ObjectLit) -> Val {
        let mut props: Vec<(Atom, Val)> = Vec::with_capacity(o.props.len());
        // Credential-named literal properties: (index in `props`, span of the value, kind).
        let mut secrets: Vec<(usize, swc_common::Span, SecretKind)> = Vec::new();
        let mut out = Val::default();
        for p in &o.props {
            match p {
                PropOrSpread::Spread(s) => {
                    let v = self.eval(&s.expr);
                    if let Some(inner) = &v.props {
                        props.extend(inner.iter().cloned());
                    }
                    out.sources.union_with(&v.sources);
                    out.from_egress |= v.from_egress;
                }
                PropOrSpread::Prop(p) => match &**p {
                    Prop::KeyValue(kv) => {
                        let key = match &kv.key {
                            PropName::Computed(c) => {
                                let v = self.eval(&c.expr);
                                match (v.complete, v.lit) {
                                    (true, Some(lit)) => lit,
                                    _ => Atom::from("*"),
                                }
                            }
                            k => prop_name_key(k).unwrap_or_else(|| Atom::from("*")),
                        };
                        let v = self.eval(&kv.value);
                        out.sources.union_with(&v.sources);
                        note_secret(&mut secrets, props.len(), &key, &v, kv.value.span());
                        props.push((key, v));
                    }
                    Prop::Shorthand(i) => {
                        let v = self.lookup(&i.sym);
                        out.sources.union_with(&v.sources);
                        note_secret(&mut secrets, props.len(), &i.sym, &v, i.span);
                        props.push((i.sym.clone(), v));
                    }
                    Prop::Method(m) => {
                        let v = self.fn_val(&m.function);
                        if let Some(k) = prop_name_key(&m.key) {
                            props.push((k, v));
                        }
                    }
                    _ => {}
                },
            }
        }
        if !secrets.is_empty() {
            self.record_object_secrets(&mut props, &secrets);
        }
        if out
            .sources
            .iter()
            .any(|s| matches!(s, Source::HardcodedSecret { .. }))
        {
            self.mark_client_secrets(&props);
        }
        for (_, v) in &props {
            out.sources.union_with(&v.sources);
        }
        out.props = Some(Rc::new(props));
        out
    }

    /// Does this leaf expression read `email_verified`?
    pub fn is_verified_leaf(&self, e: &Expr) -> bool {
        match e {
            Expr::Member(m) => m
                .prop
                .as_ident()
                .is_some_and(|i| &*i.sym == "email_verified"),
            Expr::OptChain(o) => matches!(&*o.base, OptChainBase::Member(m)
                if m.prop.as_ident().is_some_and(|i| &*i.sym == "email_verified")),
            Expr::Ident(i) => self
                .scopes
                .get(&i.sym)
                .is_some_and(|v| v.sources.contains(&Source::EmailVerified)),
            // A local helper whose every truthy return asserts `email_verified`.
            Expr::Call(c) => self.verified_calls.contains(&c.span.lo.0),
            _ => false,
        }
    }
}

/// A claim / key name unless it is the unknown marker.
pub fn named(key: &str) -> Option<String> {
    (key != "*").then(|| key.to_string())
}

/// Most elements of an array literal kept one by one (and most loop runs per constant).
const MAX_CONST_ELEMENTS: usize = 16;

/// The constant-string elements of a local array (`['read:a', 'admin:b']`, or constants pushed
/// into one), at most `MAX_CONST_ELEMENTS`: a loop over them runs once per element as well,
/// so `for (const s of ADMIN_SCOPES) api.accessToken.addScope(s)` adds scopes with names.
/// The flag is true when these are all the elements the array can hold, so the loop needs no
/// run with an unknown element.
pub fn const_elements(coll: &Val) -> (Vec<Val>, bool) {
    let Some(props) = coll.props.as_ref().filter(|_| coll.path.is_none()) else {
        return (Vec::new(), false);
    };
    let elems: Vec<Val> = props
        .iter()
        .filter(|(_, v)| v.const_str().is_some())
        .take(MAX_CONST_ELEMENTS)
        .map(|(_, v)| v.clone())
        .collect();
    let complete = !elems.is_empty() && elems.len() == props.len();
    (elems, complete)
}
