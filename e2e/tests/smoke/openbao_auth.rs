//! OpenBao's Kubernetes auth method against our kube-apiserver (TokenReview), KV v2 and AppRole.

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::api::{Api, PostParams};
use serde_json::json;

use crate::setup;

async fn service_account(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Api<ServiceAccount> {
    let api = Api::<ServiceAccount>::namespaced(client.clone(), namespace);
    let sa: ServiceAccount =
        serde_json::from_value(json!({"metadata": {"name": name}})).expect("sa");
    api.create(&PostParams::default(), &sa)
        .await
        .expect("create service account");
    api
}

async fn mint_token(api: &Api<ServiceAccount>, name: &str) -> String {
    let request: TokenRequest =
        serde_json::from_value(json!({"spec": {"audiences": [], "expirationSeconds": 600}}))
            .expect("request");
    let response = api
        .create_token_request(name, &PostParams::default(), &request)
        .await
        .expect("TokenRequest");
    response
        .status
        .and_then(|s| s.token)
        .expect("token in status")
}

#[tokio::test]
async fn kubernetes_auth_login_accepts_a_minted_token_and_rejects_a_forged_one() {
    let (plane, client, ns) = setup("openbao-k8s-login").await;
    let bao = plane.openbao();
    let sa_api = service_account(&client, &ns.name, "app").await;
    service_account(&client, &ns.name, "other").await;
    let role = format!("role-{}", ns.name);
    bao.write(
        &format!("auth/kubernetes/role/{role}"),
        &json!({"bound_service_account_names": ["app"], "bound_service_account_namespaces": [ns.name], "token_policies": ["default"], "token_ttl": "10m"}),
    )
    .await
    .expect("write role");

    let jwt = mint_token(&sa_api, "app").await;
    let token = bao
        .login_kubernetes(&role, &jwt)
        .await
        .expect("login with a TokenRequest token");
    assert!(!token.is_empty());

    // Same header and claims, signature from another token: TokenReview must say no.
    let other_jwt = mint_token(&sa_api, "other").await;
    let (unsigned, _) = jwt.rsplit_once('.').expect("jwt has a signature");
    let (_, other_signature) = other_jwt.rsplit_once('.').expect("jwt has a signature");
    let forged = format!("{unsigned}.{other_signature}");
    let err = bao
        .login_kubernetes(&role, &forged)
        .await
        .expect_err("forged token is refused");
    assert!(
        matches!(
            err,
            e2e::E2eError::OpenBao { status: 403, .. } | e2e::E2eError::OpenBao { status: 400, .. }
        ),
        "{err}"
    );

    // A genuine token of a service account the role does not bind is refused too.
    let err = bao
        .login_kubernetes(&role, &other_jwt)
        .await
        .expect_err("unbound SA is refused");
    assert!(matches!(err, e2e::E2eError::OpenBao { .. }), "{err}");
}

#[tokio::test]
async fn approle_login_and_kv_v2_work() {
    let (plane, _client, ns) = setup("openbao-approle").await;
    let bao = plane.openbao();
    let path = format!("secret/data/{}/auth0", ns.name);
    bao.write(
        &path,
        &json!({"data": {"client_id": "id-1", "client_secret": "s3cret"}}),
    )
    .await
    .expect("kv v2 write");
    let read = bao.read(&path).await.expect("kv v2 read");
    assert_eq!(
        read.pointer("/data/data/client_id")
            .and_then(|v| v.as_str()),
        Some("id-1")
    );
    assert_eq!(
        read.pointer("/data/metadata/version")
            .and_then(|v| v.as_u64()),
        Some(1)
    );

    let role = format!("auth/approle/role/{}", ns.name);
    bao.write(&role, &json!({"token_policies": ["default"]}))
        .await
        .expect("approle role");
    let role_id = bao.read(&format!("{role}/role-id")).await.expect("role id");
    let role_id = role_id
        .pointer("/data/role_id")
        .and_then(|v| v.as_str())
        .expect("role_id")
        .to_string();
    let secret = bao
        .write(&format!("{role}/secret-id"), &json!({}))
        .await
        .expect("secret id");
    let secret_id = secret
        .pointer("/data/secret_id")
        .and_then(|v| v.as_str())
        .expect("secret_id")
        .to_string();
    let token = bao
        .login(
            "approle",
            &json!({"role_id": role_id, "secret_id": secret_id}),
        )
        .await
        .expect("approle login");
    assert!(!token.is_empty());
    let wrong = bao
        .login(
            "approle",
            &json!({"role_id": role_id, "secret_id": "not-the-secret"}),
        )
        .await;
    assert!(wrong.is_err(), "a wrong secret id must not log in");
}
