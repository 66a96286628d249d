//! `Auth0Integration`: one Auth0 tenant to watch, how to reach it, how often to scan it.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use kube::core::Duration;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::credentials::Credentials;
use super::detection::DetectionSpec;
use crate::findings::Severity;

/// One Auth0 tenant that authpath scans on a schedule; its findings become `Auth0Finding`s.
// The derive's repeated `printcolumn(type_ = ...)` arguments look like duplicate attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "authpath.dev",
    version = "v1alpha1",
    kind = "Auth0Integration",
    plural = "auth0integrations",
    shortname = "a0i",
    category = "auth0",
    namespaced,
    status = "Auth0IntegrationStatus",
    derive = "PartialEq",
    doc = "One Auth0 tenant that authpath scans on a schedule; its findings become Auth0Finding resources.",
    printcolumn(name = "Tenant", type_ = "string", json_path = ".spec.tenant.domain"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(
        name = "Critical",
        type_ = "integer",
        json_path = ".status.findings.critical"
    ),
    printcolumn(name = "High", type_ = "integer", json_path = ".status.findings.high"),
    printcolumn(
        name = "Last Scan",
        type_ = "date",
        json_path = ".status.lastScan.completionTime"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct Auth0IntegrationSpec {
    /// The tenant to scan.
    pub tenant: TenantRef,
    /// Where the Management API client credentials come from: exactly one of `vault` or `secretRef`.
    pub credentials: Credentials,
    /// Scan schedule and limits.
    #[serde(default)]
    pub scan: ScanSpec,
    /// Auth0 Log Stream receiver for this tenant.
    #[serde(default)]
    pub log_stream: LogStreamSpec,
    /// Which findings are kept and for how long.
    #[serde(default)]
    pub findings: FindingsSpec,
}

/// The tenant's domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantRef {
    /// Tenant domain, e.g. `example.eu.auth0.com` (or an `http(s)://` base URL for emulators).
    #[schemars(length(min = 1))]
    pub domain: String,
    /// Custom domain, when the tenant has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<String>,
}

/// Scan schedule and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanSpec {
    /// Time between scans (Go duration, e.g. `6h`).
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// No scheduled scans while true (the rescan annotation still works).
    #[serde(default)]
    pub suspend: bool,
    /// Deadline of one scan Job.
    #[serde(default = "default_timeout")]
    pub timeout: Duration,
    /// Management API request budget per second.
    #[serde(default = "default_rps")]
    #[schemars(range(min = 1, max = 100))]
    pub max_requests_per_second: u32,
    /// ServiceAccount the scan Job runs as (needs to write Auth0Findings).
    #[serde(default = "default_scan_service_account")]
    pub service_account_name: String,
}

impl Default for ScanSpec {
    fn default() -> Self {
        ScanSpec {
            interval: default_interval(),
            suspend: false,
            timeout: default_timeout(),
            max_requests_per_second: default_rps(),
            service_account_name: default_scan_service_account(),
        }
    }
}

/// The Log Stream receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogStreamSpec {
    /// Run a receiver Deployment + Service + token Secret for this tenant.
    #[serde(default)]
    pub enabled: bool,
    /// Receiver replicas.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 0, max = 10))]
    pub replicas: i32,
    /// ServiceAccount the receiver runs as: bind the chart's `authpath-receiver` ClusterRole to
    /// it with a RoleBinding in this namespace (read findings, write their runtime status and
    /// Events, set the rescan annotation).
    #[serde(default = "default_receiver_service_account")]
    pub service_account_name: String,
    /// Detection thresholds and what is expected of this tenant; unset fields keep the
    /// receiver's defaults.
    #[serde(default, skip_serializing_if = "is_default")]
    pub detection: DetectionSpec,
}

fn is_default(d: &DetectionSpec) -> bool {
    *d == DetectionSpec::default()
}

impl Default for LogStreamSpec {
    fn default() -> Self {
        LogStreamSpec {
            enabled: false,
            replicas: default_replicas(),
            service_account_name: default_receiver_service_account(),
            detection: DetectionSpec::default(),
        }
    }
}

/// Which findings are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FindingsSpec {
    /// Findings below this severity are not written.
    #[serde(default = "default_min_severity")]
    pub min_severity: Severity,
    /// Resolved findings older than this are deleted.
    #[serde(default = "default_retention")]
    pub resolved_retention: Duration,
}

impl Default for FindingsSpec {
    fn default() -> Self {
        FindingsSpec {
            min_severity: default_min_severity(),
            resolved_retention: default_retention(),
        }
    }
}

/// Observed state. Fields are optional so the operator and the scan Job can each own theirs under
/// server-side apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Auth0IntegrationStatus {
    /// Generation the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready`, `CredentialsReady`, `ScanSucceeded`, `ReceiverReady`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::crd::conditions::conditions_schema")]
    pub conditions: Vec<Condition>,
    /// The most recent scan Job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scan: Option<LastScan>,
    /// Open findings by severity (written by the scan Job after a complete scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<FindingCounts>,
    /// Where the Log Stream receiver listens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<ReceiverStatus>,
    /// Last value of the `authpath.dev/rescan` annotation that was acted upon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rescan_request: Option<String>,
    /// Spec generation the last scan was started for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scanned_generation: Option<i64>,
    /// The last scan Job's own account of its read (written by the scan Job).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_report: Option<ScanJobReport>,
}

/// What a scan Job says about its read of the tenant: complete, partial (the kinds it could not
/// read) or failed (why). Never holds a secret value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanJobReport {
    /// The Job that wrote it.
    pub job: String,
    /// True when everything the rules read was read.
    pub complete: bool,
    /// Kinds of tenant data that could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_read: Vec<String>,
    /// Why reading the tenant failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The most recent scan Job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastScan {
    /// Job name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// RFC 3339; unset while running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<String>,
    /// `Running`, `Succeeded`, `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ScanOutcome>,
    /// Management API requests the scan made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
}

/// Outcome of a scan Job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ScanOutcome {
    Running,
    Succeeded,
    Failed,
}

/// Open findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingCounts {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

/// The receiver's address and the Secret holding its bearer token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverStatus {
    /// In-cluster URL Auth0 posts to (behind your ingress).
    pub endpoint: String,
    /// Secret with the bearer token Auth0 sends.
    pub token_secret_name: String,
}

fn default_interval() -> Duration {
    std::time::Duration::from_secs(6 * 3600).into()
}
fn default_timeout() -> Duration {
    std::time::Duration::from_secs(15 * 60).into()
}
fn default_rps() -> u32 {
    10
}
fn default_scan_service_account() -> String {
    "authpath-scan".to_string()
}
fn default_receiver_service_account() -> String {
    "authpath-receiver".to_string()
}
fn default_replicas() -> i32 {
    1
}
fn default_min_severity() -> Severity {
    Severity::Info
}
fn default_retention() -> Duration {
    std::time::Duration::from_secs(30 * 24 * 3600).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Auth0IntegrationSpec, serde_norway::Error> {
        serde_norway::from_str(yaml)
    }

    #[test]
    fn a_minimal_secret_spec_gets_defaults() {
        let spec =
            parse("tenant: {domain: t.eu.auth0.com}\ncredentials: {secretRef: {name: a0}}\n")
                .unwrap();
        let secret = spec.credentials.secret_ref.unwrap();
        assert_eq!(secret.client_id_key, "clientId");
        assert_eq!(spec.scan.interval, default_interval());
        assert_eq!(spec.scan.service_account_name, "authpath-scan");
        assert!(!spec.log_stream.enabled);
        assert_eq!(spec.findings.min_severity, Severity::Info);
    }

    #[test]
    fn durations_parse_go_style_and_bad_ones_are_refused() {
        let spec = parse(
            "tenant: {domain: t}\ncredentials: {secretRef: {name: a0}}\nscan: {interval: 90m, timeout: 2m30s}\n",
        )
        .unwrap();
        assert_eq!(
            std::time::Duration::from(spec.scan.interval),
            std::time::Duration::from_secs(5400)
        );
        assert!(
            parse("tenant: {domain: t}\ncredentials: {secretRef: {name: a0}}\nscan: {interval: soon}\n")
                .is_err()
        );
    }

    #[test]
    fn vault_spec_reads_every_auth_method() {
        let spec = parse(
            "tenant: {domain: t}\ncredentials:\n  vault:\n    address: http://v\n    auth: {appRole: {roleId: r, secretIdRef: {name: s, key: k}}}\n    secret: {path: auth0/t, kvVersion: 1}\n",
        )
        .unwrap();
        let vault = spec.credentials.vault.unwrap();
        assert_eq!(vault.auth.app_role.unwrap().mount_path, "approle");
        assert_eq!(vault.secret.kv_version, 1);
        assert_eq!(vault.secret.mount, "secret");
    }
}
