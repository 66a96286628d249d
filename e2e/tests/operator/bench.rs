//! Operator benchmark on the real plane (ignored by default; README "Operator" has the numbers):
//! 10 integrations scanning a synthetic tenant of about 520 findings each (about 5,200
//! `Auth0Finding`s). Measures the operator's resident memory (`VmRSS` from `/proc`) when idle and
//! during a rescan of all 10, and counts the API writes the operator makes while idle: each
//! integration is touched (an unrelated annotation, so every integration is reconciled with
//! nothing to do) and the apiserver's `apiserver_request_total` by verb and resource must not
//! move for any resource the operator or its scan Jobs write.
//!
//! `cargo test -p e2e --test operator -- --ignored --nocapture operator_benchmark`

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use kube::api::{ListParams, Patch, PatchParams};
use serde_json::json;

use crate::objects::{findings_api, integrations_api, request_rescan};
use crate::rbac::scan_rbac;
use crate::scan::integration;
use crate::sim::sim_binary;
use crate::support::{Operator, create, planted_credentials_secret, setup, wait_for};

const INTEGRATIONS: usize = 10;
const WRITE_VERBS: [&str; 6] = [
    "APPLY",
    "PATCH",
    "POST",
    "PUT",
    "DELETE",
    "DELETECOLLECTION",
];
/// What the operator and its scan Jobs write. The apiserver's own bookkeeping (its lease, the
/// `kubernetes` Service endpoints) is left out.
const OPERATOR_RESOURCES: [&str; 7] = [
    "auth0integrations",
    "auth0findings",
    "jobs",
    "secrets",
    "events",
    "deployments",
    "services",
];

/// `VmRSS` of `pid` in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Write requests the apiserver served for [`OPERATOR_RESOURCES`], by `VERB resource[/subresource]`.
async fn apiserver_writes(client: &kube::Client) -> BTreeMap<String, u64> {
    let request = http::Request::get("/metrics")
        .body(Vec::new())
        .expect("request");
    let text = client
        .request_text(request)
        .await
        .expect("apiserver /metrics");
    let mut writes = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("apiserver_request_total{"))
    {
        let label = |name: &str| {
            let key = format!("{name}=\"");
            let start = line.find(&key)? + key.len();
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_string())
        };
        let (Some(verb), Some(resource)) = (label("verb"), label("resource")) else {
            continue;
        };
        if !WRITE_VERBS.contains(&verb.as_str()) || !OPERATOR_RESOURCES.contains(&resource.as_str())
        {
            continue;
        }
        let subresource = label("subresource").unwrap_or_default();
        let value: f64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        let key = if subresource.is_empty() {
            format!("{verb} {resource}")
        } else {
            format!("{verb} {resource}/{subresource}")
        };
        *writes.entry(key).or_insert(0) += value as u64;
    }
    writes
}

/// What grew between two samples.
fn grown(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    after
        .iter()
        .filter_map(|(k, v)| {
            let d = v.saturating_sub(*before.get(k).unwrap_or(&0));
            (d > 0).then(|| (k.clone(), d))
        })
        .collect()
}

/// A counter of the operator's own `/metrics` (sum over labels).
fn counter(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// Waits until every integration's last scan succeeded (after `rescan`, when given).
async fn wait_all_scanned(
    client: &kube::Client,
    ns: &str,
    rescan: Option<&str>,
    peak: &mut u64,
    pid: u32,
) {
    let api = integrations_api(client, ns);
    for _ in 0..(900 * 4) {
        *peak = (*peak).max(rss_kib(pid));
        let list = api
            .list(&ListParams::default())
            .await
            .expect("integrations");
        let done = list
            .items
            .iter()
            .filter(|i| {
                let status = &i.data["status"];
                status["lastScan"]["outcome"] == "Succeeded"
                    && rescan.is_none_or(|r| status["lastRescanRequest"] == r)
            })
            .count();
        if done == INTEGRATIONS {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("scans did not finish");
}

#[tokio::test]
#[ignore = "benchmark: cargo test -p e2e --test operator -- --ignored --nocapture operator_benchmark"]
async fn operator_benchmark() {
    let (plane, client, ns) = setup("operator-bench").await;
    scan_rbac(&client, &ns.name).await;
    planted_credentials_secret(&client, &ns.name, "a0").await;
    // Not under /tmp: scan Jobs mount /tmp and the node agent rewrites paths below mounts.
    let export = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("operator-bench")
        .join(&ns.name);
    let status = Command::new(sim_binary())
        .args(["generate", "--clients", "106", "--actions", "34", "--out"])
        .arg(&export)
        .status()
        .expect("auth0-sim generate");
    assert!(status.success());
    let operator = Operator::start_with_export(plane, &client, &ns.name, &export);
    let pid = operator.pid();
    let started_rss = {
        tokio::time::sleep(Duration::from_secs(2)).await;
        rss_kib(pid)
    };
    for i in 0..INTEGRATIONS {
        create(
            &client,
            &ns.name,
            integration(
                &format!("tenant-{i:02}"),
                json!({"secretRef": {"name": "a0"}}),
            ),
        )
        .await;
    }
    let mut first_peak = 0;
    wait_all_scanned(&client, &ns.name, None, &mut first_peak, pid).await;
    let findings = findings_api(&client, &ns.name)
        .list(&ListParams::default())
        .await
        .expect("findings")
        .items
        .len();

    // Idle: every integration reconciled once more with nothing to do.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle_rss_before = rss_kib(pid);
    let writes_before = apiserver_writes(&client).await;
    let reconciles_before = counter(
        &operator.metrics().await,
        "authpath_operator_reconciles_total",
    );
    let api = integrations_api(&client, &ns.name);
    for i in 0..INTEGRATIONS {
        api.patch(
            &format!("tenant-{i:02}"),
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"bench.authpath.dev/touch": "1"}}})),
        )
        .await
        .expect("touch");
    }
    let reconciles = wait_for(60, "a reconcile of every touched integration", || {
        let operator = &operator;
        async move {
            let now = counter(
                &operator.metrics().await,
                "authpath_operator_reconciles_total",
            );
            if now >= reconciles_before + INTEGRATIONS as u64 {
                Ok(now - reconciles_before)
            } else {
                Err(format!("{} reconciles", now - reconciles_before))
            }
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut idle = grown(&writes_before, &apiserver_writes(&client).await);
    // Our own touches are the only expected writes.
    let touches = idle.remove("PATCH auth0integrations").unwrap_or(0);
    assert_eq!(touches, INTEGRATIONS as u64);
    let idle_rss = idle_rss_before.max(rss_kib(pid));

    // Rescan of all 10.
    let writes_before = apiserver_writes(&client).await;
    for i in 0..INTEGRATIONS {
        request_rescan(&client, &ns.name, &format!("tenant-{i:02}"), "bench-1").await;
    }
    let mut rescan_peak = 0;
    wait_all_scanned(&client, &ns.name, Some("bench-1"), &mut rescan_peak, pid).await;
    let rescan_writes = grown(&writes_before, &apiserver_writes(&client).await);
    let operator_metrics = operator.metrics().await;

    println!("operator benchmark: {INTEGRATIONS} integrations, {findings} Auth0Findings");
    println!(
        "  RSS after start (no integration): {:.1} MiB",
        started_rss as f64 / 1024.0
    );
    println!(
        "  RSS peak during the first scans:  {:.1} MiB",
        first_peak as f64 / 1024.0
    );
    println!(
        "  RSS idle:                         {:.1} MiB",
        idle_rss as f64 / 1024.0
    );
    println!(
        "  RSS peak during a rescan of all:  {:.1} MiB",
        rescan_peak as f64 / 1024.0
    );
    println!(
        "  idle: {reconciles} reconciles, apiserver writes other than our {touches} touches: {idle:?}"
    );
    println!("  rescan: apiserver writes (operator, scan Jobs, node agent): {rescan_writes:?}");
    println!(
        "  operator counters: status writes {}, child writes {}",
        counter(&operator_metrics, "authpath_operator_status_writes_total"),
        counter(&operator_metrics, "authpath_operator_child_writes_total")
    );
    assert!(findings >= 5_000, "{findings} findings");
    assert!(idle.is_empty(), "an idle reconcile wrote: {idle:?}");
    assert!(
        idle_rss < 64 * 1024 && rescan_peak < 64 * 1024,
        "RSS over 64 MiB"
    );
}
