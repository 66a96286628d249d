//! The full loop: integration -> credentials -> scan Job (run by the node agent) -> Auth0Findings
//! -> Ready=True; with Secret credentials and with OpenBao Kubernetes auth; a wrong Vault role is
//! reported; planted secrets never leak.

use e2e::ControlPlane;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

use crate::support::{Operator, create, kubectl, scan_rbac, setup, wait_for};

pub const PLANTED_ID: &str = "planted-client-id-7f3a9c";
pub const PLANTED_SECRET: &str = "planted-client-secret-b41d8e2f";

fn resource(kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: "authpath.dev".into(),
        version: "v1alpha1".into(),
        api_version: "authpath.dev/v1alpha1".into(),
        kind: kind.into(),
        plural: plural.into(),
    }
}

pub fn integration(name: &str, credentials: Value) -> Value {
    json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
        "metadata": {"name": name},
        "spec": {"tenant": {"domain": "acme.eu.auth0.com"}, "credentials": credentials,
                 "scan": {"interval": "1h", "timeout": "5m"}}
    })
}

fn condition<'a>(object: &'a DynamicObject, type_: &str) -> Option<&'a Value> {
    object.data["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
}

/// Waits for Ready=True and returns the integration.
async fn wait_ready(client: &kube::Client, namespace: &str, name: &str) -> DynamicObject {
    let api = Api::<DynamicObject>::namespaced_with(
        client.clone(),
        namespace,
        &resource("Auth0Integration", "auth0integrations"),
    );
    wait_for(120, "Ready=True", || {
        let api = api.clone();
        async move {
            let object = api.get(name).await.map_err(|e| e.to_string())?;
            match condition(&object, "Ready") {
                Some(c) if c["status"] == "True" => Ok(object),
                other => Err(format!("{other:?}")),
            }
        }
    })
    .await
}

/// Checks the findings and the kubectl columns, then greps everything for the planted values.
pub async fn assert_scan_results(
    plane: &ControlPlane,
    client: &kube::Client,
    namespace: &str,
    name: &str,
    operator: &Operator,
) {
    let integration = wait_ready(client, namespace, name).await;
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

    let findings = Api::<DynamicObject>::namespaced_with(
        client.clone(),
        namespace,
        &resource("Auth0Finding", "auth0findings"),
    )
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

    // No planted secret anywhere: logs, Events, status, CRs, Jobs.
    let mut everything = operator.all_logs();
    everything.push_str(&serde_json::to_string(&integration).unwrap_or_default());
    everything.push_str(&serde_json::to_string(&findings).unwrap_or_default());
    everything.push_str(&serde_json::to_string(&jobs).unwrap_or_default());
    let events = Api::<Event>::namespaced(client.clone(), namespace)
        .list(&ListParams::default())
        .await
        .expect("events");
    everything.push_str(&serde_json::to_string(&events).unwrap_or_default());
    for planted in [PLANTED_ID, PLANTED_SECRET] {
        assert!(!everything.contains(planted), "{planted} leaked");
    }
}

#[tokio::test]
async fn secret_credentials_lead_to_findings_and_ready() {
    let (plane, client, ns) = setup("operator-secret").await;
    scan_rbac(&client, &ns.name).await;
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a0"},
        "stringData": {"clientId": PLANTED_ID, "clientSecret": PLANTED_SECRET}}),
    )
    .await;
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
    let path = format!("{}/auth0", ns.name);
    bao.write(
        &format!("secret/data/{path}"),
        &json!({"data": {"client_id": PLANTED_ID, "client_secret": PLANTED_SECRET}}),
    )
    .await
    .expect("kv write");
    let policy = format!("policy-{}", ns.name);
    bao.write(
        &format!("sys/policies/acl/{policy}"),
        &json!({"policy": format!("path \"secret/data/{path}\" {{ capabilities = [\"read\"] }}")}),
    )
    .await
    .expect("policy");
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
    let api = Api::<DynamicObject>::namespaced_with(
        client.clone(),
        &ns.name,
        &resource("Auth0Integration", "auth0integrations"),
    );
    let reason = wait_for(60, "CredentialsReady=False", || {
        let api = api.clone();
        async move {
            let object = api.get("wrong-role").await.map_err(|e| e.to_string())?;
            match condition(&object, "CredentialsReady") {
                Some(c) if c["status"] == "False" => {
                    Ok(c["reason"].as_str().unwrap_or_default().to_string())
                }
                other => Err(format!("{other:?}")),
            }
        }
    })
    .await;
    assert_eq!(reason, "VaultLoginFailed");
    let jobs = Api::<Job>::namespaced(client.clone(), &ns.name)
        .list(&ListParams::default().labels("authpath.dev/integration=wrong-role"))
        .await
        .expect("jobs");
    assert!(jobs.items.is_empty(), "no scan without credentials");
}
