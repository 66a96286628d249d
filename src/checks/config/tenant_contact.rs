//! Tenant contact details and login/logout routes: support e-mail and URL, the tenant login
//! URI and the tenant-level allowed logout URLs (parsed as URLs, see [`super::urls`]).

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;

use super::support::{config_rule, evidence, settings_file, tenant_ref};
use super::urls::{UrlIssue, bad_urls, describe_bad, url_issues, worst};

config_rule!(SUPPORT_EMAIL {
    id: "tenant.support-email",
    title: "Tenant has no support e-mail",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.support_email"],
    condition: "support_email is empty.",
    remediation: "Set support_email so users (and the error page) can reach the real support team.",
    matches: ["CM:checkSupportEmail", "PRC-C support-email"],
    eval: eval_support_email,
});

config_rule!(SUPPORT_URL {
    id: "tenant.support-url",
    title: "Tenant support URL is missing or not https",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.support_url"],
    condition: "support_url is empty (info) or is not an https:// URL to a real host (low).",
    remediation: "Set support_url to the https:// support page.",
    matches: ["CM:checkSupportUrl", "PRC-C support-url"],
    eval: eval_support_url,
});

config_rule!(TENANT_LOGIN_URI {
    id: "tenant.login-uri",
    title: "Tenant login URI is missing or insecure",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.default_redirection_uri"],
    condition: "default_redirection_uri is empty (info) or not https:// to a real host (low).",
    remediation: "Set default_redirection_uri to the https:// route that starts a login.",
    matches: ["CM:checkTenantLoginUrl", "PRC-C tenant-login-uri"],
    eval: eval_login_uri,
});

config_rule!(TENANT_LOGOUT_URLS {
    id: "tenant.logout-urls",
    title: "Tenant logout URLs are missing or insecure",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.allowed_logout_urls"],
    condition: "allowed_logout_urls is empty (info), has loopback or http:// entries (low) or a * wildcard (medium).",
    remediation: "List the exact https:// pages users may return to after logout.",
    matches: [
        "CM:checkTenantLogoutUrl",
        "PRC-N tenant-logout-url",
        "GAP wildcard-urls"
    ],
    eval: eval_logout,
});

fn hit(ctx: &ScanContext, severity: Severity, d: String, text: String) -> Hit {
    let s = ctx.snapshot;
    Hit::new(vec![tenant_ref(s)], d)
        .with_severity(severity)
        .with_evidence(evidence(&settings_file(s), text))
}

fn blank(v: Option<&String>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

fn eval_support_email(ctx: &ScanContext) -> Vec<Hit> {
    if !blank(ctx.snapshot.settings.support_email.as_ref()) {
        return Vec::new();
    }
    vec![hit(
        ctx,
        Severity::Info,
        "The tenant has no support e-mail.".into(),
        "support_email: (not set)".into(),
    )]
}

/// A missing value (info) or a URL that is not https to a real host (low).
fn url_setting(ctx: &ScanContext, field: &str, value: Option<&String>, what: &str) -> Vec<Hit> {
    let Some(url) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return vec![hit(
            ctx,
            Severity::Info,
            format!("The tenant has no {what}."),
            format!("{field}: (not set)"),
        )];
    };
    let issues = url_issues(url);
    if issues.is_empty() && url.starts_with("https://") {
        return Vec::new();
    }
    let why = issues
        .first()
        .map_or("is not an https:// URL", |i| i.describe());
    vec![hit(
        ctx,
        Severity::Low,
        format!("The tenant {what} \"{url}\" {why}."),
        format!("{field}: {url}"),
    )]
}

fn eval_support_url(ctx: &ScanContext) -> Vec<Hit> {
    url_setting(
        ctx,
        "support_url",
        ctx.snapshot.settings.support_url.as_ref(),
        "support URL",
    )
}

fn eval_login_uri(ctx: &ScanContext) -> Vec<Hit> {
    url_setting(
        ctx,
        "default_redirection_uri",
        ctx.snapshot.settings.default_redirection_uri.as_ref(),
        "login URI",
    )
}

fn eval_logout(ctx: &ScanContext) -> Vec<Hit> {
    let urls = &ctx.snapshot.settings.allowed_logout_urls;
    if urls.iter().all(|u| u.trim().is_empty()) {
        return vec![hit(
            ctx,
            Severity::Info,
            "The tenant has no allowed logout URLs.".into(),
            "allowed_logout_urls: []".into(),
        )];
    }
    let bad = bad_urls(urls);
    let Some(severity) = worst(&bad, |i| match i {
        UrlIssue::Wildcard => Severity::Medium,
        UrlIssue::Loopback | UrlIssue::Cleartext => Severity::Low,
    }) else {
        return Vec::new();
    };
    let listed: Vec<String> = bad.iter().map(describe_bad).collect();
    let texts: Vec<&str> = bad.iter().map(|b| b.url.as_str()).collect();
    vec![hit(
        ctx,
        severity,
        format!("Tenant allowed logout URLs include {}.", listed.join("; ")),
        format!("allowed_logout_urls: {}", texts.join(", ")),
    )]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, severity};

    fn settings(v: serde_json::Value) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new().settings(v).build()
    }

    fn complete() -> crate::tenant::TenantSnapshot {
        settings(
            json!({"support_email": "help@acme.com", "support_url": "https://acme.com/help",
            "default_redirection_uri": "https://acme.com/login", "allowed_logout_urls": ["https://acme.com"]}),
        )
    }

    #[test]
    fn complete_settings_are_clean() {
        for rule in [
            &SUPPORT_EMAIL,
            &SUPPORT_URL,
            &TENANT_LOGIN_URI,
            &TENANT_LOGOUT_URLS,
        ] {
            clean(rule, &complete());
        }
    }

    #[test]
    fn missing_values_are_info() {
        let s = settings(json!({}));
        for rule in [
            &SUPPORT_EMAIL,
            &SUPPORT_URL,
            &TENANT_LOGIN_URI,
            &TENANT_LOGOUT_URLS,
        ] {
            assert_eq!(severity(rule, &s), Severity::Info, "{}", rule.meta.id);
        }
    }

    #[test]
    fn insecure_values_are_low_or_medium() {
        let s = settings(
            json!({"support_url": "http://acme.com/help", "default_redirection_uri": "https://localhost/login",
            "allowed_logout_urls": ["https://acme.com", "https://*.acme.com"]}),
        );
        assert_eq!(severity(&SUPPORT_URL, &s), Severity::Low);
        assert_eq!(severity(&TENANT_LOGIN_URI, &s), Severity::Low);
        assert_eq!(severity(&TENANT_LOGOUT_URLS, &s), Severity::Medium);
    }
}
