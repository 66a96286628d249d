//! The per-event pipeline, synchronous and deterministic: learn names, classify, detect,
//! correlate with open findings, aggregate runtime signals, note rescans, count metrics and
//! write the stdout line. The async `processor` drives it and flushes what it accumulates.

use std::io::Write;
use std::sync::Arc;

use super::classify::classify;
use super::correlate::{FindingIndex, FindingRef, correlate, touched_objects};
use super::detect::{Detection, Detector, Expectations, Thresholds};
use super::directory::ObjectDirectory;
use super::event::LogEvent;
use super::metrics::Metrics;
use super::signals::{RescanDebouncer, SignalAggregator};

/// Settings of the pipeline.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    pub thresholds: Thresholds,
    /// The tenant's custom domain, when it has one.
    pub custom_domain: Option<String>,
    /// Expected allowlist ranges and API Explorer client ids.
    pub expected: Expectations,
    /// A rescan is due once no scanned object changed for this long (ms).
    pub rescan_quiet_ms: i64,
    /// ... or this long after the first change of a burst that never goes quiet (ms).
    pub rescan_max_delay_ms: i64,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            thresholds: Thresholds::default(),
            custom_domain: None,
            expected: Expectations::default(),
            rescan_quiet_ms: 30_000,
            rescan_max_delay_ms: 300_000,
        }
    }
}

/// What one event produced (returned for tests; the line is already written).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub detections: Vec<Detection>,
    pub findings: Vec<FindingRef>,
    pub rescan_noted: bool,
}

/// Stateful per-event processing.
pub struct Pipeline {
    detector: Detector,
    directory: ObjectDirectory,
    index: Arc<dyn FindingIndex>,
    pub(crate) signals: SignalAggregator,
    pub(crate) rescans: RescanDebouncer,
    metrics: Arc<Metrics>,
    out: Box<dyn Write + Send>,
}

impl Pipeline {
    pub fn new(
        config: &PipelineConfig,
        index: Arc<dyn FindingIndex>,
        metrics: Arc<Metrics>,
        out: Box<dyn Write + Send>,
    ) -> Self {
        Pipeline {
            detector: Detector::new(
                &config.thresholds,
                config.custom_domain.clone(),
                config.expected.clone(),
            ),
            directory: ObjectDirectory::default(),
            index,
            signals: SignalAggregator::default(),
            rescans: RescanDebouncer::new(config.rescan_quiet_ms, config.rescan_max_delay_ms),
            metrics,
            out,
        }
    }

    /// Processes one event at clock time `clock_ms` (used when the event has no date, and for
    /// rescan debouncing).
    pub fn process(&mut self, event: &LogEvent, clock_ms: i64) -> Outcome {
        let classified = classify(event);
        self.directory.observe(event, classified.change.as_ref());
        let event_ms = event.date_millis().unwrap_or(clock_ms);
        let detections = self
            .detector
            .inspect(event, &classified, &self.directory, event_ms);
        let objects = touched_objects(event, &classified, &self.directory);
        let touched = correlate(self.index.as_ref(), &objects);
        let rescan_noted = classified
            .change
            .as_ref()
            .is_some_and(|c| c.resource.is_scanned());
        // The reason is only built for events that signal a finding or request a rescan.
        if !touched.is_empty() || rescan_noted {
            let reason = detections
                .first()
                .map(|d| d.summary.clone())
                .unwrap_or_else(|| describe(event, &classified, objects.first()));
            let date = event.date().unwrap_or("");
            for (finding, _) in &touched {
                self.signals
                    .add(&finding.name, &event.log_id, date, &reason);
                self.metrics.signals.inc();
            }
            if rescan_noted {
                self.rescans.note(clock_ms, &reason);
            }
        }
        self.metrics.event(classified.category);
        for d in &detections {
            self.metrics.detection(d.id);
        }
        let findings: Vec<FindingRef> = touched.into_iter().map(|(f, _)| f).collect();
        if let Err(e) = super::output::write_line(
            self.out.as_mut(),
            event,
            &classified,
            &detections,
            &findings,
        ) {
            tracing::warn!(error = %e, "cannot write the event line to stdout");
        }
        Outcome {
            detections,
            findings,
            rescan_noted,
        }
    }

    /// Flushes the stdout writer (after each batch).
    pub fn flush_output(&mut self) {
        let _ = self.out.flush();
    }
}

/// Short text for a signal without a detection: what the event did through which object.
fn describe(
    event: &LogEvent,
    classified: &super::classify::Classified,
    object: Option<&crate::findings::ObjectRef>,
) -> String {
    let what = match &classified.change {
        Some(c) => format!("{} {}", label(&c.operation), label(&c.resource)),
        None => classified.category.as_str().replace('-', " "),
    };
    match object {
        Some(o) => format!(
            "{what} through {} {} ({})",
            o.kind,
            o.name,
            event.type_code()
        ),
        None => format!("{what} ({})", event.type_code()),
    }
}

fn label(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
