//! `auth0-sim serve` (emulate the Management API for Deploy CLI exports) and
//! `auth0-sim generate` (write a deterministic large synthetic tenant export).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use auth0_sim::auth::ClientConfig;
use auth0_sim::{Faults, READ_SCOPES, SimConfig};

#[derive(Debug, Parser)]
#[command(
    name = "auth0-sim",
    about = "Auth0 Management API emulator for tests and benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve one or more tenants loaded from Deploy CLI directory-format exports.
    Serve(ServeArgs),
    /// Write a deterministic synthetic tenant export.
    Generate(auth0_sim::generate::GenerateArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Export directory to serve (repeat for several tenants).
    #[arg(long, required = true)]
    export: Vec<PathBuf>,
    /// Tenant domain of each export, in order (default: `<dir name>.auth0-sim.local`).
    #[arg(long)]
    domain: Vec<String>,
    /// Address to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[arg(long)]
    client_id: String,
    #[arg(long)]
    client_secret: String,
    /// Comma- or space-separated scopes the client is granted (default: every read scope).
    #[arg(long)]
    scopes: Option<String>,
    /// Sustained Management API requests per second.
    #[arg(long, default_value_t = 1000.0)]
    rps: f64,
    /// Rate-limit bucket size.
    #[arg(long, default_value_t = 1000)]
    burst: u64,
    /// Share of API requests answered with a 5xx.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of API requests whose connection is dropped.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Seed of the fault dice.
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 86400)]
    token_lifetime: u64,
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if !args.listen.ip().is_loopback() {
        bail!("auth0-sim listens on loopback only (got {})", args.listen);
    }
    let mut tenants = Vec::new();
    for (i, dir) in args.export.iter().enumerate() {
        let domain = match args.domain.get(i) {
            Some(d) => d.clone(),
            None => {
                let name = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "tenant".into());
                format!("{name}.auth0-sim.local")
            }
        };
        let t = auth0_sim::load::load_export(dir, &domain)
            .with_context(|| format!("loading {}", dir.display()))?;
        tenants.push(t);
    }
    let scopes = match &args.scopes {
        Some(list) => list
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        None => READ_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    let cfg = SimConfig {
        tenants,
        client: ClientConfig {
            client_id: args.client_id,
            client_secret: args.client_secret,
            scopes,
            lifetime: Duration::from_secs(args.token_lifetime),
        },
        rps: args.rps,
        burst: args.burst,
        faults: Faults {
            error_rate: args.error_rate,
            drop_rate: args.drop_rate,
            latency: Duration::from_millis(args.latency_ms),
            seed: args.fault_seed,
        },
    };
    let domains: Vec<String> = cfg.tenants.iter().map(|t| t.domain.clone()).collect();
    let running = auth0_sim::spawn(cfg, args.listen).await?;
    // The first line on stdout is the contract for scripts: where to connect.
    println!(
        "auth0-sim listening on http://{} for {}",
        running.addr,
        domains.join(", ")
    );
    running.handle.await??;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => tokio::runtime::Runtime::new()?.block_on(serve(args)),
        Command::Generate(args) => auth0_sim::generate::run(&args),
    }
}
