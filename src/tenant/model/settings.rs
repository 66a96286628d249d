//! Tenant settings (`tenant.json` / the YAML `tenant` key / `GET /tenants/settings`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_f64};

/// Security-relevant tenant `flags`; every other flag stays in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantFlags {
    /// Absent means true: new clients get every connection.
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_client_connections: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_dynamic_client_registration: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub disable_impersonation: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_legacy_delegation_grant_types: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_legacy_ro_grant_types: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_legacy_tokeninfo_endpoint: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_legacy_profile: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_idtoken_api2: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_public_signup_user_exists_error: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_sso: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_changing_enable_sso: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub disable_clickjack_protection_headers: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub no_disclose_enterprise_connections: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enforce_client_authentication_on_passwordless_start: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_adfs_waad_email_verification: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub trust_azure_adfs_email_verified_connection_property: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub revoke_refresh_token_grant: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub change_pwd_flow_v1: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub remove_alg_from_jwks: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub mfa_show_factor_list_on_enrollment: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub disable_management_api_sms_obfuscation: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable_pipeline2: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `error_page`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorPage {
    pub html: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub show_log_link: Option<bool>,
    pub url: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Tenant settings. Session lifetimes are hours (as exported and returned by GET).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    #[serde(skip)]
    pub file: String,
    pub friendly_name: Option<String>,
    pub picture_url: Option<String>,
    pub support_email: Option<String>,
    pub support_url: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowed_logout_urls: Vec<String>,
    pub default_audience: Option<String>,
    pub default_directory: Option<String>,
    pub default_redirection_uri: Option<String>,
    /// Hours (default 168).
    #[serde(deserialize_with = "opt_lenient_f64")]
    pub session_lifetime: Option<f64>,
    /// Hours (default 72).
    #[serde(deserialize_with = "opt_lenient_f64")]
    pub idle_session_lifetime: Option<f64>,
    #[serde(deserialize_with = "opt_lenient_f64")]
    pub ephemeral_session_lifetime: Option<f64>,
    #[serde(deserialize_with = "opt_lenient_f64")]
    pub idle_ephemeral_session_lifetime: Option<f64>,
    pub session_cookie: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub enabled_locales: Vec<String>,
    /// Node version for Rules/Hooks, e.g. `"18"` (numbers accepted).
    #[serde(deserialize_with = "super::lenient::opt_string_or_number")]
    pub sandbox_version: Option<String>,
    pub flags: TenantFlags,
    pub error_page: Option<ErrorPage>,
    pub change_password: Option<Value>,
    pub guardian_mfa_page: Option<Value>,
    pub device_flow: Option<Value>,
    pub sessions: Option<Value>,
    pub oidc_logout: Option<Value>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub customize_mfa_in_postlogin_action: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub pushed_authorization_requests_supported: Option<bool>,
    pub dynamic_client_registration_security_mode: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub client_id_metadata_document_supported: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub skip_non_verifiable_callback_uri_confirmation_prompt: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_organization_name_in_authentication_api: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl TenantSettings {
    /// `session_lifetime` in hours, API default 168 when absent.
    pub fn session_lifetime_hours(&self) -> f64 {
        self.session_lifetime.unwrap_or(168.0)
    }

    /// `idle_session_lifetime` in hours, API default 72 when absent.
    pub fn idle_session_lifetime_hours(&self) -> f64 {
        self.idle_session_lifetime.unwrap_or(72.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_flags_and_hours() {
        let s: TenantSettings = serde_json::from_str(
            r#"{"friendly_name":"Acme","session_lifetime":"1080","idle_session_lifetime":0.5,
                "sandbox_version":18,"flags":{"enable_dynamic_client_registration":true,"new_flag":true},
                "error_page":{"url":"https://x","show_log_link":true},"enabled_locales":null}"#,
        )
        .unwrap();
        assert_eq!(s.session_lifetime_hours(), 1080.0);
        assert_eq!(s.idle_session_lifetime_hours(), 0.5);
        assert_eq!(s.sandbox_version.as_deref(), Some("18"));
        assert_eq!(s.flags.enable_dynamic_client_registration, Some(true));
        assert_eq!(s.flags.extra.get("new_flag"), Some(&Value::Bool(true)));
        assert!(s.enabled_locales.is_empty());
        assert_eq!(TenantSettings::default().session_lifetime_hours(), 168.0);
    }
}
