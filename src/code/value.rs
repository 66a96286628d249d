//! Abstract values of the data-flow analysis: what a JavaScript expression may hold — a known
//! object path (`event.user.user_metadata.role`), the sources tainting it, a constant string (or
//! its literal prefix), known object-literal properties, and local functions.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::effects::{CodeKind, Source};

/// Where a known object comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        let mut segs = self.segs.clone();
        segs.push(Rc::from(seg));
        Path {
            root: self.root.clone(),
            segs,
        }
    }

    /// The segments joined with `.` (`users.update`).
    pub fn dotted(&self) -> String {
        self.segs
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn seg(&self, i: usize) -> Option<&str> {
        self.segs.get(i).map(|s| s.as_ref())
    }
}

/// An abstract value.
#[derive(Debug, Clone, Default)]
pub struct Val {
    pub path: Option<Rc<Path>>,
    pub sources: BTreeSet<Source>,
    /// Constant string value, or its literal prefix when `complete` is false.
    pub lit: Option<Rc<str>>,
    pub complete: bool,
    /// Known properties of an object literal (`None` = not an object literal).
    pub props: Option<Rc<Vec<(String, Val)>>>,
    /// The constant `true`.
    pub is_true: bool,
    /// A local function (index into the analyzer's function table).
    pub func: Option<usize>,
    /// The value was produced by an outbound HTTP call.
    pub from_egress: bool,
}

impl Val {
    pub fn from_path(path: Path, kind: CodeKind) -> Self {
        let sources = classify(&path, kind);
        Val {
            path: Some(Rc::new(path)),
            sources,
            ..Val::default()
        }
    }

    pub fn string(s: &str) -> Self {
        Val {
            lit: Some(Rc::from(s)),
            complete: true,
            ..Val::default()
        }
    }

    pub fn tainted(sources: BTreeSet<Source>) -> Self {
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
            .find(|(k, _)| k == name)
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
        } else if self.path != other.path && !other_is_default {
            self.path = None;
        }
        self.sources.extend(other.sources.iter().cloned());
        if self.lit != other.lit || self.complete != other.complete {
            self.lit = None;
            self.complete = false;
        }
        if self.props.is_none() {
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

fn key(segs: &[Rc<str>], i: usize) -> Option<String> {
    segs.get(i)
        .filter(|s| s.as_ref() != "*")
        .map(|s| s.to_string())
}

/// The sources a known path stands for.
pub fn classify(path: &Path, kind: CodeKind) -> BTreeSet<Source> {
    let mut out = BTreeSet::new();
    if !matches!(
        path.root,
        Root::Event | Root::User | Root::Context | Root::Configuration | Root::ProviderCtx
    ) {
        return out;
    }
    let segs: Vec<&str> = path.segs.iter().map(|s| s.as_ref()).collect();
    match &path.root {
        Root::Event => classify_event(&segs, &path.segs, &mut out),
        Root::User => {
            let mut full = vec!["user"];
            full.extend(segs.iter().copied());
            let mut rc: Vec<Rc<str>> = vec![Rc::from("user")];
            rc.extend(path.segs.iter().cloned());
            classify_event(&full, &rc, &mut out);
        }
        Root::Context => classify_context(&segs, &path.segs, &mut out),
        Root::Configuration => match segs.first() {
            Some(name) if *name != "*" => {
                out.insert(Source::Secret {
                    name: name.to_string(),
                });
            }
            _ => {
                out.insert(Source::Secret { name: "*".into() });
            }
        },
        Root::ProviderCtx => {
            out.insert(Source::ProviderProfile);
        }
        _ => {}
    }
    if kind == CodeKind::ProfileScript && out.contains(&Source::HttpResponse) {
        out.insert(Source::ProviderProfile);
    }
    out
}

fn classify_event(segs: &[&str], rc: &[Rc<str>], out: &mut BTreeSet<Source>) {
    match segs {
        [] => {
            out.insert(Source::UserMetadata { key: None });
            out.insert(Source::RequestQuery { key: None });
            out.insert(Source::RequestBody { key: None });
            out.insert(Source::Email);
            out.insert(Source::Secret { name: "*".into() });
        }
        ["user"] => {
            out.insert(Source::UserMetadata { key: None });
            out.insert(Source::AppMetadata { key: None });
            out.insert(Source::Email);
        }
        ["user", "user_metadata", ..] => {
            out.insert(Source::UserMetadata { key: key(rc, 2) });
        }
        ["user", "app_metadata", ..] => {
            out.insert(Source::AppMetadata { key: key(rc, 2) });
        }
        ["user", "email", ..] => {
            out.insert(Source::Email);
        }
        ["user", "email_verified", ..] => {
            out.insert(Source::EmailVerified);
        }
        ["user", "identities"] | ["user", "identities", _] => {
            out.insert(Source::ProviderProfile);
        }
        ["user", "identities", _, "profileData", ..] => {
            out.insert(Source::ProviderProfile);
        }
        ["request", rest @ ..] => classify_request(rest, rc.get(1..).unwrap_or(&[]), out),
        ["secrets"] | ["secrets", "*", ..] => {
            out.insert(Source::Secret { name: "*".into() });
        }
        ["secrets", name, ..] => {
            out.insert(Source::Secret {
                name: name.to_string(),
            });
        }
        ["transaction", "prompt", ..] => {
            out.insert(Source::Prompt);
        }
        ["transaction", "requested_scopes", ..] => {
            out.insert(Source::RequestQuery {
                key: Some("scope".into()),
            });
        }
        ["client", ..] => {
            out.insert(Source::ClientId);
        }
        ["connection", ..] => {
            out.insert(Source::Connection);
        }
        ["authorization", ..] => {
            out.insert(Source::Roles);
        }
        _ => {}
    }
}

/// `request.*` (Actions `event.request`, Rules `context.request`).
fn classify_request(segs: &[&str], rc: &[Rc<str>], out: &mut BTreeSet<Source>) {
    match segs {
        [] => {
            out.insert(Source::RequestQuery { key: None });
            out.insert(Source::RequestBody { key: None });
            out.insert(Source::RequestOther { field: "*".into() });
        }
        ["query", "prompt", ..] => {
            out.insert(Source::Prompt);
        }
        ["query", ..] => {
            out.insert(Source::RequestQuery { key: key(rc, 1) });
        }
        ["body", ..] => {
            out.insert(Source::RequestBody { key: key(rc, 1) });
        }
        [field, ..] => {
            let field = match *field {
                "userAgent" => "user_agent",
                f => f,
            };
            out.insert(Source::RequestOther {
                field: field.to_string(),
            });
        }
    }
}

/// Rules / Hooks `context.*`.
fn classify_context(segs: &[&str], rc: &[Rc<str>], out: &mut BTreeSet<Source>) {
    match segs {
        ["request", rest @ ..] => classify_request(rest, rc.get(1..).unwrap_or(&[]), out),
        ["clientID" | "clientName" | "clientMetadata", ..] => {
            out.insert(Source::ClientId);
        }
        ["connection" | "connectionStrategy" | "connectionID", ..] => {
            out.insert(Source::Connection);
        }
        ["authorization", ..] => {
            out.insert(Source::Roles);
        }
        ["webtask", "secrets", name, ..] if *name != "*" => {
            out.insert(Source::Secret {
                name: name.to_string(),
            });
        }
        ["webtask", "secrets", ..] => {
            out.insert(Source::Secret { name: "*".into() });
        }
        ["body", ..] => {
            out.insert(Source::RequestBody { key: key(rc, 1) });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: Root, segs: &[&str]) -> Path {
        Path {
            root,
            segs: segs.iter().map(|s| Rc::from(*s)).collect(),
        }
    }

    fn one(root: Root, segs: &[&str]) -> BTreeSet<Source> {
        classify(&path(root, segs), CodeKind::Action)
    }

    #[test]
    fn event_paths_map_to_sources() {
        let md = one(Root::Event, &["user", "user_metadata", "role"]);
        assert!(md.contains(&Source::UserMetadata {
            key: Some("role".into())
        }));
        let am = one(Root::Event, &["user", "app_metadata", "*"]);
        assert!(am.contains(&Source::AppMetadata { key: None }));
        assert!(one(Root::Event, &["request", "query", "prompt"]).contains(&Source::Prompt));
        assert!(one(Root::Event, &["transaction", "prompt"]).contains(&Source::Prompt));
        let ua = one(Root::Event, &["request", "user_agent"]);
        assert!(ua.contains(&Source::RequestOther {
            field: "user_agent".into()
        }));
        assert!(
            one(Root::Event, &["secrets", "KEY"]).contains(&Source::Secret { name: "KEY".into() })
        );
        let pd = one(
            Root::Event,
            &["user", "identities", "*", "profileData", "email"],
        );
        assert!(pd.contains(&Source::ProviderProfile));
        assert!(one(Root::Event, &["authorization", "roles"]).contains(&Source::Roles));
        assert!(one(Root::Event, &["client", "client_id"]).contains(&Source::ClientId));
        assert!(one(Root::Event, &["connection", "name"]).contains(&Source::Connection));
        assert!(one(Root::Event, &["user", "email_verified"]).contains(&Source::EmailVerified));
        assert!(one(Root::Event, &["user", "name"]).is_empty());
        assert!(one(Root::Event, &["stats", "logins_count"]).is_empty());
    }

    #[test]
    fn rules_and_hooks_paths_map_to_sources() {
        assert!(
            one(Root::User, &["user_metadata", "x"]).contains(&Source::UserMetadata {
                key: Some("x".into())
            })
        );
        assert!(
            one(Root::Context, &["request", "query", "a"]).contains(&Source::RequestQuery {
                key: Some("a".into())
            })
        );
        assert!(
            one(Root::Context, &["request", "userAgent"]).contains(&Source::RequestOther {
                field: "user_agent".into()
            })
        );
        assert!(one(Root::Context, &["clientID"]).contains(&Source::ClientId));
        assert!(
            one(Root::Context, &["webtask", "secrets", "K"])
                .contains(&Source::Secret { name: "K".into() })
        );
        assert!(
            one(Root::Configuration, &["API_KEY"]).contains(&Source::Secret {
                name: "API_KEY".into()
            })
        );
        assert!(
            one(Root::Context, &["body", "x"]).contains(&Source::RequestBody {
                key: Some("x".into())
            })
        );
        assert!(one(Root::Context, &["accessToken"]).is_empty());
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
