//! Access-path classification: which [`Source`]s a known object path stands for
//! (`event.user.user_metadata.role` -> user metadata `role`, `context.request.query` -> the
//! query string, `configuration.KEY` -> a secret, ...), for Actions, Rules, Hooks and scripts.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::effects::{CodeKind, Source, Text};
use super::value::{Path, Root};

fn key(segs: &[Rc<str>], i: usize) -> Option<Text> {
    segs.get(i)
        .filter(|s| s.as_ref() != "*")
        .map(|s| Text::from(&**s))
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
                    name: Text::from(*name),
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
                name: Text::from(*name),
            });
        }
        ["transaction", "prompt", ..] => {
            out.insert(Source::Prompt);
        }
        // Which flow runs (oidc-basic-profile, oauth2-refresh-token, oauth2-password, ...): the
        // caller chooses it; code that redirects must check it.
        ["transaction", "protocol", ..] => {
            out.insert(Source::RequestOther {
                field: "protocol".into(),
            });
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
                field: Text::from(field),
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
                name: Text::from(*name),
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
}
