//! Per-tenant detection settings of the Log Stream receiver (`spec.logStream.detection`): the
//! burst thresholds, and what is expected of this tenant (its attack-protection allowlist, its
//! API Explorer client). Every field is optional; an unset one keeps the receiver's default,
//! which the field's description names. The operator passes them to the receiver Deployment as
//! command-line flags.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Detection thresholds and expectations for one tenant's receiver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectionSpec {
    /// Sliding window of the burst detections, in seconds (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 86400))]
    pub window_seconds: Option<u32>,
    /// Failed logins from one IP within the window that raise a detection (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub failed_logins_per_ip: Option<u32>,
    /// Failed logins for one user within the window that raise a detection (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub failed_logins_per_user: Option<u32>,
    /// Distinct users failing from one IP within the window: credential stuffing (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub stuffing_users_per_ip: Option<u32>,
    /// Dynamic client registrations within the window that raise a detection (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub registrations_per_window: Option<u32>,
    /// MFA push notifications to one user within the window: push fatigue (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub mfa_pushes_per_user: Option<u32>,
    /// MFA text messages to one user within the window: SMS bombing (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000000))]
    pub mfa_sms_per_user: Option<u32>,
    /// Seconds after an owner invitation in which tenant member deletions count towards the
    /// tenant-takeover detection (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 86400))]
    pub takeover_window_seconds: Option<u32>,
    /// Tenant member deletions after an owner invitation that raise the tenant-takeover
    /// detection (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub member_deletions: Option<u32>,
    /// Addresses or CIDR ranges this tenant's attack-protection allowlists are expected to
    /// hold; any other allowlisted address raises a detection. Empty: no expectation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 256))]
    pub expected_allowlist: Vec<String>,
    /// Client ids of this tenant's API Explorer application (it is also matched by its default
    /// name); a Management API token issued to it raises a detection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub api_explorer_client_ids: Vec<String>,
}

impl DetectionSpec {
    /// The receiver's command-line flags for the fields that are set, in a fixed order.
    pub fn receiver_flags(&self) -> Vec<String> {
        let numbers = [
            ("--window-secs", self.window_seconds),
            ("--failed-logins-per-ip", self.failed_logins_per_ip),
            ("--failed-logins-per-user", self.failed_logins_per_user),
            ("--stuffing-users-per-ip", self.stuffing_users_per_ip),
            ("--registrations-per-window", self.registrations_per_window),
            ("--mfa-pushes-per-user", self.mfa_pushes_per_user),
            ("--mfa-sms-per-user", self.mfa_sms_per_user),
            ("--takeover-window-secs", self.takeover_window_seconds),
            ("--member-deletions", self.member_deletions),
        ];
        let mut flags: Vec<String> = numbers
            .iter()
            .filter_map(|(flag, value)| value.map(|v| format!("{flag}={v}")))
            .collect();
        let lists = [
            ("--expected-allowlist", &self.expected_allowlist),
            ("--api-explorer-client-id", &self.api_explorer_client_ids),
        ];
        for (flag, values) in lists {
            flags.extend(values.iter().map(|v| format!("{flag}={v}")));
        }
        flags
    }
}
