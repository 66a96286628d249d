//! Integration and e2e harness for authpath.
//!
//! Gives a test a *real* Kubernetes control plane (kube-apiserver + etcd built from Go modules,
//! no kubelet, no controller-manager) and a real OpenBao dev server, both started by the scripts in
//! `e2e/controlplane/` and shared by all tests of one test binary. Tests isolate themselves with a
//! namespace each ([`TestNamespace`]). [`apply_crd_dir`] installs CRDs from a directory, and the
//! [`node_agent`] stands in for the kubelet by running this project's Jobs and Deployments as local
//! processes.

pub mod crds;
pub mod error;
pub mod namespace;
pub mod node_agent;
pub mod openbao;
pub mod openbao_dev;
pub mod plane;

pub use crds::apply_crd_dir;
pub use error::E2eError;
pub use namespace::TestNamespace;
pub use node_agent::{NodeAgent, NodeAgentConfig, RunningJobs};
pub use openbao::OpenBao;
pub use openbao_dev::DevOpenBao;
pub use plane::ControlPlane;
