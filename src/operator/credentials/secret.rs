//! Reading credentials (and Vault auth material) from Secrets in the integration's namespace.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;

use super::{ClientCredentials, CredentialsError};
use crate::crd::SecretCredentials;

/// One non-empty value of a Secret's `data` (or `stringData`), as UTF-8 text, trimmed of a
/// trailing newline (files written with `echo` end in one).
pub fn secret_value(
    secret: &Secret,
    namespace: &str,
    name: &str,
    key: &str,
) -> Result<String, CredentialsError> {
    let from_data = secret
        .data
        .as_ref()
        .and_then(|d: &BTreeMap<String, ByteString>| d.get(key))
        .map(|v| String::from_utf8_lossy(&v.0).into_owned());
    let from_string = secret
        .string_data
        .as_ref()
        .and_then(|d| d.get(key))
        .cloned();
    from_data
        .or(from_string)
        .map(|v| v.trim_end_matches(['\n', '\r']).to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CredentialsError::SecretKeyMissing {
            namespace: namespace.to_string(),
            name: name.to_string(),
            key: key.to_string(),
        })
}

/// Fetches a Secret; "not found" is its own error.
pub async fn get_secret(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Result<Secret, CredentialsError> {
    Api::<Secret>::namespaced(client.clone(), namespace)
        .get_opt(name)
        .await
        .map_err(|source| CredentialsError::SecretRead {
            namespace: namespace.to_string(),
            name: name.to_string(),
            source,
        })?
        .ok_or_else(|| CredentialsError::SecretNotFound {
            namespace: namespace.to_string(),
            name: name.to_string(),
        })
}

/// Fetches one key of a Secret.
pub async fn read_key(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    key: &str,
) -> Result<String, CredentialsError> {
    let secret = get_secret(client, namespace, name).await?;
    secret_value(&secret, namespace, name, key)
}

/// Client credentials from a plain Secret.
pub async fn read_credentials(
    client: &kube::Client,
    namespace: &str,
    spec: &SecretCredentials,
) -> Result<ClientCredentials, CredentialsError> {
    let secret = get_secret(client, namespace, &spec.name).await?;
    Ok(ClientCredentials {
        client_id: secret_value(&secret, namespace, &spec.name, &spec.client_id_key)?,
        client_secret: secret_value(&secret, namespace, &spec.name, &spec.client_secret_key)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "a0"},
            "data": {"clientId": "aWQtMQo=", "empty": ""},
            "stringData": {"clientSecret": "s3cret"}
        }))
        .unwrap()
    }

    #[test]
    fn values_come_from_data_or_string_data_without_trailing_newline() {
        let s = secret();
        assert_eq!(secret_value(&s, "ns", "a0", "clientId").unwrap(), "id-1");
        assert_eq!(
            secret_value(&s, "ns", "a0", "clientSecret").unwrap(),
            "s3cret"
        );
    }

    #[test]
    fn missing_or_empty_keys_are_named_without_values() {
        let err = secret_value(&secret(), "ns", "a0", "empty").unwrap_err();
        assert_eq!(err.reason(), "SecretKeyMissing");
        let err = secret_value(&secret(), "ns", "a0", "nope").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("ns/a0") && text.contains("nope"), "{text}");
        assert!(!text.contains("s3cret"));
    }
}
