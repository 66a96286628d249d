//! Reading the project's objects in tests: the `Auth0Integration` and `Auth0Finding` APIs, a
//! condition of an integration, waiting for one, asking for a rescan, and a fingerprint of the
//! findings that changes when any finding is written.

use std::collections::BTreeMap;

use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

use crate::support::wait_for;

/// An `authpath.dev/v1alpha1` resource.
pub fn resource(kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: "authpath.dev".into(),
        version: "v1alpha1".into(),
        api_version: "authpath.dev/v1alpha1".into(),
        kind: kind.into(),
        plural: plural.into(),
    }
}

/// `Auth0Integration`s of `namespace`.
pub fn integrations_api(client: &kube::Client, namespace: &str) -> Api<DynamicObject> {
    Api::namespaced_with(
        client.clone(),
        namespace,
        &resource("Auth0Integration", "auth0integrations"),
    )
}

/// `Auth0Finding`s of `namespace`.
pub fn findings_api(client: &kube::Client, namespace: &str) -> Api<DynamicObject> {
    Api::namespaced_with(
        client.clone(),
        namespace,
        &resource("Auth0Finding", "auth0findings"),
    )
}

/// The condition `type_` of an integration.
pub fn condition<'a>(object: &'a DynamicObject, type_: &str) -> Option<&'a Value> {
    object.data["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
}

/// Waits until condition `type_` of integration `name` has `status` and `accept` holds for it;
/// returns the integration.
pub async fn wait_condition(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    type_: &str,
    status: &str,
    accept: impl Fn(&DynamicObject) -> bool,
) -> DynamicObject {
    let api = integrations_api(client, namespace);
    let accept = &accept;
    wait_for(180, &format!("{type_}={status} on {name}"), || {
        let api = api.clone();
        async move {
            let object = api.get(name).await.map_err(|e| e.to_string())?;
            match condition(&object, type_) {
                Some(c) if c["status"] == status && accept(&object) => Ok(object),
                other => Err(format!(
                    "{other:?} lastScan={}",
                    object.data["status"]["lastScan"]
                )),
            }
        }
    })
    .await
}

/// Asks for a scan with the `authpath.dev/rescan` annotation set to `value`.
pub async fn request_rescan(client: &kube::Client, namespace: &str, name: &str, value: &str) {
    integrations_api(client, namespace)
        .patch(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"authpath.dev/rescan": value}}})),
        )
        .await
        .expect("annotate for a rescan");
}

/// Every finding of `integration`: name -> (state, lastSeen, resourceVersion). Equal fingerprints
/// mean no finding was created, written, resolved or deleted in between.
pub async fn findings_fingerprint(
    client: &kube::Client,
    namespace: &str,
    integration: &str,
) -> BTreeMap<String, (String, String, String)> {
    findings_api(client, namespace)
        .list(&ListParams::default().labels(&format!("authpath.dev/integration={integration}")))
        .await
        .expect("list findings")
        .items
        .into_iter()
        .map(|f| {
            let field = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                f.metadata.name.clone().unwrap_or_default(),
                (
                    field(&f.data["status"]["state"]),
                    field(&f.data["status"]["lastSeen"]),
                    f.metadata.resource_version.clone().unwrap_or_default(),
                ),
            )
        })
        .collect()
}
