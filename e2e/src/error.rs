//! The one error type of the e2e harness.

use std::path::PathBuf;

/// Everything that can go wrong while starting, attaching to or using the test control plane.
#[derive(Debug, thiserror::Error)]
pub enum E2eError {
    /// A control-plane script (`up`, `down`, `build`) could not run or failed.
    #[error("control-plane script {script} failed: {detail}")]
    Script { script: String, detail: String },
    /// The plane's environment (exports printed by `up`) lacks a variable.
    #[error("control-plane environment is missing {0}")]
    MissingEnv(&'static str),
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A YAML document could not be parsed.
    #[error("{path}: invalid YAML: {detail}")]
    Yaml { path: PathBuf, detail: String },
    /// A call to the Kubernetes API failed.
    #[error("kubernetes API: {0}")]
    Kube(#[from] kube::Error),
    /// The kubeconfig written by `up` could not be loaded.
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
    /// A call to OpenBao failed at the transport level.
    #[error("OpenBao request: {0}")]
    Http(#[from] reqwest::Error),
    /// OpenBao answered with an error status.
    #[error("OpenBao {path}: HTTP {status}: {body}")]
    OpenBao {
        path: String,
        status: u16,
        body: String,
    },
    /// A condition was not reached in time.
    #[error("timed out waiting for {0}")]
    Timeout(String),
    /// A local process started by the node agent could not be spawned.
    #[error("spawning {program}: {source}")]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A shared fixture failed to start earlier in this test binary.
    #[error("shared control plane unavailable: {0}")]
    Shared(String),
}
