//! Shared helpers of the live-reader tests: build and start the `auth0-sim` binary on a free
//! loopback port, run `authpath`, compare finding ids.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const DOMAIN: &str = "acme-prod.eu.auth0.com";
pub const CLIENT_ID: &str = "live-test-client";
pub const CLIENT_SECRET: &str = "live-test-secret-0123456789abcdef";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `auth0-sim` (same target directory as this test) and returns its path.
pub fn sim_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "auth0-sim", "--bin", "auth0-sim"])
        .current_dir(repo())
        .status()
        .expect("cargo build -p auth0-sim");
    assert!(status.success(), "building auth0-sim failed");
    let exe = std::env::current_exe().expect("test exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    profile_dir.join(format!("auth0-sim{}", std::env::consts::EXE_SUFFIX))
}

/// A running emulator, killed on drop.
pub struct Sim {
    child: Child,
    pub base: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    /// Starts the emulator serving `export` with extra flags.
    pub fn start(export: &Path, extra: &[&str]) -> Sim {
        let mut child = Command::new(sim_binary())
            .args(["serve", "--export"])
            .arg(export)
            .args([
                "--domain",
                DOMAIN,
                "--listen",
                "127.0.0.1:0",
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start auth0-sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Sim { child, base }
    }

    /// `GET /__sim/stats`.
    pub fn stats(&self) -> serde_json::Value {
        let url = format!("{}/__sim/stats", self.base);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async {
            reqwest::get(&url)
                .await
                .expect("stats")
                .json()
                .await
                .expect("json")
        })
    }
}

/// The `authpath` binary under test; `AUTHPATH_BIN` overrides it (a shared target directory can
/// hold another branch's build by the time the test runs).
pub fn authpath_bin() -> PathBuf {
    std::env::var_os("AUTHPATH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_authpath")),
        PathBuf::from,
    )
}

/// Runs `authpath` with `args` and the test credentials; returns (exit code, stdout, stderr).
pub fn authpath(args: &[&str], base: &str) -> (i32, String, String) {
    let out = Command::new(authpath_bin())
        .args(args)
        .env("AUTH0_CLIENT_ID", CLIENT_ID)
        .env("AUTH0_CLIENT_SECRET", CLIENT_SECRET)
        .env("AUTH0_API_BASE", base)
        .output()
        .expect("run authpath");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Finding ids (in report order) of a `--format json` scan.
pub fn finding_ids(json_text: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json_text).expect("scan json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Finding ids of an offline scan of `export`.
pub fn offline_ids(export: &Path) -> Vec<String> {
    let (code, out, err) = authpath(
        &[
            "scan",
            "--export",
            export.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0, "offline scan failed: {err}");
    finding_ids(&out)
}

/// Finding ids of a live scan through the emulator at `base`.
pub fn live_ids(base: &str) -> (Vec<String>, String) {
    live_ids_with(base, &[])
}

/// Finding ids of a live scan through the emulator at `base`, with extra `authpath` flags.
pub fn live_ids_with(base: &str, extra: &[&str]) -> (Vec<String>, String) {
    let mut args = vec!["scan", "--tenant", DOMAIN, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = authpath(&args, base);
    assert_eq!(code, 0, "live scan failed: {err}");
    (finding_ids(&out), err)
}
