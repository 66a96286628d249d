//! Calls: `require`, local functions (inlined), callbacks passed to array methods, promises and
//! HTTP clients, and the sinks — Actions `api.*`, the Rules / Hooks / scripts callback,
//! `ManagementClient` construction and methods, Rules `auth0.users.*`, and HTTP egress.

use std::collections::BTreeSet;
use std::rc::Rc;

use swc_atoms::Atom;
use swc_common::Span;
use swc_ecma_ast::{Expr, ExprOrSpread, NewExpr};

use super::effects::{EffectKind, Source};
use super::egress::recognise;
use super::expr::const_elements;
use super::flow::Analyzer;
use super::guards::unwrap;
use super::library_calls::{copies_data, is_path_getter};
use super::secrets::classify_literal;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

const ITERATORS: [&str; 10] = [
    "forEach",
    "map",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "flatMap",
    "reduce",
    "sort",
];
/// Methods that store their arguments in the receiver (arrays, `Map`, `Set`, `URLSearchParams`).
const MUTATORS: [&str; 6] = ["push", "unshift", "splice", "set", "add", "append"];
const SUBSTRING_CHECKS: [&str; 5] = ["includes", "indexOf", "endsWith", "match", "search"];

impl<'a> Analyzer<'a> {
    pub fn join_args(&mut self, args: &'a [ExprOrSpread]) -> Val {
        let mut out = Val::default();
        for a in args {
            let v = self.eval(&a.expr);
            out.sources.union_with(&v.sources);
            out.from_egress |= v.from_egress;
        }
        out
    }

    pub fn eval_call(&mut self, callee: &'a Expr, args: &'a [ExprOrSpread], span: Span) -> Val {
        if let Expr::Ident(i) = unwrap(callee)
            && &*i.sym == "require"
            && !self.scopes.contains("require")
        {
            let name = args.first().and_then(|a| match &*a.expr {
                Expr::Lit(swc_ecma_ast::Lit::Str(s)) => Some(s.value.to_string_lossy().to_string()),
                _ => None,
            });
            return match name {
                Some(n) => self.root_val(Root::Module(n.as_str().into())),
                None => Val::default(),
            };
        }
        let (recv, method, callee_val) = match unwrap(callee) {
            Expr::Member(m) => {
                let obj = self.eval(&m.obj);
                let key = self.member_key(&m.prop);
                let val = self.member(&obj, &key);
                (Some(obj), Some(key), val)
            }
            other => (None, None, self.eval(other)),
        };
        let vals: Vec<Val> = args.iter().map(|a| self.eval(&a.expr)).collect();
        self.note_mutation(callee, &callee_val, method.as_deref(), args, &vals);
        self.check_header_call(&vals, span);
        if let (Some(r), Some(m)) = (&recv, &method) {
            self.check_substring_email(r, m, &vals, span);
        }
        if let (Some(f), Some(m @ ("bind" | "call"))) = (&recv, method.as_deref())
            && (f.path.is_some() || f.func.is_some())
        {
            return self.bound_call(f, m == "bind", args, &vals, span);
        }
        if let Some(path) = &callee_val.path
            && is_path_getter(path)
            && let Some(v) = self.path_getter_call(args, &vals)
        {
            return v;
        }
        if let Some(path) = callee_val.path.clone() {
            let handled = self.path_sink(&path, args, &vals, span);
            if let Some(v) = handled {
                return v;
            }
        }
        if let Some(idx) = callee_val.func {
            let ret = self.call_fn(idx, vals);
            if self.last_call_verifies {
                self.verified_calls.push(span.lo.0);
            }
            if !self.last_call_checks.is_empty() {
                let checked = std::mem::take(&mut self.last_call_checks);
                self.checking_calls.push((span.lo.0, checked));
            }
            return ret;
        }
        self.generic_call(recv.as_ref(), method.as_deref(), &callee_val, vals, false)
    }

    /// `f.bind(thisArg)` is `f` itself; `f.call(thisArg, ...args)` calls `f` with the rest of
    /// the arguments, so `api.accessToken.setCustomClaim.call(api.accessToken, k, v)` is a sink.
    fn bound_call(
        &mut self,
        f: &Val,
        bind: bool,
        args: &'a [ExprOrSpread],
        vals: &[Val],
        span: Span,
    ) -> Val {
        if bind {
            return f.clone();
        }
        let rest_args = args.get(1..).unwrap_or(&[]);
        let rest_vals = vals.get(1..).unwrap_or(&[]).to_vec();
        if let Some(path) = f.path.clone()
            && let Some(v) = self.path_sink(&path, rest_args, &rest_vals, span)
        {
            return v;
        }
        match f.func {
            Some(idx) => self.call_fn(idx, rest_vals),
            None => self.generic_call(None, None, f, rest_vals, false),
        }
    }

    /// A call that stores its arguments into a local variable (`scopes.push(v)`,
    /// `Object.assign(claims, v)`) taints that variable, with the conditions it happens under.
    fn note_mutation(
        &mut self,
        callee: &'a Expr,
        callee_val: &Val,
        method: Option<&str>,
        args: &'a [ExprOrSpread],
        vals: &[Val],
    ) {
        let (target, stored): (&'a Expr, &[Val]) = match (unwrap(callee), method) {
            (Expr::Member(m), Some(method)) if MUTATORS.contains(&method) => (&m.obj, vals),
            _ if is_object_assign(callee_val) => match (args.first(), vals.get(1..)) {
                (Some(first), Some(rest)) => (&first.expr, rest),
                _ => return,
            },
            _ => return,
        };
        let Expr::Ident(id) = unwrap(target) else {
            return;
        };
        for v in stored {
            match &v.props {
                // `Object.assign(claims, { admin: md.admin })`: the known properties stay known.
                Some(props) => {
                    for (k, pv) in props.iter() {
                        self.taint_var(&id.sym, k, pv);
                    }
                    self.taint_var(&id.sym, "*", &v.taint_only());
                }
                None => self.taint_var(&id.sym, "*", v),
            }
        }
    }

    /// An unknown call: taint flows from the receiver and arguments to the result; function
    /// arguments are analysed with parameter values that fit the call.
    fn generic_call(
        &mut self,
        recv: Option<&Val>,
        method: Option<&str>,
        callee: &Val,
        vals: Vec<Val>,
        egress: bool,
    ) -> Val {
        let base = recv.cloned().unwrap_or_else(|| callee.taint_only());
        let mut out = base.taint_only();
        // The cheap test first: most calls pass no whole object, and naming the function
        // allocates.
        let opaque = vals.iter().any(is_whole_object) && {
            match npm_function(callee) {
                Some(name) => {
                    out.sources.insert(opaque_call(name, &vals));
                    true
                }
                None => false,
            }
        };
        for v in &vals {
            // A whole object's sources went into the module function, listed in its source.
            if v.func.is_none() && !(opaque && is_whole_object(v)) {
                out = out.join(&v.taint_only());
            }
        }
        for v in &vals {
            let Some(idx) = v.func else { continue };
            let params = match method {
                Some(m) if ITERATORS.contains(&m) => {
                    let (elems, complete) = const_elements(&base);
                    for elem in elems {
                        let ret = self.call_fn(idx, vec![elem.clone(), elem, base.clone()]);
                        out = out.join(&ret.taint_only());
                    }
                    if complete {
                        continue;
                    }
                    let elem = self.member(&base, "*");
                    vec![elem.clone(), elem, base.clone()]
                }
                Some("then" | "catch" | "finally") => vec![base.clone()],
                _ if egress => vec![base.clone(), base.clone(), base.clone()],
                _ => vec![out.taint_only(), out.taint_only(), out.taint_only()],
            };
            let ret = self.call_fn(idx, params);
            out = out.join(&ret.taint_only());
        }
        out
    }

    /// Sinks keyed by the callee's path. `None` when the path is not a sink.
    fn path_sink(
        &mut self,
        path: &Path,
        args: &'a [ExprOrSpread],
        vals: &[Val],
        span: Span,
    ) -> Option<Val> {
        match &path.root {
            Root::Api => {
                self.api_sink(path, args, vals, span);
                Some(Val::default())
            }
            Root::Callback if path.segs.is_empty() => {
                self.callback_sink(args, vals, span);
                Some(Val::default())
            }
            Root::Management | Root::RulesAuth0 if !path.segs.is_empty() => {
                self.management_sink(path, vals, span);
                let generic = self.generic_call(None, None, &Val::default(), vals.to_vec(), false);
                Some(generic)
            }
            _ => {
                let style = recognise(path)?;
                let resp = self.egress_call(style, vals, span);
                Some(
                    self.generic_call(Some(&resp), None, &resp, vals.to_vec(), true)
                        .join(&resp),
                )
            }
        }
    }

    pub fn eval_new(&mut self, n: &'a NewExpr) -> Val {
        let callee = self.eval(&n.callee);
        let vals: Vec<Val> = n
            .args
            .iter()
            .flatten()
            .map(|a| self.eval(&a.expr))
            .collect();
        let is_mgmt = callee.path.as_ref().is_some_and(|p| {
            p.segs.last().map_or(
                matches!(&p.root, Root::Global(g) if &**g == "ManagementClient"),
                |s| &**s == "ManagementClient",
            )
        });
        if is_mgmt {
            let opts = vals.first().cloned().unwrap_or_default();
            let names: Vec<String> = [
                "clientSecret",
                "client_secret",
                "clientId",
                "client_id",
                "token",
                "domain",
            ]
            .iter()
            .filter_map(|k| opts.prop(k))
            .flat_map(|v| v.sources.iter())
            .filter_map(|s| match s {
                Source::Secret { name } => Some(name.to_string()),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
            if !names.is_empty() {
                self.emit(
                    EffectKind::ManagementClientFromSecrets {
                        secret_names: names,
                    },
                    n.span,
                    &opts.sources,
                );
            }
            return self.root_val(Root::Management);
        }
        if let Some(idx) = callee.func {
            self.call_fn(idx, vals.clone());
        }
        let mut out = vals
            .iter()
            .fold(Val::default(), |acc, v| acc.join(&v.taint_only()));
        // An instance of a local class has the class's methods.
        if callee.path.is_none() {
            out.props.clone_from(&callee.props);
        }
        if is_global(&callee, "URL")
            && let Some(url) = vals.first()
        {
            out.props = url_parts(url);
        }
        out
    }

    /// `x.set('Authorization', 'Bearer ...')`, `setHeader(name, literal)`.
    fn check_header_call(&mut self, vals: &[Val], span: Span) {
        if let (Some(name), Some(value)) = (
            vals.first().and_then(|v| v.const_str()),
            vals.get(1).and_then(|v| v.const_str()),
        ) && let Some(kind) = classify_literal(Some(name), value)
        {
            let value = value.to_string();
            self.record_secret(kind, &value, span, None, None);
        }
    }

    /// `email.includes('@acme.com')`, `email.endsWith('acme.com')`, `/@acme\.com/.test(email)`.
    fn check_substring_email(&mut self, recv: &Val, method: &str, vals: &[Val], span: Span) {
        if !recv.sources.contains(&Source::Email) || !SUBSTRING_CHECKS.contains(&method) {
            return;
        }
        let Some(arg) = vals.first().and_then(|v| v.const_str()) else {
            return;
        };
        let domainish = arg.contains('.') && !arg.contains(' ');
        let sound_suffix = method == "endsWith" && arg.starts_with('@');
        if domainish && !sound_suffix {
            let line = self.line(span);
            let text = super::snippet::snippet(self.text, span);
            self.out.substring_email_checks.push((line, text));
        }
    }

    /// Is this expression a call that denies access (`api.access.deny`, `callback(new ...)`)?
    pub fn is_deny_call(&self, e: &Expr) -> bool {
        let Expr::Call(c) = unwrap(e) else {
            return false;
        };
        let Some(callee) = c.callee.as_expr() else {
            return false;
        };
        // The static properties after the base variable, outermost first. A deny call has at
        // most two in all (`api.access.deny`, the bare callback), so longer chains are not.
        let mut props: [&str; 2] = ["", ""];
        let mut n = 0;
        let mut cur = unwrap(callee);
        let base = loop {
            match cur {
                Expr::Ident(i) => break i,
                Expr::Member(m) => {
                    let (Some(prop), Some(slot)) = (m.prop.as_ident(), props.get_mut(n)) else {
                        return false;
                    };
                    *slot = &prop.sym;
                    n += 1;
                    cur = unwrap(&m.obj);
                }
                _ => return false,
            }
        };
        let Some(path) = self.scopes.get(&base.sym).and_then(|v| v.path.as_deref()) else {
            return false;
        };
        let props = props.get(..n).unwrap_or(&[]);
        match path.root {
            Root::Api => path
                .segs
                .iter()
                .map(|s| &**s)
                .chain(props.iter().rev().copied())
                .eq(["access", "deny"]),
            Root::Callback => path.segs.is_empty() && props.is_empty(),
            _ => false,
        }
    }
}

/// The union of the sources of some values.
pub fn union_of(vals: &[Val]) -> SourceSet {
    let mut all = SourceSet::new();
    for v in vals {
        all.union_with(&v.sources);
    }
    all
}

/// Is this callee `Object.assign`?
fn is_object_assign(callee: &Val) -> bool {
    callee.path.as_ref().is_some_and(|p| {
        matches!(&p.root, Root::Global(g) if &**g == "Object")
            && p.segs.len() == 1
            && p.seg(0) == Some("assign")
    })
}

/// `module.fn` when `callee` is a function of a `require`d / imported npm module whose result
/// is not known to carry its arguments' data (see [`copies_data`]).
fn npm_function(callee: &Val) -> Option<String> {
    let path = callee.path.as_ref()?;
    let Root::Module(module) = &path.root else {
        return None;
    };
    if copies_data(path) {
        return None;
    }
    Some(if path.segs.is_empty() {
        module.to_string()
    } else {
        format!("{module}.{}", path.dotted())
    })
}

/// The global `name` itself (`URL`, not `URL.parse`).
fn is_global(v: &Val, name: &str) -> bool {
    v.path
        .as_ref()
        .is_some_and(|p| p.segs.is_empty() && matches!(&p.root, Root::Global(g) if &**g == name))
}

/// The parts of `new URL(x)` that stand for `x` itself: a condition on `u.origin`, `u.host` or
/// `u.hostname` checks `x`, and `u.href` redirects to it ([`super::url_checks`]).
fn url_parts(url: &Val) -> Option<Rc<Vec<(Atom, Val)>>> {
    let path = url.path.clone()?;
    let part = Val::at(path, url.sources.clone());
    let parts = ["origin", "host", "hostname", "href"]
        .into_iter()
        .map(|name| (Atom::from(name), part.clone()))
        .collect();
    Some(Rc::new(parts))
}

/// The source of a call of the npm function `name` with whole objects among `vals`: the
/// function, with what those objects carry.
fn opaque_call(name: String, vals: &[Val]) -> Source {
    let mut carried = SourceSet::new();
    for v in vals.iter().filter(|v| is_whole_object(v)) {
        carried.union_with(&v.sources);
    }
    Source::OpaqueCall {
        callee: name.into(),
        carries: carried.iter().cloned().collect(),
    }
}

/// `event`, `event.user`, `event.request`, Rules `user` / `context` / `context.request`: an
/// object that holds user-writable data next to everything else.
fn is_whole_object(v: &Val) -> bool {
    v.path
        .as_ref()
        .is_some_and(|p| match (&p.root, p.segs.as_slice()) {
            (Root::Event, []) | (Root::User, []) | (Root::Context, []) => true,
            (Root::Event, [seg]) => matches!(&**seg, "user" | "request"),
            (Root::Context, [seg]) => &**seg == "request",
            _ => false,
        })
}
