//! Pipeline tests: one event in, detections, signals, rescans, metrics and the stdout line out.

use serde_json::{Value, json};

use super::*;
use crate::findings::{ObjectKind, ObjectRef};
use crate::receiver::correlate::MemoryFindingIndex;
use crate::receiver::detect::DetectionKind;
use crate::receiver::event::event_from;
use crate::receiver::output::SharedOutput;

fn pipeline() -> (Pipeline, SharedOutput, Arc<Metrics>) {
    let index = MemoryFindingIndex::new();
    index.replace(vec![(
        FindingRef {
            name: "acme-web-path".into(),
            rule: "path.signup".into(),
        },
        vec![
            ObjectRef::new(ObjectKind::Client, "Web"),
            ObjectRef::new(ObjectKind::Action, "Grant admin"),
        ],
    )]);
    let out = SharedOutput::default();
    let metrics = Arc::new(Metrics::new());
    let p = Pipeline::new(
        &PipelineConfig::default(),
        Arc::new(index),
        metrics.clone(),
        Box::new(out.clone()),
    );
    (p, out, metrics)
}

#[test]
fn login_on_a_path_becomes_a_signal_and_a_line() {
    let (mut p, out, metrics) = pipeline();
    let e = event_from(
        json!({"log_id": "901", "type": "s", "date": "2026-01-01T00:00:00Z",
        "client_name": "Web", "connection": "Username-Password-Authentication"}),
    );
    let o = p.process(&e, 0);
    assert_eq!(o.findings.len(), 1);
    assert!(!o.rescan_noted);
    let sig = p.signals.drain();
    assert_eq!(sig.len(), 1);
    assert_eq!(
        (sig[0].finding.as_str(), sig[0].sample_log_id.as_str()),
        ("acme-web-path", "901")
    );
    assert!(
        sig[0].reason.contains("through client Web"),
        "{}",
        sig[0].reason
    );
    let line: Value = serde_json::from_str(out.contents().trim()).unwrap();
    assert_eq!(line["findings"][0], "acme-web-path");
    assert_eq!(metrics.signals.get(), 1);
}

#[test]
fn action_deploy_signals_detects_and_notes_a_rescan() {
    let (mut p, _out, metrics) = pipeline();
    let e = event_from(
        json!({"log_id": "902", "type": "sapi", "date": "2026-01-01T00:00:00Z",
        "details": {"request": {"method": "patch", "path": "/api/v2/actions/actions/a1", "body": {"code": "x"}},
            "response": {"body": {"id": "a1", "name": "Grant admin"}}}}),
    );
    let o = p.process(&e, 0);
    assert_eq!(o.detections[0].id, DetectionKind::CodeChanged);
    assert!(o.rescan_noted);
    assert_eq!(p.signals.drain()[0].reason, "Action Grant admin updated");
    assert!(p.rescans.take_pending().is_some());
    assert_eq!(metrics.detection_count(DetectionKind::CodeChanged), 1);
}

#[test]
fn unrelated_events_touch_nothing() {
    let (mut p, out, _) = pipeline();
    let user = event_from(json!({"log_id": "903", "type": "sapi",
        "details": {"request": {"method": "post", "path": "/api/v2/users", "body": {}}}}));
    let o = p.process(&user, 0);
    assert!(!o.rescan_noted && o.findings.is_empty() && o.detections.is_empty());
    let other = event_from(json!({"log_id": "904", "type": "s", "client_name": "Intranet"}));
    assert!(p.process(&other, 0).findings.is_empty());
    assert!(p.signals.is_empty());
    assert_eq!(out.contents().lines().count(), 2);
}
