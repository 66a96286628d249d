//! `authpath export --tenant DOMAIN --out DIR`: a live tenant written in the Deploy CLI
//! directory format (secrets masked as the Deploy CLI masks them), plus the live-tenant
//! options and run loop shared with `authpath scan --tenant`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use crate::tenant::TenantSnapshot;
use crate::tenant::api::{
    ApiClient, ClientOptions, Credentials, Endpoints, LiveRead, ProgressEvent, plan, read_tenant,
    snapshot_of, write_tree,
};

/// How to reach a live tenant.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Custom domain to request tokens from (the audience stays the canonical domain's).
    #[arg(long, value_name = "DOMAIN")]
    pub custom_domain: Option<String>,
    /// Send every request to this base URL instead (e.g. http://127.0.0.1:8080 for an emulator).
    #[arg(long, value_name = "URL", env = "AUTH0_API_BASE")]
    pub api_base: Option<String>,
    /// Environment variable holding the client id.
    #[arg(long, value_name = "VAR", default_value = "AUTH0_CLIENT_ID")]
    pub client_id_env: String,
    /// Environment variable holding the client secret.
    #[arg(long, value_name = "VAR", default_value = "AUTH0_CLIENT_SECRET")]
    pub client_secret_env: String,
    /// Never send more than this many requests per second (the tenant's headers pace the run too).
    #[arg(long, value_name = "N")]
    pub max_rps: Option<f64>,
    /// Give up when reading the tenant takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub deadline: u64,
    /// Per-request timeout in seconds (a timed-out request is retried with backoff).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub request_timeout: u64,
}

/// Arguments of `authpath export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Tenant domain, e.g. acme.eu.auth0.com (credentials from AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET).
    #[arg(long, value_name = "DOMAIN")]
    pub tenant: String,
    /// Output directory (Deploy CLI directory format).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

fn env_var(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .with_context(|| format!("missing credentials: set {name}"))
}

/// Prints progress: a spinner with per-type lines on a terminal, plain log lines otherwise.
fn reporter() -> impl FnMut(ProgressEvent) {
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(Duration::from_millis(120));
        b
    });
    move |event| {
        let line = match &event {
            ProgressEvent::Started(what) => {
                if let Some(b) = &bar {
                    b.set_message(format!("reading {what}..."));
                }
                return;
            }
            ProgressEvent::Finished(what, n) => format!("authpath: read {what}: {n}"),
            ProgressEvent::Skipped(what, why) => format!("authpath: skipped {what}: {why}"),
        };
        match &bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
}

/// Reads the live tenant `domain`; returns the read and its snapshot.
pub fn read_live(domain: &str, args: &LiveArgs) -> anyhow::Result<(LiveRead, TenantSnapshot)> {
    let creds = Credentials {
        client_id: env_var(&args.client_id_env)?,
        client_secret: env_var(&args.client_secret_env)?,
    };
    let endpoints = Endpoints::new(
        domain,
        args.custom_domain.as_deref(),
        args.api_base.as_deref(),
    )?;
    let opts = ClientOptions {
        max_rps: args.max_rps,
        deadline: Some(Duration::from_secs(args.deadline)),
        request_scopes: plan::wanted_scopes(),
        timeout: Duration::from_secs(args.request_timeout.max(1)),
    };
    let canonical = endpoints.domain.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let read = runtime.block_on(async {
        let mut api = ApiClient::new(endpoints, creds, opts)?;
        let mut progress = reporter();
        read_tenant(&mut api, &mut progress).await
    })?;
    let c = read.counters;
    eprintln!(
        "authpath: {canonical}: {} requests, {} rate-limited (429), {} retried",
        c.requests, c.rate_limited, c.retries
    );
    if let Some(u) = &read.users {
        eprintln!(
            "authpath: users: {} in total, {} sampled; app_metadata keys: {}; providers: {}",
            u.total.map_or_else(|| "?".to_string(), |t| t.to_string()),
            u.sampled,
            u.app_metadata_keys
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            u.providers.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let snapshot = snapshot_of(&read, &canonical)?;
    Ok((read, snapshot))
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: ExportArgs) -> anyhow::Result<u8> {
    let (read, _) = read_live(&args.tenant, &args.live)?;
    write_tree(&read.tree, &args.out)?;
    eprintln!(
        "authpath: wrote {} files to {}",
        read.tree.files.len(),
        args.out.display()
    );
    Ok(0)
}
