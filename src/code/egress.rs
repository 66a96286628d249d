//! Outbound HTTP calls: recognising the client (`fetch`, `node-fetch`, `axios`, `request`,
//! `got`, `superagent`, `needle`, `https.request`), pulling out the literal URL (or prefix),
//! method and body, and what they mean for Auth0 (Management API `/api/v2/`, `/oauth/token`
//! with a client secret, account linking through `/identities`).

use swc_common::Span;

use super::effects::{EffectKind, Source};
use super::flow::Analyzer;
use super::sources::SourceSet;
use super::value::{Path, Root, Val};

const CLIENTS: [&str; 12] = [
    "fetch",
    "node-fetch",
    "axios",
    "request",
    "request-promise",
    "request-promise-native",
    "got",
    "superagent",
    "needle",
    "undici",
    "cross-fetch",
    "isomorphic-fetch",
];
const METHODS: [&str; 9] = [
    "get", "post", "put", "patch", "delete", "del", "head", "request", "fetch",
];

/// How the arguments of a recognised HTTP call are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `fetch(url, opts)`, `axios(url | config)`, `request(url | opts, cb)`, `got(url, opts)`.
    Direct,
    /// `axios.post(url, data, config)` and friends, with the HTTP method.
    Method(&'static str),
    /// `https.request(url | options)`; `cleartext` for the `http` module.
    NodeHttp { cleartext: bool },
}

/// Recognises an HTTP client call from the callee's path.
pub fn recognise(path: &Path) -> Option<Style> {
    let name = match &path.root {
        Root::Module(m) | Root::Global(m) => m.as_ref(),
        _ => return None,
    };
    let segs: Vec<&str> = path.segs.iter().map(|s| s.as_ref()).collect();
    if name == "http" || name == "https" {
        return matches!(segs.as_slice(), ["request" | "get"]).then_some(Style::NodeHttp {
            cleartext: name == "http",
        });
    }
    if !CLIENTS.contains(&name) {
        return None;
    }
    match segs.as_slice() {
        [] | ["default"] => Some(Style::Direct),
        [m] | ["default", m] => METHODS.iter().find(|x| *x == m).map(|x| Style::Method(x)),
        _ => None,
    }
}

/// Host of a URL (or URL prefix) when the prefix contains it entirely.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let end = rest.find(['/', '?', '#']);
    let host = match end {
        Some(e) => rest.get(..e)?,
        None => return None,
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The request body of an options object (`body`, `data`, `json` or `form`).
fn body_of(opts: &Val) -> Option<Val> {
    ["body", "data", "json", "form"]
        .iter()
        .find_map(|k| opts.prop(k))
        .cloned()
}

/// The literal HTTP method of an options object, upper-cased.
fn method_of(opts: &Val) -> Option<String> {
    opts.prop("method")
        .and_then(|m| m.const_str().map(str::to_uppercase))
}

/// True for hosts that are Auth0 itself.
pub fn is_auth0_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h.ends_with(".auth0.com") || h.ends_with(".auth0app.com") || h == "auth0.com"
}

impl<'a> Analyzer<'a> {
    /// Emits the effects of an HTTP call and returns the response value.
    pub fn egress_call(&mut self, style: Style, args: &[Val], span: Span) -> Val {
        let first = args.first().cloned().unwrap_or_default();
        let (url, method, body, opts) = match style {
            Style::Direct | Style::NodeHttp { .. } if first.props.is_some() => {
                let url = first
                    .prop("url")
                    .or_else(|| first.prop("uri"))
                    .cloned()
                    .or_else(|| node_options_url(&first, style));
                let method = method_of(&first);
                let body = body_of(&first);
                (url, method, body, Some(first.clone()))
            }
            Style::Direct | Style::NodeHttp { .. } => {
                let opts = args.get(1).cloned();
                let method = opts.as_ref().and_then(method_of);
                let body = opts.as_ref().and_then(body_of);
                (Some(first.clone()), method, body, opts)
            }
            // `request.post({ url, form })`, `axios.request({ url, method, data })`: one
            // options object instead of a URL.
            Style::Method(m) if first.props.is_some() => {
                let url = first.prop("url").or_else(|| first.prop("uri")).cloned();
                let method = method_of(&first)
                    .or_else(|| (m != "request" && m != "fetch").then(|| m.to_uppercase()));
                let body = body_of(&first);
                (url, method, body, Some(first.clone()))
            }
            Style::Method(m) => {
                let with_body = matches!(m, "post" | "put" | "patch");
                let body = if with_body {
                    args.get(1).cloned()
                } else {
                    None
                };
                let opts = args.get(if with_body { 2 } else { 1 }).cloned();
                let method = if m == "request" || m == "fetch" {
                    None
                } else {
                    Some(m.to_uppercase())
                };
                (Some(first.clone()), method, body, opts)
            }
        };
        let prefix = url
            .as_ref()
            .and_then(|u| u.prefix())
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let cleartext = matches!(style, Style::NodeHttp { cleartext: true })
            || prefix
                .as_ref()
                .is_some_and(|p| p.to_ascii_lowercase().starts_with("http://"));
        let value = super::calls::union_of(args);
        let complete = url.as_ref().and_then(|u| u.const_str()).is_some();
        let host = prefix.as_deref().and_then(|p| match host_of(p) {
            Some(h) => Some(h.to_string()),
            None if complete => host_of(&format!("{p}/")).map(str::to_string),
            None => None,
        });
        self.emit(
            EffectKind::Egress {
                url: prefix.clone(),
                cleartext,
                host,
            },
            span,
            &value,
        );
        if let Some(p) = &prefix {
            self.auth0_http_effects(
                p,
                method.as_deref(),
                body.as_ref(),
                opts.as_ref(),
                span,
                &value,
            );
        }
        let mut resp = Val {
            from_egress: true,
            ..Val::default()
        };
        resp.sources.insert(Source::HttpResponse);
        if cleartext {
            resp.sources.insert(Source::CleartextResponse {
                line: self.line(span),
            });
        }
        if self.kind == super::effects::CodeKind::ProfileScript {
            resp.sources.insert(Source::ProviderProfile);
        }
        resp
    }

    fn auth0_http_effects(
        &mut self,
        url: &str,
        method: Option<&str>,
        body: Option<&Val>,
        opts: Option<&Val>,
        span: Span,
        value: &SourceSet,
    ) {
        let path_start = url.find("://").map_or(0, |i| i + 3);
        let path = url
            .get(path_start..)
            .and_then(|r| r.find('/').and_then(|i| r.get(i..)))
            .unwrap_or("");
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let method = method.unwrap_or(if body.is_some() { "POST" } else { "GET" });
        if path.contains("/api/v2/") {
            self.emit(
                EffectKind::ManagementApiCall {
                    method: format!("{method} {path}"),
                },
                span,
                value,
            );
            if path.contains("/identities") && method == "POST" {
                self.emit(EffectKind::LinkAccounts, span, value);
            }
        }
        if path.contains("/oauth/token") {
            let body = body.or(opts);
            let Some(body) = body else { return };
            let secret = body
                .prop("client_secret")
                .or_else(|| body.prop("clientSecret"));
            let client_id = body
                .prop("client_id")
                .and_then(|v| v.const_str().map(str::to_string));
            let domain = host_of(url).map(str::to_string);
            if let Some(secret) = secret {
                for s in &secret.sources {
                    if let Source::HardcodedSecret { fingerprint } = s {
                        self.annotate_secret(fingerprint, client_id.clone(), domain.clone());
                    }
                }
                let names: Vec<String> = secret
                    .sources
                    .iter()
                    .chain(
                        body.prop("client_id")
                            .map(|v| v.sources.iter())
                            .into_iter()
                            .flatten(),
                    )
                    .filter_map(|s| match s {
                        Source::Secret { name } => Some(name.to_string()),
                        _ => None,
                    })
                    .collect();
                if !names.is_empty() {
                    self.emit(
                        EffectKind::ManagementClientFromSecrets {
                            secret_names: dedup(names),
                        },
                        span,
                        value,
                    );
                }
            }
        }
    }
}

/// `https.request({hostname, path})`: builds the URL prefix from literal options.
fn node_options_url(opts: &Val, style: Style) -> Option<Val> {
    let host = opts.prop("hostname").or_else(|| opts.prop("host"))?;
    let scheme = match style {
        Style::NodeHttp { cleartext: true } => "http://",
        _ => "https://",
    };
    let mut v = host.taint_only();
    if let Some(h) = host.const_str() {
        let path = opts.prop("path").and_then(|p| p.prefix()).unwrap_or("/");
        v.lit = Some(format!("{scheme}{h}{path}").into());
    }
    Some(v)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(root: Root, segs: &[&str]) -> Path {
        Path {
            root,
            segs: segs.iter().map(|s| (*s).into()).collect(),
        }
    }

    #[test]
    fn recognises_clients() {
        assert_eq!(
            recognise(&p(Root::Global("fetch".into()), &[])),
            Some(Style::Direct)
        );
        assert_eq!(
            recognise(&p(Root::Module("axios".into()), &["post"])),
            Some(Style::Method("post"))
        );
        assert_eq!(
            recognise(&p(Root::Module("https".into()), &["request"])),
            Some(Style::NodeHttp { cleartext: false })
        );
        assert_eq!(
            recognise(&p(Root::Module("http".into()), &["get"])),
            Some(Style::NodeHttp { cleartext: true })
        );
        assert_eq!(recognise(&p(Root::Module("lodash".into()), &["get"])), None);
        assert_eq!(
            recognise(&p(Root::Module("axios".into()), &["interceptors", "use"])),
            None
        );
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://api.example.com/v1"),
            Some("api.example.com")
        );
        assert_eq!(host_of("http://u:p@h.io:8080/x"), Some("h.io"));
        assert_eq!(host_of("https://"), None);
        assert_eq!(host_of("https://api.example"), None);
        assert!(is_auth0_host("acme.eu.auth0.com"));
        assert!(!is_auth0_host("auth0.com.evil.io"));
    }
}
