//! E-mail delivery: whether a production e-mail provider is configured and enabled, and which
//! of the ten Auth0 e-mail templates are customised and enabled. A template the export does not
//! contain is Auth0's default; the Deploy CLI writes `emails/provider.json` only for a
//! configured provider. Provider credentials are never read.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::EmailTemplate;

use super::support::{config_rule, evidence, file_or, list, tenant_ref};

config_rule!(EMAIL_PROVIDER {
    id: "email.no-provider",
    title: "No production e-mail provider",
    severity: Medium,
    category: Email,
    needs: [EmailProvider],
    reads: ["email_provider.name", "email_provider.enabled"],
    condition: "No e-mail provider is configured (Auth0's built-in test mailer, rate-limited and sent from an Auth0 address), or the configured provider is disabled.",
    remediation: "Configure your own e-mail provider (SMTP, SES, SendGrid, ...) with a sender on your domain and enable it.",
    matches: ["CM:checkEmailProvider", "PRC-C email-provider"],
    eval: eval_provider,
});

config_rule!(EMAIL_TEMPLATES {
    id: "email.default-templates",
    title: "E-mail templates are Auth0's defaults or disabled",
    severity: Info,
    category: Email,
    needs: [EmailTemplates],
    reads: ["email_templates.template", "email_templates.enabled"],
    condition: "Some of the ten templates (verify_email, verify_email_by_code, welcome_email, enrollment_email, reset_email, reset_email_by_code, blocked_account, stolen_credentials, mfa_oob_code, user_invitation) are not customised (info) or are disabled (low for verification, reset, MFA, blocked-account and breached-password templates).",
    remediation: "Customise the templates with your branding and sender, and keep the security notices enabled.",
    matches: ["CM:checkEmailTemplates", "PRC-N email-templates"],
    eval: eval_templates,
});

/// The templates CheckMate reads, in its order.
pub const TEMPLATE_NAMES: [&str; 10] = [
    "verify_email",
    "verify_email_by_code",
    "welcome_email",
    "enrollment_email",
    "reset_email",
    "reset_email_by_code",
    "blocked_account",
    "stolen_credentials",
    "mfa_oob_code",
    "user_invitation",
];

/// Templates whose absence weakens account security when disabled.
const SECURITY_TEMPLATES: [&str; 8] = [
    "verify_email",
    "verify_email_by_code",
    "enrollment_email",
    "reset_email",
    "reset_email_by_code",
    "blocked_account",
    "stolen_credentials",
    "mfa_oob_code",
];

pub fn template_file(t: &EmailTemplate) -> String {
    file_or(&t.file, "emails", &format!("{}.json", t.template))
}

fn eval_provider(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    match &s.email_provider {
        None => vec![
            Hit::new(
                vec![tenant_ref(s)],
                "No e-mail provider is configured: verification and password-reset e-mails go through Auth0's rate-limited test mailer from an Auth0 address.",
            )
            .with_evidence(evidence("emails/provider.json", "email provider: (none)")),
        ],
        Some(p) if p.enabled == Some(false) => vec![
            Hit::new(
                vec![tenant_ref(s)],
                format!("E-mail provider \"{}\" is configured but disabled.", p.name),
            )
            .with_evidence(evidence(
                &file_or(&p.file, "emails", "provider.json"),
                "enabled: false",
            )),
        ],
        Some(_) => Vec::new(),
    }
}

fn eval_templates(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let find = |name: &str| s.email_templates.iter().find(|t| t.template == name);
    let default: Vec<&str> = TEMPLATE_NAMES
        .iter()
        .copied()
        .filter(|n| find(n).is_none())
        .collect();
    let disabled: Vec<&EmailTemplate> = TEMPLATE_NAMES
        .iter()
        .filter_map(|n| find(n))
        .filter(|t| t.enabled == Some(false))
        .collect();
    if default.is_empty() && disabled.is_empty() {
        return Vec::new();
    }
    let security_off = disabled
        .iter()
        .any(|t| SECURITY_TEMPLATES.contains(&t.template.as_str()));
    let mut parts = Vec::new();
    if !disabled.is_empty() {
        let names: Vec<&str> = disabled.iter().map(|t| t.template.as_str()).collect();
        parts.push(format!("disabled: {}", list(&names, 10)));
    }
    if !default.is_empty() {
        parts.push(format!("not customised: {}", list(&default, 10)));
    }
    let mut hit = Hit::new(
        vec![tenant_ref(s)],
        format!("E-mail templates {}.", parts.join("; ")),
    );
    if security_off {
        hit = hit.with_severity(Severity::Low);
    }
    let hit = disabled.iter().fold(hit, |h, t| {
        h.with_evidence(evidence(&template_file(t), "enabled: false"))
    });
    if default.is_empty() {
        return vec![hit];
    }
    vec![hit.with_evidence(evidence(
        "emails",
        format!("no template file for {}", default.join(", ")),
    ))]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::tenant::TenantSnapshot;

    fn snap(provider: Option<Value>, templates: Vec<Value>) -> TenantSnapshot {
        let mut s = TenantBuilder::new().build();
        s.email_provider = provider.map(|p| serde_json::from_value(p).expect("provider JSON"));
        s.email_templates = templates
            .into_iter()
            .map(|t| serde_json::from_value(t).expect("template JSON"))
            .collect();
        s
    }

    fn all_templates(enabled: bool) -> Vec<Value> {
        TEMPLATE_NAMES
            .iter()
            .map(|n| json!({"template": n, "enabled": enabled, "from": "no-reply@acme.example"}))
            .collect()
    }

    #[test]
    fn missing_or_disabled_provider_is_reported_without_credentials() {
        assert!(
            one(&EMAIL_PROVIDER, &snap(None, vec![]))
                .description
                .contains("No e-mail provider")
        );
        let off = json!({"name": "smtp", "enabled": false, "credentials": {"smtp_pass": "hunter2-secret-pass"}});
        let hit = one(&EMAIL_PROVIDER, &snap(Some(off), vec![]));
        assert!(!format!("{hit:?}").contains("hunter2"));
        clean(
            &EMAIL_PROVIDER,
            &snap(Some(json!({"name": "sendgrid", "enabled": true})), vec![]),
        );
    }

    #[test]
    fn default_templates_are_info_and_disabled_security_templates_low() {
        let hit = one(&EMAIL_TEMPLATES, &snap(None, vec![]));
        assert_eq!(hit.severity, None);
        assert!(hit.description.contains("\"verify_email\""));
        let mut templates = all_templates(true);
        templates[6] = json!({"template": "blocked_account", "enabled": false});
        let s = snap(None, templates);
        assert_eq!(severity(&EMAIL_TEMPLATES, &s), Severity::Low);
        let mut templates = all_templates(true);
        templates[2] = json!({"template": "welcome_email", "enabled": false});
        assert_eq!(
            severity(&EMAIL_TEMPLATES, &snap(None, templates)),
            Severity::Info
        );
    }

    #[test]
    fn every_template_customised_and_enabled_is_clean() {
        clean(&EMAIL_TEMPLATES, &snap(None, all_templates(true)));
    }
}
