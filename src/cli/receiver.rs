//! `authpath receiver`: the Auth0 Log Stream receiver. Classified events go to stdout as JSON
//! lines; diagnostics go to stderr. By default it runs against the cluster for `--integration
//! NAMESPACE/NAME` (runtime signals on its `Auth0Finding`s, rescans through the annotation);
//! `--standalone` runs without a cluster (no signals written, rescans only logged). The token
//! comes from `--token-file` or, failing that, the `AUTHPATH_RECEIVER_TOKEN` environment value.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::receiver::detect::{Expectations, Thresholds};
use crate::receiver::kube_cluster::{IntegrationName, connect};
use crate::receiver::pipeline::PipelineConfig;
use crate::receiver::processor::{DiscardSignals, LogRescans};
use crate::receiver::{Cluster, MemoryFindingIndex, ReceiverConfig, Token, bind, start};

/// Arguments of `authpath receiver`.
#[derive(Debug, clap::Args)]
pub struct ReceiverArgs {
    /// Address to listen on.
    #[arg(long, env = "AUTHPATH_RECEIVER_LISTEN", default_value = "0.0.0.0:8080")]
    listen: String,
    /// File holding the token Auth0 sends in `Authorization` (the mounted Secret); without it
    /// the token is read from the `AUTHPATH_RECEIVER_TOKEN` environment variable.
    #[arg(long, env = "AUTHPATH_RECEIVER_TOKEN_FILE")]
    token_file: Option<PathBuf>,
    /// Run without a cluster: classification and detections to stdout only.
    #[arg(long)]
    standalone: bool,
    /// The integration (`NAMESPACE/NAME`) whose findings to signal (cluster mode).
    #[arg(long, env = "AUTHPATH_INTEGRATION")]
    integration: Option<String>,
    /// The tenant's custom domain, enabling the canonical-domain login detection.
    #[arg(long, env = "AUTHPATH_CUSTOM_DOMAIN")]
    custom_domain: Option<String>,
    /// Largest accepted request body, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    body_limit: usize,
    /// Most events admitted and not yet processed; beyond it requests get 503.
    #[arg(long, default_value_t = 50_000)]
    queue_capacity: usize,
    /// How many recent log_ids are remembered to drop redelivered events.
    #[arg(long, default_value_t = 100_000)]
    dedup_window: usize,
    /// Seconds between writes of runtime signals and rescan checks.
    #[arg(long, env = "AUTHPATH_RECEIVER_FLUSH_SECS", default_value_t = 5)]
    flush_secs: u64,
    /// A rescan is requested once no scanned object changed for this many seconds...
    #[arg(
        long,
        env = "AUTHPATH_RECEIVER_RESCAN_QUIET_SECS",
        default_value_t = 30
    )]
    rescan_quiet_secs: u64,
    /// ...or this many seconds after the first change of a burst that never goes quiet.
    #[arg(
        long,
        env = "AUTHPATH_RECEIVER_RESCAN_MAX_DELAY_SECS",
        default_value_t = 300
    )]
    rescan_max_delay_secs: u64,
    /// Sliding window of the burst detections, in seconds.
    #[arg(long, default_value_t = 300)]
    window_secs: u32,
    /// Failed logins from one IP within the window that raise a detection.
    #[arg(long, default_value_t = 20)]
    failed_logins_per_ip: u32,
    /// Failed logins for one user within the window that raise a detection.
    #[arg(long, default_value_t = 10)]
    failed_logins_per_user: u32,
    /// Distinct users failing from one IP within the window (credential stuffing).
    #[arg(long, default_value_t = 10)]
    stuffing_users_per_ip: u32,
    /// Dynamic client registrations within the window that raise a detection.
    #[arg(long, default_value_t = 5)]
    registrations_per_window: u32,
    /// MFA push notifications to one user within the window that raise a detection.
    #[arg(long, default_value_t = 5)]
    mfa_pushes_per_user: u32,
    /// MFA SMS to one user within the window that raise a detection.
    #[arg(long, default_value_t = 10)]
    mfa_sms_per_user: u32,
    /// Seconds after an owner invitation in which tenant member deletions count (tenant
    /// takeover pattern).
    #[arg(long, default_value_t = 600)]
    takeover_window_secs: u32,
    /// Tenant member deletions after an owner invitation that raise a detection.
    #[arg(long, default_value_t = 2)]
    member_deletions: u32,
    /// Addresses or CIDR ranges expected in attack-protection allowlists (comma-separated or
    /// repeated); any other allowlisted address raises a detection.
    #[arg(long, env = "AUTHPATH_EXPECTED_ALLOWLIST", value_delimiter = ',')]
    expected_allowlist: Vec<String>,
    /// Client id of the dashboard's API Explorer application (also matched by its default name);
    /// a Management API token issued to it raises a detection.
    #[arg(long, env = "AUTHPATH_API_EXPLORER_CLIENT_ID", value_delimiter = ',')]
    api_explorer_client_id: Vec<String>,
}

impl ReceiverArgs {
    fn config(&self) -> anyhow::Result<ReceiverConfig> {
        let allowlist = Expectations::parse_allowlist(&self.expected_allowlist)
            .map_err(|e| anyhow::anyhow!("--expected-allowlist: {e}"))?;
        let secs = |s: u64| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX);
        Ok(ReceiverConfig {
            body_limit: self.body_limit,
            queue_capacity: self.queue_capacity,
            dedup_window: self.dedup_window,
            flush_every: Duration::from_secs(self.flush_secs.max(1)),
            start_paused: false,
            pipeline: PipelineConfig {
                thresholds: Thresholds {
                    window_secs: self.window_secs.max(1),
                    failed_logins_per_ip: self.failed_logins_per_ip,
                    failed_logins_per_user: self.failed_logins_per_user,
                    stuffing_users_per_ip: self.stuffing_users_per_ip,
                    registrations: self.registrations_per_window,
                    mfa_pushes_per_user: self.mfa_pushes_per_user,
                    mfa_sms_per_user: self.mfa_sms_per_user,
                    takeover_window_secs: self.takeover_window_secs.max(1),
                    member_deletions: self.member_deletions.max(1),
                    ..Thresholds::default()
                },
                custom_domain: self.custom_domain.clone(),
                expected: Expectations {
                    allowlist,
                    api_explorer_clients: self.api_explorer_client_id.clone(),
                },
                rescan_quiet_ms: secs(self.rescan_quiet_secs),
                rescan_max_delay_ms: secs(self.rescan_max_delay_secs),
            },
        })
    }
}

/// Environment variable holding the token value (the Deployment sets it from the Secret).
const TOKEN_ENV: &str = "AUTHPATH_RECEIVER_TOKEN";

/// The token from `--token-file`, else from [`TOKEN_ENV`].
fn read_token(token_file: Option<&std::path::Path>) -> anyhow::Result<Token> {
    if let Some(path) = token_file {
        return Ok(Token::from_file(path)?);
    }
    let value = std::env::var(TOKEN_ENV).unwrap_or_default();
    Token::new(&value).with_context(|| format!("no token: pass --token-file or set {TOKEN_ENV}"))
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: ReceiverArgs) -> anyhow::Result<u8> {
    let integration = if args.standalone {
        None
    } else {
        let text = args
            .integration
            .as_deref()
            .context("cluster mode needs --integration NAMESPACE/NAME (or --standalone)")?;
        Some(
            IntegrationName::parse(text)
                .with_context(|| format!("--integration {text:?} is not NAMESPACE/NAME"))?,
        )
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let token = read_token(args.token_file.as_deref())?;
    let config = args.config()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let cluster = match &integration {
            Some(integration) => {
                let client = kube::Client::try_default()
                    .await
                    .context("cannot reach the Kubernetes API")?;
                connect(client, integration).await
            }
            None => Cluster {
                index: Arc::new(MemoryFindingIndex::new()),
                signals: Arc::new(DiscardSignals),
                rescans: Arc::new(LogRescans),
            },
        };
        let listener = bind(&args.listen).await?;
        let out = Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout(),
        ));
        let receiver = start(listener, config, token, cluster, out, shutdown_signal())?;
        let mode = if integration.is_some() {
            "cluster"
        } else {
            "standalone"
        };
        tracing::info!(addr = %receiver.addr, mode, "receiver listening");
        receiver.wait().await?;
        tracing::info!("receiver stopped; queue drained");
        anyhow::Ok(0u8)
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::DetectionSpec;
    use clap::Parser;

    #[derive(Parser)]
    struct Receiver {
        #[command(flatten)]
        args: ReceiverArgs,
    }

    fn config(flags: Vec<String>) -> ReceiverConfig {
        let argv = std::iter::once("receiver".to_string()).chain(flags);
        Receiver::try_parse_from(argv)
            .expect("the flags parse")
            .args
            .config()
            .expect("a valid configuration")
    }

    fn numbers(t: &Thresholds) -> [u32; 9] {
        [
            t.window_secs,
            t.failed_logins_per_ip,
            t.failed_logins_per_user,
            t.stuffing_users_per_ip,
            t.registrations,
            t.mfa_pushes_per_user,
            t.mfa_sms_per_user,
            t.takeover_window_secs,
            t.member_deletions,
        ]
    }

    /// What the operator writes from `spec.logStream.detection` is what the receiver runs with.
    #[test]
    fn every_detection_field_reaches_the_receiver_thresholds() {
        let spec = DetectionSpec {
            window_seconds: Some(61),
            failed_logins_per_ip: Some(3),
            failed_logins_per_user: Some(4),
            stuffing_users_per_ip: Some(5),
            registrations_per_window: Some(6),
            mfa_pushes_per_user: Some(7),
            mfa_sms_per_user: Some(8),
            takeover_window_seconds: Some(900),
            member_deletions: Some(9),
            expected_allowlist: vec!["203.0.113.0/24".into(), "2001:db8::1".into()],
            api_explorer_client_ids: vec!["explorer1".into(), "explorer2".into()],
        };
        let c = config(spec.receiver_flags());
        assert_eq!(
            numbers(&c.pipeline.thresholds),
            [61, 3, 4, 5, 6, 7, 8, 900, 9]
        );
        let allowlist: Vec<String> = c
            .pipeline
            .expected
            .allowlist
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(allowlist, ["203.0.113.0/24", "2001:db8::1/128"]);
        assert_eq!(
            c.pipeline.expected.api_explorer_clients,
            ["explorer1", "explorer2"]
        );
    }

    #[test]
    fn an_empty_detection_spec_keeps_the_receiver_defaults() {
        assert!(DetectionSpec::default().receiver_flags().is_empty());
        let c = config(Vec::new());
        assert_eq!(
            numbers(&c.pipeline.thresholds),
            numbers(&Thresholds::default())
        );
        assert!(c.pipeline.expected.allowlist.is_empty());
    }
}
