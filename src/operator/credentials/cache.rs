//! One cached, renewing Vault session per identity. A reconcile asks the cache for credentials; the
//! cache logs in only when there is no session or it has expired, renews after two thirds of the
//! lease, and logs in again when renewal fails or a read is refused with the current token. On
//! shutdown it revokes the tokens it logged in for (never a token the user handed over).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use prometheus_client::metrics::counter::Counter;
use tokio::sync::Mutex;

use super::vault::{self, VaultIdentity, VaultSession};
use super::{ClientCredentials, CredentialsError};
use crate::crd::VaultCredentials;

type Slot = Arc<Mutex<Option<VaultSession>>>;

/// Counters the cache bumps (registered by the operator's metrics).
#[derive(Debug, Clone, Default)]
pub struct VaultCounters {
    pub logins: Counter,
    pub login_failures: Counter,
    pub renewals: Counter,
    pub renewal_failures: Counter,
}

/// How long the shutdown waits for token revocations.
pub const REVOKE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// What [`VaultClientCache::revoke_logins`] did (on a timeout every attempt counts as failed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevokeSummary {
    pub revoked: usize,
    pub failed: usize,
}

/// The cache, shared by every reconcile.
#[derive(Default)]
pub struct VaultClientCache {
    sessions: std::sync::Mutex<HashMap<VaultIdentity, Slot>>,
    counters: VaultCounters,
}

impl VaultClientCache {
    /// An empty cache bumping `counters`.
    pub fn new(counters: VaultCounters) -> VaultClientCache {
        VaultClientCache {
            sessions: Default::default(),
            counters,
        }
    }

    fn slot(&self, identity: &VaultIdentity) -> Slot {
        let mut sessions = match self.sessions.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        sessions.entry(identity.clone()).or_default().clone()
    }

    /// Number of identities with a slot (tests and diagnostics).
    pub fn identities(&self) -> usize {
        self.sessions.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Revokes every token this cache logged in for and forgets every session; tokens handed over
    /// in a Secret are only forgotten. Called once on shutdown: the revocations run together and
    /// give up after [`REVOKE_DEADLINE`] (an unreachable Vault must not hold the shutdown up;
    /// its tokens then expire with their TTL).
    pub async fn revoke_logins(&self) -> RevokeSummary {
        let slots: Vec<(VaultIdentity, Slot)> = {
            let mut sessions = match self.sessions.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            sessions.drain().collect()
        };
        let mut owned = Vec::new();
        for (identity, slot) in slots {
            if let Some(session) = slot.lock().await.take()
                && session.owned
            {
                owned.push((identity, session));
            }
        }
        let attempts = owned.len();
        let revocations = owned.iter().map(|(identity, session)| async move {
            let result = vault::revoke(session, &identity.address).await;
            if let Err(e) = &result {
                tracing::warn!(address = %identity.address, reason = e.reason(), "revoking a Vault token failed");
            }
            result.is_ok()
        });
        match tokio::time::timeout(REVOKE_DEADLINE, futures::future::join_all(revocations)).await {
            Ok(results) => {
                let revoked = results.iter().filter(|ok| **ok).count();
                RevokeSummary {
                    revoked,
                    failed: attempts - revoked,
                }
            }
            Err(_) => {
                tracing::warn!(attempts, "revoking Vault tokens timed out");
                RevokeSummary {
                    revoked: 0,
                    failed: attempts,
                }
            }
        }
    }

    /// Reads the client credentials for `spec` with the cached session of its identity.
    pub async fn read_credentials(
        &self,
        kube: &kube::Client,
        namespace: &str,
        default_sa: &str,
        spec: &VaultCredentials,
    ) -> Result<ClientCredentials, CredentialsError> {
        let identity = VaultIdentity::of(spec, namespace, default_sa).ok_or_else(|| {
            CredentialsError::VaultSetup("no login method in credentials.vault.auth".into())
        })?;
        let slot = self.slot(&identity);
        let mut guard = slot.lock().await;
        let fresh_login = self.ensure_session(kube, &identity, &mut guard).await?;
        let Some(session) = guard.as_ref() else {
            return Err(CredentialsError::VaultSetup("no session".into()));
        };
        match vault::read_client_credentials(session, spec).await {
            Err(CredentialsError::VaultSecretUnreadable { code: 403, .. }) if !fresh_login => {
                // The token may have been revoked behind our back: log in once more and retry.
                *guard = None;
                self.ensure_session(kube, &identity, &mut guard).await?;
                match guard.as_ref() {
                    Some(session) => vault::read_client_credentials(session, spec).await,
                    None => Err(CredentialsError::VaultSetup("no session".into())),
                }
            }
            other => other,
        }
    }

    /// Makes `slot` hold a usable session; returns true when it had to log in.
    async fn ensure_session(
        &self,
        kube: &kube::Client,
        identity: &VaultIdentity,
        slot: &mut Option<VaultSession>,
    ) -> Result<bool, CredentialsError> {
        let now = Instant::now();
        if let Some(session) = slot.as_mut() {
            if session.expired(now) {
                *slot = None;
            } else if session.needs_renewal(now) {
                if session.renewable && vault::renew(session, &identity.address).await.is_ok() {
                    self.counters.renewals.inc();
                    return Ok(false);
                }
                self.counters.renewal_failures.inc();
                *slot = None;
            } else {
                return Ok(false);
            }
        }
        match vault::login(kube, identity).await {
            Ok(session) => {
                self.counters.logins.inc();
                *slot = Some(session);
                Ok(true)
            }
            Err(e) => {
                self.counters.login_failures.inc();
                Err(e)
            }
        }
    }
}
