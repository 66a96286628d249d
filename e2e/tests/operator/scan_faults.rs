//! Scans that break half-way, against the Management API emulator: the tenant answering 5xx
//! mid-scan (`TenantReadFailed`, with the status code), the scan Job's process killed
//! (`ScanFailed`), a read the scopes make partial (`ScanPartial`, naming the kinds). Each time
//! `ScanSucceeded=False` says which Job failed and that nothing was resolved, every finding stays
//! exactly as it was, and the next scan, once the fault is gone, succeeds.

use std::collections::BTreeMap;

use serde_json::json;

use crate::objects::{condition, findings_fingerprint, request_rescan, wait_condition};
use crate::sim::{LiveRig, live_rig, live_rig_with};
use crate::support::wait_for;

type Fingerprint = BTreeMap<String, (String, String, String)>;

/// Waits for a successful scan by any Job but `not_job` (while a Job runs, `ScanSucceeded`
/// still tells of the previous one: the outcome decides).
async fn wait_scan_succeeded(rig: &LiveRig, not_job: &str) {
    wait_condition(
        &rig.client,
        &rig.ns.name,
        "acme",
        "ScanSucceeded",
        "True",
        |o| {
            let last = &o.data["status"]["lastScan"];
            last["job"] != not_job && last["outcome"] == "Succeeded"
        },
    )
    .await;
}

/// The rig after its first complete scan, and the findings that scan left.
async fn scanned_rig(test: &str) -> (LiveRig, Fingerprint) {
    let rig = live_rig(test).await;
    wait_scan_succeeded(&rig, "").await;
    let findings = findings_fingerprint(&rig.client, &rig.ns.name, "acme").await;
    assert!(!findings.is_empty(), "the first scan made findings");
    (rig, findings)
}

/// Waits for a scan by any Job but `not_job` to be reported failed with `reason`; returns the
/// Job and the condition message.
async fn wait_scan_failed(rig: &LiveRig, not_job: &str, reason: &str) -> (String, String) {
    let object = wait_condition(
        &rig.client,
        &rig.ns.name,
        "acme",
        "ScanSucceeded",
        "False",
        |o| {
            let last = &o.data["status"]["lastScan"];
            last["outcome"] == "Failed"
                && last["job"] != not_job
                && condition(o, "ScanSucceeded").is_some_and(|c| c["reason"] == reason)
        },
    )
    .await;
    let scan = condition(&object, "ScanSucceeded").expect("condition");
    assert_eq!(
        condition(&object, "Ready").expect("Ready")["status"],
        "False"
    );
    let job = object.data["status"]["lastScan"]["job"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let message = scan["message"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains(&job) && message.contains("no finding was resolved"),
        "{message}"
    );
    (job, message)
}

/// With the fault gone, a new scan succeeds and finds the same findings, all open.
async fn assert_next_scan_works(rig: &LiveRig, failed_job: &str, before: &Fingerprint) {
    rig.sim.set_faults(json!({})).await;
    request_rescan(&rig.client, &rig.ns.name, "acme", "after-the-fault").await;
    wait_scan_succeeded(rig, failed_job).await;
    let after = findings_fingerprint(&rig.client, &rig.ns.name, "acme").await;
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    assert!(after.values().all(|(state, _, _)| state == "open"));
    rig.assert_nothing_leaked().await;
}

fn first_job(before_rescan: &serde_json::Value) -> String {
    before_rescan["status"]["lastScan"]["job"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_tenant_answering_5xx_mid_scan_fails_the_scan_and_resolves_nothing() {
    let (rig, before) = scanned_rig("operator-scan-5xx").await;
    let first = crate::objects::integrations_api(&rig.client, &rig.ns.name)
        .get("acme")
        .await
        .expect("integration");
    let first = first_job(&first.data);
    // The token and the first few reads succeed, then every Management API call fails.
    rig.sim
        .set_faults(json!({"failAfter": 5, "status": 503}))
        .await;
    request_rescan(&rig.client, &rig.ns.name, "acme", "during-an-outage").await;
    let (failed, message) = wait_scan_failed(&rig, &first, "TenantReadFailed").await;
    assert!(
        message.contains("503"),
        "the status says what failed: {message}"
    );
    assert!(
        rig.sim.stats().await["injected_errors"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "the fault was hit"
    );
    assert_eq!(
        findings_fingerprint(&rig.client, &rig.ns.name, "acme").await,
        before,
        "a failed scan writes, resolves and deletes nothing"
    );
    assert!(
        rig.operator.all_logs().contains("503"),
        "the scan log says what failed"
    );
    assert_next_scan_works(&rig, &failed, &before).await;
}

#[tokio::test]
async fn a_killed_scan_job_is_reported_failed_and_resolves_nothing() {
    let (rig, before) = scanned_rig("operator-scan-killed").await;
    // Slow every request down so the scan is still reading when it is killed.
    rig.sim.set_faults(json!({"latencyMs": 300})).await;
    request_rescan(&rig.client, &rig.ns.name, "acme", "to-be-killed").await;
    let agent = rig.operator.agent();
    let prefix = format!("{}/", rig.ns.name);
    let running = wait_for(120, "the rescan's process", || {
        let found = agent
            .running_jobs()
            .names()
            .into_iter()
            .find(|n| n.starts_with(&prefix));
        async move { found.ok_or_else(|| "no process yet".to_string()) }
    })
    .await;
    let job = running.trim_start_matches(&prefix).to_string();
    assert!(agent.kill_job(&rig.ns.name, &job), "{job} was running");
    let (failed, message) = wait_scan_failed(&rig, "", "ScanFailed").await;
    assert_eq!(failed, job, "the killed Job is the failed one");
    assert!(message.contains("signal"), "{message}");
    assert_eq!(
        findings_fingerprint(&rig.client, &rig.ns.name, "acme").await,
        before,
        "a killed scan writes, resolves and deletes nothing"
    );
    assert_next_scan_works(&rig, &failed, &before).await;
}

#[tokio::test]
async fn a_partial_read_is_reported_with_the_kinds_not_read_and_resolves_nothing() {
    // Every read scope but `read:log_streams`: the scan reads everything else.
    let scopes = auth0_sim::READ_SCOPES
        .iter()
        .filter(|s| **s != "read:log_streams")
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    let rig = live_rig_with("operator-scan-partial", &["--scopes", &scopes]).await;
    let (_, message) = wait_scan_failed(&rig, "", "ScanPartial").await;
    assert!(message.contains("not read: LogStreams"), "{message}");
    let object = crate::objects::integrations_api(&rig.client, &rig.ns.name)
        .get("acme")
        .await
        .expect("integration");
    assert_eq!(object.data["status"]["scanReport"]["complete"], false);
    assert!(
        object.data["status"]["findings"].is_null(),
        "finding counts come from complete scans only"
    );
    let findings = findings_fingerprint(&rig.client, &rig.ns.name, "acme").await;
    assert!(!findings.is_empty(), "what was read still gives findings");
    assert!(
        findings.values().all(|(state, _, _)| state == "open"),
        "a partial scan resolves nothing"
    );
    rig.assert_nothing_leaked().await;
}
