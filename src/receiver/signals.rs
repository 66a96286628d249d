//! Runtime signals and rescans: the [`SignalSink`] and [`RescanRequester`] traits the cluster
//! side implements (status.runtime patches plus an Event per finding; the `authpath.dev/rescan`
//! annotation), the aggregation that turns many touching events into one signal per finding per
//! flush, the debouncer that turns a burst of configuration changes into one rescan, and
//! in-memory implementations for tests and standalone use.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;

use super::error::ReceiverError;

/// New runtime activity on one finding since the last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSignal {
    /// The `Auth0Finding` resource name.
    pub finding: String,
    /// Events that touched the finding since the last flush.
    pub count: u64,
    /// Date of the latest such event (RFC 3339, as the event carried it).
    pub last_seen: String,
    /// `log_id` of the latest such event.
    pub sample_log_id: String,
    /// What the latest event did ("login through client Web", "Action Grant admin deployed").
    pub reason: String,
}

/// Where runtime signals go: in a cluster, `Auth0Finding.status.runtime` (adding `count` to the
/// stored total) and one Kubernetes Event per finding per flush.
pub trait SignalSink: Send + Sync {
    fn publish(&self, signals: Vec<RuntimeSignal>) -> BoxFuture<'_, Result<(), ReceiverError>>;
}

/// Asks for a rescan of the integration: in a cluster, a new `authpath.dev/rescan` value.
pub trait RescanRequester: Send + Sync {
    fn request_rescan(&self, reason: String) -> BoxFuture<'_, Result<(), ReceiverError>>;
}

/// Accumulates signals per finding between flushes (bounded by the number of open findings).
#[derive(Debug, Default)]
pub struct SignalAggregator {
    pending: HashMap<String, RuntimeSignal>,
}

impl SignalAggregator {
    pub fn add(&mut self, finding: &str, log_id: &str, date: &str, reason: &str) {
        let s = self
            .pending
            .entry(finding.to_string())
            .or_insert_with(|| RuntimeSignal {
                finding: finding.to_string(),
                count: 0,
                last_seen: String::new(),
                sample_log_id: String::new(),
                reason: String::new(),
            });
        s.count += 1;
        // Later events have larger ids and dates; keep the latest as the sample.
        if date >= s.last_seen.as_str() {
            s.last_seen = date.to_string();
            s.sample_log_id = log_id.to_string();
            s.reason = reason.to_string();
        }
    }

    /// Takes the pending signals, sorted by finding name.
    pub fn drain(&mut self) -> Vec<RuntimeSignal> {
        let mut v: Vec<RuntimeSignal> = self.pending.drain().map(|(_, s)| s).collect();
        v.sort_by(|a, b| a.finding.cmp(&b.finding));
        v
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// One rescan per burst of changes: due once no change arrived for `quiet_ms`, or `max_delay_ms`
/// after the first change of a burst that never goes quiet.
#[derive(Debug)]
pub struct RescanDebouncer {
    quiet_ms: i64,
    max_delay_ms: i64,
    first: Option<i64>,
    last: i64,
    changes: u64,
    latest_reason: String,
}

impl RescanDebouncer {
    pub fn new(quiet_ms: i64, max_delay_ms: i64) -> Self {
        RescanDebouncer {
            quiet_ms: quiet_ms.max(0),
            max_delay_ms: max_delay_ms.max(quiet_ms).max(0),
            first: None,
            last: 0,
            changes: 0,
            latest_reason: String::new(),
        }
    }

    /// Notes a change to a scanned object at clock time `now_ms`.
    pub fn note(&mut self, now_ms: i64, reason: &str) {
        if self.first.is_none() {
            self.first = Some(now_ms);
        }
        self.last = now_ms;
        self.changes += 1;
        self.latest_reason = reason.to_string();
    }

    /// The rescan reason when one is due at `now_ms`; resets the burst.
    pub fn take_due(&mut self, now_ms: i64) -> Option<String> {
        let first = self.first?;
        let quiet = now_ms - self.last >= self.quiet_ms;
        let overdue = now_ms - first >= self.max_delay_ms;
        (quiet || overdue).then(|| self.take())?
    }

    /// The pending rescan reason, due or not (used on shutdown).
    pub fn take_pending(&mut self) -> Option<String> {
        self.first?;
        self.take()
    }

    fn take(&mut self) -> Option<String> {
        self.first = None;
        let n = std::mem::take(&mut self.changes);
        let latest = std::mem::take(&mut self.latest_reason);
        Some(if n == 1 {
            format!("configuration change: {latest}")
        } else {
            format!("{n} configuration changes, latest: {latest}")
        })
    }
}

/// In-memory sink: running totals per finding, as `status.runtime` would hold them.
#[derive(Debug, Default)]
pub struct MemorySignalSink {
    totals: Mutex<HashMap<String, RuntimeSignal>>,
    publishes: Mutex<u64>,
}

impl MemorySignalSink {
    /// The accumulated signal of one finding (count is the total over all flushes).
    pub fn total(&self, finding: &str) -> Option<RuntimeSignal> {
        self.totals.lock().ok()?.get(finding).cloned()
    }

    /// How many flushes reached the sink (one Event per finding each).
    pub fn publish_count(&self) -> u64 {
        self.publishes.lock().map(|g| *g).unwrap_or(0)
    }
}

impl SignalSink for MemorySignalSink {
    fn publish(&self, signals: Vec<RuntimeSignal>) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async move {
            if let Ok(mut n) = self.publishes.lock() {
                *n += 1;
            }
            let mut totals = self.totals.lock().map_err(|_| ReceiverError::Sink {
                sink: "memory-signals",
                message: "lock poisoned".into(),
            })?;
            for s in signals {
                let t = totals
                    .entry(s.finding.clone())
                    .or_insert_with(|| RuntimeSignal {
                        count: 0,
                        ..s.clone()
                    });
                t.count += s.count;
                t.last_seen = s.last_seen;
                t.sample_log_id = s.sample_log_id;
                t.reason = s.reason;
            }
            Ok(())
        })
    }
}

/// In-memory rescan requester: records every request's reason.
#[derive(Debug, Default)]
pub struct MemoryRescanRequester {
    requests: Mutex<Vec<String>>,
}

impl MemoryRescanRequester {
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

impl RescanRequester for MemoryRescanRequester {
    fn request_rescan(&self, reason: String) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async move {
            if let Ok(mut g) = self.requests.lock() {
                g.push(reason);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregator_counts_and_keeps_latest_sample() {
        let mut a = SignalAggregator::default();
        a.add("f1", "902", "2026-01-01T00:00:02Z", "second");
        a.add("f1", "901", "2026-01-01T00:00:01Z", "first");
        a.add("f2", "903", "2026-01-01T00:00:03Z", "other");
        let v = a.drain();
        assert_eq!(v.len(), 2);
        assert_eq!(
            (
                v[0].count,
                v[0].sample_log_id.as_str(),
                v[0].reason.as_str()
            ),
            (2, "902", "second")
        );
        assert!(a.is_empty());
    }

    #[test]
    fn debouncer_fires_once_per_quiet_burst() {
        let mut d = RescanDebouncer::new(1000, 10_000);
        assert_eq!(d.take_due(0), None);
        d.note(0, "a");
        d.note(500, "b");
        assert_eq!(
            d.take_due(1000),
            None,
            "still within the quiet period of the last change"
        );
        assert_eq!(
            d.take_due(1500).as_deref(),
            Some("2 configuration changes, latest: b")
        );
        assert_eq!(d.take_due(5000), None, "burst consumed");
    }

    #[test]
    fn debouncer_caps_the_delay_of_a_never_quiet_burst() {
        let mut d = RescanDebouncer::new(1000, 3000);
        let mut fired = 0;
        for t in (0..10_000).step_by(200) {
            d.note(t, "x");
            if d.take_due(t).is_some() {
                fired += 1;
            }
        }
        assert_eq!(fired, 3);
    }

    #[test]
    fn debouncer_pending_on_shutdown() {
        let mut d = RescanDebouncer::new(1000, 3000);
        assert_eq!(d.take_pending(), None);
        d.note(0, "Action x deployed");
        assert_eq!(
            d.take_pending().as_deref(),
            Some("configuration change: Action x deployed")
        );
    }

    #[tokio::test]
    async fn memory_sink_totals_across_flushes() {
        let sink = MemorySignalSink::default();
        let sig = |n, id: &str| RuntimeSignal {
            finding: "f".into(),
            count: n,
            last_seen: "d".into(),
            sample_log_id: id.into(),
            reason: "r".into(),
        };
        sink.publish(vec![sig(2, "1")]).await.unwrap();
        sink.publish(vec![sig(3, "2")]).await.unwrap();
        let t = sink.total("f").unwrap();
        assert_eq!((t.count, t.sample_log_id.as_str()), (5, "2"));
        assert_eq!(sink.publish_count(), 2);
    }
}
