//! Abstract values of the data-flow analysis: what a JavaScript expression may hold — a known
//! object path (`event.user.user_metadata.role`), the sources tainting it, a constant string (or
//! its literal prefix), known object-literal properties, and local functions.

use std::rc::Rc;

use swc_atoms::Atom;

use super::classify::classify;
use super::effects::CodeKind;
use super::functions::FnId;
use super::sources::SourceSet;

/// Where a known object comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// Actions `event`.
    Event,
    /// Actions `api`.
    Api,
    /// Rules / Hooks `user` (same shape as `event.user`).
    User,
    /// Rules / Hooks `context`.
    Context,
    /// Rules `configuration` (secrets).
    Configuration,
    /// Rules `auth0` (a Management API client bound to the tenant).
    RulesAuth0,
    /// The completion callback of Rules, Hooks and scripts.
    Callback,
    /// A `ManagementClient` instance.
    Management,
    /// `require('name')` / `import ... from 'name'`.
    Module(Rc<str>),
    /// A global name the code does not define (`fetch`, `JSON`, ...).
    Global(Rc<str>),
    /// The `ctx` argument of a profile script (upstream IdP data).
    ProviderCtx,
}

/// A known object path: a root and property names (`*` for a computed or unknown key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub root: Root,
    pub segs: Vec<Rc<str>>,
}

impl Path {
    pub fn root(root: Root) -> Self {
        Path {
            root,
            segs: Vec::new(),
        }
    }

    pub fn child(&self, seg: &str) -> Self {
        self.child_rc(Rc::from(seg))
    }

    /// [`Path::child`] with an already shared segment.
    pub fn child_rc(&self, seg: Rc<str>) -> Self {
        let mut segs = Vec::with_capacity(self.segs.len() + 1);
        segs.extend(self.segs.iter().cloned());
        segs.push(seg);
        Path {
            root: self.root.clone(),
            segs,
        }
    }

    /// The segments joined with `.` (`users.update`).
    pub fn dotted(&self) -> String {
        let len = self.segs.iter().map(|s| s.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        for (i, s) in self.segs.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(s);
        }
        out
    }

    pub fn seg(&self, i: usize) -> Option<&str> {
        self.segs.get(i).map(|s| s.as_ref())
    }
}

/// An abstract value.
#[derive(Debug, Clone, Default)]
pub struct Val {
    pub path: Option<Rc<Path>>,
    pub sources: SourceSet,
    /// Constant string value, or its literal prefix when `complete` is false.
    pub lit: Option<Atom>,
    pub complete: bool,
    /// Known properties of an object literal (`None` = not an object literal).
    pub props: Option<Rc<Vec<(Atom, Val)>>>,
    /// The constant `true`.
    pub is_true: bool,
    /// A local function (index into the analyzer's function table).
    pub func: Option<FnId>,
    /// The value was produced by an outbound HTTP call.
    pub from_egress: bool,
}

impl Val {
    pub fn from_path(path: Path, kind: CodeKind) -> Self {
        let sources = classify(&path, kind).into();
        Val::at(Rc::new(path), sources)
    }

    /// A value at a shared path with its (already classified) sources.
    pub fn at(path: Rc<Path>, sources: SourceSet) -> Self {
        Val {
            path: Some(path),
            sources,
            ..Val::default()
        }
    }

    pub fn string(s: &str) -> Self {
        Val {
            lit: Some(Atom::from(s)),
            complete: true,
            ..Val::default()
        }
    }

    pub fn tainted(sources: SourceSet) -> Self {
        Val {
            sources,
            ..Val::default()
        }
    }

    /// The constant string, when fully known.
    pub fn const_str(&self) -> Option<&str> {
        if self.complete {
            self.lit.as_deref()
        } else {
            None
        }
    }

    /// The constant string or its known prefix.
    pub fn prefix(&self) -> Option<&str> {
        self.lit.as_deref()
    }

    pub fn prop(&self, name: &str) -> Option<&Val> {
        self.props
            .as_ref()?
            .iter()
            .rev()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v)
    }

    /// Union of two possible values (keeps only what both agree on for constants).
    pub fn join(mut self, other: &Val) -> Val {
        // A default that carries no data (`x || {}`, `x ?? ''`) keeps the other side's access
        // path, so `(event.user.user_metadata || {}).role` still reads `user_metadata.role`.
        let self_is_default = self.path.is_none() && self.sources.is_empty();
        let other_is_default = other.path.is_none() && other.sources.is_empty();
        if self_is_default && !other_is_default {
            self.path = other.path.clone();
        } else if !same_opt_path(&self.path, &other.path) && !other_is_default {
            self.path = None;
        }
        self.sources.union_with(&other.sources);
        if self.complete != other.complete || !same_str(&self.lit, &other.lit) {
            self.lit = None;
            self.complete = false;
        }
        if self.props.is_none() && other.props.is_some() {
            self.props = other.props.clone();
        }
        self.is_true &= other.is_true;
        self.func = self.func.or(other.func);
        self.from_egress |= other.from_egress;
        self
    }

    /// Only the taint of this value (no path, constant or props).
    pub fn taint_only(&self) -> Val {
        Val {
            sources: self.sources.clone(),
            from_egress: self.from_egress,
            ..Val::default()
        }
    }
}

/// Equal paths; interned paths are shared, so the pointer comparison settles most cases.
pub fn same_path(a: &Rc<Path>, b: &Rc<Path>) -> bool {
    Rc::ptr_eq(a, b) || a == b
}

/// [`same_path`] of two optional paths.
fn same_opt_path(a: &Option<Rc<Path>>, b: &Option<Rc<Path>>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => same_path(x, y),
        (None, None) => true,
        _ => false,
    }
}

/// Equal constant strings (the same shared string, or equal text).
fn same_str(a: &Option<Atom>, b: &Option<Atom>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::effects::Source;

    fn path(root: Root, segs: &[&str]) -> Path {
        Path {
            root,
            segs: segs.iter().map(|s| Rc::from(*s)).collect(),
        }
    }

    #[test]
    fn join_with_an_empty_default_keeps_the_access_path() {
        let md = path(Root::Event, &["user", "user_metadata"]);
        let tainted = Val::from_path(md.clone(), CodeKind::Action);
        let joined = tainted.clone().join(&Val::default());
        assert_eq!(joined.path.as_deref(), Some(&md));
        let joined = Val::default().join(&tainted);
        assert_eq!(joined.path.as_deref(), Some(&md));
        let other = Val::from_path(
            path(Root::Event, &["user", "app_metadata"]),
            CodeKind::Action,
        );
        assert_eq!(tainted.join(&other).path, None);
    }

    #[test]
    fn join_keeps_union_and_drops_conflicting_constants() {
        let a = Val::string("x");
        let b = Val::tainted([Source::Email].into());
        let j = a.join(&b);
        assert!(j.sources.contains(&Source::Email));
        assert!(j.const_str().is_none());
    }
}
