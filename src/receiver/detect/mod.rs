//! Detections over classified events: configuration drift read from `sapi` changes (`drift`),
//! changes and tokens compared with what the owners expect (`posture`), and runtime bursts
//! counted in bounded sliding windows (`bursts`, `mfa_bursts`), and the tenant takeover pattern
//! (`takeover`: an owner invitation, then member deletions). Each detection has a stable id
//! (the Prometheus label and the stdout `detections[].id`), a severity and a one-line summary
//! built only from what the event already carries.

mod bursts;
mod drift;
mod mfa_bursts;
mod posture;
mod takeover;

use serde::Serialize;

use crate::findings::Severity;

use super::classify::Classified;
use super::directory::ObjectDirectory;
use super::event::LogEvent;

pub use bursts::BurstDetector;
pub use drift::{DriftDetector, is_management_audience};
pub use mfa_bursts::MfaBurstDetector;
pub use posture::{API_EXPLORER_NAME, Expectations, unescaped_outputs};
pub use takeover::TakeoverDetector;

/// The detections the receiver knows, by stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetectionKind {
    ManagementGrantCreated,
    ManagementGrantWidened,
    AttackProtectionWeakened,
    MfaDowngraded,
    CrossOriginAuthEnabled,
    InsecureGrantTypeEnabled,
    CodeChanged,
    ClientSecretRead,
    DynamicRegistrationBurst,
    FailedLoginBurstIp,
    FailedLoginBurstUser,
    CredentialStuffing,
    CanonicalDomainLogin,
    UnexpectedAllowlistEntry,
    LiquidXssRisk,
    ApiExplorerToken,
    MfaPushBurst,
    MfaSmsBurst,
    TenantTakeoverRisk,
}

impl DetectionKind {
    pub const ALL: [DetectionKind; 19] = [
        DetectionKind::ManagementGrantCreated,
        DetectionKind::ManagementGrantWidened,
        DetectionKind::AttackProtectionWeakened,
        DetectionKind::MfaDowngraded,
        DetectionKind::CrossOriginAuthEnabled,
        DetectionKind::InsecureGrantTypeEnabled,
        DetectionKind::CodeChanged,
        DetectionKind::ClientSecretRead,
        DetectionKind::DynamicRegistrationBurst,
        DetectionKind::FailedLoginBurstIp,
        DetectionKind::FailedLoginBurstUser,
        DetectionKind::CredentialStuffing,
        DetectionKind::CanonicalDomainLogin,
        DetectionKind::UnexpectedAllowlistEntry,
        DetectionKind::LiquidXssRisk,
        DetectionKind::ApiExplorerToken,
        DetectionKind::MfaPushBurst,
        DetectionKind::MfaSmsBurst,
        DetectionKind::TenantTakeoverRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DetectionKind::ManagementGrantCreated => "management-grant-created",
            DetectionKind::ManagementGrantWidened => "management-grant-widened",
            DetectionKind::AttackProtectionWeakened => "attack-protection-weakened",
            DetectionKind::MfaDowngraded => "mfa-downgraded",
            DetectionKind::CrossOriginAuthEnabled => "cross-origin-auth-enabled",
            DetectionKind::InsecureGrantTypeEnabled => "insecure-grant-type-enabled",
            DetectionKind::CodeChanged => "code-changed",
            DetectionKind::ClientSecretRead => "client-secret-read",
            DetectionKind::DynamicRegistrationBurst => "dynamic-registration-burst",
            DetectionKind::FailedLoginBurstIp => "failed-login-burst-ip",
            DetectionKind::FailedLoginBurstUser => "failed-login-burst-user",
            DetectionKind::CredentialStuffing => "credential-stuffing",
            DetectionKind::CanonicalDomainLogin => "canonical-domain-login",
            DetectionKind::UnexpectedAllowlistEntry => "unexpected-allowlist-entry",
            DetectionKind::LiquidXssRisk => "liquid-xss-risk",
            DetectionKind::ApiExplorerToken => "api-explorer-token",
            DetectionKind::MfaPushBurst => "mfa-push-burst",
            DetectionKind::MfaSmsBurst => "mfa-sms-burst",
            DetectionKind::TenantTakeoverRisk => "tenant-takeover-risk",
        }
    }
}

/// One detection raised by one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub id: DetectionKind,
    pub severity: Severity,
    pub summary: String,
}

impl Detection {
    pub fn new(id: DetectionKind, severity: Severity, summary: impl Into<String>) -> Self {
        Detection {
            id,
            severity,
            summary: summary.into(),
        }
    }
}

/// Configurable thresholds of the burst detections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    /// Length of every sliding window, in seconds.
    pub window_secs: u32,
    /// Failed logins from one IP within the window.
    pub failed_logins_per_ip: u32,
    /// Failed logins for one user within the window.
    pub failed_logins_per_user: u32,
    /// Distinct users failing from one IP within the window (credential stuffing).
    pub stuffing_users_per_ip: u32,
    /// Dynamic client registrations within the window.
    pub registrations: u32,
    /// MFA push notifications to one user within the window (push fatigue).
    pub mfa_pushes_per_user: u32,
    /// MFA SMS to one user within the window (SMS bombing).
    pub mfa_sms_per_user: u32,
    /// Window after an owner invitation in which member deletions count, in seconds.
    pub takeover_window_secs: u32,
    /// Tenant member deletions after an owner invitation that raise a detection.
    pub member_deletions: u32,
    /// Most keys (IPs, users) each counter tracks.
    pub max_keys: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            window_secs: 300,
            failed_logins_per_ip: 20,
            failed_logins_per_user: 10,
            stuffing_users_per_ip: 10,
            registrations: 5,
            mfa_pushes_per_user: 5,
            mfa_sms_per_user: 10,
            takeover_window_secs: 600,
            member_deletions: 2,
            max_keys: 100_000,
        }
    }
}

/// Every detection, stateful across events.
#[derive(Debug)]
pub struct Detector {
    drift: DriftDetector,
    bursts: BurstDetector,
    mfa_bursts: MfaBurstDetector,
    takeover: TakeoverDetector,
    expected: Expectations,
}

impl Detector {
    /// `custom_domain`: the tenant's custom domain, when it has one (enables the canonical
    /// domain detection); `expected`: allowlist ranges and API Explorer client ids.
    pub fn new(
        thresholds: &Thresholds,
        custom_domain: Option<String>,
        expected: Expectations,
    ) -> Self {
        Detector {
            drift: DriftDetector::default(),
            bursts: BurstDetector::new(thresholds, custom_domain),
            mfa_bursts: MfaBurstDetector::new(thresholds),
            takeover: TakeoverDetector::new(thresholds),
            expected,
        }
    }

    /// The detections `event` raises. `now_ms` is the event time (or the clock when the event
    /// has no usable date).
    pub fn inspect(
        &mut self,
        event: &LogEvent,
        classified: &Classified,
        directory: &ObjectDirectory,
        now_ms: i64,
    ) -> Vec<Detection> {
        let mut out = Vec::new();
        self.drift.inspect(event, classified, directory, &mut out);
        posture::inspect(event, classified, &self.expected, &mut out);
        self.bursts.inspect(event, classified, now_ms, &mut out);
        self.mfa_bursts.inspect(event, now_ms, &mut out);
        self.takeover.inspect(event, now_ms, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = DetectionKind::ALL.iter().map(|d| d.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DetectionKind::ALL.len());
        for d in DetectionKind::ALL {
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
    }
}
