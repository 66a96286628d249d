//! The receiver over real HTTP on loopback: the three body formats, the token check, the body
//! limit, malformed bodies, duplicates, a full queue, graceful drain, and signals plus a
//! debounced rescan through the in-memory cluster side.

use std::sync::Arc;
use std::time::Duration;

use authpath::findings::{ObjectKind, ObjectRef};
use authpath::receiver::output::SharedOutput;
use authpath::receiver::{
    Cluster, FindingRef, MemoryFindingIndex, MemoryRescanRequester, MemorySignalSink,
    ReceiverConfig, RunningReceiver, Token, bind, start,
};
use serde_json::{Value, json};

const TOKEN: &str = "rcv-test-token-0123456789abcdef";

struct Harness {
    rx: RunningReceiver,
    out: SharedOutput,
    signals: Arc<MemorySignalSink>,
    rescans: Arc<MemoryRescanRequester>,
    url: String,
    http: reqwest::Client,
}

async fn harness(tune: impl FnOnce(&mut ReceiverConfig)) -> Harness {
    let index = MemoryFindingIndex::new();
    index.replace(vec![(
        FindingRef {
            name: "acme-path-1".into(),
            rule: "path.signup-to-admin".into(),
        },
        vec![
            ObjectRef::new(ObjectKind::Client, "Web"),
            ObjectRef::new(ObjectKind::Action, "Grant admin"),
        ],
    )]);
    let signals = Arc::new(MemorySignalSink::default());
    let rescans = Arc::new(MemoryRescanRequester::default());
    let cluster = Cluster {
        index: Arc::new(index),
        signals: signals.clone(),
        rescans: rescans.clone(),
    };
    let mut config = ReceiverConfig {
        flush_every: Duration::from_millis(50),
        ..ReceiverConfig::default()
    };
    config.pipeline.rescan_quiet_ms = 300;
    tune(&mut config);
    let out = SharedOutput::default();
    let listener = bind("127.0.0.1:0").await.unwrap();
    let rx = start(
        listener,
        config,
        Token::new(TOKEN).unwrap(),
        cluster,
        Box::new(out.clone()),
        std::future::pending(),
    )
    .unwrap();
    let url = format!("http://{}", rx.addr);
    Harness {
        rx,
        out,
        signals,
        rescans,
        url,
        http: reqwest::Client::new(),
    }
}

impl Harness {
    async fn post(&self, auth: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, String) {
        let mut req = self
            .http
            .post(format!("{}/", self.url))
            .header("content-type", "application/json")
            .body(body);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// The `/metrics` text.
    async fn metrics(&self) -> String {
        let response = self.http.get(format!("{}/metrics", self.url)).send();
        response.await.unwrap().text().await.unwrap()
    }

    async fn wait_lines(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let lines: Vec<Value> = self
                .out
                .contents()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if lines.len() >= n {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("expected {n} lines, got: {}", self.out.contents());
    }
}

fn envelope(id: u64, data: Value) -> Value {
    let log_id = format!("9002026010100000000000000000000000000000000000000{id:07}");
    let mut data = data;
    data["log_id"] = json!(log_id);
    data["date"] = json!("2026-01-01T00:00:00.000Z");
    json!({"log_id": log_id, "data": data})
}

fn login(id: u64, client: &str) -> Value {
    envelope(
        id,
        json!({"type": "s", "client_id": "cid", "client_name": client, "ip": "81.2.69.143",
        "connection": "Username-Password-Authentication", "user_id": "auth0|1", "hostname": "acme.eu.auth0.com"}),
    )
}

fn action_update(id: u64) -> Value {
    envelope(
        id,
        json!({"type": "sapi", "description": "Update an action", "details": {
        "request": {"method": "patch", "path": "/api/v2/actions/actions/a-1", "body": {"code": "exports.x=1"},
            "auth": {"strategy": "jwt", "user": {}, "credentials": {}}, "channel": "api"},
        "response": {"body": {"id": "a-1", "name": "Grant admin"}, "statusCode": 200}}}),
    )
}

#[tokio::test]
async fn accepts_all_three_formats() {
    let h = harness(|_| {}).await;
    let array = json!([login(1, "Web"), login(2, "Intranet")]).to_string();
    assert_eq!(h.post(Some(TOKEN), array).await.0, 200);
    let lines = format!("{}\n{}\n", login(3, "Web"), login(4, "Web"));
    assert_eq!(h.post(Some(&format!("Bearer {TOKEN}")), lines).await.0, 200);
    let object = json!({"logs": [login(5, "Web")]}).to_string();
    assert_eq!(h.post(Some(TOKEN), object).await.0, 200);
    let single = login(6, "Web").to_string();
    let (status, body) = h.post(Some(TOKEN), single).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"accepted":1,"duplicates":0}"#)
    );
    let lines = h.wait_lines(6).await;
    assert!(lines.iter().all(|l| l["category"] == "login-success"));
    h.rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_or_missing_token_is_401_and_nothing_is_queued() {
    let h = harness(|_| {}).await;
    let body = json!([login(1, "Web")]).to_string();
    assert_eq!(h.post(Some("Bearer nope"), body.clone()).await.0, 401);
    assert_eq!(h.post(None, body.clone()).await.0, 401);
    assert_eq!(h.post(Some(&TOKEN[1..]), body.clone()).await.0, 401);
    assert_eq!(h.rx.queue.depth(), 0);
    h.rx.shutdown().await.unwrap();
    assert!(h.out.contents().is_empty());
}

#[tokio::test]
async fn oversized_body_is_413_and_malformed_is_400_with_a_reason() {
    let h = harness(|c| c.body_limit = 4096).await;
    let big: Vec<Value> = (0..100).map(|i| login(i, "Web")).collect();
    assert_eq!(h.post(Some(TOKEN), json!(big).to_string()).await.0, 413);
    let (status, msg) = h
        .post(
            Some(TOKEN),
            "{\"log_id\":\"1\",\"data\":{\"type\":\"s\"}}\n{oops",
        )
        .await;
    assert_eq!(status, 400);
    assert!(msg.contains("line 2"), "{msg}");
    let (status, msg) = h
        .post(Some(TOKEN), "[{\"log_id\":\"1\",\"data\":{}}]")
        .await;
    assert_eq!(status, 400);
    assert!(msg.contains("has no `type`"), "{msg}");
    h.rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn duplicates_are_acknowledged_but_processed_once() {
    let h = harness(|_| {}).await;
    let body = json!([login(1, "Web"), login(2, "Web")]).to_string();
    assert_eq!(
        h.post(Some(TOKEN), body.clone()).await,
        (200, r#"{"accepted":2,"duplicates":0}"#.into())
    );
    assert_eq!(
        h.post(Some(TOKEN), body).await,
        (200, r#"{"accepted":0,"duplicates":2}"#.into())
    );
    h.wait_lines(2).await;
    let metrics = h.metrics().await;
    assert!(
        metrics.contains("authpath_receiver_duplicate_events_total 2"),
        "{metrics}"
    );
    h.rx.shutdown().await.unwrap();
    assert_eq!(h.out.contents().lines().count(), 2);
}

#[tokio::test]
async fn full_queue_is_503_then_drains_on_shutdown() {
    let h = harness(|c| {
        c.queue_capacity = 3;
        c.start_paused = true;
    })
    .await;
    assert_eq!(
        h.post(
            Some(TOKEN),
            json!([login(1, "Web"), login(2, "Web")]).to_string()
        )
        .await
        .0,
        200
    );
    let (status, _) = h
        .post(
            Some(TOKEN),
            json!([login(3, "Web"), login(4, "Web")]).to_string(),
        )
        .await;
    assert_eq!(status, 503);
    assert_eq!(
        h.post(Some(TOKEN), json!([login(5, "Web")]).to_string())
            .await
            .0,
        200
    );
    let ready = h
        .http
        .get(format!("{}/readyz", h.url))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(ready, 200);
    let out = h.out.clone();
    h.rx.shutdown().await.unwrap();
    let ids: Vec<String> = out
        .contents()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["log_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 3, "every accepted event processed before exit");
}

#[tokio::test]
async fn signals_on_findings_and_one_debounced_rescan() {
    // A quiet period well above the time three loopback posts take, even on a loaded machine.
    let h = harness(|c| c.pipeline.rescan_quiet_ms = 1000).await;
    let body = json!([login(1, "Web"), login(2, "Web"), login(3, "Intranet")]).to_string();
    assert_eq!(h.post(Some(TOKEN), body).await.0, 200);
    for i in 10..13 {
        assert_eq!(
            h.post(Some(TOKEN), json!([action_update(i)]).to_string())
                .await
                .0,
            200
        );
    }
    let lines = h.wait_lines(6).await;
    assert_eq!(lines[3]["detections"][0]["id"], "code-changed");
    for _ in 0..300 {
        if !h.rescans.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let requests = h.rescans.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].starts_with("3 configuration changes"),
        "{}",
        requests[0]
    );
    let total = h.signals.total("acme-path-1").unwrap();
    assert_eq!(
        total.count, 5,
        "two logins through Web and three Action changes"
    );
    assert!(h.signals.total("Intranet").is_none());
    h.rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_and_metrics_are_open() {
    let h = harness(|_| {}).await;
    let health = h
        .http
        .get(format!("{}/healthz", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let m = h.metrics().await;
    assert!(
        m.contains("authpath_receiver_detections_total{detection=\"management-grant-created\"} 0")
    );
    h.rx.shutdown().await.unwrap();
}
