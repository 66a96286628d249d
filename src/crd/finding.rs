//! `Auth0Finding`: one finding of one integration. The spec is what the scan found; the status is
//! its lifecycle (open or resolved, first and last seen, runtime signals from the receiver).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::findings::{Category, Evidence, ObjectRef, PathStep, Severity};

/// One finding of one Auth0 tenant, written by the scan Job.
// The derive's repeated `printcolumn(type_ = ...)` arguments look like duplicate attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "authpath.dev",
    version = "v1alpha1",
    kind = "Auth0Finding",
    plural = "auth0findings",
    shortname = "a0f",
    category = "auth0",
    namespaced,
    status = "Auth0FindingStatus",
    derive = "PartialEq",
    doc = "One finding of one Auth0Integration: an attack path or a misconfiguration.",
    printcolumn(name = "Severity", type_ = "string", json_path = ".spec.severity"),
    printcolumn(name = "Rule", type_ = "string", json_path = ".spec.rule"),
    printcolumn(
        name = "Integration",
        type_ = "string",
        json_path = ".spec.integration"
    ),
    printcolumn(name = "State", type_ = "string", json_path = ".status.state"),
    printcolumn(
        name = "Title",
        type_ = "string",
        json_path = ".spec.title",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct Auth0FindingSpec {
    /// Name of the `Auth0Integration` (same namespace).
    pub integration: String,
    /// Stable finding id (hash of rule and objects).
    pub id: String,
    /// Stable rule id.
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub remediation: String,
    /// Every tenant object involved.
    #[serde(default)]
    pub objects: Vec<ObjectRef>,
    /// Attack path steps (attack-path findings only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<PathStep>,
    /// Evidence, secrets masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// Lifecycle of a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Auth0FindingStatus {
    /// `open` or `resolved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<FindingState>,
    /// RFC 3339 time of the first scan that saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// RFC 3339 time of the latest complete scan that saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// RFC 3339 time it was found resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// Runtime signals from the Log Stream receiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<RuntimeSignals>,
}

/// `open` or `resolved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FindingState {
    Open,
    Resolved,
}

/// Log events that matched this finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeSignals {
    /// Number of matching log events.
    #[serde(default)]
    pub signals: u64,
    /// RFC 3339 time of the latest one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_signal: Option<String>,
    /// `log_id` of the latest one (look it up in the tenant's logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_log_id: Option<String>,
}
