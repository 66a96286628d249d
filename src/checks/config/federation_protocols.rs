//! Enterprise federation protocols: SAML connections that do not sign requests, use SHA-1 or
//! log assertions, and OIDC connections on the front channel or with weak PKCE.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::Connection;

use super::support::{config_rule, connection_file, connection_ref, evidence, lower_if_unused};

config_rule!(SAML_WEAK {
    id: "connection.saml-weak",
    title: "SAML connection sends unsigned requests, uses SHA-1 or debug logging",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.signSAMLRequest",
        "connections.options.signatureAlgorithm",
        "connections.options.digestAlgorithm",
        "connections.options.debug"
    ],
    condition: "A samlp connection does not sign AuthnRequests or uses rsa-sha1/sha1 (medium), or has debug on (low).",
    remediation: "Sign SAML requests with rsa-sha256/sha256 and turn debug off.",
    matches: ["GAP saml-request-unsigned"],
    eval: eval_saml,
});

config_rule!(OIDC_FRONT_CHANNEL {
    id: "connection.oidc-front-channel",
    title: "OIDC connection uses the front channel or weak PKCE",
    severity: Medium,
    category: Connection,
    needs: [Connections],
    reads: [
        "connections.options.type",
        "connections.options.connection_settings.pkce"
    ],
    condition: "An oidc or okta connection has type front_channel (ID token through the browser) or connection_settings.pkce disabled or plain.",
    remediation: "Use type back_channel with a client secret and PKCE S256 (or auto).",
    matches: ["GAP oidc-front-channel"],
    eval: eval_oidc,
});

fn hit(c: &Connection, severity: Severity, what: String, text: String) -> Hit {
    Hit::new(
        vec![connection_ref(c)],
        format!("Connection \"{}\" {what}.", c.name),
    )
    .with_severity(lower_if_unused(severity, c.enabled_clients.is_empty()))
    .with_evidence(evidence(&connection_file(c), text))
}

fn eval_saml(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| c.strategy == "samlp")
        .filter_map(|c| {
            let o = &c.options;
            let mut problems: Vec<(Severity, String)> = Vec::new();
            if o.sign_saml_request != Some(true) {
                problems.push((Severity::Medium, "signSAMLRequest: false".into()));
            }
            if let Some(a) = o
                .signature_algorithm
                .as_deref()
                .filter(|a| a.contains("sha1"))
            {
                problems.push((Severity::Medium, format!("signatureAlgorithm: {a}")));
            }
            if let Some(a) = o.digest_algorithm.as_deref().filter(|a| a.contains("sha1")) {
                problems.push((Severity::Medium, format!("digestAlgorithm: {a}")));
            }
            if o.debug == Some(true) {
                problems.push((Severity::Low, "debug: true".into()));
            }
            let severity = problems.iter().map(|p| p.0).max()?;
            let texts: Vec<String> = problems
                .into_iter()
                .map(|p| format!("options.{}", p.1))
                .collect();
            Some(hit(
                c,
                severity,
                format!("has weak SAML settings ({})", texts.join(", ")),
                texts.join("; "),
            ))
        })
        .collect()
}

fn eval_oidc(ctx: &ScanContext) -> Vec<Hit> {
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| matches!(c.strategy.as_str(), "oidc" | "okta"))
        .filter_map(|c| {
            let mut texts = Vec::new();
            if c.options.kind.as_deref() == Some("front_channel") {
                texts.push("options.type: front_channel".to_string());
            }
            let pkce = c
                .options
                .connection_settings
                .as_ref()
                .and_then(|s| s.get("pkce"))
                .and_then(|p| p.as_str());
            if let Some(p) = pkce.filter(|p| matches!(*p, "disabled" | "plain")) {
                texts.push(format!("options.connection_settings.pkce: {p}"));
            }
            if texts.is_empty() {
                return None;
            }
            Some(hit(
                c,
                Severity::Medium,
                format!("weakens the OIDC flow ({})", texts.join(", ")),
                texts.join("; "),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one};

    #[test]
    fn saml_and_oidc() {
        let s = TenantBuilder::new()
            .connection(json!({"name": "saml", "strategy": "samlp", "enabled_clients": ["Web"],
                "options": {"signSAMLRequest": true, "signatureAlgorithm": "rsa-sha1", "digestAlgorithm": "sha256"}}))
            .connection(json!({"name": "oidc", "strategy": "oidc", "enabled_clients": ["Web"],
                "options": {"type": "front_channel"}}))
            .build();
        assert!(one(&SAML_WEAK, &s).description.contains("rsa-sha1"));
        assert_eq!(one(&OIDC_FRONT_CHANNEL, &s).objects[0].name, "oidc");
        let ok = TenantBuilder::new()
            .connection(json!({"name": "saml", "strategy": "samlp", "enabled_clients": ["Web"],
                "options": {"signSAMLRequest": true, "signatureAlgorithm": "rsa-sha256", "digestAlgorithm": "sha256"}}))
            .connection(json!({"name": "oidc", "strategy": "oidc", "enabled_clients": ["Web"],
                "options": {"type": "back_channel", "connection_settings": {"pkce": "auto"}}}))
            .build();
        clean(&SAML_WEAK, &ok);
        clean(&OIDC_FRONT_CHANNEL, &ok);
    }
}
