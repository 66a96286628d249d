//! One namespace per test, so tests sharing a control plane do not see each other's objects.
//!
//! Namespaces are never deleted: without kube-controller-manager a deleted namespace stays in
//! `Terminating` forever, and the whole plane is thrown away when the test binary ends.

use std::sync::atomic::{AtomicU32, Ordering};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};

use crate::error::E2eError;

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// A namespace created for one test.
#[derive(Debug, Clone)]
pub struct TestNamespace {
    /// The namespace's name, e.g. `e2e-watch-sees-change-4711-3`.
    pub name: String,
}

impl TestNamespace {
    /// Creates a fresh namespace whose name starts with a DNS-safe form of `test_name`.
    pub async fn create(client: &kube::Client, test_name: &str) -> Result<TestNamespace, E2eError> {
        let name = namespace_name(
            test_name,
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed),
        );
        let namespace: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": name, "labels": { "authpath.dev/e2e": "true" } }
        }))
        .map_err(|e| E2eError::Kubeconfig(e.to_string()))?;
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await?;
        Ok(TestNamespace { name })
    }
}

/// `e2e-<sanitised test name>-<pid>-<counter>`, at most 63 characters, DNS-1123 label.
fn namespace_name(test_name: &str, pid: u32, counter: u32) -> String {
    let suffix = format!("-{pid}-{counter}");
    let mut stem: String = test_name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    stem.truncate(63 - 4 - suffix.len());
    let stem = stem.trim_matches('-');
    format!("e2e-{stem}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dns_labels() {
        let name = namespace_name("smoke::Watch_Sees::change", 42, 7);
        assert_eq!(name, "e2e-smoke--watch-sees--change-42-7");
    }

    #[test]
    fn long_names_are_cut_to_63_characters() {
        let name = namespace_name(&"x".repeat(200), 4_294_967_295, 4_294_967_295);
        assert!(name.len() <= 63, "{} chars", name.len());
        assert!(name.ends_with("-4294967295-4294967295"));
        assert!(!name.contains("--4294967295"));
    }
}
