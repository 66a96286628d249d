//! The generated CRDs are accepted by the real kube-apiserver, including their CEL rules.

use kube::api::{DynamicObject, PostParams};
use serde_json::json;

use crate::objects::integrations_api as integrations;
use crate::support::setup;

fn integration(name: &str, credentials: serde_json::Value) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
        "metadata": {"name": name},
        "spec": {"tenant": {"domain": "acme.eu.auth0.com"}, "credentials": credentials}
    }))
    .expect("object")
}

#[tokio::test]
async fn crds_are_established_and_cel_enforces_exactly_one_credentials_source() {
    let (_plane, client, ns) = setup("operator-crds").await;
    let api = integrations(&client, &ns.name);
    api.create(
        &PostParams::default(),
        &integration("ok", json!({"secretRef": {"name": "a0"}})),
    )
    .await
    .expect("a valid integration is accepted");
    let both = json!({"secretRef": {"name": "a0"}, "vault": {"address": "http://v", "auth": {"tokenSecretRef": {"name": "t", "key": "k"}}, "secret": {"path": "p"}}});
    let err = api
        .create(&PostParams::default(), &integration("both", both))
        .await
        .expect_err("two sources are refused");
    assert!(err.to_string().contains("exactly one"), "{err}");
    let err = api
        .create(&PostParams::default(), &integration("none", json!({})))
        .await
        .expect_err("no source is refused");
    assert!(err.to_string().contains("exactly one"), "{err}");
    let two_auth = json!({"vault": {"address": "http://v", "auth": {"tokenSecretRef": {"name": "t", "key": "k"}, "kubernetes": {"role": "r"}}, "secret": {"path": "p"}}});
    let err = api
        .create(&PostParams::default(), &integration("two-auth", two_auth))
        .await
        .expect_err("two Vault auth methods are refused");
    assert!(err.to_string().contains("auth.kubernetes"), "{err}");
    let stored = api.get("ok").await.expect("stored");
    assert_eq!(
        stored.data["spec"]["tenant"]["domain"],
        json!("acme.eu.auth0.com")
    );
}

/// `spec.logStream.detection`: the apiserver keeps what is in range and refuses what is not,
/// naming the field, before the operator ever sees it.
#[tokio::test]
async fn detection_thresholds_are_kept_and_range_checked_by_the_apiserver() {
    let (_plane, client, ns) = setup("operator-crds-detection").await;
    let api = integrations(&client, &ns.name);
    let with_detection = |name: &str, detection: serde_json::Value| {
        let mut object = integration(name, json!({"secretRef": {"name": "a0"}}));
        object.data["spec"]["logStream"] = json!({"enabled": true, "detection": detection});
        object
    };
    let detection = json!({
        "failedLoginsPerIp": 50, "takeoverWindowSeconds": 1800,
        "expectedAllowlist": ["203.0.113.0/24"], "apiExplorerClientIds": ["explorer"]
    });
    api.create(
        &PostParams::default(),
        &with_detection("tuned", detection.clone()),
    )
    .await
    .expect("thresholds in range are accepted");
    let stored = api.get("tuned").await.expect("stored");
    assert_eq!(stored.data["spec"]["logStream"]["detection"], detection);
    for (name, bad, field) in [
        ("zero", json!({"failedLoginsPerIp": 0}), "failedLoginsPerIp"),
        ("day", json!({"windowSeconds": 86401}), "windowSeconds"),
        ("text", json!({"memberDeletions": "two"}), "memberDeletions"),
    ] {
        let err = api
            .create(&PostParams::default(), &with_detection(name, bad))
            .await
            .expect_err("an out-of-range threshold is refused");
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
}
