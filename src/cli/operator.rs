//! `authpath operator`: runs the `Auth0Integration` controller.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use k8s_openapi::api::core::v1::EnvVar;

use crate::operator::{OperatorSettings, controller, leader};

/// Arguments of `authpath operator`.
#[derive(Debug, clap::Args)]
pub struct OperatorArgs {
    /// Image that scan Jobs and receivers run (the operator's own image).
    #[arg(
        long,
        env = "AUTHPATH_IMAGE",
        default_value = "ghcr.io/authpath/authpath:latest"
    )]
    pub image: String,
    /// Address of the `/metrics`, `/healthz` and `/readyz` endpoints.
    #[arg(long, env = "AUTHPATH_HTTP_ADDR", default_value = "0.0.0.0:8080")]
    pub http_addr: SocketAddr,
    /// Extra `NAME=VALUE` environment for scan Jobs (repeatable; never put secrets here).
    #[arg(long = "scan-job-env", value_name = "NAME=VALUE")]
    pub scan_job_env: Vec<String>,
    /// Extra `NAME=VALUE` environment for receiver containers (repeatable; never secrets).
    #[arg(long = "receiver-env", value_name = "NAME=VALUE")]
    pub receiver_env: Vec<String>,
    /// Watch only this namespace (default: every namespace).
    #[arg(long, env = "AUTHPATH_WATCH_NAMESPACE")]
    pub namespace: Option<String>,
    /// Run the controller only while holding the `authpath-operator` Lease (for replicas > 1).
    #[arg(long)]
    pub leader_election: bool,
    /// Namespace of the leader Lease (defaults to the pod's namespace).
    #[arg(long, env = "POD_NAMESPACE", default_value = "default")]
    pub lease_namespace: String,
    /// Finished scan Jobs kept per integration.
    #[arg(long, default_value_t = 3)]
    pub job_history: usize,
}

/// `NAME=VALUE` pairs of `flag` as container environment.
fn env_vars(flag: &str, pairs: &[String]) -> anyhow::Result<Vec<EnvVar>> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.is_empty() => Ok(EnvVar {
                name: name.to_string(),
                value: Some(value.to_string()),
                ..Default::default()
            }),
            _ => anyhow::bail!("{flag} {pair:?} is not NAME=VALUE"),
        })
        .collect()
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: OperatorArgs) -> anyhow::Result<u8> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kube=warn".into()),
        )
        .json()
        .init();
    let settings = OperatorSettings {
        image: args.image,
        scan_job_env: env_vars("--scan-job-env", &args.scan_job_env)?,
        receiver_env: env_vars("--receiver-env", &args.receiver_env)?,
        job_history: args.job_history,
        ..Default::default()
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let client = kube::Client::try_default().await?;
        let namespace = args.namespace.as_deref();
        if !args.leader_election {
            let never = futures::future::pending::<()>();
            return controller::run(client, settings, args.http_addr, namespace, never).await;
        }
        let me = std::env::var("POD_NAME")
            .unwrap_or_else(|_| format!("authpath-{}", std::process::id()));
        let leases = kube::Api::namespaced(client.clone(), &args.lease_namespace);
        let lost = leader::acquire(leases, "authpath-operator".to_string(), me).await;
        // Losing the Lease stops the controller like a signal does (Vault logins revoked), then
        // the process exits non-zero so a standby takes over.
        let lost_flag = Arc::new(AtomicBool::new(false));
        let (lost_tx, lost_rx) = futures::channel::oneshot::channel::<()>();
        let flag = lost_flag.clone();
        tokio::spawn(async move {
            lost.await;
            flag.store(true, Ordering::SeqCst);
            let _ = lost_tx.send(());
        });
        let stop = futures::FutureExt::map(lost_rx, |_| ());
        controller::run(client, settings, args.http_addr, namespace, stop).await?;
        if lost_flag.load(Ordering::SeqCst) {
            anyhow::bail!("lost the leader Lease; exiting so a standby takes over");
        }
        Ok(())
    })?;
    Ok(0)
}
