//! Export files of the settings kinds: organizations, log streams (sink secrets masked),
//! attack protection, Guardian, email provider (credentials masked) and templates, custom
//! domains, prompts.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::fetch::RawTenant;
use super::tree::{ExportTree, s, sanitize, secret_marker};
use crate::tenant::DataKind;

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into())
}

/// Sink keys the Deploy CLI masks.
const SINK_SECRETS: &[&str] = &[
    "httpAuthorization",
    "splunkToken",
    "datadogApiKey",
    "mixpanelServiceAccountPassword",
    "segmentWriteKey",
];

/// Email provider credentials as the Deploy CLI writes them (placeholders, never values).
fn email_credentials(provider: &str) -> Value {
    match provider {
        "mailgun" | "mandrill" | "sendgrid" | "sparkpost" => {
            json!({"api_key": format!("##{}_API_KEY##", provider.to_ascii_uppercase())})
        }
        "smtp" => {
            json!({"smtp_host": "##SMTP_HOSTNAME##", "smtp_port": "##SMTP_PORT##", "smtp_user": "##SMTP_USER##", "smtp_pass": "##SMTP_PASS##"})
        }
        "ses" => {
            json!({"accessKeyId": "##SES_ACCESS_KEY_ID##", "secretAccessKey": "##SES_ACCESS_SECRET_KEY##", "region": "##SES_AWS_REGION##"})
        }
        "azure_cs" => json!({"connectionString": "##AZURE_CS_CONNECTION_KEY##"}),
        "ms365" => {
            json!({"tenantId": "##MS365_TENANT_ID##", "clientId": "##MS365_CLIENT_ID##", "clientSecret": "##MS365_CLIENT_SECRET##"})
        }
        _ => json!({}),
    }
}

/// CAPTCHA providers whose `secret` the Deploy CLI masks.
const CAPTCHA_SECRET_PROVIDERS: &[&str] =
    &["arkose", "hcaptcha", "friendly_captcha", "recaptcha_v2"];

/// The CAPTCHA settings with provider secrets masked as the Deploy CLI masks them.
/// Event-stream destinations carry webhook credentials: every token, secret or password value
/// becomes the Deploy CLI's marker.
fn mask_credentials(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = k.to_ascii_lowercase();
                    let secret = ["token", "secret", "password", "api_key"]
                        .iter()
                        .any(|w| key.contains(w));
                    let masked = if secret && v.is_string() {
                        json!("##EVENT_STREAM_WEBHOOK_BEARER_TOKEN##")
                    } else {
                        mask_credentials(v)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(mask_credentials).collect()),
        other => other.clone(),
    }
}

pub fn mask_captcha(captcha: &Value) -> Value {
    let mut v = captcha.clone();
    let Some(m) = v.as_object_mut() else {
        return v;
    };
    for p in CAPTCHA_SECRET_PROVIDERS {
        if let Some(cfg) = m.get_mut(*p).and_then(Value::as_object_mut) {
            cfg.insert(
                "secret".into(),
                json!(format!("##CAPTCHA_{}_SECRET##", p.to_ascii_uppercase())),
            );
        }
    }
    if let Some(cfg) = m
        .get_mut("recaptcha_enterprise")
        .and_then(Value::as_object_mut)
    {
        cfg.insert(
            "api_key".into(),
            json!("##CAPTCHA_RECAPTCHA_ENTERPRISE_API_KEY##"),
        );
        cfg.insert(
            "project_id".into(),
            json!("##CAPTCHA_RECAPTCHA_ENTERPRISE_PROJECT_ID##"),
        );
    }
    v
}

/// Credential keys of Guardian providers (Twilio token, SNS secret key, APNs certificate).
const GUARDIAN_PROVIDER_SECRETS: &[&str] = &["auth_token", "aws_secret_access_key", "p12"];

/// A Guardian provider with its credentials masked (`##GUARDIAN_<FACTOR>_<PROVIDER>_<KEY>_SECRET##`);
/// the Deploy CLI exports them in clear, authpath never writes them.
pub fn mask_guardian_provider(provider: &Value) -> Value {
    let mut v = provider.clone();
    let label = format!("{}_{}", s(provider, "name"), s(provider, "provider"));
    if let Some(m) = v.as_object_mut() {
        for key in GUARDIAN_PROVIDER_SECRETS {
            if m.get(*key).is_some_and(|x| !x.is_null()) {
                m.insert(
                    (*key).to_string(),
                    json!(secret_marker("guardian", &format!("{label}_{key}"))),
                );
            }
        }
    }
    v
}

/// Writes the settings kinds present in `read`.
pub fn settings(t: &mut ExportTree, raw: &RawTenant, read: &BTreeSet<DataKind>) {
    if read.contains(&DataKind::Organizations) {
        t.dirs.insert("organizations".into());
        for o in &raw.organizations {
            let mut m = o.as_object().cloned().unwrap_or_default();
            let conns: Vec<Value> = match m.remove("enabled_connections") {
                Some(Value::Array(c)) => c,
                _ => Vec::new(),
            };
            let conns: Vec<Value> = conns
                .into_iter()
                .map(|c| {
                    let name = c
                        .get("connection")
                        .map(|x| s(x, "name").to_string())
                        .unwrap_or_default();
                    let mut cm = c.as_object().cloned().unwrap_or_default();
                    cm.remove("connection");
                    cm.remove("connection_id");
                    cm.insert("name".into(), json!(name));
                    Value::Object(cm)
                })
                .collect();
            m.insert("connections".into(), Value::Array(conns));
            t.files.insert(
                format!("organizations/{}.json", sanitize(s(o, "name"))),
                pretty(&Value::Object(m)),
            );
        }
    }
    if read.contains(&DataKind::EventStreams) {
        t.dirs.insert("event-streams".into());
        for (i, e) in raw.event_streams.iter().enumerate() {
            let name = e
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("event-stream-{i}"), sanitize);
            t.files.insert(
                format!("event-streams/{name}.json"),
                pretty(&mask_credentials(e)),
            );
        }
    }
    if read.contains(&DataKind::LogStreams) {
        t.dirs.insert("log-streams".into());
        for l in &raw.log_streams {
            let mut m = l.as_object().cloned().unwrap_or_default();
            if m.get("status").and_then(Value::as_str) == Some("suspended") {
                m.remove("status");
            }
            let kind = s(l, "type").to_string();
            if let Some(sink) = m.get_mut("sink").and_then(Value::as_object_mut) {
                for k in SINK_SECRETS {
                    if sink.contains_key(*k) {
                        sink.insert((*k).to_string(), json!(secret_marker("logstreams", &kind)));
                    }
                }
            }
            t.files.insert(
                format!("log-streams/{}.json", sanitize(s(l, "name"))),
                pretty(&Value::Object(m)),
            );
        }
    }
    if read.contains(&DataKind::AttackProtection) {
        t.dirs.insert("attack-protection".into());
        for (name, v) in &raw.attack_protection {
            let v = if name == "captcha" {
                mask_captcha(v)
            } else {
                v.clone()
            };
            t.files
                .insert(format!("attack-protection/{name}.json"), pretty(&v));
        }
    }
    if read.contains(&DataKind::Guardian) {
        t.dirs.insert("guardian".into());
        for f in &raw.guardian_factors {
            let mut m = f.as_object().cloned().unwrap_or_default();
            m.remove("trial_expired");
            t.files.insert(
                format!("guardian/factors/{}.json", sanitize(s(f, "name"))),
                pretty(&Value::Object(m)),
            );
        }
        for p in &raw.guardian_providers {
            t.files.insert(
                format!(
                    "guardian/providers/{}-{}.json",
                    sanitize(s(p, "name")),
                    sanitize(s(p, "provider"))
                ),
                pretty(&mask_guardian_provider(p)),
            );
        }
        t.files.insert(
            "guardian/policies.json".into(),
            pretty(&json!({"policies": raw.guardian_policies})),
        );
        if let Some(p) = &raw.phone_selected_provider {
            t.files.insert(
                "guardian/phoneFactorSelectedProvider.json".into(),
                pretty(p),
            );
        }
        if let Some(m) = &raw.phone_message_types {
            t.files
                .insert("guardian/phoneFactorMessageTypes.json".into(), pretty(m));
        }
    }
    if read.contains(&DataKind::EmailProvider) || read.contains(&DataKind::EmailTemplates) {
        t.dirs.insert("emails".into());
    }
    if let Some(p) = raw
        .email_provider
        .as_ref()
        .filter(|_| read.contains(&DataKind::EmailProvider))
    {
        let mut m = p.as_object().cloned().unwrap_or_default();
        let mut creds = email_credentials(s(p, "name"));
        if let (Some(c), Some(returned)) = (
            creds.as_object_mut(),
            p.get("credentials").and_then(Value::as_object),
        ) {
            for key in ["smtp_host", "smtp_port", "region", "api_user", "domain"] {
                if let Some(v) = returned.get(key) {
                    c.insert(key.to_string(), v.clone());
                }
            }
        }
        m.insert("credentials".into(), creds);
        t.files
            .insert("emails/provider.json".into(), pretty(&Value::Object(m)));
    }
    if read.contains(&DataKind::EmailTemplates) {
        for (name, v) in &raw.email_templates {
            let mut m = v.as_object().cloned().unwrap_or_default();
            if let Some(Value::String(body)) = m.remove("body") {
                t.files.insert(format!("emails/{name}.html"), body);
                m.insert("body".into(), json!(format!("./{name}.html")));
            }
            t.files
                .insert(format!("emails/{name}.json"), pretty(&Value::Object(m)));
        }
    }
    if read.contains(&DataKind::CustomDomains) {
        t.dirs.insert("custom-domains".into());
        t.files.insert(
            "custom-domains/custom-domains.json".into(),
            pretty(&Value::Array(raw.custom_domains.clone())),
        );
    }
    if let Some(p) = raw
        .prompts
        .as_ref()
        .filter(|_| read.contains(&DataKind::Prompts))
    {
        t.dirs.insert("prompts".into());
        t.files.insert("prompts/prompts.json".into(), pretty(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sink_and_email_secrets_are_masked() {
        let raw = RawTenant {
            log_streams: vec![
                json!({"name": "siem", "type": "http", "status": "suspended", "sink": {"httpAuthorization": "Bearer live", "httpEndpoint": "https://x"}}),
            ],
            email_provider: Some(json!({"name": "sendgrid", "enabled": true, "credentials": {}})),
            ..RawTenant::default()
        };
        let read: BTreeSet<DataKind> = [DataKind::LogStreams, DataKind::EmailProvider]
            .into_iter()
            .collect();
        let mut t = ExportTree::default();
        settings(&mut t, &raw, &read);
        let l = &t.files["log-streams/siem.json"];
        assert!(
            l.contains("##LOGSTREAMS_HTTP_SECRET##")
                && !l.contains("Bearer live")
                && !l.contains("suspended")
        );
        assert!(t.files["emails/provider.json"].contains("##SENDGRID_API_KEY##"));
        assert!(!t.dirs.contains("guardian"));
    }

    #[test]
    fn captcha_and_guardian_provider_secrets_are_masked() {
        let raw = RawTenant {
            attack_protection: [(
                "captcha".to_string(),
                json!({"active_provider_id": "recaptcha_v2",
                       "recaptcha_v2": {"site_key": "site-key-1", "secret": "captcha-live-secret"},
                       "recaptcha_enterprise": {"site_key": "s", "api_key": "ent-live-key", "project_id": "proj-1"}}),
            )]
            .into_iter()
            .collect(),
            guardian_providers: vec![
                json!({"name": "sms", "provider": "twilio", "sid": "AC123", "auth_token": "twilio-live-token", "from": "+100"}),
            ],
            ..RawTenant::default()
        };
        let read: BTreeSet<DataKind> = [DataKind::AttackProtection, DataKind::Guardian]
            .into_iter()
            .collect();
        let mut t = ExportTree::default();
        settings(&mut t, &raw, &read);
        let c = &t.files["attack-protection/captcha.json"];
        assert!(c.contains("##CAPTCHA_RECAPTCHA_V2_SECRET##") && c.contains("site-key-1"));
        assert!(c.contains("##CAPTCHA_RECAPTCHA_ENTERPRISE_API_KEY##"));
        assert!(!c.contains("captcha-live-secret") && !c.contains("ent-live-key"));
        let g = &t.files["guardian/providers/sms-twilio.json"];
        assert!(g.contains("##GUARDIAN_SMS_TWILIO_AUTH_TOKEN_SECRET##") && g.contains("AC123"));
        assert!(!g.contains("twilio-live-token"));
    }

    #[test]
    fn captcha_without_secret_providers_is_unchanged() {
        let v =
            json!({"active_provider_id": "auth_challenge", "auth_challenge": {"fail_open": false}});
        assert_eq!(mask_captcha(&v), v);
    }
}

#[cfg(test)]
mod event_stream_tests {
    use serde_json::json;

    use super::mask_credentials;

    #[test]
    fn webhook_credentials_are_masked_and_the_rest_kept() {
        let e = json!({"name": "siem", "destination": {"type": "webhook", "configuration": {
            "webhook_endpoint": "https://siem.example/in",
            "webhook_authorization": {"method": "bearer", "token": "s3cr3t-token-value-0123456789"}}}});
        let m = mask_credentials(&e);
        let text = m.to_string();
        assert!(!text.contains("s3cr3t-token-value"), "{text}");
        assert!(text.contains("##EVENT_STREAM_WEBHOOK_BEARER_TOKEN##"));
        assert!(text.contains("https://siem.example/in"));
    }
}
