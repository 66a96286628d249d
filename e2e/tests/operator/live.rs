//! The operator against a live Management API: scan Jobs read the example tenant from the
//! `auth0-sim` emulator (no export shortcut), with credentials from a Secret, and the mission's
//! attack paths arrive as `Auth0Finding`s.

use kube::api::ListParams;

use crate::objects::findings_api;
use crate::scan::assert_scan_results;
use crate::sim::live_rig;

#[tokio::test]
async fn scan_jobs_read_the_live_tenant_and_report_the_mission_paths() {
    let rig = live_rig("operator-live").await;
    let (client, ns) = (&rig.client, rig.ns.name.as_str());
    assert_scan_results(rig.plane, client, ns, "acme", &rig.operator).await;

    let findings = findings_api(client, ns)
        .list(&ListParams::default())
        .await
        .expect("findings");
    let rules: Vec<&str> = findings
        .items
        .iter()
        .filter_map(|f| f.data["spec"]["rule"].as_str())
        .collect();
    for rule in [
        "path.signup-metadata-laundered-to-privilege",
        "path.email-verified-trust-to-privilege",
        "path.leaked-m2m-secret-management-api",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}
