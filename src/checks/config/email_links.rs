//! Links in e-mail templates: how long verification and password-reset links stay valid, where
//! the user lands afterwards (`resultUrl` parsed: cleartext, loopback, wildcard, or a host no
//! application or tenant setting uses), and whether the e-mail address is appended to that
//! URL. `resultUrl` values with Liquid placeholders are judged only by their scheme.

use url::Url;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::{DataKind, EmailTemplate, TenantSnapshot};

use super::acl::{host_matches, normalise_host};
use super::emails::template_file;
use super::support::{config_rule, evidence, tenant_ref};
use super::urls::url_issues;

config_rule!(TEMPLATE_LINKS {
    id: "email.template-links",
    title: "E-mail links live long, land off-domain or carry the e-mail address",
    severity: Low,
    category: Email,
    needs: [EmailTemplates],
    reads: [
        "email_templates.urlLifetimeInSeconds",
        "email_templates.resultUrl",
        "email_templates.includeEmailInRedirect",
        "clients.callbacks",
        "clients.web_origins",
        "custom_domains.domain"
    ],
    condition: "A password-reset link is valid for more than a day or a verification link for more than 7 days; resultUrl uses http://, a loopback host, a wildcard, or a host that no application URL, tenant URL or custom domain uses; or includeEmailInRedirect puts the address into the result URL.",
    remediation: "Keep reset links short-lived (hours), point resultUrl at your own https application, and leave includeEmailInRedirect off.",
    matches: ["GAP template-links"],
    eval: eval_links,
});

/// Link lifetime above which a template is reported, in seconds.
fn max_lifetime(template: &str) -> Option<i64> {
    match template {
        "reset_email" => Some(86_400),
        "verify_email" | "user_invitation" => Some(7 * 86_400),
        _ => None,
    }
}

/// Host names the tenant itself uses: application URLs, tenant URLs, custom and canonical domains.
fn known_hosts(s: &TenantSnapshot) -> Vec<String> {
    let client_urls = s.clients.iter().flat_map(|c| {
        c.callbacks
            .iter()
            .chain(&c.web_origins)
            .chain(&c.allowed_origins)
            .chain(&c.allowed_logout_urls)
            .chain(c.initiate_login_uri.as_ref())
    });
    let st = &s.settings;
    let tenant_urls = st
        .allowed_logout_urls
        .iter()
        .chain(st.default_redirection_uri.as_ref())
        .chain(st.support_url.as_ref());
    let mut hosts: Vec<String> = client_urls
        .chain(tenant_urls)
        .filter_map(|u| host_pattern(u))
        .collect();
    hosts.extend(s.custom_domains.iter().map(|d| normalise_host(&d.domain)));
    hosts.extend(s.domain.iter().map(|d| normalise_host(d)));
    hosts
}

/// The host of a URL entry, keeping a leading `*.` wildcard as a pattern.
fn host_pattern(raw: &str) -> Option<String> {
    let wildcard = raw.contains("://*.");
    let url = Url::parse(&raw.trim().replace("://*.", "://wildcard.")).ok()?;
    let host = normalise_host(url.host_str()?);
    Some(match host.strip_prefix("wildcard.") {
        Some(rest) if wildcard => format!("*.{rest}"),
        _ => host,
    })
}

fn result_url_problem(s: &TenantSnapshot, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(issue) = url_issues(raw).first() {
        return Some(format!("resultUrl {}", issue.describe()));
    }
    if raw.contains("{{") || !s.has(DataKind::Clients) {
        return None;
    }
    let host = normalise_host(Url::parse(raw).ok()?.host_str()?);
    let known = known_hosts(s);
    let ours = known
        .iter()
        .any(|k| host_matches(k, &host) || host.ends_with(&format!(".{k}")));
    (!ours).then(|| format!("resultUrl host {host} is not used by any application or tenant URL"))
}

fn problems(s: &TenantSnapshot, t: &EmailTemplate) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let (Some(max), Some(ttl)) = (
        max_lifetime(&t.template),
        t.url_lifetime_in_seconds.filter(|v| *v > 0),
    ) && ttl > max
    {
        out.push((
            format!("link valid for {} hours", ttl / 3600),
            format!("urlLifetimeInSeconds: {ttl}"),
        ));
    }
    if let Some(url) = t.result_url.as_deref()
        && let Some(what) = result_url_problem(s, url)
    {
        out.push((what, format!("resultUrl: {url}")));
    }
    if t.include_email_in_redirect == Some(true) {
        out.push((
            "the e-mail address is appended to the result URL".to_string(),
            "includeEmailInRedirect: true".to_string(),
        ));
    }
    out
}

fn eval_links(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let found: Vec<(&EmailTemplate, Vec<(String, String)>)> = s
        .email_templates
        .iter()
        .map(|t| (t, problems(s, t)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    let what: Vec<String> = found
        .iter()
        .map(|(t, p)| {
            let texts: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
            format!("{} ({})", t.template, texts.join(", "))
        })
        .collect();
    let hit = Hit::new(
        vec![tenant_ref(s)],
        format!("E-mail template links: {}.", what.join("; ")),
    )
    .with_severity(Severity::Low);
    vec![found.iter().fold(hit, |h, (t, p)| {
        p.iter().fold(h, |h, (_, text)| {
            h.with_evidence(evidence(&template_file(t), text.clone()))
        })
    })]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one};

    fn snap(template: Value) -> TenantSnapshot {
        let mut s = TenantBuilder::new()
            .client(
                json!({"name": "Web", "callbacks": ["https://app.acme.example/callback"],
                "web_origins": ["https://*.shop.acme.example"]}),
            )
            .build();
        s.email_templates = vec![serde_json::from_value(template).expect("template JSON")];
        s
    }

    #[test]
    fn long_reset_link_and_email_in_redirect_are_reported() {
        let hit = one(
            &TEMPLATE_LINKS,
            &snap(
                json!({"template": "reset_email", "urlLifetimeInSeconds": 432000,
                "includeEmailInRedirect": true}),
            ),
        );
        assert!(hit.description.contains("120 hours"));
        assert!(hit.description.contains("e-mail address"));
        assert_eq!(hit.evidence.len(), 2);
    }

    #[test]
    fn off_domain_or_cleartext_result_url_is_reported() {
        let hit = one(
            &TEMPLATE_LINKS,
            &snap(
                json!({"template": "verify_email", "resultUrl": "https://acme-login.example.net/done"}),
            ),
        );
        assert!(hit.description.contains("acme-login.example.net"));
        let hit = one(
            &TEMPLATE_LINKS,
            &snap(json!({"template": "verify_email", "resultUrl": "http://app.acme.example/done"})),
        );
        assert!(hit.description.contains("cleartext"));
    }

    #[test]
    fn own_hosts_liquid_and_short_lifetimes_are_clean() {
        for t in [
            json!({"template": "verify_email", "resultUrl": "https://app.acme.example/verified",
                "urlLifetimeInSeconds": 432000}),
            json!({"template": "verify_email", "resultUrl": "https://eu.shop.acme.example/ok"}),
            json!({"template": "reset_email", "resultUrl": "{{ application.callback_domain }}/reset",
                "urlLifetimeInSeconds": 3600, "includeEmailInRedirect": false}),
            json!({"template": "welcome_email", "urlLifetimeInSeconds": 9999999}),
        ] {
            clean(&TEMPLATE_LINKS, &snap(t));
        }
    }
}
