//! OpenBao sealed and OpenBao unreachable, on a private dev server so the plane's shared one keeps
//! serving other tests: `CredentialsReady=False` with the reason (`VaultSealed`,
//! `VaultUnreachable`) and a message naming the address, no scan started, and every finding of the
//! last complete scan left exactly as it was. After unsealing, the pending rescan runs.

use e2e::{ControlPlane, DevOpenBao, TestNamespace};
use k8s_openapi::api::batch::v1::Job;
use kube::api::{Api, ListParams};
use serde_json::json;

use crate::objects::{condition, findings_fingerprint, request_rescan, wait_condition};
use crate::rbac::scan_rbac;
use crate::scan::{PLANTED_ID, PLANTED_SECRET, integration};
use crate::support::{Operator, assert_nothing_leaked, create, setup};

/// An integration reading its client credentials from a private OpenBao (KV v2, a token the
/// user handed over in a Secret), after its first complete scan.
struct VaultRig {
    client: kube::Client,
    ns: TestNamespace,
    bao: DevOpenBao,
    operator: Operator,
}

async fn vault_rig(test: &str) -> VaultRig {
    let (plane, client, ns): (&ControlPlane, _, _) = setup(test).await;
    scan_rbac(&client, &ns.name).await;
    let bao = DevOpenBao::start(plane, &plane.state_dir.join("openbao-dev").join(&ns.name))
        .await
        .expect("private OpenBao starts");
    bao.client()
        .write(
            "secret/data/auth0",
            &json!({"data": {"client_id": PLANTED_ID, "client_secret": PLANTED_SECRET}}),
        )
        .await
        .expect("kv write");
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "vault-token"}, "stringData": {"token": bao.root_token()}}),
    )
    .await;
    let operator = Operator::start(plane, &client, &ns.name);
    let credentials = json!({"vault": {"address": bao.addr(),
        "auth": {"tokenSecretRef": {"name": "vault-token", "key": "token"}},
        "secret": {"path": "auth0", "kvVersion": 2}}});
    create(&client, &ns.name, integration("acme", credentials)).await;
    wait_condition(&client, &ns.name, "acme", "ScanSucceeded", "True", |_| true).await;
    VaultRig {
        client,
        ns,
        bao,
        operator,
    }
}

async fn job_count(client: &kube::Client, namespace: &str) -> usize {
    Api::<Job>::namespaced(client.clone(), namespace)
        .list(&ListParams::default().labels("authpath.dev/integration=acme"))
        .await
        .expect("jobs")
        .items
        .len()
}

/// Asks for a rescan while Vault is broken and checks what the status says and that nothing
/// else moved; returns the condition message.
async fn assert_credentials_failure(rig: &VaultRig, rescan: &str, reason: &str) -> String {
    let (client, ns) = (&rig.client, rig.ns.name.as_str());
    let before = findings_fingerprint(client, ns, "acme").await;
    assert!(!before.is_empty(), "the first scan made findings");
    let jobs_before = job_count(client, ns).await;
    request_rescan(client, ns, "acme", rescan).await;
    let object = wait_condition(client, ns, "acme", "CredentialsReady", "False", |_| true).await;
    let credentials = condition(&object, "CredentialsReady").expect("condition");
    assert_eq!(credentials["reason"], reason, "{credentials}");
    let ready = condition(&object, "Ready").expect("Ready");
    assert_eq!(ready["status"], "False", "{ready}");
    assert_eq!(
        job_count(client, ns).await,
        jobs_before,
        "no scan without credentials"
    );
    assert_eq!(
        findings_fingerprint(client, ns, "acme").await,
        before,
        "no finding was written, resolved or deleted"
    );
    let root_token = rig.bao.root_token();
    assert_nothing_leaked(
        client,
        ns,
        &rig.operator,
        &[PLANTED_ID, PLANTED_SECRET, root_token],
    )
    .await;
    credentials["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn sealed_openbao_is_reported_and_findings_stay_until_it_is_unsealed() {
    let rig = vault_rig("operator-vault-sealed").await;
    rig.bao.seal().await.expect("seal");
    let message = assert_credentials_failure(&rig, "while-sealed", "VaultSealed").await;
    assert!(
        message.contains("sealed") && message.contains(rig.bao.addr()),
        "{message}"
    );

    let before = findings_fingerprint(&rig.client, &rig.ns.name, "acme").await;
    rig.bao.unseal().await.expect("unseal");
    // The rescan asked for while sealed runs now.
    let object = wait_condition(&rig.client, &rig.ns.name, "acme", "Ready", "True", |o| {
        o.data["status"]["lastRescanRequest"] == "while-sealed"
            && o.data["status"]["lastScan"]["outcome"] == "Succeeded"
    })
    .await;
    assert_eq!(
        condition(&object, "CredentialsReady").expect("condition")["reason"],
        "CredentialsResolved"
    );
    assert_eq!(job_count(&rig.client, &rig.ns.name).await, 2);
    let after = findings_fingerprint(&rig.client, &rig.ns.name, "acme").await;
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the same tenant gives the same findings"
    );
    assert!(after.values().all(|(state, _, _)| state == "open"));
}

#[tokio::test]
async fn unreachable_openbao_is_reported_and_findings_stay() {
    let mut rig = vault_rig("operator-vault-down").await;
    rig.bao.stop();
    let message = assert_credentials_failure(&rig, "while-down", "VaultUnreachable").await;
    assert!(
        message.contains("unreachable") && message.contains(rig.bao.addr()),
        "{message}"
    );
}
