//! Kubernetes API behaviour that only a real apiserver has.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use serde_json::json;

use crate::{setup, test_crd_dir};

fn widget_api(client: &kube::Client, namespace: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("authpath.dev", "v1alpha1", "E2eWidget");
    Api::namespaced_with(client.clone(), namespace, &ApiResource::from_gvk(&gvk))
}

fn widget(name: &str, spec: serde_json::Value) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": "authpath.dev/v1alpha1",
        "kind": "E2eWidget",
        "metadata": { "name": name },
        "spec": spec,
    }))
    .expect("widget object")
}

async fn install_test_crds(client: &kube::Client) {
    let names = e2e::apply_crd_dir(client, &test_crd_dir())
        .await
        .expect("CRDs apply");
    assert_eq!(names, vec!["e2ewidgets.authpath.dev".to_string()]);
}

#[tokio::test]
async fn structural_crd_is_accepted_and_served() {
    let (_, client, ns) = setup("crd-accepted").await;
    install_test_crds(&client).await;
    let api = widget_api(&client, &ns.name);
    let created = api
        .create(
            &PostParams::default(),
            &widget("w1", json!({"color": "red", "size": 2})),
        )
        .await
        .expect("a valid widget is accepted");
    assert_eq!(created.data["spec"]["color"], "red");
    // Pruning is what a structural schema buys: unknown fields are dropped by the server.
    let pruned = api
        .create(
            &PostParams::default(),
            &widget("w2", json!({"color": "blue", "unknownField": 1})),
        )
        .await
        .expect("unknown fields are pruned, not rejected");
    assert!(
        pruned.data["spec"].get("unknownField").is_none(),
        "{:?}",
        pruned.data
    );
}

#[tokio::test]
async fn invalid_object_is_rejected_by_the_schema() {
    let (_, client, ns) = setup("schema-rejects").await;
    install_test_crds(&client).await;
    let api = widget_api(&client, &ns.name);
    let err = api
        .create(
            &PostParams::default(),
            &widget("bad", json!({"color": "purple"})),
        )
        .await
        .expect_err("a value outside the enum is rejected");
    match err {
        kube::Error::Api(status) => {
            assert_eq!(status.code, 422, "{status:?}");
            assert!(status.message.contains("spec.color"), "{}", status.message);
        }
        other => panic!("expected a 422 from the apiserver, got {other:?}"),
    }
    let missing = api
        .create(&PostParams::default(), &widget("bad2", json!({"size": 0})))
        .await
        .expect_err("missing required field and minimum violated");
    assert!(
        matches!(missing, kube::Error::Api(ref s) if s.code == 422),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_watch_sees_a_change() {
    let (_, client, ns) = setup("watch-sees-change").await;
    install_test_crds(&client).await;
    let api = widget_api(&client, &ns.name);
    let created = api
        .create(
            &PostParams::default(),
            &widget("watched", json!({"color": "green"})),
        )
        .await
        .expect("create");
    let version = created
        .metadata
        .resource_version
        .clone()
        .expect("resourceVersion");
    let mut events = api
        .watch(&WatchParams::default().timeout(30), &version)
        .await
        .expect("watch starts")
        .boxed();
    api.patch(
        "watched",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"label": "changed"}})),
    )
    .await
    .expect("patch");
    let event = tokio::time::timeout(Duration::from_secs(20), events.try_next())
        .await
        .expect("an event arrives in time")
        .expect("watch stream ok")
        .expect("stream not ended");
    match event {
        WatchEvent::Modified(obj) => assert_eq!(obj.data["spec"]["label"], "changed"),
        other => panic!("expected Modified, got {other:?}"),
    }
}

#[tokio::test]
async fn server_side_apply_reports_a_conflict_between_field_managers() {
    let (_, client, ns) = setup("ssa-conflict").await;
    install_test_crds(&client).await;
    let api = widget_api(&client, &ns.name);
    let first = widget("shared", json!({"color": "red", "size": 1}));
    api.patch(
        "shared",
        &PatchParams::apply("manager-a"),
        &Patch::Apply(&first),
    )
    .await
    .expect("manager-a applies");

    // A different field owned by nobody: no conflict.
    let label_only = widget("shared", json!({"color": "red", "label": "b"}));
    api.patch(
        "shared",
        &PatchParams::apply("manager-b"),
        &Patch::Apply(&label_only),
    )
    .await
    .expect("manager-b may co-own color with the same value and own label");

    let takeover = widget("shared", json!({"color": "red", "size": 5}));
    let err = api
        .patch(
            "shared",
            &PatchParams::apply("manager-b"),
            &Patch::Apply(&takeover),
        )
        .await
        .expect_err("size is owned by manager-a");
    match err {
        kube::Error::Api(status) => {
            assert_eq!(status.code, 409, "{status:?}");
            assert!(status.message.contains("manager-a"), "{}", status.message);
        }
        other => panic!("expected a 409 conflict, got {other:?}"),
    }
    let forced = api
        .patch(
            "shared",
            &PatchParams::apply("manager-b").force(),
            &Patch::Apply(&takeover),
        )
        .await
        .expect("forced apply takes ownership");
    assert_eq!(forced.data["spec"]["size"], 5);
}

#[tokio::test]
async fn status_is_a_subresource() {
    let (_, client, ns) = setup("status-subresource").await;
    install_test_crds(&client).await;
    let api = widget_api(&client, &ns.name);
    let mut with_status = widget("st", json!({"color": "red"}));
    with_status.data["status"] = json!({"phase": "ignored-on-create"});
    let created = api
        .create(&PostParams::default(), &with_status)
        .await
        .expect("create");
    assert!(
        created.data.get("status").is_none(),
        "status is dropped on create: {:?}",
        created.data
    );
    let patched = api
        .patch_status(
            "st",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Ready"}})),
        )
        .await
        .expect("status patch");
    assert_eq!(patched.data["status"]["phase"], "Ready");
    assert_eq!(
        patched.metadata.generation, created.metadata.generation,
        "status writes do not bump generation"
    );
}
