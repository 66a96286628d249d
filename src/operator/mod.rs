//! The controller for `Auth0Integration`: credentials (Vault or a Secret), scan Jobs, receiver
//! children and status.
//!
//! Reconcile pipeline: resolve references ([`credentials`]) -> validate (pure, [`validate`]) ->
//! build every child (pure, [`build`]) -> apply with server-side apply ([`controller`]) -> status
//! (pure computation in [`status`], one patch only when something other than a timestamp
//! changed). Scan scheduling is pure too ([`schedule`]). The scan Job's side (`authpath scan
//! --integration NS/NAME --write-findings`) lives in [`scan_job`], with its pure plan in
//! [`findings_sync`].

pub mod build;
pub mod children;
pub mod context;
pub mod controller;
pub mod credentials;
pub mod error;
#[cfg(test)]
pub(crate) mod fake_apiserver;
pub mod finding_object;
pub mod findings_sync;
pub mod jobs_view;
pub mod leader;
pub mod metrics;
pub mod names;
pub mod reconcile;
pub mod scan_job;
pub mod scan_report;
pub mod scan_status;
pub mod schedule;
pub mod settings;
pub mod status;
pub mod validate;

pub use error::OperatorError;
pub use settings::OperatorSettings;

/// Field manager prefix of everything authpath applies.
pub const FIELD_MANAGER: &str = "authpath";
/// Field manager of the operator's children and status.
pub const OPERATOR_MANAGER: &str = "authpath-operator";
/// Field manager of the scan Job's writes.
pub const SCAN_MANAGER: &str = "authpath-scan";
/// Field manager of the scan Job's `status.scanReport` (its own, so applying the report never
/// drops the finding counts the Job applies as [`SCAN_MANAGER`]).
pub const SCAN_REPORT_MANAGER: &str = "authpath-scan-report";
