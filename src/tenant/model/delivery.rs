//! Custom domains, log streams, the email provider and email templates.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{
    Extra, null_as_default, opt_lenient_bool, opt_lenient_i64, opt_string_or_number,
};
use super::snapshot::SourceText;

/// A custom domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomDomain {
    #[serde(skip)]
    pub file: String,
    pub custom_domain_id: Option<String>,
    pub domain: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub primary: Option<bool>,
    pub status: Option<String>,
    /// `auth0_managed_certs` | `self_managed_certs`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `true-client-ip` | `cf-connecting-ip` | `x-forwarded-for` | `x-azure-clientip` | empty.
    pub custom_client_ip_header: Option<String>,
    pub tls_policy: Option<String>,
    pub verification: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Log stream sink. Secret-bearing keys (`httpAuthorization`, `splunkToken`, ...) stay in
/// `extra` and are never Debug-printed.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogStreamSink {
    #[serde(rename = "httpEndpoint")]
    pub http_endpoint: Option<String>,
    #[serde(rename = "httpContentFormat")]
    pub http_content_format: Option<String>,
    #[serde(rename = "splunkDomain")]
    pub splunk_domain: Option<String>,
    /// `splunkPort` arrives as a string (sometimes a number).
    #[serde(rename = "splunkPort", deserialize_with = "opt_string_or_number")]
    pub splunk_port: Option<String>,
    /// `splunkSecure`: verify TLS.
    #[serde(rename = "splunkSecure", deserialize_with = "opt_lenient_bool")]
    pub splunk_secure: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for LogStreamSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStreamSink")
            .field("http_endpoint", &self.http_endpoint)
            .field("splunk_domain", &self.splunk_domain)
            .field("splunk_port", &self.splunk_port)
            .field("splunk_secure", &self.splunk_secure)
            .finish_non_exhaustive()
    }
}

/// A log stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogStream {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub sink: LogStreamSink,
    #[serde(deserialize_with = "null_as_default")]
    pub filters: Vec<Value>,
    #[serde(rename = "isPriority", deserialize_with = "opt_lenient_bool")]
    pub is_priority: Option<bool>,
    pub pii_config: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The email provider. `credentials` may hold secrets: Debug never prints them.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailProvider {
    #[serde(skip)]
    pub file: String,
    pub name: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    pub default_from_address: Option<String>,
    pub credentials: Option<Value>,
    pub settings: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for EmailProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailProvider")
            .field("file", &self.file)
            .field("name", &self.name)
            .field("enabled", &self.enabled)
            .field("default_from_address", &self.default_from_address)
            .finish_non_exhaustive()
    }
}

/// An email template (`verify_email`, `reset_email`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailTemplate {
    #[serde(skip)]
    pub file: String,
    pub template: String,
    /// HTML body (exports: the `.html` file beside the JSON).
    #[serde(skip_deserializing)]
    pub body: Option<SourceText>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub syntax: Option<String>,
    #[serde(rename = "resultUrl")]
    pub result_url: Option<String>,
    #[serde(rename = "urlLifetimeInSeconds", deserialize_with = "opt_lenient_i64")]
    pub url_lifetime_in_seconds: Option<i64>,
    #[serde(
        rename = "includeEmailInRedirect",
        deserialize_with = "opt_lenient_bool"
    )]
    pub include_email_in_redirect: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_stream_reads_string_port_and_hides_token() {
        let l: LogStream = serde_json::from_str(
            r#"{"name":"splunk","type":"splunk","sink":{"splunkDomain":"s.example","splunkPort":"8088",
                "splunkToken":"live-splunk-token-0001","splunkSecure":false}}"#,
        )
        .unwrap();
        assert_eq!(l.sink.splunk_port.as_deref(), Some("8088"));
        assert_eq!(l.sink.splunk_secure, Some(false));
        assert!(!format!("{l:?}").contains("live-splunk"));
        let l: LogStream =
            serde_json::from_str(r#"{"name":"s","sink":{"splunkPort":8088}}"#).unwrap();
        assert_eq!(l.sink.splunk_port.as_deref(), Some("8088"));
    }

    #[test]
    fn email_provider_debug_hides_credentials() {
        let e: EmailProvider = serde_json::from_str(
            r#"{"name":"smtp","credentials":{"smtp_pass":"hunter2-smtp-pass"}}"#,
        )
        .unwrap();
        assert!(!format!("{e:?}").contains("hunter2"));
    }
}
