//! Reconcile against the scripted apiserver ([`crate::operator::fake_apiserver`]): the first
//! reconcile starts a scan Job and writes status; once the Job finished and status caught up, a
//! reconcile with nothing changed writes nothing; an invalid spec gives `Ready=False` with
//! `InvalidSpec` and no Job.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Value, json};

use super::reconcile;
use crate::crd::Auth0Integration;
use crate::operator::context::Context;
use crate::operator::fake_apiserver::{FakeApiserver, Recorded};
use crate::operator::metrics::Metrics;
use crate::operator::settings::OperatorSettings;

const INTEGRATION: &str = "/apis/authpath.dev/v1alpha1/namespaces/team-a/auth0integrations/prod";
const JOBS: &str = "/apis/batch/v1/namespaces/team-a/jobs";
const SECRETS: &str = "/api/v1/namespaces/team-a/secrets";
const PLANTED_SECRET: &str = "planted-unit-secret-51c0";

fn integration_json(extra_spec: Value) -> Value {
    let mut spec = json!({
        "tenant": {"domain": "prod.eu.auth0.com"},
        "credentials": {"secretRef": {"name": "a0"}},
        "scan": {"interval": "1h", "timeout": "5m"}
    });
    crate::operator::fake_apiserver::merge(&mut spec, &extra_spec);
    json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
        "metadata": {"name": "prod", "namespace": "team-a", "uid": "1111-2222", "generation": 3,
                     "resourceVersion": "1"},
        "spec": spec
    })
}

/// An apiserver holding the integration and its credentials Secret.
fn apiserver(extra_spec: Value) -> FakeApiserver {
    let fake = FakeApiserver::new();
    fake.put(INTEGRATION, integration_json(extra_spec));
    let bytes = |s: &str| ByteString(s.as_bytes().to_vec());
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some("a0".into()),
            namespace: Some("team-a".into()),
            ..Default::default()
        },
        data: Some(BTreeMap::from([
            ("clientId".to_string(), bytes("unit-client")),
            ("clientSecret".to_string(), bytes(PLANTED_SECRET)),
        ])),
        ..Default::default()
    };
    fake.put(
        &format!("{SECRETS}/a0"),
        serde_json::to_value(&secret).expect("secret JSON"),
    );
    fake
}

async fn reconcile_once(fake: &FakeApiserver) -> Vec<Recorded> {
    fake.clear_requests();
    let integration: Auth0Integration =
        serde_json::from_value(fake.get(INTEGRATION).expect("integration")).expect("typed");
    let ctx = Context::new(
        fake.client(),
        OperatorSettings::default(),
        Metrics::default(),
    );
    reconcile(Arc::new(integration), ctx)
        .await
        .expect("reconcile succeeds");
    fake.writes()
}

fn is_event(w: &Recorded) -> bool {
    w.path.contains("/events")
}

fn condition<'a>(status: &'a Value, type_: &str) -> &'a Value {
    status["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == type_))
        .unwrap_or(&Value::Null)
}

/// Marks the only scan Job finished with success, as the Job controller would.
fn complete_the_job(fake: &FakeApiserver, job_path: &str) {
    let mut job = fake.get(job_path).expect("job stored");
    job["status"] = json!({
        "startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:01:00Z",
        "succeeded": 1,
        "conditions": [{"type": "Complete", "status": "True", "reason": "CompletionsReached",
                        "message": "done"}]
    });
    fake.put(job_path, job);
}

#[tokio::test]
async fn the_first_reconcile_starts_a_scan_job_and_writes_status() {
    let fake = apiserver(json!({}));
    let writes = reconcile_once(&fake).await;
    let job_writes: Vec<&Recorded> = writes.iter().filter(|w| w.path.starts_with(JOBS)).collect();
    assert_eq!(job_writes.len(), 1, "one Job applied: {writes:#?}");
    let job = &job_writes[0].body;
    assert_eq!(job["kind"], "Job");
    let job_name = job["metadata"]["name"].as_str().expect("job name");
    assert_eq!(job["metadata"]["ownerReferences"][0]["uid"], "1111-2222");
    // Credentials Secret applied before the Job and re-owned by it after.
    let secret_path = format!("{SECRETS}/{job_name}-creds");
    let secret_writes: Vec<usize> = writes
        .iter()
        .enumerate()
        .filter(|(_, w)| w.path == secret_path)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(secret_writes.len(), 2, "{writes:#?}");
    let job_index = writes
        .iter()
        .position(|w| w.path.starts_with(JOBS))
        .unwrap_or(0);
    assert!(secret_writes[0] < job_index && job_index < secret_writes[1]);
    let status_write = writes
        .iter()
        .find(|w| w.path == format!("{INTEGRATION}/status"))
        .expect("status patched");
    let status = &status_write.body["status"];
    assert_eq!(status["observedGeneration"], 3);
    assert_eq!(status["lastScan"]["job"], job_name);
    assert_eq!(status["lastScan"]["outcome"], "Running");
    assert_eq!(condition(status, "CredentialsReady")["status"], "True");
    assert_eq!(condition(status, "ScanSucceeded")["reason"], "ScanRunning");
    assert!(
        writes
            .iter()
            .any(|w| is_event(w) && w.body.to_string().contains("ScanStarted")),
        "a ScanStarted Event: {writes:#?}"
    );
    // The Secret's value travels only in the credentials Secret, never in a Job, status or Event.
    for w in writes.iter().filter(|w| w.path != secret_path) {
        assert!(
            !w.body.to_string().contains(PLANTED_SECRET),
            "leak in {}",
            w.path
        );
    }
}

#[tokio::test]
async fn an_idle_reconcile_with_nothing_changed_writes_nothing() {
    let fake = apiserver(json!({}));
    let first = reconcile_once(&fake).await;
    let job_name = first
        .iter()
        .find(|w| w.path.starts_with(JOBS))
        .and_then(|w| w.body["metadata"]["name"].as_str().map(str::to_string))
        .expect("a Job was started");
    let job_path = format!("{JOBS}/{job_name}");
    complete_the_job(&fake, &job_path);

    // The Job finished: status catches up and the credentials Secret goes.
    let second = reconcile_once(&fake).await;
    assert!(
        second
            .iter()
            .any(|w| w.path == format!("{INTEGRATION}/status")
                && condition(&w.body["status"], "ScanSucceeded")["reason"] == "ScanCompleted"),
        "{second:#?}"
    );
    assert!(
        second
            .iter()
            .any(|w| w.method == http::Method::DELETE
                && w.path == format!("{SECRETS}/{job_name}-creds")),
        "{second:#?}"
    );
    assert!(fake.get(&format!("{SECRETS}/{job_name}-creds")).is_none());

    // Nothing changed since: no write at all (status, children, Events).
    for round in 0..2 {
        let idle = reconcile_once(&fake).await;
        assert!(idle.is_empty(), "idle reconcile {round} wrote: {idle:#?}");
        assert!(
            !fake.requests().is_empty(),
            "the idle reconcile did read (it is not a no-op by accident)"
        );
    }
}

#[tokio::test]
async fn an_invalid_spec_is_reported_and_starts_no_job() {
    let fake = apiserver(json!({"scan": {"interval": "10s"}}));
    let writes = reconcile_once(&fake).await;
    assert!(
        writes
            .iter()
            .all(|w| !w.path.starts_with(JOBS) && !w.path.starts_with(SECRETS)),
        "no Job or Secret: {writes:#?}"
    );
    let status = &writes
        .iter()
        .find(|w| w.path == format!("{INTEGRATION}/status"))
        .expect("status patched")
        .body["status"];
    let ready = condition(status, "Ready");
    assert_eq!(ready["status"], "False");
    assert_eq!(ready["reason"], "InvalidSpec");
    assert!(
        ready["message"]
            .as_str()
            .unwrap_or_default()
            .contains("spec.scan.interval"),
        "{ready}"
    );
    // Reported once: the same invalid spec again writes nothing.
    let again = reconcile_once(&fake).await;
    assert!(again.is_empty(), "{again:#?}");
}
