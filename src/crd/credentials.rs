//! Where an `Auth0Integration` gets the tenant's client credentials: a Secret in its namespace,
//! or Vault / OpenBao (Kubernetes or AppRole auth, KV v1 or v2).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Exactly one credentials source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "has(self.vault) != has(self.secretRef)",
    "message": "set exactly one of credentials.vault or credentials.secretRef"
}]))]
pub struct Credentials {
    /// Read the client credentials from Vault (or OpenBao).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultCredentials>,
    /// Read the client credentials from a Secret in the integration's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretCredentials>,
}

/// A key of a Secret in the integration's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// Secret name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Key inside the Secret.
    #[schemars(length(min = 1))]
    pub key: String,
}

/// Client credentials in a plain Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretCredentials {
    /// Secret name (same namespace as the integration).
    #[schemars(length(min = 1))]
    pub name: String,
    /// Key holding the client id.
    #[serde(default = "default_client_id_key")]
    pub client_id_key: String,
    /// Key holding the client secret.
    #[serde(default = "default_client_secret_key")]
    pub client_secret_key: String,
}

/// Client credentials in Vault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultCredentials {
    /// Vault address, e.g. `https://vault.example:8200`.
    #[schemars(length(min = 1))]
    pub address: String,
    /// Vault (Enterprise) or OpenBao namespace for the secret read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// CA bundle (PEM) that signed Vault's serving certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle_secret_ref: Option<SecretKeyRef>,
    /// How to log in.
    pub auth: VaultAuth,
    /// Where the client credentials are stored.
    pub secret: VaultSecret,
}

/// Exactly one Vault login method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": "(has(self.kubernetes) ? 1 : 0) + (has(self.appRole) ? 1 : 0) + (has(self.tokenSecretRef) ? 1 : 0) == 1",
    "message": "set exactly one of auth.kubernetes, auth.appRole or auth.tokenSecretRef"
}]))]
pub struct VaultAuth {
    /// Kubernetes auth with a TokenRequest token of the scan ServiceAccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<KubernetesAuth>,
    /// AppRole auth; the secret id comes from a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_role: Option<AppRoleAuth>,
    /// A Vault token stored in a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_secret_ref: Option<SecretKeyRef>,
}

/// Vault Kubernetes auth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesAuth {
    /// Vault role bound to the ServiceAccount.
    #[schemars(length(min = 1))]
    pub role: String,
    /// Mount path of the auth method.
    #[serde(default = "default_kubernetes_mount")]
    pub mount_path: String,
    /// Audience of the minted token (Vault's role `audience`); none when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// ServiceAccount whose token is used; defaults to the scan ServiceAccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
}

/// Vault AppRole auth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAuth {
    /// Mount path of the auth method.
    #[serde(default = "default_approle_mount")]
    pub mount_path: String,
    /// The role id (not secret).
    #[schemars(length(min = 1))]
    pub role_id: String,
    /// Where the secret id is.
    pub secret_id_ref: SecretKeyRef,
}

/// A KV secret holding the client credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultSecret {
    /// KV mount, e.g. `secret`.
    #[serde(default = "default_kv_mount")]
    pub mount: String,
    /// Path inside the mount, e.g. `auth0/prod`.
    #[schemars(length(min = 1))]
    pub path: String,
    /// KV engine version, 1 or 2.
    #[serde(default = "default_kv_version")]
    #[schemars(range(min = 1, max = 2))]
    pub kv_version: u8,
    /// Field holding the client id.
    #[serde(default = "default_vault_client_id_key")]
    pub client_id_key: String,
    /// Field holding the client secret.
    #[serde(default = "default_vault_client_secret_key")]
    pub client_secret_key: String,
}

fn default_client_id_key() -> String {
    "clientId".to_string()
}
fn default_client_secret_key() -> String {
    "clientSecret".to_string()
}
fn default_vault_client_id_key() -> String {
    "client_id".to_string()
}
fn default_vault_client_secret_key() -> String {
    "client_secret".to_string()
}
fn default_kubernetes_mount() -> String {
    "kubernetes".to_string()
}
fn default_approle_mount() -> String {
    "approle".to_string()
}
fn default_kv_mount() -> String {
    "secret".to_string()
}
fn default_kv_version() -> u8 {
    2
}
