//! Organizations and Universal Login prompt settings.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool};

/// An organization's enabled connection (exports carry the connection name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationConnection {
    /// Connection display name (exports) or id (live data before mapping).
    #[serde(alias = "connection_id")]
    pub name: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub assign_membership_on_login: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub is_signup_enabled: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub show_as_button: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organization {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    pub display_name: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub connections: Vec<OrganizationConnection>,
    pub metadata: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Prompt settings (`GET /prompts`, `prompts/prompts.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prompts {
    #[serde(skip)]
    pub file: String,
    /// `new` | `classic`.
    pub universal_login_experience: Option<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub identifier_first: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub webauthn_platform_first_factor: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_connections_accept_name_or_id() {
        let o: Organization = serde_json::from_str(
            r#"{"name":"acme","connections":[{"name":"db","assign_membership_on_login":true},
                {"connection_id":"con_x"}]}"#,
        )
        .unwrap();
        assert_eq!(o.connections[0].name, "db");
        assert_eq!(o.connections[1].name, "con_x");
        assert_eq!(o.connections[0].assign_membership_on_login, Some(true));
    }

    #[test]
    fn prompts_parse() {
        let p: Prompts =
            serde_json::from_str(r#"{"universal_login_experience":"new","identifier_first":true}"#)
                .unwrap();
        assert_eq!(p.identifier_first, Some(true));
    }
}
