//! One whole live read, from endpoints and credentials to a snapshot: what `scan --tenant`,
//! `export` and the operator's scan Job share.

use std::time::Duration;

use crate::tenant::TenantSnapshot;

use super::{
    ApiClient, ClientOptions, Credentials, Endpoints, LiveRead, ProgressEvent, Result, plan,
    read_tenant, snapshot_of,
};

/// Where and how fast to read a live tenant.
#[derive(Debug, Clone)]
pub struct LiveTarget {
    /// Canonical tenant domain (`example.eu.auth0.com`).
    pub domain: String,
    /// Custom domain to request tokens from (the audience stays the canonical domain's).
    pub custom_domain: Option<String>,
    /// Base URL every request goes to instead (an emulator in tests).
    pub api_base: Option<String>,
    /// Client-side cap on requests per second.
    pub max_rps: Option<f64>,
    /// Give up when the read takes longer.
    pub deadline: Duration,
}

/// Reads the tenant and returns the read (tree, skipped kinds, counters) and its snapshot.
pub async fn read_snapshot(
    target: &LiveTarget,
    credentials: Credentials,
    progress: &mut dyn FnMut(ProgressEvent),
) -> Result<(LiveRead, TenantSnapshot)> {
    let endpoints = Endpoints::new(
        &target.domain,
        target.custom_domain.as_deref(),
        target.api_base.as_deref(),
    )?;
    let canonical = endpoints.domain.clone();
    let options = ClientOptions {
        max_rps: target.max_rps,
        deadline: Some(target.deadline),
        request_scopes: plan::wanted_scopes(),
        ..ClientOptions::default()
    };
    let mut api = ApiClient::new(endpoints, credentials, options)?;
    let read = read_tenant(&mut api, progress).await?;
    let snapshot = snapshot_of(&read, &canonical)?;
    Ok((read, snapshot))
}
