//! Display names of attribute nodes, and small lookups the builder and path rules share.

use sha2::{Digest, Sha256};

use crate::code::Source;
use crate::tenant::ResourceServer;

/// `email_verified` as asserted by a connection.
pub const EMAIL_VERIFIED: &str = "email_verified";
/// An e-mail address chosen at signup, not yet verified.
pub const EMAIL_UNVERIFIED: &str = "email (unverified)";

pub fn user_metadata(key: Option<&str>) -> String {
    format!("user_metadata.{}", key.unwrap_or("*"))
}

pub fn app_metadata(key: Option<&str>) -> String {
    format!("app_metadata.{}", key.unwrap_or("*"))
}

/// The attribute node a source reads, or `None` for sources that are not user attributes
/// (secrets, literals, the client, roles decided by the tenant).
pub fn attribute_of(source: &Source) -> Option<String> {
    Some(match source {
        Source::UserMetadata { key } => user_metadata(key.as_deref()),
        Source::AppMetadata { key } => app_metadata(key.as_deref()),
        Source::RequestQuery { key } => format!("request.query.{}", key.as_deref().unwrap_or("*")),
        Source::RequestBody { key } => format!("request.body.{}", key.as_deref().unwrap_or("*")),
        Source::RequestOther { field } => format!("request.{field}"),
        Source::Email => EMAIL_UNVERIFIED.to_string(),
        Source::ProviderProfile => "identity provider profile".to_string(),
        Source::Prompt => "request.prompt".to_string(),
        Source::EmailVerified
        | Source::Secret { .. }
        | Source::ClientId
        | Source::Connection
        | Source::Roles
        | Source::HttpResponse
        | Source::CleartextResponse { .. }
        | Source::OpaqueCall { .. }
        | Source::Literal { .. }
        | Source::HardcodedSecret { .. } => return None,
    })
}

/// Whether an attribute node name stands for a wildcard (`user_metadata.*`).
pub fn matches_attribute(written: &str, read: &str) -> bool {
    if written == read {
        return true;
    }
    let ns = |s: &str| {
        s.split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string()))
    };
    match (ns(written), ns(read)) {
        (Some((wn, wk)), Some((rn, rk))) => wn == rn && (wk == "*" || rk == "*"),
        _ => false,
    }
}

/// `subject_type_authorization.user.policy` of an API (`allow_all`, `require_client_grant`,
/// `deny_all`), `None` when unset (Auth0 then allows user tokens).
pub fn user_policy(api: &ResourceServer) -> Option<&str> {
    api.subject_type_authorization
        .as_ref()?
        .get("user")?
        .get("policy")?
        .as_str()
}

/// The fingerprint the analyzer records for a hard-coded secret: sha256 hex, first 16 chars.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    hex::encode(digest).chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_keys_of_the_same_namespace_only() {
        assert!(matches_attribute("app_metadata.*", "app_metadata.role"));
        assert!(matches_attribute("app_metadata.role", "app_metadata.*"));
        assert!(matches_attribute("app_metadata.role", "app_metadata.role"));
        assert!(!matches_attribute("app_metadata.role", "app_metadata.plan"));
        assert!(!matches_attribute("user_metadata.*", "app_metadata.role"));
    }

    #[test]
    fn secrets_and_roles_are_not_attributes() {
        assert_eq!(attribute_of(&Source::Secret { name: "X".into() }), None);
        assert_eq!(attribute_of(&Source::Roles), None);
        assert_eq!(
            attribute_of(&Source::UserMetadata {
                key: Some("role".into())
            })
            .as_deref(),
            Some("user_metadata.role")
        );
    }

    #[test]
    fn fingerprint_is_stable_and_short() {
        assert_eq!(fingerprint("abc"), "ba7816bf8f01cfea");
    }
}
