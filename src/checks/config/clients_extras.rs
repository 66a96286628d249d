//! Further application settings the catalog proposes and no surveyed tool checks: error and
//! verification redirects to callback URLs, hosted classic login pages with custom code, SHA-1
//! in the SAML add-on, and confidential application types configured as public clients.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;

use super::support::{
    client_file, client_ref, config_rule, evidence, has_no_connections, lower_if_unused,
};

config_rule!(REDIRECTION_POLICY {
    id: "client.redirection-policy",
    title: "Auth0 may redirect errors and verification results to callback URLs",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.redirection_policy"],
    condition: "redirection_policy is allow_always, so Auth0 bounces users to callback URLs after errors and e-mail verification without open-redirect protection.",
    remediation: "Set redirection_policy to open_redirect_protection.",
    matches: ["GAP redirection-policy"],
    eval: eval_redirection,
});

config_rule!(CLASSIC_LOGIN_PAGE {
    id: "client.custom-login-page",
    title: "Application uses a customised classic login page",
    severity: Low,
    category: Application,
    needs: [Clients],
    reads: ["clients.custom_login_page_on", "clients.custom_login_page"],
    condition: "custom_login_page_on is not false and the application has custom login page HTML, so passwords pass through the tenant's own HTML and JavaScript.",
    remediation: "Use Universal Login with the new experience and customise it through branding and page templates.",
    matches: ["GAP classic-login-page"],
    eval: eval_login_page,
});

config_rule!(SAML_ADDON_SHA1 {
    id: "client.saml-addon-sha1",
    title: "SAML add-on signs assertions with SHA-1",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.addons.samlp.signatureAlgorithm",
        "clients.addons.samlp.digestAlgorithm"
    ],
    condition: "The application's samlp (or wsfed) add-on uses rsa-sha1 signatures or sha1 digests.",
    remediation: "Set signatureAlgorithm to rsa-sha256 and digestAlgorithm to sha256 and update the service provider.",
    matches: ["GAP saml-addon-weak-crypto"],
    eval: eval_saml_addon,
});

config_rule!(PUBLIC_AUTH_ON_WEB_APP {
    id: "client.public-auth-on-confidential-app",
    title: "Server-side application is configured as a public client",
    severity: Medium,
    category: Application,
    needs: [Clients],
    reads: [
        "clients.app_type",
        "clients.token_endpoint_auth_method",
        "connections.enabled_clients"
    ],
    condition: "A regular web or machine-to-machine application has token_endpoint_auth_method none, so anyone who knows its client id can redeem codes or tokens as it (low when no connection is enabled for it).",
    remediation: "Set token_endpoint_auth_method to private_key_jwt (or client_secret_basic) and keep the credential on the server.",
    matches: ["GAP public-auth-on-web-app"],
    eval: eval_public_auth,
});

fn eval_redirection(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter(|c| c.redirection_policy.as_deref() == Some("allow_always"))
        .map(|c| {
            let d = format!(
                "Application \"{}\" lets Auth0 redirect error and verification results to its callback URLs without open-redirect protection.",
                c.name
            );
            Hit::new(vec![client_ref(c)], d)
                .with_evidence(evidence(&client_file(c), "redirection_policy: allow_always"))
        })
        .collect()
}

fn eval_login_page(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        // `custom_login_page_on: true` is the API default on every client; only a page that
        // actually carries custom HTML puts credentials through the tenant's own code.
        .filter(|c| c.custom_login_page_on != Some(false) && !c.is_m2m())
        .filter(|c| c.custom_login_page.as_ref().is_some_and(|p| !p.text.trim().is_empty()))
        .map(|c| {
            let d = format!(
                "Application \"{}\" serves a customised classic login page: credentials go through its own code.",
                c.name
            );
            let file = c
                .custom_login_page
                .as_ref()
                .map_or_else(|| client_file(c), |p| p.path.clone());
            Hit::new(vec![client_ref(c)], d)
                .with_evidence(evidence(&file, "custom_login_page_on: true"))
        })
        .collect()
}

fn eval_saml_addon(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .clients
        .iter()
        .filter_map(|c| {
            let addons = c.addons.as_ref()?;
            let mut texts = Vec::new();
            for addon in ["samlp", "wsfed"] {
                let Some(cfg) = addons.get(addon) else {
                    continue;
                };
                for field in ["signatureAlgorithm", "digestAlgorithm"] {
                    if let Some(v) = cfg
                        .get(field)
                        .and_then(|v| v.as_str())
                        .filter(|v| v.contains("sha1"))
                    {
                        texts.push(format!("addons.{addon}.{field}: {v}"));
                    }
                }
            }
            if texts.is_empty() {
                return None;
            }
            let d = format!(
                "Application \"{}\" SAML add-on uses SHA-1 ({}).",
                c.name,
                texts.join(", ")
            );
            let file = client_file(c);
            let hit = Hit::new(vec![client_ref(c)], d);
            Some(
                texts
                    .into_iter()
                    .fold(hit, |h, t| h.with_evidence(evidence(&file, t))),
            )
        })
        .collect()
}

fn eval_public_auth(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.clients
        .iter()
        .filter(|c| {
            matches!(
                c.app_type.as_deref(),
                Some("regular_web" | "non_interactive")
            )
        })
        .filter(|c| c.token_endpoint_auth_method.as_deref() == Some("none"))
        .map(|c| {
            let unused =
                c.app_type.as_deref() == Some("regular_web") && has_no_connections(s, &c.name);
            let d = format!(
                "Application \"{}\" ({}) does not authenticate at the token endpoint.",
                c.name,
                c.app_type.as_deref().unwrap_or("")
            );
            Hit::new(vec![client_ref(c)], d)
                .with_severity(lower_if_unused(Severity::Medium, unused))
                .with_evidence(evidence(
                    &client_file(c),
                    "token_endpoint_auth_method: none",
                ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    #[test]
    fn redirection_policy() {
        let s = TenantBuilder::new()
            .client(json!({"name": "Web", "redirection_policy": "allow_always"}))
            .build();
        assert_eq!(severity(&REDIRECTION_POLICY, &s), Severity::Low);
        clean(
            &REDIRECTION_POLICY,
            &TenantBuilder::new()
                .client(json!({"name": "Web", "redirection_policy": "open_redirect_protection"}))
                .build(),
        );
    }

    #[test]
    fn custom_login_page() {
        let page = |on: bool| {
            let mut s = TenantBuilder::new()
                .client(json!({"name": "Web", "custom_login_page_on": on}))
                .build();
            if let Some(c) = s.clients.first_mut() {
                c.custom_login_page = Some(crate::tenant::SourceText {
                    path: "clients/Web_custom_login_page.html".into(),
                    text: "<html><script>lock.show()</script></html>".into(),
                });
            }
            s
        };
        let hit = one(&CLASSIC_LOGIN_PAGE, &page(true));
        assert_eq!(hit.objects[0].name, "Web");
        assert_eq!(hit.evidence[0].file, "clients/Web_custom_login_page.html");
        clean(&CLASSIC_LOGIN_PAGE, &page(false));
        // The API default (`custom_login_page_on: true` with no page) is not a custom page.
        clean(
            &CLASSIC_LOGIN_PAGE,
            &TenantBuilder::new()
                .client(json!({"name": "Web", "custom_login_page_on": true}))
                .build(),
        );
    }

    #[test]
    fn saml_addon_sha1() {
        let s = TenantBuilder::new()
            .client(json!({"name": "SP", "addons": {"samlp": {"signatureAlgorithm": "rsa-sha1", "digestAlgorithm": "sha256"}}}))
            .build();
        let hit = one(&SAML_ADDON_SHA1, &s);
        assert_eq!(
            hit.evidence[0].text,
            "addons.samlp.signatureAlgorithm: rsa-sha1"
        );
        clean(
            &SAML_ADDON_SHA1,
            &TenantBuilder::new()
                .client(json!({"name": "SP", "addons": {"samlp": {"signatureAlgorithm": "rsa-sha256", "digestAlgorithm": "sha256"}}}))
                .build(),
        );
    }

    #[test]
    fn public_auth_on_confidential_types() {
        let s = TenantBuilder::new()
            .client(json!({"name": "M2M", "app_type": "non_interactive", "token_endpoint_auth_method": "none"}))
            .build();
        assert_eq!(severity(&PUBLIC_AUTH_ON_WEB_APP, &s), Severity::Medium);
        let lonely = TenantBuilder::new()
            .client(json!({"name": "Web", "app_type": "regular_web", "token_endpoint_auth_method": "none"}))
            .build();
        assert_eq!(severity(&PUBLIC_AUTH_ON_WEB_APP, &lonely), Severity::Low);
        clean(
            &PUBLIC_AUTH_ON_WEB_APP,
            &TenantBuilder::new()
                .client(json!({"name": "Spa", "app_type": "spa", "token_endpoint_auth_method": "none"}))
                .client(json!({"name": "Web", "app_type": "regular_web", "token_endpoint_auth_method": "client_secret_basic"}))
                .build(),
        );
    }
}
