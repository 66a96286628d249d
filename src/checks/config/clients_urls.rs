//! Application URL lists: callbacks, logout URLs, web origins, CORS origins and the login URI,
//! parsed as URLs (see [`super::urls`]) instead of CheckMate's substring tests, with
//! `allowed_origins` checked too.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Client;

use super::support::{
    client_file, client_ref, config_rule, evidence, has_no_connections, is_global, lower_if_unused,
};
use super::urls::{BadUrl, UrlIssue, bad_urls, describe_bad, url_issues, worst};

config_rule!(CALLBACK_URLS {
    id: "client.callback-urls",
    title: "Callback URLs allow loopback, cleartext or wildcard redirects",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.callbacks",
        "clients.app_type",
        "connections.enabled_clients"
    ],
    condition: "A callback URL is http:// to a real host or contains a * wildcard (high), or points at the local machine (medium; low for native apps, where RFC 8252 loopback redirects are normal); custom schemes are fine.",
    remediation: "Keep only the production https:// callbacks of this application; move development URLs to a separate development tenant and replace wildcards with exact hosts.",
    matches: [
        "CM:checkAllowedCallbacks",
        "PRC-C callbacks-localhost",
        "GAP wildcard-urls"
    ],
    eval: eval_callbacks,
});

config_rule!(LOGOUT_URLS {
    id: "client.logout-urls",
    title: "Allowed logout URLs allow loopback, cleartext or wildcard redirects",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.allowed_logout_urls"],
    condition: "An allowed logout URL contains a * wildcard (medium: an open redirect after logout) or points at the local machine or uses http:// (low); an empty list is safe and not reported.",
    remediation: "List only the exact https:// pages users return to after logout.",
    matches: [
        "CM:checkAllowedLogoutUrl",
        "PRC-N logout-urls",
        "GAP wildcard-urls"
    ],
    eval: eval_logout,
});

config_rule!(WEB_ORIGINS {
    id: "client.web-origins",
    title: "Allowed web origins include loopback, cleartext or wildcard origins",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: ["clients.web_origins", "connections.enabled_clients"],
    condition: "A web origin (silent authentication with web_message, token renewal) is http://, a * wildcard or the local machine.",
    remediation: "Allow only the exact https:// origins of the production application.",
    matches: [
        "CM:checkWebOrigins",
        "PRC-C weborigins-localhost",
        "GAP wildcard-urls"
    ],
    eval: eval_web_origins,
});

config_rule!(ALLOWED_ORIGINS {
    id: "client.allowed-origins",
    title: "Allowed origins (CORS) include loopback, cleartext or wildcard origins",
    severity: High,
    category: Application,
    needs: [Clients],
    reads: ["clients.allowed_origins", "connections.enabled_clients"],
    condition: "An allowed CORS origin (cross-origin calls to the Authentication API) is http://, a * wildcard or the local machine; CheckMate never reads this field.",
    remediation: "Allow only the exact https:// origins that must call the Authentication API from the browser.",
    matches: [
        "PRC-C cors-localhost",
        "GAP cors-origins",
        "GAP wildcard-urls"
    ],
    eval: eval_allowed_origins,
});

config_rule!(LOGIN_URI {
    id: "client.login-uri",
    title: "Application login URI is missing or insecure",
    severity: Info,
    category: Application,
    needs: [Clients],
    reads: ["clients.initiate_login_uri", "clients.app_type"],
    condition: "A single-page or regular web application has no initiate_login_uri (info), or the URI is not https:// to a real host (low).",
    remediation: "Set initiate_login_uri to the https:// route of the application that starts a login, so password resets and invitations land users back in the app.",
    matches: ["CM:checkApplicationLoginUri", "PRC-N app-login-uri"],
    eval: eval_login_uri,
});

fn is_native(c: &Client) -> bool {
    c.app_type.as_deref() == Some("native")
}

/// One hit per client whose `field` list has offending entries.
fn url_list_hits(
    ctx: &ScanContext,
    field: &str,
    entries: fn(&Client) -> &[String],
    severity_of: fn(&Client, UrlIssue) -> Severity,
    lower_unused: bool,
) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| !is_global(c))
        .filter_map(|c| {
            let bad: Vec<BadUrl> = bad_urls(entries(c));
            let severity = worst(&bad, |i| severity_of(c, i))?;
            let unused = lower_unused && has_no_connections(s, &c.name);
            let listed: Vec<String> = bad.iter().map(describe_bad).collect();
            let mut description = format!(
                "Application \"{}\" {field} include {}.",
                c.name,
                listed.join("; ")
            );
            if unused {
                description.push_str(" No connection is enabled for the application.");
            }
            let file = client_file(c);
            let hit = Hit::new(vec![client_ref(c)], description)
                .with_severity(lower_if_unused(severity, unused));
            Some(bad.iter().fold(hit, |h, b| {
                h.with_evidence(evidence(&file, format!("{field}: {}", b.url)))
            }))
        })
        .collect()
}

fn eval_callbacks(ctx: &ScanContext) -> Vec<Hit> {
    url_list_hits(
        ctx,
        "callbacks",
        |c| &c.callbacks,
        |c, issue| match issue {
            UrlIssue::Loopback if is_native(c) => Severity::Low,
            UrlIssue::Loopback => Severity::Medium,
            UrlIssue::Cleartext | UrlIssue::Wildcard => Severity::High,
        },
        true,
    )
}

fn eval_logout(ctx: &ScanContext) -> Vec<Hit> {
    url_list_hits(
        ctx,
        "allowed_logout_urls",
        |c| &c.allowed_logout_urls,
        |_, issue| match issue {
            UrlIssue::Wildcard => Severity::Medium,
            UrlIssue::Loopback | UrlIssue::Cleartext => Severity::Low,
        },
        false,
    )
}

fn origin_severity(_: &Client, issue: UrlIssue) -> Severity {
    match issue {
        UrlIssue::Loopback => Severity::Medium,
        UrlIssue::Cleartext | UrlIssue::Wildcard => Severity::High,
    }
}

fn eval_web_origins(ctx: &ScanContext) -> Vec<Hit> {
    url_list_hits(
        ctx,
        "web_origins",
        |c| &c.web_origins,
        origin_severity,
        true,
    )
}

fn eval_allowed_origins(ctx: &ScanContext) -> Vec<Hit> {
    url_list_hits(
        ctx,
        "allowed_origins",
        |c| &c.allowed_origins,
        origin_severity,
        true,
    )
}

fn eval_login_uri(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| !is_global(c) && matches!(c.app_type.as_deref(), Some("spa" | "regular_web")))
        .filter_map(|c| {
            let file = client_file(c);
            let uri = c.initiate_login_uri.as_deref().map(str::trim).unwrap_or("");
            if uri.is_empty() {
                let d = format!("Application \"{}\" has no application login URI.", c.name);
                return Some(
                    Hit::new(vec![client_ref(c)], d)
                        .with_evidence(evidence(&file, "initiate_login_uri: (not set)")),
                );
            }
            let issues = url_issues(uri);
            if issues.is_empty() && uri.starts_with("https://") {
                return None;
            }
            let why = issues
                .first()
                .map_or("is not an https:// URL", |i| i.describe());
            let d = format!("Application \"{}\" login URI \"{uri}\" {why}.", c.name);
            Some(
                Hit::new(vec![client_ref(c)], d)
                    .with_severity(Severity::Low)
                    .with_evidence(evidence(&file, format!("initiate_login_uri: {uri}"))),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    fn with_client(v: serde_json::Value) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new()
            .client(v)
            .connection(
                json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web", "App"]}),
            )
            .build()
    }

    #[test]
    fn callbacks_flag_cleartext_and_name_the_client() {
        let s = with_client(json!({"name": "Web", "app_type": "regular_web",
            "callbacks": ["https://web.example.com/cb", "http://web.example.com/cb"]}));
        let hit = one(&CALLBACK_URLS, &s);
        assert_eq!(hit.severity, Some(Severity::High));
        assert_eq!(hit.objects[0].name, "Web");
        assert_eq!(hit.evidence.len(), 1);
        assert_eq!(hit.evidence[0].file, "clients/Web.json");
        assert_eq!(hit.evidence[0].text, "callbacks: http://web.example.com/cb");
    }

    #[test]
    fn callbacks_loopback_depends_on_app_type_and_connections() {
        let web = json!({"name": "Web", "app_type": "spa", "callbacks": ["http://localhost:3000"]});
        assert_eq!(
            severity(&CALLBACK_URLS, &with_client(web)),
            Severity::Medium
        );
        let native =
            json!({"name": "App", "app_type": "native", "callbacks": ["http://127.0.0.1:7000/cb"]});
        assert_eq!(
            severity(&CALLBACK_URLS, &with_client(native)),
            Severity::Low
        );
        let unused = TenantBuilder::new()
            .client(json!({"name": "Lonely", "callbacks": ["https://*.example.com/cb"]}))
            .build();
        assert_eq!(severity(&CALLBACK_URLS, &unused), Severity::Low);
    }

    #[test]
    fn clean_callbacks_and_custom_schemes_stay_clean() {
        let s = with_client(json!({"name": "App", "app_type": "native",
            "callbacks": ["com.acme.app://callback", "https://localhost.acme.com/cb"]}));
        clean(&CALLBACK_URLS, &s);
    }

    #[test]
    fn logout_wildcard_is_medium_and_empty_is_clean() {
        let s = with_client(json!({"name": "Web", "allowed_logout_urls": ["https://*.acme.com"]}));
        assert_eq!(severity(&LOGOUT_URLS, &s), Severity::Medium);
        clean(&LOGOUT_URLS, &with_client(json!({"name": "Web"})));
        clean(
            &LOGOUT_URLS,
            &with_client(json!({"name": "Web", "allowed_logout_urls": ["https://acme.com/bye"]})),
        );
    }

    #[test]
    fn web_origins_and_cors_origins() {
        let s = with_client(json!({"name": "Web", "web_origins": ["http://[::1]:8080"],
            "allowed_origins": ["https://*.acme.com"]}));
        assert_eq!(severity(&WEB_ORIGINS, &s), Severity::Medium);
        assert_eq!(severity(&ALLOWED_ORIGINS, &s), Severity::High);
        let ok = with_client(json!({"name": "Web", "web_origins": ["https://acme.com"],
            "allowed_origins": ["https://app.acme.com"]}));
        clean(&WEB_ORIGINS, &ok);
        clean(&ALLOWED_ORIGINS, &ok);
    }

    #[test]
    fn login_uri_missing_or_insecure() {
        let missing = with_client(json!({"name": "Web", "app_type": "spa"}));
        assert_eq!(severity(&LOGIN_URI, &missing), Severity::Info);
        let insecure = with_client(
            json!({"name": "Web", "app_type": "regular_web", "initiate_login_uri": "http://acme.com/login"}),
        );
        assert_eq!(severity(&LOGIN_URI, &insecure), Severity::Low);
        clean(
            &LOGIN_URI,
            &with_client(
                json!({"name": "Web", "app_type": "spa", "initiate_login_uri": "https://acme.com/login"}),
            ),
        );
        clean(
            &LOGIN_URI,
            &with_client(json!({"name": "M2M", "app_type": "non_interactive"})),
        );
    }
}
