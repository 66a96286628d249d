//! The consumer task: takes admitted batches off the queue in order, runs each event through the
//! [`Pipeline`], and on every flush tick hands the accumulated runtime signals to the
//! [`SignalSink`] and a due rescan to the [`RescanRequester`]. When the queue closes it drains
//! what was admitted, flushes once more (a pending rescan included) and returns.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::sync::{mpsc, watch};

use super::correlate::FindingIndex;
use super::error::ReceiverError;
use super::metrics::Metrics;
use super::pipeline::Pipeline;
use super::queue::{IngestQueue, QueuedBatch};
use super::signals::{RescanRequester, RuntimeSignal, SignalSink};

/// The cluster side, behind traits: open findings, signal sink, rescan requests.
#[derive(Clone)]
pub struct Cluster {
    pub index: Arc<dyn FindingIndex>,
    pub signals: Arc<dyn SignalSink>,
    pub rescans: Arc<dyn RescanRequester>,
}

/// Standalone sink: signals exist only on the stdout lines (`findings`).
#[derive(Debug, Default)]
pub struct DiscardSignals;

impl SignalSink for DiscardSignals {
    fn publish(&self, _signals: Vec<RuntimeSignal>) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Standalone rescans: logged on stderr, nothing requested.
#[derive(Debug, Default)]
pub struct LogRescans;

impl RescanRequester for LogRescans {
    fn request_rescan(&self, reason: String) -> BoxFuture<'_, Result<(), ReceiverError>> {
        Box::pin(async move {
            tracing::info!(%reason, "rescan due (standalone: not requested)");
            Ok(())
        })
    }
}

/// Everything the consumer task owns.
pub struct Processor {
    pub pipeline: Pipeline,
    pub cluster: Cluster,
    pub metrics: Arc<Metrics>,
    pub queue: Arc<IngestQueue>,
    pub flush_every: Duration,
    /// Processing runs while this is `true` (tests and benchmarks pause it to fill the queue).
    pub running: watch::Receiver<bool>,
}

impl Processor {
    /// Runs until the queue is closed and drained.
    pub async fn run(mut self, mut rx: mpsc::UnboundedReceiver<QueuedBatch>) {
        let started = Instant::now();
        let clock = move || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let mut tick = tokio::time::interval(self.flush_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The pause gate; `None` once its sender is gone (processing then never pauses again).
        let mut gate = Some(self.running.clone());
        loop {
            if let Some(g) = gate.as_mut()
                && !*g.borrow()
            {
                tokio::select! {
                    changed = g.changed() => {
                        if changed.is_err() { gate = None; }
                    }
                    _ = tick.tick() => self.flush(clock(), false).await,
                }
                continue;
            }
            let gate_change = async {
                match gate.as_mut() {
                    Some(g) => g.changed().await.is_ok(),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                batch = rx.recv() => match batch {
                    Some(batch) => self.handle(batch, clock()),
                    None => break,
                },
                _ = tick.tick() => self.flush(clock(), false).await,
                still_open = gate_change => {
                    if !still_open { gate = None; }
                }
            }
        }
        self.flush(clock(), true).await;
    }

    fn handle(&mut self, batch: QueuedBatch, now_ms: i64) {
        for event in &batch.events {
            self.pipeline.process(event, now_ms);
        }
        self.pipeline.flush_output();
        drop(batch);
        self.metrics.queue_depth.set(self.queue.depth() as i64);
    }

    async fn flush(&mut self, now_ms: i64, last: bool) {
        let signals = self.pipeline.signals.drain();
        if !signals.is_empty()
            && let Err(e) = self.cluster.signals.publish(signals).await
        {
            self.metrics.sink_errors.inc();
            tracing::warn!(error = %e, reason = e.reason(), "runtime signals not written");
        }
        let due = if last {
            self.pipeline.rescans.take_pending()
        } else {
            self.pipeline.rescans.take_due(now_ms)
        };
        if let Some(reason) = due {
            match self.cluster.rescans.request_rescan(reason).await {
                Ok(()) => {
                    self.metrics.rescans.inc();
                }
                Err(e) => {
                    self.metrics.sink_errors.inc();
                    tracing::warn!(error = %e, reason = e.reason(), "rescan not requested");
                }
            }
        }
    }
}
