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

use std::net::SocketAddr;
use std::path::PathBuf;

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

/// A running agent; dropping it stops the watchers and kills every process it started.
pub struct NodeAgent {
    tasks: Vec<JoinHandle<()>>,
    ports: PortMap,
}

impl NodeAgent {
    /// Starts watching Jobs and Deployments with an admin `client`.
    pub fn start(client: kube::Client, config: NodeAgentConfig) -> NodeAgent {
        let ports = PortMap::default();
        let jobs = tokio::spawn(jobs::run(client.clone(), config.clone()));
        let deployments = tokio::spawn(deployments::run(client, config, ports.clone()));
        NodeAgent {
            tasks: vec![jobs, deployments],
            ports,
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
