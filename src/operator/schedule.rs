//! Pure scan scheduling: given the integration's spec, status and the scan Jobs that exist, decide
//! whether to start a scan now, and which trigger (hence which deterministic Job name) it is.

use std::time::Duration;

use jiff::Timestamp;

/// What the reconcile should do about scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanDecision {
    /// A scan Job is running: wait for it (one scan at a time).
    Running,
    /// Start a scan for this trigger key.
    Start {
        trigger: String,
        reason: &'static str,
    },
    /// Nothing to do until this much time has passed.
    WaitFor(Duration),
    /// Scheduled scans are suspended and nothing asked for one.
    Suspended,
}

/// Inputs of the decision.
#[derive(Debug, Clone)]
pub struct ScanInputs<'a> {
    pub generation: i64,
    pub interval: Duration,
    pub suspend: bool,
    /// Current value of the rescan annotation.
    pub rescan_annotation: Option<&'a str>,
    /// Rescan value already acted upon (status).
    pub last_rescan_request: Option<&'a str>,
    /// Generation the last scan was started for (status).
    pub last_scanned_generation: Option<i64>,
    /// Start time of the most recent scan Job, running or finished.
    pub last_scan_start: Option<Timestamp>,
    /// True when a scan Job of this integration has not finished.
    pub job_active: bool,
    pub now: Timestamp,
}

/// Decides; triggers in priority order: running Job, rescan annotation, new generation, interval.
pub fn decide(input: &ScanInputs<'_>) -> ScanDecision {
    if input.job_active {
        return ScanDecision::Running;
    }
    if let Some(value) = input.rescan_annotation
        && !value.is_empty()
        && input.last_rescan_request != Some(value)
    {
        return ScanDecision::Start {
            trigger: format!("rescan-{value}"),
            reason: "RescanRequested",
        };
    }
    if input.last_scanned_generation != Some(input.generation) {
        return ScanDecision::Start {
            trigger: format!("generation-{}", input.generation),
            reason: "SpecChanged",
        };
    }
    if input.suspend {
        return ScanDecision::Suspended;
    }
    let Some(last) = input.last_scan_start else {
        return ScanDecision::Start {
            trigger: format!("generation-{}", input.generation),
            reason: "FirstScan",
        };
    };
    let elapsed = input
        .now
        .duration_since(last)
        .try_into()
        .unwrap_or(Duration::ZERO);
    if elapsed >= input.interval {
        let slot = input.now.as_second()
            / i64::try_from(input.interval.as_secs().max(1)).unwrap_or(i64::MAX);
        ScanDecision::Start {
            trigger: format!("interval-{slot}"),
            reason: "IntervalElapsed",
        }
    } else {
        ScanDecision::WaitFor(input.interval - elapsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(now: Timestamp) -> ScanInputs<'static> {
        ScanInputs {
            generation: 2,
            interval: Duration::from_secs(3600),
            suspend: false,
            rescan_annotation: None,
            last_rescan_request: None,
            last_scanned_generation: Some(2),
            last_scan_start: Some(now - jiff::SignedDuration::from_secs(600)),
            job_active: false,
            now,
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap()
    }

    #[test]
    fn waits_out_the_interval_then_scans() {
        assert_eq!(
            decide(&base(now())),
            ScanDecision::WaitFor(Duration::from_secs(3000))
        );
        let mut late = base(now());
        late.last_scan_start = Some(now() - jiff::SignedDuration::from_secs(3600));
        assert!(matches!(
            decide(&late),
            ScanDecision::Start {
                reason: "IntervalElapsed",
                ..
            }
        ));
    }

    #[test]
    fn a_running_job_blocks_every_trigger() {
        let mut input = base(now());
        input.job_active = true;
        input.rescan_annotation = Some("now");
        input.last_scanned_generation = Some(1);
        assert_eq!(decide(&input), ScanDecision::Running);
    }

    #[test]
    fn a_new_rescan_value_or_generation_triggers_once() {
        let mut input = base(now());
        input.rescan_annotation = Some("r1");
        assert_eq!(
            decide(&input),
            ScanDecision::Start {
                trigger: "rescan-r1".into(),
                reason: "RescanRequested"
            }
        );
        input.last_rescan_request = Some("r1");
        assert!(matches!(decide(&input), ScanDecision::WaitFor(_)));
        input.last_scanned_generation = Some(1);
        assert_eq!(
            decide(&input),
            ScanDecision::Start {
                trigger: "generation-2".into(),
                reason: "SpecChanged"
            }
        );
    }

    #[test]
    fn suspend_stops_only_scheduled_scans() {
        let mut input = base(now());
        input.suspend = true;
        input.last_scan_start = Some(now() - jiff::SignedDuration::from_secs(86_400));
        assert_eq!(decide(&input), ScanDecision::Suspended);
        input.rescan_annotation = Some("x");
        assert!(matches!(decide(&input), ScanDecision::Start { .. }));
    }
}
