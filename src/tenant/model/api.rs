//! APIs (resource servers) and roles.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_i64};

/// One scope (permission) an API defines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiScope {
    pub value: String,
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An API. Debug never shows `signing_secret`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceServer {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    /// The audience value.
    pub identifier: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_system: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub scopes: Vec<ApiScope>,
    pub signing_alg: Option<String>,
    /// HS256 secret; not masked by the Deploy CLI. Never printed by Debug.
    pub signing_secret: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub allow_offline_access: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub token_lifetime: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub token_lifetime_for_web: Option<i64>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enforce_policies: Option<bool>,
    pub token_dialect: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub skip_consent_for_verifiable_first_party_clients: Option<bool>,
    pub subject_type_authorization: Option<Value>,
    pub proof_of_possession: Option<Value>,
    pub token_encryption: Option<Value>,
    pub consent_policy: Option<String>,
    /// Linked client's display name (exports store the name in `client_id`).
    #[serde(rename = "client_id")]
    pub client: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ResourceServer {
    /// Whether the API defines scope `value`.
    pub fn has_scope(&self, value: &str) -> bool {
        self.scopes.iter().any(|s| s.value == value)
    }
}

impl std::fmt::Debug for ResourceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceServer")
            .field("file", &self.file)
            .field("name", &self.name)
            .field("identifier", &self.identifier)
            .field("signing_alg", &self.signing_alg)
            .field(
                "signing_secret",
                &self.signing_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// One permission a role grants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RolePermission {
    pub permission_name: String,
    pub resource_server_identifier: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Role {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub permissions: Vec<RolePermission>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_server_hides_secret_and_maps_client() {
        let rs: ResourceServer = serde_json::from_str(
            r#"{"name":"Orders","identifier":"https://orders","signing_alg":"HS256",
                "signing_secret":"supersecretvalue-123456","client_id":"Orders App",
                "scopes":[{"value":"read:orders","description":"Read"}],"token_lifetime":"7200"}"#,
        )
        .unwrap();
        assert_eq!(rs.client.as_deref(), Some("Orders App"));
        assert_eq!(rs.token_lifetime, Some(7200));
        assert!(rs.has_scope("read:orders"));
        assert!(!rs.has_scope("write:orders"));
        assert!(!format!("{rs:?}").contains("supersecret"));
    }

    #[test]
    fn role_permissions_default_to_empty() {
        let r: Role = serde_json::from_str(r#"{"name":"Admin","permissions":null}"#).unwrap();
        assert!(r.permissions.is_empty());
    }
}
