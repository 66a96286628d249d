//! Shared setup for the operator e2e tests: the `authpath` binary, RBAC for the scan Job, the
//! operator process, and polling helpers with bounded waits.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use e2e::{ControlPlane, NodeAgent, NodeAgentConfig, OpenBao, TestNamespace};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

use crate::scan::{PLANTED_ID, PLANTED_SECRET};

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

/// A Secret `name` holding the planted client credentials (`clientId`, `clientSecret`).
pub async fn planted_credentials_secret(client: &kube::Client, namespace: &str, name: &str) {
    create(
        client,
        namespace,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
        "stringData": {"clientId": PLANTED_ID, "clientSecret": PLANTED_SECRET}}),
    )
    .await;
}

/// Writes the planted client credentials to KV v2 path `<namespace>/auth0` of `bao` and a policy
/// that may read them; returns (path, policy name).
pub async fn vault_credentials_with_policy(bao: &OpenBao, namespace: &str) -> (String, String) {
    let path = format!("{namespace}/auth0");
    bao.write(
        &format!("secret/data/{path}"),
        &json!({"data": {"client_id": PLANTED_ID, "client_secret": PLANTED_SECRET}}),
    )
    .await
    .expect("kv write");
    let policy = format!("policy-{namespace}");
    bao.write(
        &format!("sys/policies/acl/{policy}"),
        &json!({"policy": format!("path \"secret/data/{path}\" {{ capabilities = [\"read\"] }}")}),
    )
    .await
    .expect("policy");
    (path, policy)
}

/// A running operator process and node agent for one namespace; killed on drop.
pub struct Operator {
    child: Child,
    launch: Command,
    pub work_dir: PathBuf,
    agent: NodeAgent,
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Appends to `path` (created when missing), so a restarted operator keeps the earlier log.
fn log_file(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("log file")
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
        Self::start_with(plane, client, namespace, scan_env, &[])
    }

    /// Starts the operator with `extra` command-line arguments (e.g. `--receiver-env=...`).
    pub fn start_with_args(
        plane: &ControlPlane,
        client: &kube::Client,
        namespace: &str,
        extra: &[String],
    ) -> Operator {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        Self::start_with(plane, client, namespace, &[], &extra)
    }

    /// Starts the operator with scan Job environment `scan_env` and extra operator arguments.
    pub fn start_with(
        plane: &ControlPlane,
        client: &kube::Client,
        namespace: &str,
        scan_env: &[String],
        extra_args: &[&str],
    ) -> Operator {
        let binary = authpath_binary();
        let work_dir = plane.state_dir.join("operator-e2e").join(namespace);
        std::fs::create_dir_all(&work_dir).expect("work dir");
        let mut launch = Command::new(&binary);
        launch
            .args([
                "operator",
                "--namespace",
                namespace,
                "--http-addr",
                "127.0.0.1:0",
            ])
            .args(["--image", "ghcr.io/authpath/authpath:e2e"])
            .args(scan_env.iter().map(|e| format!("--scan-job-env={e}")))
            .args(extra_args)
            .env("KUBECONFIG", &plane.kubeconfig)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null());
        let child = Self::spawn(&mut launch, &work_dir);
        let agent = NodeAgent::start(
            client.clone(),
            NodeAgentConfig::new(plane, binary, work_dir.join("pods")).in_namespace(namespace),
        );
        Operator {
            child,
            launch,
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

    fn spawn(launch: &mut Command, work_dir: &Path) -> Child {
        launch
            .stdout(log_file(&work_dir.join("operator.log")))
            .stderr(log_file(&work_dir.join("operator.err")))
            .spawn()
            .expect("operator starts")
    }

    /// The operator's process id (for `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The operator's own `/metrics` text (its address is the one it logged on start).
    pub async fn metrics(&self) -> String {
        let log = std::fs::read_to_string(self.work_dir.join("operator.log")).unwrap_or_default();
        let addr = log
            .lines()
            .rev()
            .filter(|l| l.contains("serving /metrics"))
            .find_map(|l| {
                let v: Value = serde_json::from_str(l).ok()?;
                v["fields"]["addr"].as_str().map(str::to_string)
            })
            .expect("the operator logged its metrics address");
        reqwest::get(format!("http://{addr}/metrics"))
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// The node agent running this operator's Jobs.
    pub fn agent(&self) -> &NodeAgent {
        &self.agent
    }

    /// Kills the operator process (SIGKILL, no chance to clean up) and starts a new one with the
    /// same arguments; the node agent and the Jobs it runs carry on.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = Self::spawn(&mut self.launch, &self.work_dir);
    }

    /// Stops the operator the way Kubernetes does (SIGTERM) and waits up to 30 s for it to exit;
    /// true when it exited on its own with success.
    pub async fn stop_gracefully(&mut self) -> bool {
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY: kill(2) on our own child's pid; it touches no memory.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        self.wait_exit(30).await.is_some_and(|s| s.success())
    }

    /// Waits up to `seconds` for the operator to exit by itself; its exit status.
    pub async fn wait_exit(&mut self, seconds: u64) -> Option<std::process::ExitStatus> {
        for _ in 0..seconds * 4 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        None
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

/// Greps every log of the run (operator and scan processes) and every integration, finding, Job
/// and Event of `namespace` for the `planted` values; panics naming the first one found.
pub async fn assert_nothing_leaked(
    client: &kube::Client,
    namespace: &str,
    operator: &Operator,
    planted: &[&str],
) {
    fn text<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
    let all = ListParams::default();
    let mut everything = operator.all_logs();
    let integrations = crate::objects::integrations_api(client, namespace);
    everything.push_str(&text(&integrations.list(&all).await.expect("integrations")));
    let findings = crate::objects::findings_api(client, namespace);
    everything.push_str(&text(&findings.list(&all).await.expect("findings")));
    let jobs = Api::<Job>::namespaced(client.clone(), namespace);
    everything.push_str(&text(&jobs.list(&all).await.expect("jobs")));
    let events = Api::<Event>::namespaced(client.clone(), namespace);
    everything.push_str(&text(&events.list(&all).await.expect("events")));
    for value in planted {
        assert!(!everything.contains(value), "{value} leaked");
    }
}
