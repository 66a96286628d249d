//! Turns a pod template into a local process: command line, environment, mounted files and a
//! kubeconfig carrying the pod's ServiceAccount token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, PodSpec, PodTemplateSpec, Secret, ServiceAccount, Volume,
};
use kube::api::{Api, PostParams};
use tokio::process::Command;

use super::NodeAgentConfig;
use super::ports::{LocalPort, rewrite_listen};
use crate::error::E2eError;

const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The first container whose image contains `image_match`.
pub fn project_container<'a>(
    template: &'a PodTemplateSpec,
    image_match: &str,
) -> Option<&'a Container> {
    template.spec.as_ref()?.containers.iter().find(|c| {
        c.image
            .as_deref()
            .is_some_and(|image| image.contains(image_match))
    })
}

/// Everything needed to start one replica of a pod template.
pub struct LocalPod<'a> {
    pub client: &'a kube::Client,
    pub config: &'a NodeAgentConfig,
    pub namespace: &'a str,
    pub pod_name: String,
    pub spec: &'a PodSpec,
    pub container: &'a Container,
    /// Local ports standing in for the container's ports (none for Jobs).
    pub ports: &'a [LocalPort],
}

impl LocalPod<'_> {
    /// Materialises mounts and the kubeconfig under the pod's root and returns the command,
    /// with stdout/stderr going to `<root>/container.log`.
    pub async fn prepare(&self) -> Result<Command, E2eError> {
        let root = self
            .config
            .work_dir
            .join(self.namespace)
            .join(&self.pod_name);
        write_file(&root.join(".keep"), b"")?;
        let mut mounts: Vec<(String, PathBuf)> = Vec::new();
        let service_account = self
            .spec
            .service_account_name
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let token = self.mint_token(&service_account, None, None).await?;
        let sa_dir = rooted(&root, SERVICE_ACCOUNT_MOUNT);
        write_file(&sa_dir.join("token"), token.as_bytes())?;
        write_file(&sa_dir.join("namespace"), self.namespace.as_bytes())?;
        let ca = std::fs::read(&self.config.ca_file).map_err(|source| E2eError::Io {
            path: self.config.ca_file.clone(),
            source,
        })?;
        write_file(&sa_dir.join("ca.crt"), &ca)?;
        mounts.push((SERVICE_ACCOUNT_MOUNT.to_string(), sa_dir));
        for mount in self.container.volume_mounts.iter().flatten() {
            let volume = self
                .spec
                .volumes
                .iter()
                .flatten()
                .find(|v| v.name == mount.name);
            if let Some(volume) = volume {
                let target = rooted(&root, &mount.mount_path);
                self.write_volume(volume, &target).await?;
                mounts.push((mount.mount_path.clone(), target));
            }
        }
        let kubeconfig = root.join("kubeconfig");
        write_file(&kubeconfig, self.kubeconfig(&token).as_bytes())?;

        let mut command = Command::new(&self.config.binary);
        command.args(
            self.args()
                .iter()
                .map(|a| rewrite_listen(&rewrite(a, &mounts), self.ports)),
        );
        command.env_clear();
        for name in ["PATH", "RUST_LOG", "RUST_BACKTRACE"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        for (name, value) in self.env().await? {
            command.env(name, rewrite_listen(&rewrite(&value, &mounts), self.ports));
        }
        command
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", &root)
            .current_dir(&root);
        let log_path = root.join("container.log");
        let log = std::fs::File::create(&log_path).map_err(|source| E2eError::Io {
            path: log_path.clone(),
            source,
        })?;
        let log_err = log.try_clone().map_err(|source| E2eError::Io {
            path: log_path,
            source,
        })?;
        command
            .stdout(log)
            .stderr(log_err)
            .stdin(std::process::Stdio::null());
        Ok(command)
    }

    /// `command` minus an `authpath` entry point, then `args`.
    fn args(&self) -> Vec<String> {
        let mut out: Vec<String> = self.container.command.clone().unwrap_or_default();
        if out
            .first()
            .is_some_and(|first| first.rsplit('/').next() == Some("authpath"))
        {
            out.remove(0);
        }
        out.extend(self.container.args.clone().unwrap_or_default());
        out
    }

    async fn env(&self) -> Result<Vec<(String, String)>, E2eError> {
        let mut env = Vec::new();
        for source in self.container.env_from.iter().flatten() {
            let prefix = source.prefix.clone().unwrap_or_default();
            if let Some(secret) = &source.secret_ref {
                for (k, v) in self.secret_data(&secret.name).await? {
                    env.push((
                        format!("{prefix}{k}"),
                        String::from_utf8_lossy(&v).into_owned(),
                    ));
                }
            }
            if let Some(map) = &source.config_map_ref {
                for (k, v) in self.config_map_data(&map.name).await? {
                    env.push((
                        format!("{prefix}{k}"),
                        String::from_utf8_lossy(&v).into_owned(),
                    ));
                }
            }
        }
        for var in self.container.env.iter().flatten() {
            let value = match (&var.value, &var.value_from) {
                (Some(value), _) => value.clone(),
                (None, Some(from)) => {
                    if let Some(key) = &from.secret_key_ref {
                        lookup(self.secret_data(&key.name).await?, &key.key)
                    } else if let Some(key) = &from.config_map_key_ref {
                        lookup(self.config_map_data(&key.name).await?, &key.key)
                    } else if let Some(field) = &from.field_ref {
                        match field.field_path.as_str() {
                            "metadata.namespace" => self.namespace.to_string(),
                            "metadata.name" => self.pod_name.clone(),
                            "spec.serviceAccountName" => {
                                self.spec.service_account_name.clone().unwrap_or_default()
                            }
                            _ => String::new(),
                        }
                    } else {
                        String::new()
                    }
                }
                (None, None) => String::new(),
            };
            env.push((var.name.clone(), value));
        }
        Ok(env)
    }

    async fn write_volume(&self, volume: &Volume, target: &Path) -> Result<(), E2eError> {
        if let Some(secret) = &volume.secret {
            let name = secret.secret_name.clone().unwrap_or_default();
            self.write_items(
                self.secret_data(&name).await?,
                secret.items.as_deref(),
                target,
            )?;
        }
        if let Some(map) = &volume.config_map {
            self.write_items(
                self.config_map_data(&map.name).await?,
                map.items.as_deref(),
                target,
            )?;
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(token) = &source.service_account_token {
                let sa = self
                    .spec
                    .service_account_name
                    .clone()
                    .unwrap_or_else(|| "default".to_string());
                let jwt = self
                    .mint_token(&sa, token.audience.clone(), token.expiration_seconds)
                    .await?;
                write_file(&target.join(&token.path), jwt.as_bytes())?;
            }
            if let Some(secret) = &source.secret {
                self.write_items(
                    self.secret_data(&secret.name).await?,
                    secret.items.as_deref(),
                    target,
                )?;
            }
            if let Some(map) = &source.config_map {
                self.write_items(
                    self.config_map_data(&map.name).await?,
                    map.items.as_deref(),
                    target,
                )?;
            }
        }
        Ok(())
    }

    fn write_items(
        &self,
        data: BTreeMap<String, Vec<u8>>,
        items: Option<&[k8s_openapi::api::core::v1::KeyToPath]>,
        target: &Path,
    ) -> Result<(), E2eError> {
        match items {
            Some(items) => {
                for item in items {
                    if let Some(value) = data.get(&item.key) {
                        write_file(&target.join(&item.path), value)?;
                    }
                }
            }
            None => {
                for (key, value) in &data {
                    write_file(&target.join(key), value)?;
                }
            }
        }
        Ok(())
    }

    async fn secret_data(&self, name: &str) -> Result<BTreeMap<String, Vec<u8>>, E2eError> {
        let secret: Secret = Api::namespaced(self.client.clone(), self.namespace)
            .get(name)
            .await?;
        let mut data: BTreeMap<String, Vec<u8>> = secret
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect();
        for (k, v) in secret.string_data.unwrap_or_default() {
            data.insert(k, v.into_bytes());
        }
        Ok(data)
    }

    async fn config_map_data(&self, name: &str) -> Result<BTreeMap<String, Vec<u8>>, E2eError> {
        let map: ConfigMap = Api::namespaced(self.client.clone(), self.namespace)
            .get(name)
            .await?;
        let mut data: BTreeMap<String, Vec<u8>> = map
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect();
        for (k, v) in map.binary_data.unwrap_or_default() {
            data.insert(k, v.0);
        }
        Ok(data)
    }

    async fn mint_token(
        &self,
        sa: &str,
        audience: Option<String>,
        expiration: Option<i64>,
    ) -> Result<String, E2eError> {
        let api = Api::<ServiceAccount>::namespaced(self.client.clone(), self.namespace);
        let request = TokenRequest {
            spec: Some(TokenRequestSpec {
                audiences: Some(audience.into_iter().collect()),
                expiration_seconds: Some(expiration.unwrap_or(3600)),
                ..TokenRequestSpec::default()
            }),
            ..TokenRequest::default()
        };
        let response = api
            .create_token_request(sa, &PostParams::default(), &request)
            .await?;
        Ok(response.status.and_then(|s| s.token).unwrap_or_default())
    }

    fn kubeconfig(&self, token: &str) -> String {
        let ca = self.config.ca_file.display();
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: {}\n    certificate-authority: {ca}\n\
             users:\n- name: pod\n  user:\n    token: {token}\ncontexts:\n- name: e2e\n  context:\n    cluster: e2e\n    user: pod\n    namespace: {}\n\
             current-context: e2e\n",
            self.config.apiserver_url, self.namespace
        )
    }
}

fn lookup(data: BTreeMap<String, Vec<u8>>, key: &str) -> String {
    data.get(key)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

/// `mount_path` placed under `root` (leading `/` dropped).
fn rooted(root: &Path, mount_path: &str) -> PathBuf {
    root.join(mount_path.trim_start_matches('/'))
}

/// Replaces a leading mount path in `value` (or in the value part of `--flag=value`) with its
/// local directory.
fn rewrite(value: &str, mounts: &[(String, PathBuf)]) -> String {
    if let Some(local) = rewrite_path(value, mounts) {
        return local;
    }
    if let Some((flag, path)) = value.split_once('=')
        && let Some(local) = rewrite_path(path, mounts)
    {
        return format!("{flag}={local}");
    }
    value.to_string()
}

fn rewrite_path(value: &str, mounts: &[(String, PathBuf)]) -> Option<String> {
    // A path below a mount that already exists on this machine (e.g. a checkout under /tmp
    // while the pod mounts an emptyDir at /tmp) is the host's own path: keep it.
    if value.len() > 1 && Path::new(value).exists() && !mounts.iter().any(|(m, _)| m == value) {
        return None;
    }
    mounts.iter().find_map(|(mount_path, local)| {
        let rest = value.strip_prefix(mount_path.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("{}{rest}", local.display()))
    })
}

fn write_file(path: &Path, contents: &[u8]) -> Result<(), E2eError> {
    let io = |source| E2eError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, contents).map_err(io)
}

#[cfg(test)]
#[path = "pod_tests.rs"]
mod tests;
