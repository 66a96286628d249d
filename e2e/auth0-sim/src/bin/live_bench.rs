//! The live-scan benchmark: generates the synthetic tenant, serves it at a given rate limit
//! (default: the Free plan's 2 requests/s, burst 2), then runs `authpath scan --tenant` and the
//! pinned Deploy CLI's `export` against it one after the other, and prints a Markdown table:
//! Management API requests (from `/__sim/stats`), the theoretical minimum, 429s, wall time and
//! wall time / (minimum / rate). The Deploy CLI reads more resource types than authpath, so its
//! "minimum" is its own requests without the 429s (what it read, without its retries).
//!
//! `cargo run --release -p auth0-sim --bin live_bench -- --authpath target/release/authpath`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::Value;

use auth0_sim::auth::ClientConfig;
use auth0_sim::generate::{GenerateArgs, build, write};
use auth0_sim::minimum::minimum_requests;
use auth0_sim::{Faults, READ_SCOPES, SimConfig};

const DOMAIN: &str = "synthetic.auth0-sim.local";
const CLIENT_ID: &str = "bench-client";
const CLIENT_SECRET: &str = "bench-secret-0123456789abcdef";

#[derive(Debug, Parser)]
#[command(
    name = "live_bench",
    about = "authpath live scan vs Deploy CLI export at a rate limit"
)]
struct Args {
    #[arg(long, default_value_t = 5000)]
    clients: usize,
    #[arg(long, default_value_t = 2000)]
    actions: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Sustained requests per second of the emulated tenant.
    #[arg(long, default_value_t = 2.0)]
    rps: f64,
    /// Bucket size of the emulated tenant.
    #[arg(long, default_value_t = 2)]
    burst: u64,
    /// The authpath binary to measure.
    #[arg(long)]
    authpath: PathBuf,
    /// Skip the Deploy CLI run (no node/npm).
    #[arg(long)]
    skip_deploy_cli: bool,
    /// Working directory (default: a new temporary directory, removed afterwards).
    #[arg(long)]
    work: Option<PathBuf>,
}

/// One measured client.
struct Run {
    name: &'static str,
    requests: u64,
    minimum: u64,
    rate_limited: u64,
    wall: Duration,
}

fn http(addr: SocketAddr, method: &str, path: &str) -> anyhow::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    Ok(text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default())
}

/// (Management API requests, 429s) since the last reset.
fn stats(addr: SocketAddr) -> anyhow::Result<(u64, u64)> {
    let v: Value = serde_json::from_str(&http(addr, "GET", "/__sim/stats")?)?;
    let api: u64 = v["requests"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("GET /api/v2/"))
        .filter_map(|(_, n)| n.as_u64())
        .sum();
    Ok((api, v["rate_limited"].as_u64().unwrap_or(0)))
}

fn timed(mut cmd: Command) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let status = cmd.status().context("starting the client")?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(start.elapsed())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let work = args.work.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("auth0-sim-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&work)?;
    let export = work.join("synthetic");
    let gen_args = GenerateArgs {
        domain: DOMAIN.into(),
        ..GenerateArgs::sized(export.clone(), args.clients, args.actions, args.seed)
    };
    write(&build(&gen_args), &export)?;
    let tenant = auth0_sim::load::load_export(&export, DOMAIN)?;
    let (minimum, parts) = minimum_requests(&tenant);
    eprintln!(
        "live_bench: {} clients, {} actions, {} connections, {} roles; minimum {minimum} requests",
        args.clients,
        args.actions,
        tenant.connections.len(),
        tenant.roles.len()
    );
    for p in &parts {
        eprintln!("live_bench:   {}: {}", p.what, p.requests);
    }
    let cfg = SimConfig {
        tenants: vec![tenant],
        client: ClientConfig {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            scopes: READ_SCOPES.iter().map(|s| s.to_string()).collect(),
            lifetime: Duration::from_secs(86400),
        },
        rps: args.rps,
        burst: args.burst,
        faults: Faults::default(),
    };
    let rt = tokio::runtime::Runtime::new()?;
    let running = rt.block_on(auth0_sim::spawn(cfg, "127.0.0.1:0".parse()?))?;
    let addr = running.addr;
    let base = format!("http://{addr}");
    let settle = Duration::from_secs_f64(args.burst as f64 / args.rps + 1.0);
    let mut runs = Vec::new();

    let mut scan = Command::new(&args.authpath);
    scan.args(["scan", "--tenant", DOMAIN, "--format", "json", "--output"])
        .arg(work.join("live-scan.json"))
        .env("AUTH0_CLIENT_ID", CLIENT_ID)
        .env("AUTH0_CLIENT_SECRET", CLIENT_SECRET)
        .env("AUTH0_API_BASE", &base)
        .stdout(Stdio::null());
    let wall = timed(scan)?;
    let (requests, rate_limited) = stats(addr)?;
    runs.push(Run {
        name: "authpath scan --tenant",
        requests,
        minimum,
        rate_limited,
        wall,
    });

    if !args.skip_deploy_cli {
        http(addr, "POST", "/__sim/stats/reset")?;
        std::thread::sleep(settle);
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy-cli/run-export.sh");
        let mut export_cmd = Command::new("bash");
        export_cmd
            .arg(script)
            .args([DOMAIN, &base, CLIENT_ID, CLIENT_SECRET])
            .arg(work.join("deploy-cli-export"))
            .stdout(Stdio::null());
        let wall = timed(export_cmd)?;
        let (requests, rate_limited) = stats(addr)?;
        runs.push(Run {
            name: "Deploy CLI export (8.44.0)",
            requests,
            minimum: requests.saturating_sub(rate_limited),
            rate_limited,
            wall,
        });
    }
    running.handle.abort();
    if args.work.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }

    println!(
        "Synthetic tenant: {} clients, {} Actions (seed {}), served at {} requests/s, burst {}.\n",
        args.clients, args.actions, args.seed, args.rps, args.burst
    );
    println!(
        "| client | requests | minimum | requests / minimum | 429s | wall time | wall / (minimum / rate) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &runs {
        let ideal = r.minimum as f64 / args.rps;
        println!(
            "| {} | {} | {} | {:.3} | {} | {:.1} s | {:.2} |",
            r.name,
            r.requests,
            r.minimum,
            r.requests as f64 / r.minimum.max(1) as f64,
            r.rate_limited,
            r.wall.as_secs_f64(),
            r.wall.as_secs_f64() / ideal.max(f64::MIN_POSITIVE)
        );
    }
    Ok(())
}
