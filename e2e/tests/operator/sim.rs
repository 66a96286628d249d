//! The `auth0-sim` Management API emulator serving the example tenant, for scan Jobs that read a
//! live tenant; faults can be switched on while it runs (`/__sim/faults`). Killed on drop.
//! [`live_rig`] sets up an operator whose integration `acme` scans it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use e2e::{ControlPlane, TestNamespace};
use serde_json::{Value, json};

use crate::rbac::scan_rbac;
use crate::scan::{PLANTED_ID, PLANTED_SECRET};
use crate::support::{
    Operator, assert_nothing_leaked, create, planted_credentials_secret, repo_root, setup,
};

/// The tenant domain the emulator serves.
pub const DOMAIN: &str = "acme-prod.eu.auth0.com";

/// A running emulator.
pub struct Sim {
    child: Child,
    pub base: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `auth0-sim` binary, built into this test's target directory.
pub fn sim_binary() -> PathBuf {
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
    /// Serves `examples/tenants/acme` as [`DOMAIN`] to the planted client credentials, with
    /// extra `auth0-sim serve` flags (e.g. `--scopes`).
    pub fn start_with(extra: &[&str]) -> Sim {
        let mut child = Command::new(sim_binary())
            .args(["serve", "--export"])
            .arg(repo_root().join("examples/tenants/acme"))
            .args(["--domain", DOMAIN, "--listen", "127.0.0.1:0"])
            .args(["--client-id", PLANTED_ID, "--client-secret", PLANTED_SECRET])
            .args(extra)
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

    /// Sets the run-time faults (`{"failAfter": N, "status": 503, "latencyMs": 200}`; `{}` clears).
    pub async fn set_faults(&self, faults: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/__sim/faults", self.base))
            .json(&faults)
            .send()
            .await
            .expect("POST /__sim/faults");
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// `GET /__sim/stats`.
    pub async fn stats(&self) -> Value {
        reqwest::Client::new()
            .get(format!("{}/__sim/stats", self.base))
            .send()
            .await
            .expect("GET /__sim/stats")
            .json()
            .await
            .expect("stats JSON")
    }
}

/// An operator whose integration `acme` (Secret credentials) scans the emulator.
pub struct LiveRig {
    pub plane: &'static ControlPlane,
    pub client: kube::Client,
    pub ns: TestNamespace,
    pub operator: Operator,
    pub sim: Sim,
}

impl LiveRig {
    /// No planted client credential in any log, Event, integration, finding or Job.
    pub async fn assert_nothing_leaked(&self) {
        assert_nothing_leaked(
            &self.client,
            &self.ns.name,
            &self.operator,
            &[PLANTED_ID, PLANTED_SECRET],
        )
        .await;
    }
}

/// Starts the emulator and the operator and creates integration `acme`; does not wait.
pub async fn live_rig(test: &str) -> LiveRig {
    live_rig_with(test, &[]).await
}

/// Like [`live_rig`], with extra `auth0-sim serve` flags.
pub async fn live_rig_with(test: &str, sim_flags: &[&str]) -> LiveRig {
    let sim = Sim::start_with(sim_flags);
    let (plane, client, ns) = setup(test).await;
    scan_rbac(&client, &ns.name).await;
    planted_credentials_secret(&client, &ns.name, "a0").await;
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
    LiveRig {
        plane,
        client,
        ns,
        operator,
        sim,
    }
}
