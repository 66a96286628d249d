//! What every reconcile shares: the client, settings, the Vault cache, the Event recorder, metrics,
//! per-object error counts for backoff, and the clock (injectable for tests).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kube::runtime::events::{Recorder, Reporter};

use super::credentials::VaultClientCache;
use super::metrics::Metrics;
use super::settings::OperatorSettings;

/// Shared reconcile context.
pub struct Context {
    pub client: kube::Client,
    pub settings: OperatorSettings,
    pub vault: VaultClientCache,
    pub recorder: Recorder,
    pub metrics: Metrics,
    /// Consecutive failures per object UID (capped exponential backoff; reset on success).
    pub failures: Mutex<HashMap<String, u32>>,
    /// The current time; tests fix it.
    pub clock: fn() -> jiff::Timestamp,
}

impl Context {
    /// A context for `client` with `settings` and `metrics`.
    pub fn new(client: kube::Client, settings: OperatorSettings, metrics: Metrics) -> Arc<Context> {
        let reporter = Reporter {
            controller: "authpath-operator".to_string(),
            instance: std::env::var("POD_NAME").ok(),
        };
        Arc::new(Context {
            recorder: Recorder::new(client.clone(), reporter),
            vault: VaultClientCache::new(metrics.vault.clone()),
            client,
            settings,
            metrics,
            failures: Mutex::new(HashMap::new()),
            clock: jiff::Timestamp::now,
        })
    }

    /// Counts one more failure of `uid`; returns the new count.
    pub fn record_failure(&self, uid: &str) -> u32 {
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let count = map.entry(uid.to_string()).or_insert(0);
        *count = count.saturating_add(1);
        *count
    }

    /// Forgets failures of `uid`.
    pub fn reset_failures(&self, uid: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(uid);
        }
    }
}
