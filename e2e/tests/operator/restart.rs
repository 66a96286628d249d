//! The operator restarted (killed, no clean-up) while a scan Job runs: the new operator adopts
//! the running Job instead of starting a second one for the same trigger, and reports its
//! outcome when it finishes.

use k8s_openapi::api::batch::v1::Job;
use kube::api::{Api, ListParams};
use serde_json::json;

use crate::objects::{request_rescan, wait_condition};
use crate::sim::live_rig;
use crate::support::wait_for;

#[tokio::test]
async fn a_restarted_operator_adopts_the_running_scan_job() {
    let mut rig = live_rig("operator-restart").await;
    let (client, ns) = (rig.client.clone(), rig.ns.name.clone());
    wait_condition(&client, &ns, "acme", "ScanSucceeded", "True", |_| true).await;
    // A slow tenant, so the rescan is still running across the restart.
    rig.sim.set_faults(json!({"latencyMs": 500})).await;
    request_rescan(&client, &ns, "acme", "across-a-restart").await;
    let prefix = format!("{ns}/");
    let running = wait_for(120, "the rescan's process", || {
        let names = rig.operator.agent().running_jobs().names();
        let found = names.into_iter().find(|n| n.starts_with(&prefix));
        async move { found.ok_or_else(|| "no process yet".to_string()) }
    })
    .await;
    let job = running.trim_start_matches(&prefix).to_string();

    rig.operator.restart();
    assert!(
        rig.operator
            .agent()
            .running_jobs()
            .names()
            .contains(&running),
        "the restart happened while {job} ran"
    );
    // The new operator reports the Job it found running, then its outcome. (While it runs,
    // ScanSucceeded still tells of the first scan: wait for the outcome itself.)
    let object = wait_condition(&client, &ns, "acme", "ScanSucceeded", "True", |o| {
        let last = &o.data["status"]["lastScan"];
        last["job"] == job.as_str() && last["outcome"] == "Succeeded"
    })
    .await;
    assert_eq!(
        object.data["status"]["lastRescanRequest"], "across-a-restart",
        "{}",
        object.data["status"]
    );
    let jobs = Api::<Job>::namespaced(client.clone(), &ns)
        .list(&ListParams::default().labels("authpath.dev/integration=acme"))
        .await
        .expect("jobs");
    let names: Vec<String> = jobs
        .items
        .iter()
        .filter_map(|j| j.metadata.name.clone())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "the first scan and the adopted rescan only: {names:?}"
    );
    assert!(names.contains(&job));
    rig.assert_nothing_leaked().await;
}
