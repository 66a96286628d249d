//! Start of, or attachment to, the real control plane (etcd + kube-apiserver + OpenBao).
//!
//! [`ControlPlane::shared`] starts the plane once per test binary by running
//! `e2e/controlplane/up` with `AUTHPATH_E2E_PARENT_PID` set to this process, so a watchdog stops
//! every server when the test binary exits — also when a test fails or panics. When
//! `AUTHPATH_E2E_STATE` is already set (a plane started by hand or by CI with `up`), the fixture
//! attaches to it instead and never stops it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::error::E2eError;
use crate::openbao::OpenBao;

/// Where a running plane is and how to talk to it: the variables `up` exports.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    /// Admin kubeconfig (client certificate in group `system:masters`).
    pub kubeconfig: PathBuf,
    /// `https://127.0.0.1:<port>` of the kube-apiserver.
    pub apiserver_url: String,
    /// CA certificate that signed the apiserver's serving certificate.
    pub ca_file: PathBuf,
    /// OpenBao dev server address (`http://127.0.0.1:<port>`).
    pub vault_addr: String,
    /// OpenBao root token of this run.
    pub vault_token: String,
    /// The `kubectl` binary installed next to OpenBao.
    pub kubectl: PathBuf,
    /// The OpenBao server/CLI binary (`bao`), for tests that need a server of their own.
    pub bao: PathBuf,
    /// State directory of the run (logs under `logs/`).
    pub state_dir: PathBuf,
}

static SHARED: OnceLock<Result<ControlPlane, String>> = OnceLock::new();

/// Directory of the control-plane scripts in this repository.
pub fn controlplane_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("controlplane")
}

impl ControlPlane {
    /// The plane shared by every test of this test binary, started on first use.
    pub fn shared() -> Result<&'static ControlPlane, E2eError> {
        SHARED
            .get_or_init(|| Self::attach_or_start().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| E2eError::Shared(e.clone()))
    }

    fn attach_or_start() -> Result<ControlPlane, E2eError> {
        match std::env::var_os("AUTHPATH_E2E_STATE") {
            Some(state) => {
                let env_file = PathBuf::from(state).join("env");
                let text = std::fs::read_to_string(&env_file).map_err(|source| E2eError::Io {
                    path: env_file.clone(),
                    source,
                })?;
                Self::from_exports(&text)
            }
            None => Self::start_owned(),
        }
    }

    /// Runs `up` with a watchdog tied to this process and parses what it prints.
    pub fn start_owned() -> Result<ControlPlane, E2eError> {
        let script = controlplane_dir().join("up");
        let output = Command::new(&script)
            .env("AUTHPATH_E2E_PARENT_PID", std::process::id().to_string())
            .env_remove("AUTHPATH_E2E_STATE")
            .output()
            .map_err(|source| E2eError::Io {
                path: script.clone(),
                source,
            })?;
        if !output.status.success() {
            return Err(E2eError::Script {
                script: script.display().to_string(),
                detail: format!(
                    "{}\n{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                ),
            });
        }
        Self::from_exports(&String::from_utf8_lossy(&output.stdout))
    }

    /// Parses the `export NAME=value` lines printed by `up` (values are shell-quoted with `%q`,
    /// which leaves the plain paths and URLs that `up` produces unquoted).
    pub fn from_exports(text: &str) -> Result<ControlPlane, E2eError> {
        let vars: HashMap<&str, &str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("export "))
            .filter_map(|assignment| assignment.split_once('='))
            .collect();
        let get = |name: &'static str| {
            vars.get(name)
                .map(|value| value.trim_matches('\'').to_string())
                .ok_or(E2eError::MissingEnv(name))
        };
        Ok(ControlPlane {
            kubeconfig: get("KUBECONFIG")?.into(),
            apiserver_url: get("AUTHPATH_E2E_APISERVER")?,
            ca_file: get("AUTHPATH_E2E_CA_FILE")?.into(),
            vault_addr: get("VAULT_ADDR")?,
            vault_token: get("VAULT_TOKEN")?,
            kubectl: get("AUTHPATH_E2E_KUBECTL")?.into(),
            bao: get("AUTHPATH_E2E_BAO")?.into(),
            state_dir: get("AUTHPATH_E2E_STATE")?.into(),
        })
    }

    /// A new admin client. Create one per test: a client belongs to the tokio runtime that made it.
    pub async fn client(&self) -> Result<kube::Client, E2eError> {
        let kubeconfig = kube::config::Kubeconfig::read_from(&self.kubeconfig)
            .map_err(|e| E2eError::Kubeconfig(e.to_string()))?;
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .map_err(|e| E2eError::Kubeconfig(e.to_string()))?;
        Ok(kube::Client::try_from(config)?)
    }

    /// A client for the OpenBao dev server, authenticated with the root token.
    pub fn openbao(&self) -> OpenBao {
        OpenBao::new(&self.vault_addr, &self.vault_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORTS: &str = "export KUBECONFIG=/tmp/x/kubeconfig\n\
        export VAULT_ADDR=http://127.0.0.1:8200\n\
        export VAULT_TOKEN=root-abc\n\
        export AUTHPATH_E2E_STATE=/tmp/x\n\
        export AUTHPATH_E2E_KUBECTL=/r/.venv/bin/kubectl\n\
        export AUTHPATH_E2E_BAO=/r/.venv/bin/bao\n\
        export AUTHPATH_E2E_APISERVER=https://127.0.0.1:6443\n\
        export AUTHPATH_E2E_CA_FILE=/tmp/x/certs/serving-ca.crt\n";

    #[test]
    fn parses_the_exports_that_up_prints() {
        let plane = ControlPlane::from_exports(EXPORTS).unwrap();
        assert_eq!(plane.kubeconfig, PathBuf::from("/tmp/x/kubeconfig"));
        assert_eq!(plane.vault_addr, "http://127.0.0.1:8200");
        assert_eq!(plane.vault_token, "root-abc");
        assert_eq!(plane.apiserver_url, "https://127.0.0.1:6443");
        assert_eq!(plane.state_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn a_missing_variable_is_named() {
        let without_token: String = EXPORTS
            .lines()
            .filter(|l| !l.contains("VAULT_TOKEN"))
            .map(|l| format!("{l}\n"))
            .collect();
        let err = ControlPlane::from_exports(&without_token).unwrap_err();
        assert!(matches!(err, E2eError::MissingEnv("VAULT_TOKEN")), "{err}");
    }
}
