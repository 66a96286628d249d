//! Smoke tests proving the test control plane is the real thing: CRD schemas, server-side apply,
//! watches, status subresources, TokenRequest/TokenReview through OpenBao's Kubernetes auth.
//! All tests of this binary share one plane; each works in its own namespace.

mod kube_api;
mod node_agent;
mod openbao_auth;

use std::path::PathBuf;

use e2e::{ControlPlane, TestNamespace};

/// The shared plane, a fresh client and a fresh namespace for `test_name`.
pub async fn setup(test_name: &str) -> (&'static ControlPlane, kube::Client, TestNamespace) {
    let plane = ControlPlane::shared().expect("control plane starts");
    let client = plane.client().await.expect("admin client");
    let namespace = TestNamespace::create(&client, test_name)
        .await
        .expect("test namespace");
    (plane, client, namespace)
}

/// The harness's own test CRDs (`e2e/testdata/crds`).
pub fn test_crd_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/crds")
}
