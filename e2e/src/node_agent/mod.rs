//! The node agent: a stand-in for the kubelet (and for the Job and Deployment controllers) in a
//! control plane that has no container runtime.
//!
//! It watches Jobs and Deployments in one namespace or in all of them. For each one whose pod template has a
//! container whose image contains [`NodeAgentConfig::image_match`] (this project's image), it runs
//! that container as a local process of the `authpath` binary:
//! - arguments from the container's `command` (an `authpath` entry point is replaced by the local
//!   binary) and `args`;
//! - environment from `env` (`value`, `secretKeyRef`, `configMapKeyRef`, `fieldRef` for the pod's
//!   namespace/name/service account) and `envFrom` (Secrets and ConfigMaps), nothing inherited
//!   from the test process except `PATH` and `RUST_LOG`;
//! - Secret, ConfigMap and projected service-account-token volumes written into a per-pod root
//!   directory at their `mountPath`; argument and environment values that start with a mount path
//!   are rewritten to point there; the default service-account mount
//!   (`/var/run/secrets/kubernetes.io/serviceaccount`) is written the same way;
//! - `KUBECONFIG` pointing at a kubeconfig with a TokenRequest token of the pod's ServiceAccount,
//!   so the process talks to the real apiserver with its own identity and RBAC;
//! - for Deployments, each declared `containerPort` gets a free port on 127.0.0.1 per replica:
//!   arguments and environment values `HOST:PORT` on that port with a wildcard or loopback host
//!   (`0.0.0.0:8080`, `:8080`) are rewritten to it, and [`NodeAgent::service_address`] resolves a
//!   Service port to it (selector against the pod template's labels, `targetPort` by name or
//!   number) the way kube-proxy would route it.
//!
//! It then writes Job status (`active`, `startTime`, then `succeeded`/`failed`, `completionTime`,
//! `SuccessCriteriaMet`+`Complete` or `FailureTarget`+`Failed` conditions) and Deployment status
//! (`replicas`, `readyReplicas`, `availableReplicas`, `updatedReplicas`, `observedGeneration`,
//! `Available`/`Progressing` conditions) the way the kubelet and the controllers would.
//!
//! [`NodeAgent::kill_job`] kills a running Job's process, as a node losing the pod would.
//!
//! What it does NOT emulate: no Pod or ReplicaSet objects are created; no garbage collector (owner
//! references do not cascade: deleting a parent leaves its children); no Endpoints, DNS or
//! cluster networking (processes listen on 127.0.0.1, reached through the port map); no probes (a running process counts as ready); a
//! Job runs once (no `backoffLimit` retries, no parallelism, no `activeDeadlineSeconds`); no
//! resource limits, security contexts, init containers or sidecars; Deployment processes are
//! restarted after they exit, with a fixed one-second delay.

mod deployments;
mod jobs;
mod pod;
mod ports;
mod process;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use crate::error::E2eError;
use crate::plane::ControlPlane;
use ports::PortMap;

/// What the agent runs and where.
#[derive(Debug, Clone)]
pub struct NodeAgentConfig {
    /// The local `authpath` binary that stands in for the image.
    pub binary: PathBuf,
    /// A container whose image contains this text is run (e.g. `authpath`).
    pub image_match: String,
    /// Directory for per-pod roots and process logs.
    pub work_dir: PathBuf,
    /// Watch only this namespace (one agent per test), or every namespace when `None`.
    pub namespace: Option<String>,
    /// apiserver URL and CA file written into the kubeconfig handed to processes.
    pub apiserver_url: String,
    pub ca_file: PathBuf,
}

impl NodeAgentConfig {
    /// Restricts the agent to one namespace.
    pub fn in_namespace(mut self, namespace: &str) -> NodeAgentConfig {
        self.namespace = Some(namespace.to_string());
        self
    }

    /// Config for `plane`, running `binary` for images containing `authpath`.
    pub fn new(plane: &ControlPlane, binary: PathBuf, work_dir: PathBuf) -> NodeAgentConfig {
        NodeAgentConfig {
            binary,
            image_match: "authpath".to_string(),
            work_dir,
            namespace: None,
            apiserver_url: plane.apiserver_url.clone(),
            ca_file: plane.ca_file.clone(),
        }
    }
}

/// The process groups of the Jobs running now, by `namespace/name` (what a test kills to play a
/// node losing a pod).
#[derive(Debug, Clone, Default)]
pub struct RunningJobs(Arc<Mutex<HashMap<String, i32>>>);

impl RunningJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i32>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn insert(&self, key: &str, group: i32) {
        self.lock().insert(key.to_string(), group);
    }

    fn remove(&self, key: &str) {
        self.lock().remove(key);
    }

    /// `namespace/name` of every Job whose process runs now.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.lock().keys().cloned().collect();
        names.sort();
        names
    }
}

/// A running agent; dropping it stops the watchers and kills every process it started.
pub struct NodeAgent {
    tasks: Vec<JoinHandle<()>>,
    ports: PortMap,
    running: RunningJobs,
}

impl NodeAgent {
    /// Starts watching Jobs and Deployments with an admin `client`.
    pub fn start(client: kube::Client, config: NodeAgentConfig) -> NodeAgent {
        let ports = PortMap::default();
        let running = RunningJobs::default();
        let jobs = tokio::spawn(jobs::run(client.clone(), config.clone(), running.clone()));
        let deployments = tokio::spawn(deployments::run(client, config, ports.clone()));
        NodeAgent {
            tasks: vec![jobs, deployments],
            ports,
            running,
        }
    }

    /// The Jobs whose processes run now.
    pub fn running_jobs(&self) -> &RunningJobs {
        &self.running
    }

    /// Kills the process group of Job `namespace/name` with SIGKILL, as a node that loses the
    /// pod would; the Job is then marked failed like any other failed run. False when no such
    /// process runs.
    pub fn kill_job(&self, namespace: &str, name: &str) -> bool {
        let group = self
            .running
            .lock()
            .get(&format!("{namespace}/{name}"))
            .copied();
        match group {
            Some(group) => {
                process::kill_group(group);
                true
            }
            None => false,
        }
    }

    /// The local address serving port `port` of Service `namespace/service`, once a replica the
    /// Service selects runs (`None` before).
    pub async fn service_address(
        &self,
        client: &kube::Client,
        namespace: &str,
        service: &str,
        port: i32,
    ) -> Result<Option<SocketAddr>, E2eError> {
        self.ports
            .service_address(client, namespace, service, port)
            .await
    }
}

impl Drop for NodeAgent {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
