//! Pure view over the scan Jobs of one integration: which one runs, how the latest finished one
//! ended, which old ones fall out of the bounded history.

use jiff::Timestamp;
use k8s_openapi::api::batch::v1::Job;

/// How a finished Job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedScan {
    pub job: String,
    pub succeeded: bool,
    /// Reason and message of the Job's terminal condition.
    pub reason: String,
    pub message: String,
    pub start_time: Option<Timestamp>,
    pub completion_time: Option<Timestamp>,
}

/// The Jobs of one integration, sorted out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsView {
    /// A Job that has not finished (the newest, if somehow several).
    pub active: Option<String>,
    pub active_start: Option<Timestamp>,
    pub latest_finished: Option<FinishedScan>,
    /// Finished Jobs beyond the history limit, oldest first.
    pub expired: Vec<String>,
    /// Start of the newest Job (running or finished): the schedule counts from here.
    pub last_start: Option<Timestamp>,
    /// Every finished Job's name.
    pub finished: Vec<String>,
}

fn created(job: &Job) -> Option<Timestamp> {
    job.metadata.creation_timestamp.as_ref().map(|t| t.0)
}

fn finished_of(job: &Job) -> Option<FinishedScan> {
    let status = job.status.as_ref()?;
    let terminal = status
        .conditions
        .iter()
        .flatten()
        .find(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True");
    let succeeded = match terminal {
        Some(c) => c.type_ == "Complete",
        None if status.succeeded.unwrap_or(0) > 0 => true,
        None if status.failed.unwrap_or(0) > 0 => false,
        None => return None,
    };
    Some(FinishedScan {
        job: job.metadata.name.clone().unwrap_or_default(),
        succeeded,
        reason: terminal.and_then(|c| c.reason.clone()).unwrap_or_default(),
        message: terminal.and_then(|c| c.message.clone()).unwrap_or_default(),
        start_time: status
            .start_time
            .as_ref()
            .map(|t| t.0)
            .or_else(|| created(job)),
        completion_time: status
            .completion_time
            .as_ref()
            .map(|t| t.0)
            .or_else(|| terminal.and_then(|c| c.last_transition_time.as_ref().map(|t| t.0))),
    })
}

/// Sorts `jobs` (any order) into a view keeping `history` finished Jobs.
pub fn view(jobs: &[Job], history: usize) -> JobsView {
    let mut sorted: Vec<&Job> = jobs
        .iter()
        .filter(|j| j.metadata.deletion_timestamp.is_none())
        .collect();
    sorted.sort_by_key(|j| (created(j), j.metadata.name.clone()));
    let mut out = JobsView::default();
    let mut finished: Vec<FinishedScan> = Vec::new();
    for job in &sorted {
        let start = job
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_ref().map(|t| t.0))
            .or_else(|| created(job));
        out.last_start = out.last_start.max(start);
        match finished_of(job) {
            Some(f) => finished.push(f),
            None => {
                out.active = job.metadata.name.clone();
                out.active_start = start;
            }
        }
    }
    let excess = finished.len().saturating_sub(history);
    out.expired = finished
        .iter()
        .take(excess)
        .map(|f| f.job.clone())
        .collect();
    out.finished = finished.iter().map(|f| f.job.clone()).collect();
    out.latest_finished = finished.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, created: &str, state: Option<&str>) -> Job {
        let conditions = match state {
            Some(t) => {
                serde_json::json!([{"type": t, "status": "True", "reason": "R", "message": "m"}])
            }
            None => serde_json::json!([]),
        };
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "creationTimestamp": created},
            "spec": {"template": {}},
            "status": {"conditions": conditions}
        }))
        .unwrap()
    }

    #[test]
    fn the_running_job_and_the_latest_outcome_are_found() {
        let jobs = [
            job("b", "2026-01-02T00:00:00Z", Some("Failed")),
            job("a", "2026-01-01T00:00:00Z", Some("Complete")),
            job("c", "2026-01-03T00:00:00Z", None),
        ];
        let v = view(&jobs, 5);
        assert_eq!(v.active.as_deref(), Some("c"));
        let latest = v.latest_finished.unwrap();
        assert_eq!((latest.job.as_str(), latest.succeeded), ("b", false));
        assert_eq!(v.last_start, Some("2026-01-03T00:00:00Z".parse().unwrap()));
        assert!(v.expired.is_empty());
    }

    #[test]
    fn history_beyond_the_limit_expires_oldest_first() {
        let jobs: Vec<Job> = (1..=5)
            .map(|d| {
                job(
                    &format!("j{d}"),
                    &format!("2026-01-0{d}T00:00:00Z"),
                    Some("Complete"),
                )
            })
            .collect();
        let v = view(&jobs, 3);
        assert_eq!(v.expired, ["j1", "j2"]);
        assert!(v.active.is_none());
        assert_eq!(v.latest_finished.unwrap().job, "j5");
    }
}
