//! The scan Job's own account of its read, applied to the integration's `status.scanReport`
//! under its own field manager, so the operator can say in `ScanSucceeded` why a scan failed:
//! the tenant could not be read (and why), or the read was partial (which kinds were not read).
//! The Job learns its name from [`super::build::JOB_NAME_ENV`]; without it nothing is reported.

use kube::api::{Api, Patch, PatchParams};

use super::SCAN_REPORT_MANAGER;
use crate::crd::{Auth0Integration, ScanJobReport};
use crate::tenant::ReadOutcome;

/// The report of a read that finished, complete or partial.
pub fn of_read(job: &str, read: &ReadOutcome) -> ScanJobReport {
    ScanJobReport {
        job: job.to_string(),
        complete: read.complete,
        not_read: read.missing.iter().map(|k| format!("{k:?}")).collect(),
        error: None,
    }
}

/// The report of a read that failed with `error` (a message naming places, never values).
pub fn of_failure(job: &str, error: &str) -> ScanJobReport {
    ScanJobReport {
        job: job.to_string(),
        complete: false,
        not_read: Vec::new(),
        error: Some(super::status::truncate(error.to_string(), 512)),
    }
}

/// Applies `report` to integration `name`'s status. A report that cannot be written is logged and
/// does not change the scan's outcome.
pub async fn publish(integrations: &Api<Auth0Integration>, name: &str, report: &ScanJobReport) {
    let patch = serde_json::json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
        "status": {"scanReport": report}
    });
    let params = PatchParams::apply(SCAN_REPORT_MANAGER).force();
    if let Err(e) = integrations
        .patch_status(name, &params, &Patch::Apply(&patch))
        .await
    {
        tracing::warn!(error = %e, "writing the scan report failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::DataKind;

    #[test]
    fn reports_carry_the_structured_outcome() {
        let partial = ReadOutcome {
            complete: false,
            missing: vec![DataKind::LogStreams, DataKind::Hooks],
            problems: vec!["api: log streams not read: 403".into()],
        };
        let report = of_read("prod-scan-1", &partial);
        assert!(!report.complete);
        assert_eq!(report.not_read, ["LogStreams", "Hooks"]);
        assert_eq!(report.error, None);
        let failed = of_failure("prod-scan-2", &"x".repeat(2000));
        assert!(!failed.complete && failed.error.is_some_and(|e| e.len() <= 512));
    }
}
