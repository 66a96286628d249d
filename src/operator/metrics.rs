//! Prometheus metrics of the operator (prometheus-client), served as OpenMetrics on `/metrics`.
//! Labels are bounded: error reasons, scan outcomes, severities, and namespace/name of
//! integrations (tens, not thousands) — never finding names.

use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::credentials::cache::VaultCounters;

/// `reason` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: String,
}

/// `outcome` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: String,
}

/// Per-integration, per-severity label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SeverityLabel {
    pub namespace: String,
    pub integration: String,
    pub severity: String,
}

/// Per-integration label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct IntegrationLabel {
    pub namespace: String,
    pub integration: String,
}

/// Every metric family.
#[derive(Clone)]
pub struct Metrics {
    pub reconciles: Counter,
    pub reconcile_errors: Family<ReasonLabel, Counter>,
    pub reconcile_duration: Histogram,
    pub status_writes: Counter,
    pub child_writes: Counter,
    pub scans: Family<OutcomeLabel, Counter>,
    pub findings: Family<SeverityLabel, Gauge>,
    pub auth0_requests: Family<IntegrationLabel, Gauge>,
    pub vault: VaultCounters,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            reconciles: Counter::default(),
            reconcile_errors: Family::default(),
            reconcile_duration: Histogram::new(exponential_buckets(0.01, 2.0, 13)),
            status_writes: Counter::default(),
            child_writes: Counter::default(),
            scans: Family::default(),
            findings: Family::default(),
            auth0_requests: Family::default(),
            vault: VaultCounters::default(),
        }
    }
}

impl Metrics {
    /// Registers every family under the `authpath_operator` prefix.
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("authpath_operator");
        r.register("reconciles", "Reconcile runs", self.reconciles.clone());
        r.register(
            "reconcile_errors",
            "Reconcile errors by reason",
            self.reconcile_errors.clone(),
        );
        r.register(
            "reconcile_duration_seconds",
            "Reconcile duration",
            self.reconcile_duration.clone(),
        );
        r.register(
            "status_writes",
            "Status patches sent",
            self.status_writes.clone(),
        );
        r.register(
            "child_writes",
            "Child object writes sent",
            self.child_writes.clone(),
        );
        r.register("scans", "Finished scan Jobs by outcome", self.scans.clone());
        r.register(
            "findings",
            "Open findings by integration and severity",
            self.findings.clone(),
        );
        r.register(
            "auth0_requests_last_scan",
            "Management API requests of the last scan",
            self.auth0_requests.clone(),
        );
        r.register("vault_logins", "Vault logins", self.vault.logins.clone());
        r.register(
            "vault_login_failures",
            "Failed Vault logins",
            self.vault.login_failures.clone(),
        );
        r.register(
            "vault_renewals",
            "Vault token renewals",
            self.vault.renewals.clone(),
        );
        r.register(
            "vault_renewal_failures",
            "Failed Vault token renewals",
            self.vault.renewal_failures.clone(),
        );
    }

    /// Times one reconcile; the duration is recorded when the guard drops (early returns too).
    pub fn time_reconcile(&self) -> ReconcileTimer {
        self.reconciles.inc();
        ReconcileTimer {
            start: Instant::now(),
            histogram: self.reconcile_duration.clone(),
        }
    }
}

/// Drop guard recording a reconcile's duration.
pub struct ReconcileTimer {
    start: Instant,
    histogram: Histogram,
}

impl Drop for ReconcileTimer {
    fn drop(&mut self) {
        self.histogram.observe(self.start.elapsed().as_secs_f64());
    }
}

/// The registry as OpenMetrics text.
pub fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, registry) {
        Ok(()) => text,
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_exported_with_the_prefix() {
        let metrics = Metrics::default();
        let mut registry = Registry::default();
        metrics.register(&mut registry);
        drop(metrics.time_reconcile());
        metrics.vault.logins.inc();
        metrics
            .scans
            .get_or_create(&OutcomeLabel {
                outcome: "Succeeded".into(),
            })
            .inc();
        let text = encode(&registry);
        assert!(
            text.contains("authpath_operator_reconciles_total 1"),
            "{text}"
        );
        assert!(text.contains("authpath_operator_vault_logins_total 1"));
        assert!(text.contains("authpath_operator_scans_total{outcome=\"Succeeded\"} 1"));
        assert!(text.contains("authpath_operator_reconcile_duration_seconds_count 1"));
    }
}
