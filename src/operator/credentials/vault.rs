//! One Vault identity and its logged-in session: login (Kubernetes auth, AppRole, token), renewal,
//! and reading the client credentials from KV v1 or v2.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::Api;
use kube::api::PostParams;
use sha2::{Digest, Sha256};
use vaultrs::client::{Client as _, VaultClient, VaultClientSettingsBuilder};
use vaultrs::error::ClientError;

use super::secret::read_key;
use super::{ClientCredentials, CredentialsError};
use crate::crd::{SecretKeyRef, VaultCredentials};

/// Who logs in to Vault. Equal identities share one cached, renewing session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VaultIdentity {
    pub address: String,
    pub vault_namespace: Option<String>,
    /// Kubernetes namespace of the integration (where referenced Secrets and the SA live).
    pub namespace: String,
    pub ca_bundle: Option<SecretKeyRef>,
    pub method: LoginMethod,
}

/// How the identity logs in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LoginMethod {
    Kubernetes {
        mount: String,
        role: String,
        service_account: String,
        audience: Option<String>,
    },
    AppRole {
        mount: String,
        role_id: String,
        secret_id: SecretKeyRef,
    },
    Token {
        token: SecretKeyRef,
    },
}

impl VaultIdentity {
    /// The identity `spec` describes in `namespace`; `default_sa` when Kubernetes auth names no SA.
    /// `None` when the spec names no login method (validation reports that).
    pub fn of(spec: &VaultCredentials, namespace: &str, default_sa: &str) -> Option<VaultIdentity> {
        let auth = &spec.auth;
        let method = if let Some(k) = &auth.kubernetes {
            LoginMethod::Kubernetes {
                mount: k.mount_path.clone(),
                role: k.role.clone(),
                service_account: k
                    .service_account_name
                    .clone()
                    .unwrap_or_else(|| default_sa.to_string()),
                audience: k.audience.clone(),
            }
        } else if let Some(a) = &auth.app_role {
            LoginMethod::AppRole {
                mount: a.mount_path.clone(),
                role_id: a.role_id.clone(),
                secret_id: a.secret_id_ref.clone(),
            }
        } else {
            LoginMethod::Token {
                token: auth.token_secret_ref.clone()?,
            }
        };
        Some(VaultIdentity {
            address: spec.address.clone(),
            vault_namespace: spec.namespace.clone(),
            namespace: namespace.to_string(),
            ca_bundle: spec.ca_bundle_secret_ref.clone(),
            method,
        })
    }
}

/// A logged-in client and when its token needs attention.
pub struct VaultSession {
    pub client: VaultClient,
    /// True when the operator logged in for this token (Kubernetes auth, AppRole) and so revokes
    /// it on shutdown; false for a token the user handed over in a Secret.
    pub owned: bool,
    pub renewable: bool,
    pub lease: Duration,
    pub refreshed_at: Instant,
}

impl VaultSession {
    /// True once two thirds of the lease have passed (renew then, not at the last second).
    pub fn needs_renewal(&self, now: Instant) -> bool {
        self.lease > Duration::ZERO && now.duration_since(self.refreshed_at) >= self.lease * 2 / 3
    }

    /// True when the lease has run out.
    pub fn expired(&self, now: Instant) -> bool {
        self.lease > Duration::ZERO && now.duration_since(self.refreshed_at) >= self.lease
    }
}

/// Maps a vaultrs error to ours; `login_mount` marks errors of a login call.
pub fn map_error(address: &str, login_mount: Option<&str>, err: ClientError) -> CredentialsError {
    match err {
        ClientError::APIError { code, .. } if code == 503 || code == 501 => {
            CredentialsError::VaultSealed {
                address: address.to_string(),
                code,
            }
        }
        ClientError::APIError { code, .. } if login_mount.is_some() && code < 500 => {
            CredentialsError::VaultLoginDenied {
                mount: login_mount.unwrap_or_default().to_string(),
                code,
            }
        }
        ClientError::APIError { code, .. } => CredentialsError::VaultUnreachable {
            address: address.to_string(),
            detail: format!("HTTP {code}"),
        },
        ClientError::RestClientError { .. } | ClientError::ResponseEmptyError => {
            CredentialsError::VaultUnreachable {
                address: address.to_string(),
                detail: "connection failed".to_string(),
            }
        }
        other => CredentialsError::VaultSetup(other.to_string()),
    }
}

/// Writes a CA bundle to a file named by its hash (vaultrs reads CAs from paths only).
fn ca_file(pem: &str) -> Result<PathBuf, CredentialsError> {
    let dir = std::env::temp_dir().join("authpath-vault-ca");
    let name = hex::encode(Sha256::digest(pem.as_bytes()).get(..12).unwrap_or_default());
    let path = dir.join(format!("{name}.pem"));
    if !path.exists() {
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, pem))
            .map_err(|e| CredentialsError::VaultSetup(format!("writing CA bundle: {e}")))?;
    }
    Ok(path)
}

/// A client for the identity's address, namespace and CA, with no token (never `VAULT_TOKEN`).
async fn new_client(
    kube: &kube::Client,
    identity: &VaultIdentity,
) -> Result<VaultClient, CredentialsError> {
    let mut builder = VaultClientSettingsBuilder::default();
    builder
        .address(&identity.address)
        .token("")
        .namespace(identity.vault_namespace.clone())
        .timeout(Some(Duration::from_secs(10)));
    if let Some(ca) = &identity.ca_bundle {
        let pem = read_key(kube, &identity.namespace, &ca.name, &ca.key).await?;
        builder.ca_certs(vec![ca_file(&pem)?.display().to_string()]);
    }
    let settings = builder
        .build()
        .map_err(|e| CredentialsError::VaultSetup(e.to_string()))?;
    VaultClient::new(settings).map_err(|e| CredentialsError::VaultSetup(e.to_string()))
}

/// Mints a short-lived ServiceAccount token with TokenRequest.
pub async fn service_account_token(
    kube: &kube::Client,
    namespace: &str,
    service_account: &str,
    audience: Option<&str>,
) -> Result<String, CredentialsError> {
    let request = TokenRequest {
        spec: Some(k8s_openapi::api::authentication::v1::TokenRequestSpec {
            audiences: Some(audience.map(|a| vec![a.to_string()]).unwrap_or_default()),
            expiration_seconds: Some(600),
            ..Default::default()
        }),
        ..Default::default()
    };
    let err = |source| CredentialsError::TokenRequest {
        namespace: namespace.to_string(),
        name: service_account.to_string(),
        source,
    };
    Api::<ServiceAccount>::namespaced(kube.clone(), namespace)
        .create_token_request(service_account, &PostParams::default(), &request)
        .await
        .map_err(err)?
        .status
        .and_then(|s| s.token)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| CredentialsError::VaultSetup("TokenRequest returned no token".into()))
}

/// Logs in and returns a fresh session.
pub async fn login(
    kube: &kube::Client,
    identity: &VaultIdentity,
) -> Result<VaultSession, CredentialsError> {
    let mut client = new_client(kube, identity).await?;
    let address = &identity.address;
    let owned = !matches!(identity.method, LoginMethod::Token { .. });
    let (token, renewable, lease) = match &identity.method {
        LoginMethod::Kubernetes {
            mount,
            role,
            service_account,
            audience,
        } => {
            let jwt = service_account_token(
                kube,
                &identity.namespace,
                service_account,
                audience.as_deref(),
            )
            .await?;
            let auth = vaultrs::auth::kubernetes::login(&client, mount, role, &jwt)
                .await
                .map_err(|e| map_error(address, Some(mount), e))?;
            (auth.client_token, auth.renewable, auth.lease_duration)
        }
        LoginMethod::AppRole {
            mount,
            role_id,
            secret_id,
        } => {
            let secret_id =
                read_key(kube, &identity.namespace, &secret_id.name, &secret_id.key).await?;
            let auth = vaultrs::auth::approle::login(&client, mount, role_id, &secret_id)
                .await
                .map_err(|e| map_error(address, Some(mount), e))?;
            (auth.client_token, auth.renewable, auth.lease_duration)
        }
        LoginMethod::Token { token } => {
            let token = read_key(kube, &identity.namespace, &token.name, &token.key).await?;
            client.set_token(&token);
            let info = vaultrs::token::lookup_self(&client)
                .await
                .map_err(|e| map_error(address, Some("token"), e))?;
            (token, info.renewable.unwrap_or(false), info.ttl)
        }
    };
    client.set_token(&token);
    Ok(VaultSession {
        client,
        owned,
        renewable,
        lease: Duration::from_secs(lease),
        refreshed_at: Instant::now(),
    })
}

/// Renews the session's token in place.
pub async fn renew(session: &mut VaultSession, address: &str) -> Result<(), CredentialsError> {
    let auth = vaultrs::token::renew_self(&session.client, None)
        .await
        .map_err(|e| map_error(address, None, e))?;
    session.lease = Duration::from_secs(auth.lease_duration);
    session.refreshed_at = Instant::now();
    Ok(())
}

/// Revokes the session's own token (`auth/token/revoke-self`).
pub async fn revoke(session: &VaultSession, address: &str) -> Result<(), CredentialsError> {
    vaultrs::token::revoke_self(&session.client)
        .await
        .map_err(|e| map_error(address, None, e))
}

/// Reads the client credentials from KV v1 or v2.
pub async fn read_client_credentials(
    session: &VaultSession,
    spec: &VaultCredentials,
) -> Result<ClientCredentials, CredentialsError> {
    let secret = &spec.secret;
    let result: Result<HashMap<String, serde_json::Value>, ClientError> = if secret.kv_version == 1
    {
        vaultrs::kv1::get(&session.client, &secret.mount, &secret.path).await
    } else {
        vaultrs::kv2::read(&session.client, &secret.mount, &secret.path).await
    };
    let data = result.map_err(|e| match e {
        ClientError::APIError { code, .. } if code != 503 && code != 501 => {
            CredentialsError::VaultSecretUnreadable {
                mount: secret.mount.clone(),
                path: secret.path.clone(),
                code,
            }
        }
        other => map_error(&spec.address, None, other),
    })?;
    let field = |name: &str| {
        data.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| CredentialsError::VaultFieldMissing {
                mount: secret.mount.clone(),
                path: secret.path.clone(),
                field: name.to_string(),
            })
    };
    Ok(ClientCredentials {
        client_id: field(&secret.client_id_key)?,
        client_secret: field(&secret.client_secret_key)?,
    })
}

#[cfg(test)]
#[path = "vault_tests.rs"]
mod tests;
