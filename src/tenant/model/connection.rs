//! Connections of every strategy, database (`auth0`) ones included, with the security-relevant
//! options typed and the whole options object kept as `raw`.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_i64};
use super::snapshot::SourceText;

/// `{ "enable": bool }` style toggles (`password_no_personal_info`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnableToggle {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `password_history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordHistory {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub size: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `password_dictionary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordDictionary {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enable: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub dictionary: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `password_complexity_options`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordComplexity {
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub min_length: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Per-connection MFA toggle (`options.mfa`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionMfa {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub active: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub return_enroll_settings: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The typed view of `options`; deserialized from the same object that `raw` keeps.
#[derive(Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct TypedOptions {
    #[serde(deserialize_with = "opt_lenient_bool")]
    disable_signup: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    brute_force_protection: Option<bool>,
    #[serde(rename = "passwordPolicy")]
    password_policy: Option<String>,
    password_complexity_options: Option<PasswordComplexity>,
    password_history: Option<PasswordHistory>,
    password_no_personal_info: Option<EnableToggle>,
    password_dictionary: Option<PasswordDictionary>,
    mfa: Option<ConnectionMfa>,
    #[serde(
        rename = "enabledDatabaseCustomization",
        deserialize_with = "opt_lenient_bool"
    )]
    enabled_database_customization: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    import_mode: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    requires_username: Option<bool>,
    authentication_methods: Option<Value>,
    attributes: Option<Value>,
    should_trust_email_verified_connection: Option<String>,
    set_user_root_attributes: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    non_persistent_attrs: Vec<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    connection_settings: Option<Value>,
    #[serde(rename = "useCommonEndpoint", deserialize_with = "opt_lenient_bool")]
    use_common_endpoint: Option<bool>,
    #[serde(rename = "signSAMLRequest", deserialize_with = "opt_lenient_bool")]
    sign_saml_request: Option<bool>,
    #[serde(rename = "signatureAlgorithm")]
    signature_algorithm: Option<String>,
    #[serde(rename = "digestAlgorithm")]
    digest_algorithm: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    debug: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    domain_aliases: Vec<String>,
    idpinitiated: Option<Value>,
    upstream_params: Option<Value>,
}

/// Connection `options`: typed security-relevant fields plus the whole object as `raw`.
/// Debug never prints `client_secret` nor `raw` (which may hold other secrets).
#[derive(Clone, Default, PartialEq)]
pub struct ConnectionOptions {
    pub disable_signup: Option<bool>,
    pub brute_force_protection: Option<bool>,
    /// `passwordPolicy`: `none|low|fair|good|excellent` (null/absent: none set).
    pub password_policy: Option<String>,
    pub password_complexity_options: Option<PasswordComplexity>,
    pub password_history: Option<PasswordHistory>,
    pub password_no_personal_info: Option<EnableToggle>,
    pub password_dictionary: Option<PasswordDictionary>,
    pub mfa: Option<ConnectionMfa>,
    /// `enabledDatabaseCustomization` (custom database scripts in use).
    pub enabled_database_customization: Option<bool>,
    pub import_mode: Option<bool>,
    pub requires_username: Option<bool>,
    pub authentication_methods: Option<Value>,
    pub attributes: Option<Value>,
    pub should_trust_email_verified_connection: Option<String>,
    pub set_user_root_attributes: Option<String>,
    pub non_persistent_attrs: Vec<String>,
    pub client_id: Option<String>,
    /// Masked in exports (`##CONNECTIONS_<STRATEGY>_SECRET##`) but clear in live reads.
    pub client_secret: Option<String>,
    /// `type` (`front_channel` | `back_channel` for oidc/okta).
    pub kind: Option<String>,
    pub connection_settings: Option<Value>,
    /// `useCommonEndpoint` (multi-tenant Azure AD).
    pub use_common_endpoint: Option<bool>,
    /// `signSAMLRequest`.
    pub sign_saml_request: Option<bool>,
    /// `signatureAlgorithm`.
    pub signature_algorithm: Option<String>,
    /// `digestAlgorithm`.
    pub digest_algorithm: Option<String>,
    pub debug: Option<bool>,
    pub domain_aliases: Vec<String>,
    pub idpinitiated: Option<Value>,
    pub upstream_params: Option<Value>,
    /// The whole options object (database scripts replaced by their source text by loaders).
    pub raw: Value,
}

impl ConnectionOptions {
    /// Builds the typed view from a raw options object.
    pub fn from_raw(raw: Value) -> Result<Self, String> {
        let raw = if raw.is_null() {
            Value::Object(Extra::new())
        } else {
            raw
        };
        let t: TypedOptions = serde_path_to_error::deserialize(&raw)
            .map_err(|e| format!("options.{}: {}", e.path(), e.inner()))?;
        Ok(ConnectionOptions {
            disable_signup: t.disable_signup,
            brute_force_protection: t.brute_force_protection,
            password_policy: t.password_policy,
            password_complexity_options: t.password_complexity_options,
            password_history: t.password_history,
            password_no_personal_info: t.password_no_personal_info,
            password_dictionary: t.password_dictionary,
            mfa: t.mfa,
            enabled_database_customization: t.enabled_database_customization,
            import_mode: t.import_mode,
            requires_username: t.requires_username,
            authentication_methods: t.authentication_methods,
            attributes: t.attributes,
            should_trust_email_verified_connection: t.should_trust_email_verified_connection,
            set_user_root_attributes: t.set_user_root_attributes,
            non_persistent_attrs: t.non_persistent_attrs,
            client_id: t.client_id,
            client_secret: t.client_secret,
            kind: t.kind,
            connection_settings: t.connection_settings,
            use_common_endpoint: t.use_common_endpoint,
            sign_saml_request: t.sign_saml_request,
            signature_algorithm: t.signature_algorithm,
            digest_algorithm: t.digest_algorithm,
            debug: t.debug,
            domain_aliases: t.domain_aliases,
            idpinitiated: t.idpinitiated,
            upstream_params: t.upstream_params,
            raw,
        })
    }
}

impl<'de> Deserialize<'de> for ConnectionOptions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        if !(raw.is_object() || raw.is_null()) {
            return Err(de::Error::custom("expected an object for \"options\""));
        }
        ConnectionOptions::from_raw(raw).map_err(de::Error::custom)
    }
}

impl Serialize for ConnectionOptions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl std::fmt::Debug for ConnectionOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionOptions")
            .field("disable_signup", &self.disable_signup)
            .field("brute_force_protection", &self.brute_force_protection)
            .field("password_policy", &self.password_policy)
            .field(
                "enabled_database_customization",
                &self.enabled_database_customization,
            )
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// A connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Connection {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    pub display_name: Option<String>,
    pub strategy: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_domain_connection: Option<bool>,
    /// Client display names.
    #[serde(deserialize_with = "null_as_default")]
    pub enabled_clients: Vec<String>,
    pub options: ConnectionOptions,
    #[serde(deserialize_with = "null_as_default")]
    pub realms: Vec<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub show_as_button: Option<bool>,
    pub metadata: Option<Value>,
    /// Database `options.customScripts` by script name (`login`, `get_user`, ...).
    #[serde(skip_deserializing)]
    pub custom_scripts: BTreeMap<String, SourceText>,
    /// Custom `oauth2` connections: `options.scripts.fetchUserProfile`.
    #[serde(skip_deserializing)]
    pub fetch_user_profile: Option<SourceText>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Strategies whose users sign in with a one-time code.
pub const PASSWORDLESS_STRATEGIES: [&str; 2] = ["email", "sms"];

/// Enterprise (workforce federation) strategies.
pub const ENTERPRISE_STRATEGIES: [&str; 10] = [
    "ad",
    "adfs",
    "auth0-adldap",
    "google-apps",
    "ip",
    "office365",
    "oidc",
    "okta",
    "pingfederate",
    "samlp",
];

impl Connection {
    /// Database connection (`strategy: auth0`).
    pub fn is_database(&self) -> bool {
        self.strategy == "auth0"
    }

    /// Passwordless connection (`email` or `sms`).
    pub fn is_passwordless(&self) -> bool {
        PASSWORDLESS_STRATEGIES.contains(&self.strategy.as_str())
    }

    /// Enterprise connection (SAML, OIDC, Okta, Azure AD, AD/LDAP, ...).
    pub fn is_enterprise(&self) -> bool {
        self.strategy == "waad" || ENTERPRISE_STRATEGIES.contains(&self.strategy.as_str())
    }

    /// Whether anyone can create an account through this connection: database and
    /// passwordless connections honour `disable_signup` (absent means signup is on); other
    /// strategies create users on first login, so signup counts as enabled.
    pub fn signup_enabled(&self) -> bool {
        self.options.disable_signup != Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_typed_and_kept_raw() {
        let c: Connection = serde_json::from_str(
            r#"{"name":"db","strategy":"auth0","enabled_clients":["Web"],
                "options":{"disable_signup":false,"passwordPolicy":"fair","brute_force_protection":true,
                "password_history":{"enable":true,"size":5},"enabledDatabaseCustomization":true,
                "customScripts":{"login":"./login.js"},"mystery":1}}"#,
        )
        .unwrap();
        assert!(c.is_database());
        assert!(c.signup_enabled());
        assert_eq!(c.options.password_policy.as_deref(), Some("fair"));
        assert_eq!(
            c.options.password_history.as_ref().and_then(|h| h.size),
            Some(5)
        );
        assert_eq!(c.options.raw["mystery"], 1);
        assert_eq!(c.enabled_clients, vec!["Web"]);
    }

    #[test]
    fn disabled_signup_and_absent_options() {
        let c: Connection = serde_json::from_str(
            r#"{"name":"e","strategy":"email","options":{"disable_signup":true}}"#,
        )
        .unwrap();
        assert!(!c.signup_enabled());
        assert!(c.is_passwordless());
        let c: Connection =
            serde_json::from_str(r#"{"name":"g","strategy":"google-oauth2"}"#).unwrap();
        assert!(c.signup_enabled());
        assert!(!c.is_database());
        assert!(!c.is_enterprise());
    }

    #[test]
    fn option_type_errors_name_the_option() {
        let err = serde_json::from_str::<Connection>(
            r#"{"name":"db","strategy":"auth0","options":{"password_history":{"size":"lots"}}}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("options.password_history.size"),
            "{err}"
        );
        let err = serde_json::from_str::<Connection>(r#"{"name":"db","options":[1]}"#).unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
    }

    #[test]
    fn debug_hides_connection_secret() {
        let c: Connection = serde_json::from_str(
            r#"{"name":"g","strategy":"google-oauth2","options":{"client_secret":"GOCSPX-verysecretvalue"}}"#,
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("verysecret"));
    }
}
