//! The operator against a live Management API: scan Jobs read the example tenant from the
//! `auth0-sim` emulator (no export shortcut), with credentials from a Secret, and the mission's
//! attack paths arrive as `Auth0Finding`s.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;
use serde_json::json;

use crate::scan::{PLANTED_ID, PLANTED_SECRET, assert_scan_results};
use crate::support::{Operator, create, repo_root, scan_rbac, setup};

const DOMAIN: &str = "acme-prod.eu.auth0.com";

/// The emulator serving `examples/tenants/acme`, killed on drop.
struct Sim {
    child: Child,
    base: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sim_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "auth0-sim", "--bin", "auth0-sim"])
        .current_dir(repo_root())
        .status()
        .expect("cargo build -p auth0-sim");
    assert!(status.success(), "building auth0-sim failed");
    let exe = std::env::current_exe().expect("test exe");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    profile.join(format!("auth0-sim{}", std::env::consts::EXE_SUFFIX))
}

impl Sim {
    fn start() -> Sim {
        let mut child = Command::new(sim_binary())
            .args(["serve", "--export"])
            .arg(repo_root().join("examples/tenants/acme"))
            .args(["--domain", DOMAIN, "--listen", "127.0.0.1:0"])
            .args(["--client-id", PLANTED_ID, "--client-secret", PLANTED_SECRET])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start auth0-sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no base URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Sim { child, base }
    }
}

#[tokio::test]
async fn scan_jobs_read_the_live_tenant_and_report_the_mission_paths() {
    let sim = Sim::start();
    let (plane, client, ns) = setup("operator-live").await;
    scan_rbac(&client, &ns.name).await;
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a0"},
        "stringData": {"clientId": PLANTED_ID, "clientSecret": PLANTED_SECRET}}),
    )
    .await;
    let operator = Operator::start_with_scan_env(
        plane,
        &client,
        &ns.name,
        &[format!("AUTH0_API_BASE={}", sim.base)],
    );
    create(
        &client,
        &ns.name,
        json!({
            "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
            "metadata": {"name": "acme"},
            "spec": {"tenant": {"domain": DOMAIN}, "credentials": {"secretRef": {"name": "a0"}},
                     "scan": {"interval": "1h", "timeout": "5m"}}
        }),
    )
    .await;
    assert_scan_results(plane, &client, &ns.name, "acme", &operator).await;

    let findings = Api::<DynamicObject>::namespaced_with(
        client.clone(),
        &ns.name,
        &ApiResource {
            group: "authpath.dev".into(),
            version: "v1alpha1".into(),
            api_version: "authpath.dev/v1alpha1".into(),
            kind: "Auth0Finding".into(),
            plural: "auth0findings".into(),
        },
    )
    .list(&ListParams::default())
    .await
    .expect("findings");
    let rules: Vec<&str> = findings
        .items
        .iter()
        .filter_map(|f| f.data["spec"]["rule"].as_str())
        .collect();
    for rule in [
        "path.signup-metadata-laundered-to-privilege",
        "path.email-verified-trust-to-privilege",
        "path.leaked-m2m-secret-management-api",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}
