//! Client credentials of an integration: from a plain Secret or from Vault (Kubernetes auth,
//! AppRole or a token; KV v1 or v2). Vault clients are cached per identity and renewed, never
//! logged in per reconcile. Secret values never reach a log line, an Event, a status or an error
//! message: errors name the Secret, key or Vault path, never the value.

pub mod cache;
pub mod secret;
pub mod vault;

use std::fmt;

pub use cache::VaultClientCache;

/// Management API client credentials. `Debug` shows neither value.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientCredentials { client_id: <redacted>, client_secret: <redacted> }")
    }
}

/// Why credentials could not be resolved. Messages name places, never values.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("Secret {namespace}/{name} not found")]
    SecretNotFound { namespace: String, name: String },
    #[error("Secret {namespace}/{name} has no key {key:?} (or it is empty)")]
    SecretKeyMissing {
        namespace: String,
        name: String,
        key: String,
    },
    #[error("reading Secret {namespace}/{name}")]
    SecretRead {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("minting a token for ServiceAccount {namespace}/{name} (TokenRequest)")]
    TokenRequest {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("Vault at {address} is unreachable: {detail}")]
    VaultUnreachable { address: String, detail: String },
    #[error("Vault at {address} is sealed or not ready (HTTP {code})")]
    VaultSealed { address: String, code: u16 },
    #[error(
        "Vault login at auth/{mount} was refused (HTTP {code}): check the role and its bindings"
    )]
    VaultLoginDenied { mount: String, code: u16 },
    #[error("Vault secret {mount}/{path} was not found or is not readable (HTTP {code})")]
    VaultSecretUnreadable {
        mount: String,
        path: String,
        code: u16,
    },
    #[error("Vault secret {mount}/{path} has no field {field:?}")]
    VaultFieldMissing {
        mount: String,
        path: String,
        field: String,
    },
    #[error("Vault client setup: {0}")]
    VaultSetup(String),
}

impl CredentialsError {
    /// Stable PascalCase reason for conditions, Events and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            CredentialsError::SecretNotFound { .. } => "SecretNotFound",
            CredentialsError::SecretKeyMissing { .. } => "SecretKeyMissing",
            CredentialsError::SecretRead { .. } => "SecretReadFailed",
            CredentialsError::TokenRequest { .. } => "TokenRequestFailed",
            CredentialsError::VaultUnreachable { .. } => "VaultUnreachable",
            CredentialsError::VaultSealed { .. } => "VaultSealed",
            CredentialsError::VaultLoginDenied { .. } => "VaultLoginFailed",
            CredentialsError::VaultSecretUnreadable { .. } => "VaultSecretUnreadable",
            CredentialsError::VaultFieldMissing { .. } => "VaultFieldMissing",
            CredentialsError::VaultSetup(_) => "VaultConfigInvalid",
        }
    }

    /// True when waiting can fix it; false when an object must be edited (backoff then stays long).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CredentialsError::SecretRead { .. }
                | CredentialsError::TokenRequest { .. }
                | CredentialsError::VaultUnreachable { .. }
                | CredentialsError::VaultSealed { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_values() {
        let creds = ClientCredentials {
            client_id: "id-visible".into(),
            client_secret: "s3cret-value".into(),
        };
        let text = format!("{creds:?}");
        assert!(!text.contains("id-visible") && !text.contains("s3cret-value"));
    }

    #[test]
    fn reasons_are_pascal_case_and_transience_is_sorted() {
        let sealed = CredentialsError::VaultSealed {
            address: "http://v".into(),
            code: 503,
        };
        assert_eq!(sealed.reason(), "VaultSealed");
        assert!(sealed.is_transient());
        let denied = CredentialsError::VaultLoginDenied {
            mount: "kubernetes".into(),
            code: 403,
        };
        assert!(!denied.is_transient());
        assert!(denied.to_string().contains("role"));
    }
}
