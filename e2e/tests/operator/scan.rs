//! The full loop: integration -> credentials -> scan Job (run by the node agent) -> Auth0Findings
//! -> Ready=True; with Secret credentials and with OpenBao Kubernetes auth; a wrong Vault role is
//! reported; planted secrets never leak.

use e2e::ControlPlane;
use k8s_openapi::api::batch::v1::Job;
use kube::api::{Api, ListParams};
use serde_json::{Value, json};

use crate::objects::{condition, findings_api, wait_condition};
use crate::rbac::scan_rbac;
use crate::support::{
    Operator, assert_nothing_leaked, create, kubectl, planted_credentials_secret, setup,
    vault_credentials_with_policy,
};

pub const PLANTED_ID: &str = "planted-client-id-7f3a9c";
pub const PLANTED_SECRET: &str = "planted-client-secret-b41d8e2f";

pub fn integration(name: &str, credentials: Value) -> Value {
    json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
        "metadata": {"name": name},
        "spec": {"tenant": {"domain": "acme.eu.auth0.com"}, "credentials": credentials,
                 "scan": {"interval": "1h", "timeout": "5m"}}
    })
}

/// Checks the findings and the kubectl columns, then greps everything for the planted values.
pub async fn assert_scan_results(
    plane: &ControlPlane,
    client: &kube::Client,
    namespace: &str,
    name: &str,
    operator: &Operator,
) {
    let integration = wait_condition(client, namespace, name, "Ready", "True", |_| true).await;
    assert_eq!(integration.data["status"]["observedGeneration"], json!(1));
    assert_eq!(
        integration.data["status"]["lastScan"]["outcome"],
        json!("Succeeded")
    );
    let jobs = Api::<Job>::namespaced(client.clone(), namespace)
        .list(&ListParams::default().labels(&format!("authpath.dev/integration={name}")))
        .await
        .expect("jobs");
    assert_eq!(jobs.items.len(), 1, "exactly one scan Job");

    let findings = findings_api(client, namespace)
        .list(&ListParams::default().labels(&format!("authpath.dev/integration={name}")))
        .await
        .expect("findings");
    assert!(
        !findings.items.is_empty(),
        "the example tenant has findings"
    );
    let counts = &integration.data["status"]["findings"];
    let total: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| counts[*s].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        total,
        findings.items.len() as u64,
        "status counts match the resources"
    );
    assert!(counts["critical"].as_u64().unwrap_or(0) + counts["high"].as_u64().unwrap_or(0) > 0);
    for f in &findings.items {
        assert_eq!(f.data["status"]["state"], json!("open"));
        assert!(f.data["status"]["firstSeen"].is_string());
        let labels = f.metadata.labels.clone().unwrap_or_default();
        assert_eq!(
            labels.get("authpath.dev/severity").map(String::as_str),
            f.data["spec"]["severity"].as_str()
        );
        assert_eq!(
            f.metadata
                .owner_references
                .as_ref()
                .map(|o| o[0].name.as_str()),
            Some(name)
        );
    }

    let table = kubectl(plane, &["get", "auth0findings", "-n", namespace]);
    for column in ["SEVERITY", "RULE", "INTEGRATION", "STATE", "AGE"] {
        assert!(table.contains(column), "{column} missing:\n{table}");
    }
    assert!(table.contains("open"));
    let both = kubectl(plane, &["get", "auth0", "-n", namespace]);
    assert!(
        both.contains("auth0integration.authpath.dev/")
            && both.contains("auth0finding.authpath.dev/"),
        "{both}"
    );
    assert!(both.contains("TENANT") && both.contains("READY"), "{both}");

    assert_nothing_leaked(client, namespace, operator, &[PLANTED_ID, PLANTED_SECRET]).await;
}

#[tokio::test]
async fn secret_credentials_lead_to_findings_and_ready() {
    let (plane, client, ns) = setup("operator-secret").await;
    scan_rbac(&client, &ns.name).await;
    planted_credentials_secret(&client, &ns.name, "a0").await;
    let operator = Operator::start(plane, &client, &ns.name);
    create(
        &client,
        &ns.name,
        integration("acme", json!({"secretRef": {"name": "a0"}})),
    )
    .await;
    assert_scan_results(plane, &client, &ns.name, "acme", &operator).await;
}

#[tokio::test]
async fn openbao_kubernetes_auth_credentials_lead_to_findings_and_ready() {
    let (plane, client, ns) = setup("operator-vault").await;
    scan_rbac(&client, &ns.name).await;
    let bao = plane.openbao();
    let (path, policy) = vault_credentials_with_policy(&bao, &ns.name).await;
    let role = format!("role-{}", ns.name);
    bao.write(&format!("auth/kubernetes/role/{role}"), &json!({
        "bound_service_account_names": ["authpath-scan"], "bound_service_account_namespaces": [ns.name],
        "token_policies": [policy], "token_ttl": "10m"}))
        .await
        .expect("role");
    let operator = Operator::start(plane, &client, &ns.name);
    let vault = |role: &str| {
        json!({"vault": {"address": plane.vault_addr, "auth": {"kubernetes": {"role": role}},
        "secret": {"path": path, "kvVersion": 2}}})
    };
    create(&client, &ns.name, integration("acme", vault(&role))).await;
    assert_scan_results(plane, &client, &ns.name, "acme", &operator).await;

    // A wrong role: CredentialsReady=False with a reason saying why, and no scan Job.
    create(
        &client,
        &ns.name,
        integration("wrong-role", vault("no-such-role")),
    )
    .await;
    let object = wait_condition(
        &client,
        &ns.name,
        "wrong-role",
        "CredentialsReady",
        "False",
        |_| true,
    )
    .await;
    let reason = condition(&object, "CredentialsReady").expect("condition")["reason"].clone();
    assert_eq!(reason, json!("VaultLoginFailed"));
    let jobs = Api::<Job>::namespaced(client.clone(), &ns.name)
        .list(&ListParams::default().labels("authpath.dev/integration=wrong-role"))
        .await
        .expect("jobs");
    assert!(jobs.items.is_empty(), "no scan without credentials");
}
