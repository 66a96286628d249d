//! URL classification for redirect, logout and origin lists, done with a real URL parser
//! rather than CheckMate's substring tests: loopback hosts (`localhost`, `*.localhost`,
//! `127.0.0.0/8`, `[::1]`, `0.0.0.0`, including shorthand forms such as `http://127.1` that the
//! parser normalises), cleartext `http://` to a non-loopback host, and `*` wildcards. Custom
//! schemes (`com.example.app://callback`, `capacitor://localhost`) are native-app redirects and
//! never count as loopback or cleartext.

use url::{Host, Url};

use crate::findings::Severity;

/// What is wrong with one URL entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UrlIssue {
    /// An `http(s)` URL whose host is the local machine.
    Loopback,
    /// `http://` to a host that is not the local machine.
    Cleartext,
    /// A `*` wildcard anywhere in the entry.
    Wildcard,
}

impl UrlIssue {
    pub fn describe(self) -> &'static str {
        match self {
            UrlIssue::Loopback => "points at the local machine",
            UrlIssue::Cleartext => "uses cleartext http://",
            UrlIssue::Wildcard => "contains a * wildcard",
        }
    }
}

/// Whether a parsed host is the local machine.
fn is_loopback_host(host: Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => ip.is_loopback() || ip.is_unspecified(),
        Host::Ipv6(ip) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// The issues of one entry (empty for a clean or unparseable entry).
pub fn url_issues(raw: &str) -> Vec<UrlIssue> {
    let text = raw.trim();
    let mut issues = Vec::new();
    if text.contains('*') {
        issues.push(UrlIssue::Wildcard);
    }
    // A wildcard host does not parse in every position; parse a copy with it replaced.
    let parsable = text.replace('*', "wildcard");
    let Ok(url) = Url::parse(&parsable) else {
        return issues;
    };
    let web = matches!(url.scheme(), "http" | "https" | "ws" | "wss");
    if !web {
        return issues;
    }
    let loopback = url.host().is_some_and(is_loopback_host);
    if loopback {
        issues.push(UrlIssue::Loopback);
    } else if matches!(url.scheme(), "http" | "ws") {
        issues.push(UrlIssue::Cleartext);
    }
    issues
}

/// One offending entry of a URL list, with its issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadUrl {
    pub url: String,
    pub issues: Vec<UrlIssue>,
}

/// Every entry of `urls` with at least one issue.
pub fn bad_urls(urls: &[String]) -> Vec<BadUrl> {
    urls.iter()
        .filter_map(|u| {
            let issues = url_issues(u);
            (!issues.is_empty()).then(|| BadUrl {
                url: u.clone(),
                issues,
            })
        })
        .collect()
}

/// `url (issue, issue)` for a description.
pub fn describe_bad(bad: &BadUrl) -> String {
    let issues: Vec<&str> = bad.issues.iter().map(|i| i.describe()).collect();
    format!("\"{}\" ({})", bad.url, issues.join(", "))
}

/// The worst severity among bad entries, given the severity of each issue kind.
pub fn worst(bad: &[BadUrl], severity_of: impl Fn(UrlIssue) -> Severity) -> Option<Severity> {
    bad.iter()
        .flat_map(|b| b.issues.iter().copied())
        .map(severity_of)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_forms_are_recognised() {
        for u in [
            "http://localhost:3000/callback",
            "https://app.localhost/cb",
            "http://127.0.0.1/cb",
            "http://127.1/cb",
            "http://127.20.3.4/cb",
            "http://[::1]:8080/cb",
            "http://0.0.0.0/cb",
            "https://LOCALHOST./cb",
        ] {
            assert_eq!(url_issues(u), vec![UrlIssue::Loopback], "{u}");
        }
    }

    #[test]
    fn lookalike_hosts_are_not_loopback() {
        assert!(url_issues("https://localhost.example.com/cb").is_empty());
        assert!(url_issues("https://mylocalhost.com/cb").is_empty());
        assert!(url_issues("https://128.0.0.1/cb").is_empty());
        assert!(url_issues("https://app.example.com/callback?next=http://localhost").is_empty());
    }

    #[test]
    fn cleartext_and_wildcards() {
        assert_eq!(
            url_issues("http://app.example.com/cb"),
            vec![UrlIssue::Cleartext]
        );
        assert_eq!(
            url_issues("https://*.example.com/cb"),
            vec![UrlIssue::Wildcard]
        );
        assert_eq!(
            url_issues("http://*.example.com"),
            vec![UrlIssue::Wildcard, UrlIssue::Cleartext]
        );
        assert!(url_issues("https://app.example.com/cb").is_empty());
    }

    #[test]
    fn custom_schemes_are_native_redirects() {
        assert!(url_issues("com.example.app://login/callback").is_empty());
        assert!(url_issues("capacitor://localhost").is_empty());
        assert!(url_issues("not a url").is_empty());
    }

    #[test]
    fn bad_urls_keeps_only_offenders() {
        let list = vec![
            "https://ok.example.com".to_string(),
            "http://localhost".to_string(),
        ];
        let bad = bad_urls(&list);
        assert_eq!(bad.len(), 1);
        assert!(describe_bad(&bad[0]).contains("local machine"));
    }
}
