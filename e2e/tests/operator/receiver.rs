//! The receiver against the cluster: an integration with `logStream.enabled` gets findings and a
//! receiver Deployment plus token Secret; `authpath receiver --integration NS/NAME` (run here as a
//! local process with the token from the operator's Secret) turns a Log Stream batch updating
//! the Action `CRM Profile Sync` into a runtime signal on a finding naming that Action and a new
//! `authpath.dev/rescan` value on the integration; a wrong token gets 401.

use std::process::{Child, Command, Stdio};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DynamicObject, ListParams};
use serde_json::{Value, json};

use crate::objects::{findings_api, integrations_api};
use crate::scan::integration;
use crate::support::{Operator, authpath_binary, create, scan_rbac, setup, wait_for};

const ACTION: &str = "CRM Profile Sync";

/// The local receiver process; killed on drop.
struct Receiver(Child);

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn names_action(finding: &DynamicObject) -> bool {
    let named = |list: &Value| {
        list.as_array().is_some_and(|items| {
            items
                .iter()
                .any(|o| o["kind"] == "action" && o["name"] == ACTION)
        })
    };
    named(&finding.data["spec"]["objects"]) || named(&finding.data["spec"]["path"])
}

fn rescan_value(object: &DynamicObject) -> Option<String> {
    object
        .metadata
        .annotations
        .as_ref()?
        .get("authpath.dev/rescan")
        .cloned()
}

#[tokio::test]
async fn receiver_signals_findings_and_requests_a_rescan() {
    let (plane, client, ns) = setup("operator-receiver").await;
    let namespace = ns.name.clone();
    scan_rbac(&client, &namespace).await;
    create(
        &client,
        &namespace,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a0"},
        "stringData": {"clientId": "id", "clientSecret": "secret"}}),
    )
    .await;
    let operator = Operator::start(plane, &client, &namespace);
    let mut spec = integration("acme", json!({"secretRef": {"name": "a0"}}));
    spec["spec"]["logStream"] = json!({"enabled": true});
    create(&client, &namespace, spec).await;

    let findings_api = findings_api(&client, &namespace);
    let integrations = integrations_api(&client, &namespace);
    // Open, not just present: the scan Job applies every spec before any status.
    let target = wait_for(180, "an open finding naming the Action", || {
        let api = findings_api.clone();
        async move {
            let list = api
                .list(&ListParams::default().labels("authpath.dev/integration=acme"))
                .await
                .map_err(|e| e.to_string())?;
            list.items
                .into_iter()
                .find(|f| names_action(f) && f.data["status"]["state"] == "open")
                .ok_or_else(|| "no finding names the Action yet".to_string())
        }
    })
    .await;
    let target_name = target.metadata.name.clone().expect("finding name");
    let deployments = Api::<Deployment>::namespaced(client.clone(), &namespace);
    wait_for(60, "the receiver Deployment", || {
        let api = deployments.clone();
        async move { api.get("acme-receiver").await.map_err(|e| e.to_string()) }
    })
    .await;
    let secrets = Api::<Secret>::namespaced(client.clone(), &namespace);
    let secret = wait_for(60, "the receiver token Secret", || {
        let api = secrets.clone();
        async move {
            api.get("acme-receiver-token")
                .await
                .map_err(|e| e.to_string())
        }
    })
    .await;
    let token = secret
        .data
        .as_ref()
        .and_then(|d| d.get("token"))
        .map(|b| String::from_utf8_lossy(&b.0).into_owned())
        .expect("token in the Secret");
    let before = rescan_value(&integrations.get("acme").await.expect("integration"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log_dir = std::env::var_os("AUTHPATH_E2E_RECEIVER_LOGS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| operator.work_dir.join("receiver"));
    std::fs::create_dir_all(&log_dir).expect("log dir");
    let _receiver = Receiver(
        Command::new(authpath_binary())
            .args(["receiver", "--integration", &format!("{namespace}/acme")])
            .args(["--listen", &addr, "--flush-secs", "1"])
            .args(["--rescan-quiet-secs", "1", "--rescan-max-delay-secs", "2"])
            .env("KUBECONFIG", &plane.kubeconfig)
            .env("AUTHPATH_RECEIVER_TOKEN", &token)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(log_dir.join("receiver.log")).expect("log"))
            .stderr(std::fs::File::create(log_dir.join("receiver.err")).expect("log"))
            .spawn()
            .expect("receiver starts"),
    );
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/logs");
    wait_for(60, "the receiver to listen", || {
        let http = http.clone();
        let url = format!("http://{addr}/healthz");
        async move {
            http.get(&url)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    })
    .await;

    let batch = json!([{
        "log_id": "90020240501000000000000000000001",
        "type": "sapi",
        "date": "2026-01-01T00:00:00Z",
        "details": {
            "request": {"method": "patch", "path": "/api/v2/actions/actions/act_crm",
                        "body": {"code": "exports.onExecutePostLogin = async () => {};"}},
            "response": {"body": {"id": "act_crm", "name": ACTION}}
        }
    }]);
    let wrong = http
        .post(&url)
        .header("Authorization", "Bearer not-the-token")
        .json(&batch)
        .send()
        .await
        .expect("post with a wrong token");
    assert_eq!(wrong.status().as_u16(), 401);
    let ok = http
        .post(&url)
        .header("Authorization", format!("Bearer {token}"))
        .json(&batch)
        .send()
        .await
        .expect("post");
    assert!(ok.status().is_success(), "batch accepted: {}", ok.status());

    let signaled = wait_for(60, "a runtime signal on the finding", || {
        let api = findings_api.clone();
        let name = target_name.clone();
        async move {
            let f = api.get(&name).await.map_err(|e| e.to_string())?;
            match f.data["status"]["runtime"]["signals"].as_u64() {
                Some(n) if n >= 1 => Ok(f),
                _ => Err(format!("{}", f.data["status"])),
            }
        }
    })
    .await;
    assert!(signaled.data["status"]["runtime"]["lastSignal"].is_string());
    assert_eq!(signaled.data["status"]["state"], json!("open"));
    wait_for(60, "a new rescan annotation value", || {
        let api = integrations.clone();
        let before = before.clone();
        async move {
            let i = api.get("acme").await.map_err(|e| e.to_string())?;
            match rescan_value(&i) {
                Some(v) if Some(&v) != before.as_ref() => Ok(v),
                other => Err(format!("{other:?}")),
            }
        }
    })
    .await;
    assert!(
        !operator.all_logs().contains(&token),
        "the receiver token never appears in logs"
    );
}
