//! A finding fixed in the tenant becomes `resolved` after the next complete scan (asked for with
//! the `authpath.dev/rescan` annotation); a finding of a rule that could not run stays open.

use std::path::Path;

use kube::api::{Api, DynamicObject, ListParams};
use serde_json::json;

use crate::objects::{findings_api, request_rescan};
use crate::rbac::scan_rbac;
use crate::support::{Operator, create, repo_root, setup, wait_for};

/// State of the first finding of `rule`, if any.
async fn state_of(api: &Api<DynamicObject>, rule: &str) -> Option<String> {
    let list = api
        .list(&ListParams::default().labels(&format!("authpath.dev/rule={rule}")))
        .await
        .ok()?;
    list.items
        .first()
        .and_then(|f| f.data["status"]["state"].as_str().map(str::to_string))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[tokio::test]
async fn a_fixed_finding_is_resolved_after_the_next_complete_scan() {
    let (plane, client, ns) = setup("operator-resolve").await;
    scan_rbac(&client, &ns.name).await;
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a0"},
        "stringData": {"clientId": "id", "clientSecret": "secret"}}),
    )
    .await;
    // Not under /tmp: the node agent rewrites values under a pod's mount paths, and scan Jobs mount /tmp.
    let export = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("operator-e2e")
        .join(&ns.name);
    copy_dir(&repo_root().join("examples/tenants/acme"), &export);
    let _operator = Operator::start_with_export(plane, &client, &ns.name, &export);
    create(&client, &ns.name, json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration", "metadata": {"name": "acme"},
        "spec": {"tenant": {"domain": "acme.eu.auth0.com"}, "credentials": {"secretRef": {"name": "a0"}}}
    })).await;
    let findings = findings_api(&client, &ns.name);
    let claim = "code.unnamespaced-custom-claim";
    let legacy = "rule.legacy-rules-enabled";
    wait_for(120, "first scan findings", || {
        let findings = findings.clone();
        async move {
            match (
                state_of(&findings, claim).await,
                state_of(&findings, legacy).await,
            ) {
                (Some(a), Some(b)) if a == "open" && b == "open" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        }
    })
    .await;

    // Fix it in the tenant: the Rule goes away. Then ask for a scan.
    std::fs::remove_dir_all(export.join("rules")).expect("remove rules");
    request_rescan(&client, &ns.name, "acme", "fixed-1").await;
    wait_for(120, "the fixed finding to be resolved", || {
        let findings = findings.clone();
        async move {
            match state_of(&findings, claim).await {
                Some(s) if s == "resolved" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        }
    })
    .await;
    assert_eq!(
        state_of(&findings, legacy).await.as_deref(),
        Some("open"),
        "a rule that could not run (no Rules in the export) resolves nothing"
    );
}
