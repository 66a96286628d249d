//! On shutdown (SIGTERM) the operator revokes the Vault tokens it logged in for (AppRole here)
//! and leaves alone a token the user handed over in a Secret: checked against the plane's
//! OpenBao by looking the tokens up after the operator exited. Losing the leader Lease stops
//! the operator the same way (and it exits non-zero so a standby takes over).

use e2e::OpenBao;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

use crate::objects::wait_condition;
use crate::rbac::scan_rbac;
use crate::scan::integration;
use crate::support::{
    Operator, assert_nothing_leaked, create, setup, vault_credentials_with_policy,
};

/// Accessors of the live tokens whose metadata names AppRole role `role`.
async fn accessors_of_role(bao: &OpenBao, role: &str) -> Vec<String> {
    let listed = bao
        .read("auth/token/accessors?list=true")
        .await
        .expect("list accessors");
    let mut found = Vec::new();
    for accessor in listed["data"]["keys"].as_array().into_iter().flatten() {
        let Some(accessor) = accessor.as_str() else {
            continue;
        };
        if let Ok(token) = bao
            .write(
                "auth/token/lookup-accessor",
                &json!({ "accessor": accessor }),
            )
            .await
            && token["data"]["meta"]["role_name"] == role
        {
            found.push(accessor.to_string());
        }
    }
    found
}

async fn token_is_live(bao: &OpenBao, accessor: &str) -> bool {
    bao.write(
        "auth/token/lookup-accessor",
        &json!({ "accessor": accessor }),
    )
    .await
    .is_ok()
}

/// An AppRole role `role-<namespace>` with `policy`; returns (role, role id, secret id).
async fn approle(bao: &OpenBao, namespace: &str, policy: &str) -> (String, String, String) {
    let role = format!("role-{namespace}");
    bao.write(
        &format!("auth/approle/role/{role}"),
        &json!({"token_policies": [policy], "token_ttl": "10m"}),
    )
    .await
    .expect("approle role");
    let role_id = bao
        .read(&format!("auth/approle/role/{role}/role-id"))
        .await
        .expect("role id")["data"]["role_id"]
        .as_str()
        .expect("role_id")
        .to_string();
    let secret_id = bao
        .write(&format!("auth/approle/role/{role}/secret-id"), &json!({}))
        .await
        .expect("secret id")["data"]["secret_id"]
        .as_str()
        .expect("secret_id")
        .to_string();
    (role, role_id, secret_id)
}

#[tokio::test]
async fn shutdown_revokes_the_operators_own_vault_logins_only() {
    let (plane, client, ns) = setup("operator-vault-revoke").await;
    scan_rbac(&client, &ns.name).await;
    let bao = plane.openbao();
    let (path, policy) = vault_credentials_with_policy(&bao, &ns.name).await;
    let (role, role_id, secret_id) = approle(&bao, &ns.name, &policy).await;
    let user_token: Value = bao
        .write(
            "auth/token/create",
            &json!({"policies": [policy], "ttl": "1h"}),
        )
        .await
        .expect("user token");
    let user_accessor = user_token["auth"]["accessor"]
        .as_str()
        .expect("accessor")
        .to_string();
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "vault-login"}, "stringData": {
            "secretId": secret_id,
            "token": user_token["auth"]["client_token"].as_str().expect("token")}}),
    )
    .await;

    let mut operator = Operator::start(plane, &client, &ns.name);
    let vault = |auth: Value| {
        json!({"vault": {"address": plane.vault_addr, "auth": auth,
            "secret": {"path": path, "kvVersion": 2}}})
    };
    create(
        &client,
        &ns.name,
        integration(
            "by-approle",
            vault(json!({"appRole":
        {"roleId": role_id, "secretIdRef": {"name": "vault-login", "key": "secretId"}}})),
        ),
    )
    .await;
    create(
        &client,
        &ns.name,
        integration(
            "by-token",
            vault(json!({"tokenSecretRef":
        {"name": "vault-login", "key": "token"}})),
        ),
    )
    .await;
    for name in ["by-approle", "by-token"] {
        wait_condition(&client, &ns.name, name, "CredentialsReady", "True", |_| {
            true
        })
        .await;
    }
    let logins = accessors_of_role(&bao, &role).await;
    assert_eq!(
        logins.len(),
        1,
        "one cached login for the AppRole identity: {logins:?}"
    );
    assert!(token_is_live(&bao, &user_accessor).await);

    assert!(
        operator.stop_gracefully().await,
        "the operator exits cleanly on SIGTERM"
    );
    for accessor in &logins {
        assert!(
            !token_is_live(&bao, accessor).await,
            "the operator's own login token is revoked"
        );
    }
    assert!(
        token_is_live(&bao, &user_accessor).await,
        "the user's token is not the operator's to revoke"
    );
    assert!(
        operator.all_logs().contains("revoked"),
        "the shutdown is logged"
    );
    let user_token = user_token["auth"]["client_token"]
        .as_str()
        .unwrap_or_default();
    assert_nothing_leaked(&client, &ns.name, &operator, &[&secret_id, user_token]).await;
}

#[tokio::test]
async fn losing_the_leader_lease_stops_the_operator_and_revokes_its_logins() {
    let (plane, client, ns) = setup("operator-lease-lost").await;
    scan_rbac(&client, &ns.name).await;
    let bao = plane.openbao();
    let (path, policy) = vault_credentials_with_policy(&bao, &ns.name).await;
    let (role, role_id, secret_id) = approle(&bao, &ns.name, &policy).await;
    create(
        &client,
        &ns.name,
        json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "vault-login"}, "stringData": {"secretId": secret_id}}),
    )
    .await;
    let mut operator = Operator::start_with(
        plane,
        &client,
        &ns.name,
        &[],
        &["--leader-election", "--lease-namespace", &ns.name],
    );
    create(&client, &ns.name, integration("by-approle", json!({"vault": {
        "address": plane.vault_addr,
        "auth": {"appRole": {"roleId": role_id, "secretIdRef": {"name": "vault-login", "key": "secretId"}}},
        "secret": {"path": path, "kvVersion": 2}}}))).await;
    wait_condition(
        &client,
        &ns.name,
        "by-approle",
        "CredentialsReady",
        "True",
        |_| true,
    )
    .await;
    let logins = accessors_of_role(&bao, &role).await;
    assert_eq!(logins.len(), 1, "{logins:?}");

    // Another replica takes the Lease over (as after a network partition).
    let leases = Api::<Lease>::namespaced(client.clone(), &ns.name);
    let mut lease = leases
        .get("authpath-operator")
        .await
        .expect("the operator holds the Lease");
    let spec = lease.spec.get_or_insert_with(Default::default);
    spec.holder_identity = Some("another-replica".into());
    spec.lease_duration_seconds = Some(3600);
    spec.renew_time = Some(MicroTime(k8s_openapi::jiff::Timestamp::now()));
    leases
        .replace("authpath-operator", &PostParams::default(), &lease)
        .await
        .expect("take the Lease over");

    let exit = operator
        .wait_exit(60)
        .await
        .expect("the operator exits after losing the Lease");
    assert!(!exit.success(), "a lost Lease is an error exit: {exit}");
    for accessor in &logins {
        assert!(
            !token_is_live(&bao, accessor).await,
            "its login token is revoked"
        );
    }
    assert!(operator.all_logs().contains("lost the leader Lease"));
    assert_nothing_leaked(&client, &ns.name, &operator, &[&secret_id]).await;
}
