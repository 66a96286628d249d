//! Applications (clients) and client grants.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_i64};
use super::snapshot::SourceText;

/// `jwt_configuration` of a client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JwtConfiguration {
    pub alg: Option<String>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub lifetime_in_seconds: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub secret_encoded: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `refresh_token` settings of a client. Absent fields mean the API default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RefreshTokenConfig {
    /// `rotating` | `non-rotating`.
    pub rotation_type: Option<String>,
    /// `expiring` | `non-expiring`.
    pub expiration_type: Option<String>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub leeway: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub token_lifetime: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub infinite_token_lifetime: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub idle_token_lifetime: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub infinite_idle_token_lifetime: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An application. The Debug output never shows `client_secret` (nor the extra fields, which
/// may hold key material).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Client {
    /// Export-relative file this client came from (empty for live API data).
    #[serde(skip)]
    pub file: String,
    /// Absent in exports unless `AUTH0_EXPORT_IDENTIFIERS=true`.
    pub client_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub app_type: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_first_party: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub oidc_conformant: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub callbacks: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowed_origins: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub web_origins: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowed_logout_urls: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowed_clients: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub client_aliases: Vec<String>,
    pub initiate_login_uri: Option<String>,
    /// `None` when absent (the API then applies its default list).
    pub grant_types: Option<Vec<String>>,
    pub token_endpoint_auth_method: Option<String>,
    pub jwt_configuration: Option<JwtConfiguration>,
    pub refresh_token: Option<RefreshTokenConfig>,
    /// Also read from the deprecated alias `cross_origin_auth`.
    #[serde(alias = "cross_origin_auth", deserialize_with = "opt_lenient_bool")]
    pub cross_origin_authentication: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_token_endpoint_ip_header_trusted: Option<bool>,
    pub client_authentication_methods: Option<Value>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub require_pushed_authorization_requests: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub require_proof_of_possession: Option<bool>,
    pub signed_request_object: Option<Value>,
    /// Also read from the old alias `oidc_backchannel_logout`.
    #[serde(alias = "oidc_backchannel_logout")]
    pub oidc_logout: Option<Value>,
    pub organization_usage: Option<String>,
    pub organization_require_behavior: Option<String>,
    pub addons: Option<Value>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub custom_login_page_on: Option<bool>,
    /// Custom login page HTML (in exports: the `<name>_custom_login_page.html` file).
    #[serde(skip_deserializing)]
    pub custom_login_page: Option<SourceText>,
    pub redirection_policy: Option<String>,
    pub third_party_security_mode: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub sso: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub sso_disabled: Option<bool>,
    pub client_metadata: Option<Value>,
    /// Present only with `read:client_keys` on live reads. Never printed by Debug.
    pub client_secret: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Client {
    /// Machine-to-machine application (`app_type` `non_interactive`).
    pub fn is_m2m(&self) -> bool {
        self.app_type.as_deref() == Some("non_interactive")
    }

    /// Third-party application (`is_first_party: false`); absent counts as first party.
    pub fn is_third_party(&self) -> bool {
        self.is_first_party == Some(false)
    }

    /// Whether `grant` is enabled, treating an absent `grant_types` as the API default list.
    pub fn allows_grant(&self, grant: &str) -> bool {
        match &self.grant_types {
            Some(list) => list.iter().any(|g| g == grant),
            None => DEFAULT_GRANT_TYPES.contains(&grant),
        }
    }
}

/// Grant types the API gives a client created without `grant_types`.
pub const DEFAULT_GRANT_TYPES: [&str; 4] = [
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
];

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("file", &self.file)
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .field("app_type", &self.app_type)
            .field("is_first_party", &self.is_first_party)
            .field("grant_types", &self.grant_types)
            .field("callbacks", &self.callbacks)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// A client grant: `client` may request `scope` for `audience`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientGrant {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    /// Client display name (exports store the name in `client_id`; live data is mapped).
    #[serde(rename = "client_id")]
    pub client: String,
    /// API identifier.
    pub audience: String,
    #[serde(deserialize_with = "null_as_default")]
    pub scope: Vec<String>,
    pub organization_usage: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_any_organization: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_all_scopes: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_system: Option<bool>,
    pub subject_type: Option<String>,
    pub default_for: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_reads_aliases_and_nulls() {
        let c: Client = serde_json::from_str(
            r#"{"name":"Web","cross_origin_auth":true,"oidc_backchannel_logout":{"backchannel_logout_urls":["https://x"]},
                "callbacks":null,"app_type":"spa","unknown_field":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(c.cross_origin_authentication, Some(true));
        assert!(c.oidc_logout.is_some());
        assert!(c.callbacks.is_empty());
        assert_eq!(
            c.extra.get("unknown_field"),
            Some(&serde_json::json!({"a":1}))
        );
        assert!(!c.is_m2m());
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let c = Client {
            name: "m2m".into(),
            app_type: Some("non_interactive".into()),
            client_secret: Some("Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM".into()),
            ..Client::default()
        };
        let text = format!("{c:?}");
        assert!(!text.contains("Zx9kQ2"));
        assert!(text.contains("<redacted>"));
        assert!(c.is_m2m());
    }

    #[test]
    fn absent_grant_types_mean_the_default_list() {
        let c = Client::default();
        assert!(c.allows_grant("implicit"));
        assert!(!c.allows_grant("password"));
        let c = Client {
            grant_types: Some(vec!["password".into()]),
            ..Client::default()
        };
        assert!(c.allows_grant("password"));
        assert!(!c.allows_grant("implicit"));
    }

    #[test]
    fn grant_maps_client_id_to_client_name() {
        let g: ClientGrant = serde_json::from_str(
            r#"{"client_id":"Backend","audience":"https://api","scope":["read:x"]}"#,
        )
        .unwrap();
        assert_eq!(g.client, "Backend");
        assert_eq!(g.scope, vec!["read:x"]);
    }
}
