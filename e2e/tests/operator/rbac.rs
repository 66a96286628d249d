//! RBAC the e2e tests grant: the scan Job's least-privilege Role, and the receiver's Role built
//! from the chart's own ClusterRole so the tests grant exactly what the chart ships.

use serde_json::{Value, json};

use crate::support::{create, repo_root};

/// The scan ServiceAccount with the least privilege the scan Job needs.
pub async fn scan_rbac(client: &kube::Client, namespace: &str) {
    create(client, namespace, json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "authpath-scan"}})).await;
    create(client, namespace, json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "authpath-scan"},
        "rules": [
            {"apiGroups": ["authpath.dev"], "resources": ["auth0integrations"], "verbs": ["get"]},
            {"apiGroups": ["authpath.dev"], "resources": ["auth0integrations/status"], "verbs": ["patch"]},
            {"apiGroups": ["authpath.dev"], "resources": ["auth0findings"], "verbs": ["get", "list", "create", "patch", "delete"]},
            {"apiGroups": ["authpath.dev"], "resources": ["auth0findings/status"], "verbs": ["patch"]}
        ]
    })).await;
    create(client, namespace, json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "authpath-scan"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "authpath-scan"},
        "subjects": [{"kind": "ServiceAccount", "name": "authpath-scan", "namespace": namespace}]
    })).await;
}

/// The rules of the chart's `<fullname>-<suffix>` ClusterRole, read from
/// `charts/authpath/templates/rbac.yaml` (template lines dropped), so tests grant exactly what
/// the chart ships.
pub fn chart_cluster_role_rules(suffix: &str) -> Value {
    let path = repo_root().join("charts/authpath/templates/rbac.yaml");
    let text = std::fs::read_to_string(&path).expect("chart RBAC template");
    let wanted = format!("authpath.fullname\" . }}}}-{suffix}\n");
    let document = text
        .split("\n---\n")
        .find(|doc| doc.contains("kind: ClusterRole\n") && doc.contains(&wanted))
        .unwrap_or_else(|| panic!("no {suffix} ClusterRole in {}", path.display()));
    let plain: String = document
        .lines()
        .filter(|line| !line.contains("{{"))
        .map(|line| format!("{line}\n"))
        .collect();
    let parsed: Value = serde_norway::from_str(&plain).expect("ClusterRole YAML");
    parsed["rules"].clone()
}

/// The receiver ServiceAccount `authpath-receiver`, bound in `namespace` to the rules of the
/// chart's receiver ClusterRole (as a Role, so the grant stays in the test's namespace).
pub async fn receiver_rbac(client: &kube::Client, namespace: &str) {
    let rules = chart_cluster_role_rules("receiver");
    create(client, namespace, json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "authpath-receiver"}})).await;
    create(client, namespace, json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "authpath-receiver"},
        "rules": rules
    })).await;
    create(client, namespace, json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "authpath-receiver"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "authpath-receiver"},
        "subjects": [{"kind": "ServiceAccount", "name": "authpath-receiver", "namespace": namespace}]
    })).await;
}
