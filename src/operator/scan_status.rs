//! Pure scan status from the scan Jobs: the `ScanSucceeded` condition (the latest finished Job
//! decides, with the reason its own scan report gives; a running one only while none has
//! finished) and the `lastScan` summary.

use super::jobs_view::JobsView;
use super::status::ConditionState;
use crate::crd::{ConditionType, LastScan, ScanJobReport, ScanOutcome};

pub fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `ScanSucceeded` from the Jobs; for a failed Job, the scan Job's own `report` (when it is that
/// Job's) says why: the tenant could not be read, or the read was partial.
pub fn scan_condition(view: &JobsView, report: Option<&ScanJobReport>) -> ConditionState {
    match (&view.latest_finished, &view.active) {
        (Some(f), _) if f.succeeded => ConditionState::new(
            ConditionType::ScanSucceeded,
            true,
            "ScanCompleted",
            format!("scan Job {} completed", f.job),
        ),
        (Some(f), _) => {
            let report = report.filter(|r| r.job == f.job && f.reason != "DeadlineExceeded");
            let (reason, why) = match report {
                Some(ScanJobReport {
                    error: Some(error), ..
                }) => (
                    "TenantReadFailed",
                    format!("could not read the tenant: {error}"),
                ),
                Some(r) if !r.complete => (
                    "ScanPartial",
                    format!(
                        "read the tenant partially (not read: {})",
                        if r.not_read.is_empty() {
                            "see the Job's log".to_string()
                        } else {
                            r.not_read.join(", ")
                        }
                    ),
                ),
                _ if f.reason == "DeadlineExceeded" => (
                    "ScanTimedOut",
                    format!("failed: {} {}", f.reason, f.message),
                ),
                _ => ("ScanFailed", format!("failed: {} {}", f.reason, f.message)),
            };
            ConditionState::new(
                ConditionType::ScanSucceeded,
                false,
                reason,
                format!(
                    "scan Job {} {}; no finding was resolved",
                    f.job,
                    why.trim_end()
                ),
            )
        }
        (None, Some(job)) => ConditionState::new(
            ConditionType::ScanSucceeded,
            false,
            "ScanRunning",
            format!("first scan Job {job} is running"),
        ),
        (None, None) => ConditionState::new(
            ConditionType::ScanSucceeded,
            false,
            "ScanPending",
            "no scan has run yet",
        ),
    }
}

pub fn last_scan(view: &JobsView, previous: Option<&LastScan>) -> Option<LastScan> {
    let requests = previous.and_then(|p| p.requests);
    if let Some(job) = &view.active {
        return Some(LastScan {
            job: Some(job.clone()),
            start_time: view.active_start.map(rfc3339),
            completion_time: None,
            outcome: Some(ScanOutcome::Running),
            requests: None,
        });
    }
    view.latest_finished.as_ref().map(|f| LastScan {
        job: Some(f.job.clone()),
        start_time: f.start_time.map(rfc3339),
        completion_time: f.completion_time.map(rfc3339),
        outcome: Some(if f.succeeded {
            ScanOutcome::Succeeded
        } else {
            ScanOutcome::Failed
        }),
        requests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::jobs_view::FinishedScan;

    fn finished(job: &str, succeeded: bool, reason: &str) -> FinishedScan {
        FinishedScan {
            job: job.into(),
            succeeded,
            reason: reason.into(),
            message: "local process exited with signal: 9 (SIGKILL)".into(),
            start_time: None,
            completion_time: None,
        }
    }

    #[test]
    fn a_failed_scan_says_which_job_and_that_nothing_was_resolved() {
        let view = JobsView {
            latest_finished: Some(finished("prod-scan-1", false, "BackoffLimitExceeded")),
            ..Default::default()
        };
        let state = scan_condition(&view, None);
        assert!(!state.status);
        assert_eq!(state.reason, "ScanFailed");
        assert!(state.message.contains("prod-scan-1"), "{}", state.message);
        assert!(state.message.contains("no finding was resolved"));
        let timed_out = JobsView {
            latest_finished: Some(finished("prod-scan-2", false, "DeadlineExceeded")),
            ..Default::default()
        };
        assert_eq!(scan_condition(&timed_out, None).reason, "ScanTimedOut");
    }

    #[test]
    fn while_a_rescan_runs_the_condition_tells_of_the_last_finished_scan() {
        let view = JobsView {
            active: Some("prod-scan-2".into()),
            latest_finished: Some(finished("prod-scan-1", true, "CompletionsReached")),
            ..Default::default()
        };
        let state = scan_condition(&view, None);
        assert!(state.status);
        assert_eq!(state.reason, "ScanCompleted");
        let last = last_scan(&view, None).expect("last scan");
        assert_eq!(last.job.as_deref(), Some("prod-scan-2"));
        assert_eq!(last.outcome, Some(ScanOutcome::Running));
    }

    #[test]
    fn the_failed_jobs_own_report_says_why() {
        let view = JobsView {
            latest_finished: Some(finished("prod-scan-3", false, "BackoffLimitExceeded")),
            ..Default::default()
        };
        let report = |job: &str, not_read: &[&str], error: Option<&str>| ScanJobReport {
            job: job.into(),
            complete: false,
            not_read: not_read.iter().map(|s| s.to_string()).collect(),
            error: error.map(str::to_string),
        };
        let failed = report("prod-scan-3", &[], Some("HTTP 503 on GET /api/v2/roles"));
        let state = scan_condition(&view, Some(&failed));
        assert_eq!(state.reason, "TenantReadFailed");
        assert!(
            state.message.contains("HTTP 503") && state.message.contains("no finding was resolved")
        );
        let partial = report("prod-scan-3", &["LogStreams"], None);
        let state = scan_condition(&view, Some(&partial));
        assert_eq!(state.reason, "ScanPartial");
        assert!(
            state.message.contains("not read: LogStreams"),
            "{}",
            state.message
        );
        // Another Job's report says nothing about this one.
        let stale = report("prod-scan-2", &["LogStreams"], None);
        assert_eq!(scan_condition(&view, Some(&stale)).reason, "ScanFailed");
    }
}
