//! The tenant's custom error page: Liquid output printed without escaping (the error page
//! receives `error_description` from the request) and the default error page still in use.

use std::sync::LazyLock;

use regex::Regex;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;

use super::support::{config_rule, evidence, settings_file, tenant_ref};

config_rule!(ERROR_PAGE_XSS {
    id: "tenant.error-page-xss",
    title: "Custom error page prints values without escaping",
    severity: High,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.error_page.html"],
    condition: "The Liquid error page uses a raw/unescaped/safe filter or prints a variable in {{ }} without an escape filter (error_description comes from the request).",
    remediation: "Pipe every printed value through | escape.",
    matches: [
        "CM:checkErrorPageTemplate",
        "DET:liquidjs_xss_vulnerability",
        "path(c)25"
    ],
    eval: eval_error_page,
});

config_rule!(DEFAULT_ERROR_PAGE {
    id: "tenant.default-error-page",
    title: "Tenant uses the default error page",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.error_page.html", "tenant.error_page.url"],
    condition: "Neither error_page.html nor error_page.url is set.",
    remediation: "Configure a branded error page (URL or escaped HTML) so users can tell the real login from a copy.",
    matches: ["PRC-N custom-error-page"],
    eval: eval_default_error_page,
});

fn tenant_hit(ctx: &ScanContext, description: String, text: String) -> Hit {
    let s = ctx.snapshot;
    Hit::new(vec![tenant_ref(s)], description).with_evidence(evidence(&settings_file(s), text))
}

static UNSAFE_FILTER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\|\s*(raw|unescaped|safe)\b").ok());
static OUTPUT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{\{-?\s*(.*?)\s*-?\}\}").ok());

/// Printed expressions of a Liquid template that are not escaped.
fn unescaped_outputs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(re) = UNSAFE_FILTER.as_ref() {
        out.extend(re.find_iter(html).map(|m| m.as_str().to_string()));
    }
    if let Some(re) = OUTPUT.as_ref() {
        for cap in re.captures_iter(html) {
            let expr = cap.get(1).map_or("", |m| m.as_str());
            let literal = expr.starts_with('"') || expr.starts_with('\'');
            if !literal && !expr.is_empty() && !expr.contains("escape") {
                out.push(format!("{{{{ {expr} }}}}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn eval_error_page(ctx: &ScanContext) -> Vec<Hit> {
    let Some(html) = ctx
        .snapshot
        .settings
        .error_page
        .as_ref()
        .and_then(|e| e.html.as_deref())
    else {
        return Vec::new();
    };
    let bad = unescaped_outputs(html);
    if bad.is_empty() {
        return Vec::new();
    }
    let shown: Vec<&str> = bad.iter().take(5).map(String::as_str).collect();
    let d = format!(
        "The custom error page prints unescaped values: {}.",
        shown.join(", ")
    );
    vec![tenant_hit(
        ctx,
        d,
        format!("error_page.html: {}", shown.join(" ")),
    )]
}

fn eval_default_error_page(ctx: &ScanContext) -> Vec<Hit> {
    let page = ctx.snapshot.settings.error_page.as_ref();
    let set = |v: Option<&String>| v.is_some_and(|s| !s.trim().is_empty());
    if page.is_some_and(|p| set(p.html.as_ref()) || set(p.url.as_ref())) {
        return Vec::new();
    }
    vec![tenant_hit(
        ctx,
        "The tenant shows Auth0's default error page.".into(),
        "error_page: (not set)".into(),
    )]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::findings::Severity;

    fn settings(v: serde_json::Value) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new().settings(v).build()
    }

    #[test]
    fn error_page_escaping() {
        let bad = settings(
            json!({"error_page": {"html": "<p>{{ error_description }}</p><p>{{ error | escape }}</p>"}}),
        );
        let hit = one(&ERROR_PAGE_XSS, &bad);
        assert!(hit.description.contains("error_description"));
        assert!(!hit.description.contains("{{ error | escape }}"));
        let raw = settings(json!({"error_page": {"html": "{{ tracking | raw }}"}}));
        assert_eq!(severity(&ERROR_PAGE_XSS, &raw), Severity::High);
        clean(
            &ERROR_PAGE_XSS,
            &settings(json!({"error_page": {"html": "<p>{{ error_description | escape }}</p>"}})),
        );
    }

    #[test]
    fn default_error_page() {
        assert_eq!(
            severity(&DEFAULT_ERROR_PAGE, &settings(json!({}))),
            Severity::Info
        );
        clean(
            &DEFAULT_ERROR_PAGE,
            &settings(json!({"error_page": {"url": "https://acme.com/error"}})),
        );
    }
}
