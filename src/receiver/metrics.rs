//! Prometheus metrics of the receiver (prefix `authpath_receiver`), with bounded labels: HTTP
//! responses by status code, events by category, detections by id, plus duplicates, runtime
//! signals, rescans, sink failures and the queue depth.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::classify::Category;
use super::detect::DetectionKind;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CategoryLabel {
    category: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DetectionLabel {
    detection: String,
}

/// The receiver's metrics and their registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    responses: Family<StatusLabel, Counter>,
    events: Family<CategoryLabel, Counter>,
    detections: Family<DetectionLabel, Counter>,
    pub duplicates: Counter,
    pub signals: Counter,
    pub rescans: Counter,
    pub sink_errors: Counter,
    pub queue_depth: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("authpath_receiver");
        let m = Metrics {
            registry: Registry::default(),
            responses: Family::default(),
            events: Family::default(),
            detections: Family::default(),
            duplicates: Counter::default(),
            signals: Counter::default(),
            rescans: Counter::default(),
            sink_errors: Counter::default(),
            queue_depth: Gauge::default(),
        };
        registry.register(
            "http_responses",
            "HTTP responses by status code",
            m.responses.clone(),
        );
        registry.register(
            "events",
            "Accepted log events by category",
            m.events.clone(),
        );
        registry.register(
            "detections",
            "Detections raised, by detection id",
            m.detections.clone(),
        );
        registry.register(
            "duplicate_events",
            "Events dropped as already-seen log_ids",
            m.duplicates.clone(),
        );
        registry.register(
            "runtime_signals",
            "Events that touched an open finding",
            m.signals.clone(),
        );
        registry.register(
            "rescans_requested",
            "Debounced rescans requested",
            m.rescans.clone(),
        );
        registry.register(
            "sink_errors",
            "Failed writes of signals or rescan requests",
            m.sink_errors.clone(),
        );
        registry.register(
            "queue_depth",
            "Events admitted and not yet processed",
            m.queue_depth.clone(),
        );
        for d in DetectionKind::ALL {
            let _ = m.detections.get_or_create(&DetectionLabel {
                detection: d.as_str().into(),
            });
        }
        Metrics { registry, ..m }
    }

    pub fn response(&self, status: u16) {
        self.responses.get_or_create(&StatusLabel { status }).inc();
    }

    pub fn event(&self, category: Category) {
        self.events
            .get_or_create(&CategoryLabel {
                category: category.as_str().into(),
            })
            .inc();
    }

    pub fn detection(&self, id: DetectionKind) {
        self.detections
            .get_or_create(&DetectionLabel {
                detection: id.as_str().into(),
            })
            .inc();
    }

    /// Count of one detection (for tests and the bench).
    pub fn detection_count(&self, id: DetectionKind) -> u64 {
        self.detections
            .get_or_create(&DetectionLabel {
                detection: id.as_str().into(),
            })
            .get()
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposes_counters_by_detection_with_zeroes() {
        let m = Metrics::new();
        m.detection(DetectionKind::CodeChanged);
        m.response(401);
        let text = m.encode();
        assert!(
            text.contains("authpath_receiver_detections_total{detection=\"code-changed\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "authpath_receiver_detections_total{detection=\"credential-stuffing\"} 0"
            )
        );
        assert!(text.contains("authpath_receiver_http_responses_total{status=\"401\"} 1"));
        assert_eq!(m.detection_count(DetectionKind::CodeChanged), 1);
    }
}
