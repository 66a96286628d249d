//! The receiver as the operator deploys it: an integration with `logStream.enabled` gets findings,
//! a receiver Deployment, Service and token Secret; the node agent runs the Deployment's pod (the
//! `authpath-receiver` ServiceAccount bound to the chart's receiver rules, the token Secret
//! mounted as a file) and the test posts to the Service. Batches in all three formats with the
//! right token are accepted, a wrong token gets 401, an oversized body 413, redelivered events
//! are acknowledged and counted once; changes to the Action `CRM Profile Sync` become runtime
//! signals (count, last seen, sample `log_id`) and Events on the finding naming it, and the burst
//! of changes becomes one rescan annotation and one rescan Job.

use std::net::SocketAddr;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, DynamicObject, ListParams};
use serde_json::{Value, json};

use crate::objects::{findings_api, integrations_api};
use crate::rbac::{receiver_rbac, scan_rbac};
use crate::scan::integration;
use crate::support::{Operator, create, repo_root, setup, wait_for};

const ACTION: &str = "CRM Profile Sync";
/// Seconds the receiver waits for quiet, and at most, before requesting a rescan.
const QUIET_SECS: u64 = 2;
const MAX_DELAY_SECS: u64 = 10;

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

/// A Management API change to the Action, as Auth0 records it (`sapi`).
fn action_change(log_id: &str, date: &str, method: &str, path: &str) -> Value {
    json!({
        "log_id": log_id,
        "type": "sapi",
        "date": date,
        "description": "Update an action",
        "details": {
            "request": {"method": method, "path": path,
                        "body": {"code": "exports.onExecutePostLogin = async () => {};"}},
            "response": {"statusCode": 200, "body": {"id": "act_crm", "name": ACTION}}
        }
    })
}

/// The rescan Jobs of the integration (trigger `rescan-<value>`).
async fn rescan_jobs(jobs: &Api<Job>) -> Result<Vec<String>, String> {
    let list = jobs
        .list(&ListParams::default().labels("authpath.dev/integration=acme"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(list
        .items
        .into_iter()
        .filter(|j| {
            j.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("authpath.dev/trigger"))
                .is_some_and(|t| t.starts_with("rescan-"))
        })
        .filter_map(|j| j.metadata.name)
        .collect())
}

struct Poster {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Poster {
    async fn post(&self, token: &str, content_type: &str, body: Vec<u8>) -> u16 {
        self.http
            .post(&self.url)
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("post to the receiver")
            .status()
            .as_u16()
    }

    async fn accepted(&self, content_type: &str, body: Vec<u8>) {
        let status = self.post(&self.token, content_type, body).await;
        assert_eq!(status, 200, "batch ({content_type}) accepted");
    }
}

#[tokio::test]
async fn operator_deployed_receiver_signals_findings_and_requests_one_rescan() {
    let (plane, client, ns) = setup("operator-receiver").await;
    let namespace = ns.name.clone();
    scan_rbac(&client, &namespace).await;
    receiver_rbac(&client, &namespace).await;
    create(
        &client,
        &namespace,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a0"},
        "stringData": {"clientId": "id", "clientSecret": "secret"}}),
    )
    .await;
    let export = repo_root().join("examples/tenants/acme");
    let operator = Operator::start_with_args(
        plane,
        &client,
        &namespace,
        &[
            format!(
                "--scan-job-env=AUTHPATH_SCAN_EXPORT_DIR={}",
                export.display()
            ),
            "--receiver-env=RUST_LOG=info".to_string(),
            "--receiver-env=AUTHPATH_RECEIVER_FLUSH_SECS=1".to_string(),
            format!("--receiver-env=AUTHPATH_RECEIVER_RESCAN_QUIET_SECS={QUIET_SECS}"),
            format!("--receiver-env=AUTHPATH_RECEIVER_RESCAN_MAX_DELAY_SECS={MAX_DELAY_SECS}"),
        ],
    );
    let mut spec = integration("acme", json!({"secretRef": {"name": "a0"}}));
    // Tuned detection: the receiver pod must start with these flags and still answer.
    spec["spec"]["logStream"] = json!({"enabled": true, "detection": {
        "failedLoginsPerIp": 50, "expectedAllowlist": ["203.0.113.0/24"]
    }});
    create(&client, &namespace, spec).await;

    let findings_api = findings_api(&client, &namespace);
    let integrations = integrations_api(&client, &namespace);
    // Open, not just present: the scan Job applies every spec before any status.
    let jobs = Api::<Job>::namespaced(client.clone(), &namespace);
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
                .ok_or_else(|| "no open finding names the Action yet".to_string())
        }
    })
    .await;
    let target_name = target.metadata.name.clone().expect("finding name");
    let deployment = Api::<Deployment>::namespaced(client.clone(), &namespace)
        .get("acme-receiver")
        .await
        .expect("the operator created the receiver Deployment");
    let pod = deployment
        .spec
        .and_then(|s| s.template.spec)
        .expect("pod spec");
    assert_eq!(
        pod.service_account_name.as_deref(),
        Some("authpath-receiver")
    );
    let args = pod.containers[0].args.clone().unwrap_or_default();
    for flag in [
        "--failed-logins-per-ip=50",
        "--expected-allowlist=203.0.113.0/24",
    ] {
        assert!(args.iter().any(|a| a == flag), "{flag} missing in {args:?}");
    }
    let secret = Api::<Secret>::namespaced(client.clone(), &namespace)
        .get("acme-receiver-token")
        .await
        .expect("the receiver token Secret");
    let token = secret
        .data
        .as_ref()
        .and_then(|d| d.get("token"))
        .map(|b| String::from_utf8_lossy(&b.0).into_owned())
        .expect("token in the Secret");

    // The node agent runs the pod; post to the Service as Auth0 would.
    let addr: SocketAddr = wait_for(90, "the receiver Service to have a running backend", || {
        let (operator, client, namespace) = (&operator, &client, &namespace);
        async move {
            operator
                .service_address(client, namespace, "acme-receiver", 80)
                .await?
                .ok_or_else(|| "no replica behind the Service yet".to_string())
        }
    })
    .await;
    let http = reqwest::Client::new();
    wait_for(90, "the receiver to answer /healthz", || {
        let http = http.clone();
        async move {
            let r = http
                .get(format!("http://{addr}/healthz"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            r.status()
                .is_success()
                .then_some(())
                .ok_or_else(|| r.status().to_string())
        }
    })
    .await;
    let before = rescan_value(&integrations.get("acme").await.expect("integration"));
    let poster = Poster {
        http: http.clone(),
        url: format!("http://{addr}/logs"),
        token: token.clone(),
    };

    let first = action_change(
        "90020260101000000000000000000001",
        "2026-01-01T00:00:01.000Z",
        "patch",
        "/api/v2/actions/actions/act_crm",
    );
    let second = action_change(
        "90020260101000000000000000000002",
        "2026-01-01T00:00:02.000Z",
        "post",
        "/api/v2/actions/actions/act_crm/deploy",
    );
    let third = action_change(
        "90020260101000000000000000000003",
        "2026-01-01T00:00:03.000Z",
        "patch",
        "/api/v2/actions/actions/act_crm",
    );
    let array = serde_json::to_vec(&json!([first])).expect("array");
    let wrong = poster
        .post("not-the-token", "application/json", array.clone())
        .await;
    assert_eq!(wrong, 401, "a wrong token is refused");
    let oversized = poster
        .post(&token, "application/json", vec![b' '; 10 * 1024 * 1024 + 1])
        .await;
    assert_eq!(oversized, 413, "a body over the 10 MiB limit is refused");

    // JSON array, JSON lines of `{log_id, data}` envelopes, one JSON object.
    poster.accepted("application/json", array.clone()).await;
    let envelope = json!({"log_id": second["log_id"], "data": second});
    let lines = format!("{envelope}\n");
    poster
        .accepted("application/x-ndjson", lines.clone().into_bytes())
        .await;
    let object = serde_json::to_vec(&third).expect("object");
    poster.accepted("application/json", object.clone()).await;
    // Redeliveries are acknowledged like any batch.
    poster.accepted("application/json", array).await;
    poster
        .accepted("application/x-ndjson", lines.into_bytes())
        .await;
    poster.accepted("application/json", object).await;

    let signaled = wait_for(60, "three runtime signals on the finding", || {
        let api = findings_api.clone();
        let name = target_name.clone();
        async move {
            let f = api.get(&name).await.map_err(|e| e.to_string())?;
            match f.data["status"]["runtime"]["signals"].as_u64() {
                Some(n) if n >= 3 => Ok(f),
                _ => Err(format!("{}", f.data["status"])),
            }
        }
    })
    .await;
    let runtime = &signaled.data["status"]["runtime"];
    assert_eq!(runtime["lastSignal"], json!("2026-01-01T00:00:03.000Z"));
    assert_eq!(
        runtime["sampleLogId"],
        json!("90020260101000000000000000000003")
    );
    assert_eq!(
        signaled.data["status"]["state"],
        json!("open"),
        "{}",
        signaled.data["status"]
    );

    let events = Api::<Event>::namespaced(client.clone(), &namespace);
    let event = wait_for(60, "a RuntimeSignal Event on the finding", || {
        let api = events.clone();
        let name = target_name.clone();
        async move {
            let list = api
                .list(&ListParams::default())
                .await
                .map_err(|e| e.to_string())?;
            list.items
                .into_iter()
                .find(|e| {
                    e.reason.as_deref() == Some("RuntimeSignal")
                        && e.regarding.as_ref().and_then(|r| r.name.as_deref())
                            == Some(name.as_str())
                })
                .ok_or_else(|| "no Event yet".to_string())
        }
    })
    .await;
    assert_eq!(
        event.regarding.as_ref().and_then(|r| r.kind.as_deref()),
        Some("Auth0Finding")
    );
    assert!(
        event
            .note
            .as_deref()
            .unwrap_or("")
            .contains("9002026010100000000000000000000"),
        "the Event names a sample log_id: {:?}",
        event.note
    );

    // The burst of changes becomes one rescan request and one rescan Job.
    let requested = wait_for(60, "a new rescan annotation value", || {
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
    let first_jobs = wait_for(60, "a rescan Job", || {
        let jobs = jobs.clone();
        async move {
            let names = rescan_jobs(&jobs).await?;
            (!names.is_empty())
                .then_some(names)
                .ok_or_else(|| "no rescan Job yet".to_string())
        }
    })
    .await;
    assert_eq!(first_jobs.len(), 1, "one rescan Job: {first_jobs:?}");
    // Past the longest debounce and a few flushes, nothing more was requested.
    tokio::time::sleep(std::time::Duration::from_secs(MAX_DELAY_SECS + 3)).await;
    let after = rescan_value(&integrations.get("acme").await.expect("integration"));
    assert_eq!(after, Some(requested), "one rescan per burst");
    assert_eq!(
        rescan_jobs(&jobs).await.expect("jobs"),
        first_jobs,
        "one rescan Job per burst"
    );
    let settled = findings_api.get(&target_name).await.expect("finding");
    assert_eq!(
        settled.data["status"]["runtime"]["signals"],
        json!(3),
        "redelivered events are counted once"
    );

    let logs = operator.all_logs();
    assert!(
        logs.contains("90020260101000000000000000000003"),
        "classified events are written to the receiver's stdout"
    );
    assert!(
        !logs.contains(&token),
        "the receiver token never appears in logs"
    );
}
