//! Wiring: the `Auth0Integration` controller (owning its Jobs, Deployments and Services), the error
//! policy with per-object capped backoff, and the HTTP endpoints (`/metrics`, `/healthz`,
//! `/readyz`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use prometheus_client::registry::Registry;

use super::context::Context;
use super::error::{OperatorError, backoff};
use super::metrics::{Metrics, ReasonLabel, encode};
use super::reconcile::reconcile;
use super::settings::OperatorSettings;
use crate::crd::Auth0Integration;

/// Transient errors back off from here ...
const ERROR_BASE: Duration = Duration::from_secs(5);
/// ... to at most this.
const ERROR_CAP: Duration = Duration::from_secs(300);

/// Requeue policy after a failed reconcile: capped exponential per object for transient errors,
/// a long wait for errors that need a spec edit (the next edit triggers a reconcile anyway).
pub fn error_policy(
    integration: Arc<Auth0Integration>,
    error: &OperatorError,
    ctx: Arc<Context>,
) -> Action {
    ctx.metrics
        .reconcile_errors
        .get_or_create(&ReasonLabel {
            reason: error.reason().to_string(),
        })
        .inc();
    tracing::warn!(
        integration = %integration.name_any(),
        namespace = %integration.namespace().unwrap_or_default(),
        reason = error.reason(),
        error = %error,
        "reconcile failed"
    );
    if !error.is_transient() {
        return Action::await_change();
    }
    let failures = ctx.record_failure(&integration.uid().unwrap_or_default());
    Action::requeue(backoff(failures, ERROR_BASE, ERROR_CAP))
}

/// Health flags the HTTP endpoints report.
#[derive(Default)]
pub struct Health {
    pub ready: AtomicBool,
}

async fn serve_http(
    addr: SocketAddr,
    registry: Arc<Registry>,
    health: Arc<Health>,
) -> anyhow::Result<()> {
    use axum::http::StatusCode;
    use axum::routing::get;
    let metrics_registry = registry.clone();
    let app = axum::Router::new()
        .route(
            "/metrics",
            get(move || {
                let registry = metrics_registry.clone();
                async move {
                    (
                        [(
                            "content-type",
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        encode(&registry),
                    )
                }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let health = health.clone();
                async move {
                    if health.ready.load(Ordering::Relaxed) {
                        (StatusCode::OK, "ready")
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "starting")
                    }
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "serving /metrics, /healthz, /readyz");
    axum::serve(listener, app).await?;
    Ok(())
}

/// Runs the controller until a shutdown signal or `stop` completes (lost leadership), then
/// revokes the Vault tokens it logged in for; serves HTTP on `http_addr`.
pub async fn run(
    client: kube::Client,
    settings: OperatorSettings,
    http_addr: SocketAddr,
    namespace: Option<&str>,
    stop: impl std::future::Future<Output = ()> + Send + Sync + 'static,
) -> anyhow::Result<()> {
    let integrations = match namespace {
        Some(ns) => Api::<Auth0Integration>::namespaced(client.clone(), ns),
        None => Api::<Auth0Integration>::all(client.clone()),
    };
    let (jobs, deployments) = match namespace {
        Some(ns) => (
            Api::<Job>::namespaced(client.clone(), ns),
            Api::<Deployment>::namespaced(client.clone(), ns),
        ),
        None => (
            Api::<Job>::all(client.clone()),
            Api::<Deployment>::all(client.clone()),
        ),
    };
    if let Err(e) = integrations.list(&ListParams::default().limit(1)).await {
        anyhow::bail!("Auth0Integration CRD is not queryable ({e}); install crds/ first");
    }
    let metrics = Metrics::default();
    let mut registry = Registry::default();
    metrics.register(&mut registry);
    let health = Arc::new(Health::default());
    let http = tokio::spawn(serve_http(http_addr, Arc::new(registry), health.clone()));
    let ctx = Context::new(client.clone(), settings, metrics);
    health.ready.store(true, Ordering::Relaxed);
    let owned = watcher::Config::default().labels("app.kubernetes.io/managed-by=authpath");
    Controller::new(integrations, watcher::Config::default())
        .owns(jobs, owned.clone())
        .owns(deployments, owned)
        .shutdown_on_signal()
        .graceful_shutdown_on(stop)
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|result| async move {
            if let Err(e) = result {
                tracing::debug!(error = %e, "controller event");
            }
        })
        .await;
    let revoked = ctx.vault.revoke_logins().await;
    tracing::info!(
        revoked = revoked.revoked,
        failed = revoked.failed,
        "shut down; Vault tokens of our own logins revoked"
    );
    http.abort();
    Ok(())
}
