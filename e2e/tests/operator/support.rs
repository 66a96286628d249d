//! Shared setup for the operator e2e tests: the `authpath` binary, RBAC for the scan Job, the
//! operator process, and polling helpers with bounded waits.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use e2e::{ControlPlane, NodeAgent, NodeAgentConfig, TestNamespace};
use kube::api::{Api, DynamicObject, PostParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

/// Root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e lives in the repository")
        .to_path_buf()
}

/// The `authpath` binary next to this test executable (`cargo test --workspace` builds it).
pub fn authpath_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AUTHPATH_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("authpath");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo build --bin authpath` (or set AUTHPATH_BIN)",
        binary.display()
    );
    binary
}

/// The shared plane, an admin client, a namespace, and the project CRDs installed.
pub async fn setup(test: &str) -> (&'static ControlPlane, kube::Client, TestNamespace) {
    let plane = ControlPlane::shared().expect("control plane starts");
    let client = plane.client().await.expect("admin client");
    e2e::apply_crd_dir(&client, &repo_root().join("crds"))
        .await
        .expect("project CRDs are accepted");
    let namespace = TestNamespace::create(&client, test)
        .await
        .expect("namespace");
    (plane, client, namespace)
}

/// Creates `object` (any kind) from JSON in `namespace`.
pub async fn create(client: &kube::Client, namespace: &str, object: Value) {
    let api_version = object["apiVersion"]
        .as_str()
        .expect("apiVersion")
        .to_string();
    let kind = object["kind"].as_str().expect("kind").to_string();
    let (group, version) = api_version.split_once('/').unwrap_or(("", &api_version));
    let plural = match kind.as_str() {
        "ServiceAccount" => "serviceaccounts".to_string(),
        "Secret" => "secrets".to_string(),
        "Role" => "roles".to_string(),
        "RoleBinding" => "rolebindings".to_string(),
        "Auth0Integration" => "auth0integrations".to_string(),
        other => panic!("no plural for {other}"),
    };
    let resource = ApiResource {
        group: group.to_string(),
        version: version.to_string(),
        api_version: api_version.clone(),
        kind,
        plural,
    };
    let api = Api::<DynamicObject>::namespaced_with(client.clone(), namespace, &resource);
    let object: DynamicObject = serde_json::from_value(object).expect("object");
    api.create(&PostParams::default(), &object)
        .await
        .expect("create");
}

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

/// A running operator process and node agent for one namespace; killed on drop.
pub struct Operator {
    child: Child,
    pub work_dir: PathBuf,
    agent: NodeAgent,
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Operator {
    /// Starts `authpath operator` for `namespace` and a node agent that runs its Jobs.
    pub fn start(plane: &ControlPlane, client: &kube::Client, namespace: &str) -> Operator {
        Self::start_with_export(
            plane,
            client,
            namespace,
            &repo_root().join("examples/tenants/acme"),
        )
    }

    /// Like [`Operator::start`], with scan Jobs reading `export`.
    pub fn start_with_export(
        plane: &ControlPlane,
        client: &kube::Client,
        namespace: &str,
        export: &Path,
    ) -> Operator {
        let env = format!("AUTHPATH_SCAN_EXPORT_DIR={}", export.display());
        Self::start_with_scan_env(plane, client, namespace, &[env])
    }

    /// Starts the operator with `NAME=VALUE` entries added to every scan Job's environment.
    pub fn start_with_scan_env(
        plane: &ControlPlane,
        client: &kube::Client,
        namespace: &str,
        scan_env: &[String],
    ) -> Operator {
        let args: Vec<String> = scan_env
            .iter()
            .map(|e| format!("--scan-job-env={e}"))
            .collect();
        Self::start_with_args(plane, client, namespace, &args)
    }

    /// Starts the operator with `extra` command-line arguments (e.g. `--receiver-env=...`).
    pub fn start_with_args(
        plane: &ControlPlane,
        client: &kube::Client,
        namespace: &str,
        extra: &[String],
    ) -> Operator {
        let binary = authpath_binary();
        let work_dir = plane.state_dir.join("operator-e2e").join(namespace);
        std::fs::create_dir_all(&work_dir).expect("work dir");
        let log = work_dir.join("operator.log");
        let child = Command::new(&binary)
            .args([
                "operator",
                "--namespace",
                namespace,
                "--http-addr",
                "127.0.0.1:0",
            ])
            .args(["--image", "ghcr.io/authpath/authpath:e2e"])
            .args(extra)
            .env("KUBECONFIG", &plane.kubeconfig)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("log"))
            .stderr(std::fs::File::create(work_dir.join("operator.err")).expect("log"))
            .spawn()
            .expect("operator starts");
        let agent = NodeAgent::start(
            client.clone(),
            NodeAgentConfig::new(plane, binary, work_dir.join("pods")).in_namespace(namespace),
        );
        Operator {
            child,
            work_dir,
            agent,
        }
    }

    /// The local address the node agent serves Service `service` port `port` on, once a
    /// replica behind it runs.
    pub async fn service_address(
        &self,
        client: &kube::Client,
        namespace: &str,
        service: &str,
        port: i32,
    ) -> Result<Option<std::net::SocketAddr>, String> {
        self.agent
            .service_address(client, namespace, service, port)
            .await
            .map_err(|e| e.to_string())
    }

    /// Every log the run produced: the operator's and every scan process's.
    pub fn all_logs(&self) -> String {
        let mut text = String::new();
        collect_files(&self.work_dir, &mut text);
        text
    }
}

fn collect_files(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            // The mounted credentials directory is the one place the values are meant to be.
            if name != "credentials" && name != "serviceaccount" {
                collect_files(&path, out);
            }
        } else if name.ends_with(".log") || name.ends_with(".err") {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// Polls `probe` every 250 ms for up to `seconds`; panics with `what` (and the last value).
pub async fn wait_for<T, F, Fut>(seconds: u64, what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let mut last = String::new();
    for _ in 0..seconds * 4 {
        match probe().await {
            Ok(value) => return value,
            Err(e) => last = e,
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("timed out waiting for {what}; last: {last}");
}

/// `kubectl <args>` against the plane; returns stdout.
pub fn kubectl(plane: &ControlPlane, args: &[&str]) -> String {
    let out = Command::new(&plane.kubectl)
        .args(args)
        .env("KUBECONFIG", &plane.kubeconfig)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
