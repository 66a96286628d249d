//! The cluster [`SignalSink`] and [`RescanRequester`]: runtime signals become a server-side apply
//! (field manager `authpath-receiver`) of `status.runtime {signals, lastSignal, sampleLogId}` on
//! the finding, adding to the stored total, plus one Kubernetes Event per finding; a rescan is a
//! merge patch of a new `authpath.dev/rescan` value (the current time) on the `Auth0Integration`.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::ObjectReference;
use kube::Resource;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use serde_json::{Value, json};

use crate::crd::{Auth0Finding, Auth0Integration, RESCAN_ANNOTATION};

use super::error::ReceiverError;
use super::kube_index::{KubeFindingIndex, stored_signals};
use super::signals::{RescanRequester, RuntimeSignal, SignalSink};

/// Field manager of the receiver's writes.
pub const RECEIVER_MANAGER: &str = "authpath-receiver";

/// Longest Event note the API server accepts.
const NOTE_LIMIT: usize = 1024;

/// The apply body setting `status.runtime` of the signal's finding to `total` signals, the
/// latest one's date and `log_id`.
pub fn runtime_apply_body(signal: &RuntimeSignal, total: u64) -> Value {
    json!({
        "apiVersion": Auth0Finding::api_version(&()),
        "kind": Auth0Finding::kind(&()),
        "metadata": { "name": signal.finding },
        "status": { "runtime": {
            "signals": total,
            "lastSignal": signal.last_seen,
            "sampleLogId": signal.sample_log_id,
        } },
    })
}

/// The merge patch setting the rescan annotation to `value`.
pub fn rescan_patch(value: &str) -> Value {
    json!({ "metadata": { "annotations": { RESCAN_ANNOTATION: value } } })
}

/// The Event note of one signal (at most 1024 bytes, cut on a character boundary).
pub fn signal_note(signal: &RuntimeSignal) -> String {
    let mut note = format!(
        "{} log event(s) touched this finding; latest {} ({}): {}",
        signal.count, signal.last_seen, signal.sample_log_id, signal.reason
    );
    if note.len() > NOTE_LIMIT {
        let mut cut = NOTE_LIMIT;
        while !note.is_char_boundary(cut) {
            cut -= 1;
        }
        note.truncate(cut);
    }
    note
}

/// The new total: the larger of the cached and the last written total, plus `count`. The
/// cache may not have seen our previous write yet; the written total keeps us from recounting.
pub fn next_total(cached: u64, written: Option<u64>, count: u64) -> u64 {
    cached.max(written.unwrap_or(0)).saturating_add(count)
}

fn sink_error(sink: &'static str) -> impl Fn(kube::Error) -> ReceiverError {
    move |e| ReceiverError::Sink {
        sink,
        message: e.to_string(),
    }
}

/// Writes runtime signals to `Auth0Finding.status.runtime` and Events.
pub struct KubeSignalSink {
    api: Api<Auth0Finding>,
    index: KubeFindingIndex,
    recorder: Recorder,
    namespace: String,
    written: Mutex<HashMap<String, u64>>,
}

impl KubeSignalSink {
    pub fn new(client: kube::Client, namespace: &str, index: KubeFindingIndex) -> Self {
        let reporter = Reporter {
            controller: RECEIVER_MANAGER.to_string(),
            instance: std::env::var("POD_NAME").ok(),
        };
        KubeSignalSink {
            api: Api::namespaced(client.clone(), namespace),
            index,
            recorder: Recorder::new(client, reporter),
            namespace: namespace.to_string(),
            written: Mutex::new(HashMap::new()),
        }
    }

    fn reference(&self, name: &str) -> ObjectReference {
        match self.index.get(name) {
            Some(f) => f.object_ref(&()),
            None => ObjectReference {
                api_version: Some(Auth0Finding::api_version(&()).into_owned()),
                kind: Some(Auth0Finding::kind(&()).into_owned()),
                name: Some(name.to_string()),
                namespace: Some(self.namespace.clone()),
                ..ObjectReference::default()
            },
        }
    }

    async fn publish_one(&self, signal: &RuntimeSignal) -> Result<(), ReceiverError> {
        let cached = self
            .index
            .get(&signal.finding)
            .map_or(0, |f| stored_signals(&f));
        let written = self
            .written
            .lock()
            .ok()
            .and_then(|m| m.get(&signal.finding).copied());
        let total = next_total(cached, written, signal.count);
        let body = runtime_apply_body(signal, total);
        self.api
            .patch_status(
                &signal.finding,
                &PatchParams::apply(RECEIVER_MANAGER).force(),
                &Patch::Apply(&body),
            )
            .await
            .map_err(sink_error("status.runtime"))?;
        if let Ok(mut m) = self.written.lock() {
            m.insert(signal.finding.clone(), total);
        }
        let event = Event {
            type_: EventType::Normal,
            reason: "RuntimeSignal".to_string(),
            note: Some(signal_note(signal)),
            action: "Correlate".to_string(),
            secondary: None,
        };
        if let Err(e) = self
            .recorder
            .publish(&event, &self.reference(&signal.finding))
            .await
        {
            tracing::warn!(error = %e, finding = %signal.finding, "publishing an Event failed");
        }
        Ok(())
    }
}

impl SignalSink for KubeSignalSink {
    fn publish(&self, signals: Vec<RuntimeSignal>) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async move {
            let mut first_error = None;
            for signal in &signals {
                if let Err(e) = self.publish_one(signal).await {
                    tracing::warn!(error = %e, finding = %signal.finding, "writing a runtime signal failed");
                    first_error.get_or_insert(e);
                }
            }
            first_error.map_or(Ok(()), Err)
        })
    }
}

/// Asks for rescans through the integration's `authpath.dev/rescan` annotation.
pub struct KubeRescanRequester {
    api: Api<Auth0Integration>,
    integration: String,
}

impl KubeRescanRequester {
    pub fn new(client: kube::Client, namespace: &str, integration: &str) -> Self {
        KubeRescanRequester {
            api: Api::namespaced(client, namespace),
            integration: integration.to_string(),
        }
    }
}

impl RescanRequester for KubeRescanRequester {
    fn request_rescan(&self, reason: String) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async move {
            let value = jiff::Timestamp::now().to_string();
            self.api
                .patch(
                    &self.integration,
                    &PatchParams::default(),
                    &Patch::Merge(&rescan_patch(&value)),
                )
                .await
                .map_err(sink_error("rescan annotation"))?;
            tracing::info!(integration = %self.integration, %value, %reason, "rescan requested");
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(reason: &str) -> RuntimeSignal {
        RuntimeSignal {
            finding: "acme-f1".into(),
            count: 3,
            last_seen: "2024-05-01T10:00:00.000Z".into(),
            sample_log_id: "9001".into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn apply_body_sets_only_runtime_status() {
        let body = runtime_apply_body(&signal("login"), 5);
        assert_eq!(body["apiVersion"], "authpath.dev/v1alpha1");
        assert_eq!(body["kind"], "Auth0Finding");
        assert_eq!(body["metadata"]["name"], "acme-f1");
        assert_eq!(body["status"]["runtime"]["signals"], 5);
        assert_eq!(
            body["status"]["runtime"]["lastSignal"],
            "2024-05-01T10:00:00.000Z"
        );
        assert_eq!(body["status"]["runtime"]["sampleLogId"], "9001");
        assert!(body["status"].get("state").is_none());
    }

    #[test]
    fn rescan_patch_sets_the_annotation() {
        let p = rescan_patch("2024-05-01T10:00:00Z");
        assert_eq!(
            p["metadata"]["annotations"]["authpath.dev/rescan"],
            "2024-05-01T10:00:00Z"
        );
    }

    #[test]
    fn totals_add_to_the_larger_of_cache_and_last_write() {
        assert_eq!(next_total(0, None, 3), 3);
        assert_eq!(next_total(4, None, 3), 7);
        // The cache has not seen our write of 7 yet.
        assert_eq!(next_total(4, Some(7), 2), 9);
        // Someone else raised it beyond our write.
        assert_eq!(next_total(10, Some(7), 1), 11);
        assert_eq!(next_total(u64::MAX, None, 1), u64::MAX);
    }

    #[test]
    fn note_names_count_and_reason_and_stays_bounded() {
        let n = signal_note(&signal("Action CRM Profile Sync deployed"));
        assert!(n.starts_with("3 log event(s)"));
        assert!(n.contains("Action CRM Profile Sync deployed"));
        assert!(n.contains("9001"));
        let long = signal_note(&signal(&"é".repeat(2000)));
        assert!(long.len() <= NOTE_LIMIT);
    }
}
