//! On shutdown (SIGTERM) the operator revokes the Vault tokens it logged in for (AppRole here)
//! and leaves alone a token the user handed over in a Secret: checked against the plane's
//! OpenBao by looking the tokens up after the operator exited.

use e2e::OpenBao;
use serde_json::{Value, json};

use crate::objects::wait_condition;
use crate::scan::integration;
use crate::support::{
    Operator, assert_nothing_leaked, create, scan_rbac, setup, vault_credentials_with_policy,
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

#[tokio::test]
async fn shutdown_revokes_the_operators_own_vault_logins_only() {
    let (plane, client, ns) = setup("operator-vault-revoke").await;
    scan_rbac(&client, &ns.name).await;
    let bao = plane.openbao();
    let (path, policy) = vault_credentials_with_policy(&bao, &ns.name).await;
    let role = format!("role-{}", ns.name);
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
