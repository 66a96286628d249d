//! Applying children with server-side apply, skipping writes when nothing changed: scan Jobs and
//! their credentials Secrets, cleanup of finished Jobs, and the Log Stream receiver.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Secret, Service};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use sha2::{Digest, Sha256};

use super::build::{
    self, build_receiver_deployment, build_receiver_service, build_receiver_token_secret,
};
use super::context::Context;
use super::credentials::ClientCredentials;
use super::error::{OperatorError, kube_call};
use super::{OPERATOR_MANAGER, names};
use crate::crd::{Auth0Integration, LABEL_COMPONENT, LABEL_INTEGRATION};

/// Annotation holding a hash of what the operator last applied (no write when it matches).
const APPLIED_HASH: &str = "authpath.dev/applied-hash";

fn selector(integration: &str, component: &str) -> ListParams {
    ListParams::default().labels(&format!(
        "{LABEL_INTEGRATION}={integration},{LABEL_COMPONENT}={component}"
    ))
}

fn apply_params() -> PatchParams {
    PatchParams::apply(OPERATOR_MANAGER).force()
}

/// The scan Jobs of an integration.
pub async fn list_scan_jobs(
    ctx: &Context,
    namespace: &str,
    integration: &str,
) -> Result<Vec<Job>, OperatorError> {
    let api = Api::<Job>::namespaced(ctx.client.clone(), namespace);
    Ok(api
        .list(&selector(integration, build::job::COMPONENT_SCAN))
        .await
        .map_err(kube_call("list scan Jobs"))?
        .items)
}

/// Starts a scan: credentials Secret first (so the pod can mount it at once), then the Job, then
/// the Secret is re-owned by the Job so it goes with it.
pub async fn start_scan(
    ctx: &Context,
    integration: &Auth0Integration,
    trigger: &str,
    credentials: &ClientCredentials,
) -> Result<String, OperatorError> {
    let (name, namespace) = build::name_and_namespace(integration)?;
    let job = build::build_scan_job(integration, trigger, &ctx.settings)?;
    let job_name = job
        .metadata
        .name
        .clone()
        .ok_or(OperatorError::MissingField("job name"))?;
    let secrets = Api::<Secret>::namespaced(ctx.client.clone(), &namespace);
    let jobs = Api::<Job>::namespaced(ctx.client.clone(), &namespace);
    // Provisional owner: the integration (the Job has no uid yet).
    let mut provisional = job.clone();
    provisional.metadata.uid = integration.metadata.uid.clone();
    let mut secret = build::build_credentials_secret(&provisional, &name, credentials)?;
    secret.metadata.owner_references = Some(vec![build::owner_ref(integration)?]);
    let secret_name = names::job_credentials_secret(&job_name);
    secrets
        .patch(&secret_name, &apply_params(), &Patch::Apply(&secret))
        .await
        .map_err(kube_call("apply scan credentials Secret"))?;
    let created = jobs
        .patch(&job_name, &apply_params(), &Patch::Apply(&job))
        .await
        .map_err(kube_call("apply scan Job"))?;
    let owned = build::build_credentials_secret(&created, &name, credentials)?;
    secrets
        .patch(&secret_name, &apply_params(), &Patch::Apply(&owned))
        .await
        .map_err(kube_call("re-own scan credentials Secret"))?;
    ctx.metrics.child_writes.inc_by(3);
    Ok(job_name)
}

/// Deletes credentials Secrets whose Job finished or no longer exists, and Jobs beyond the
/// history (with their Secrets). Only reads when there is nothing to clean.
pub async fn clean_up(
    ctx: &Context,
    namespace: &str,
    integration: &str,
    active_job: Option<&str>,
    expired_jobs: &[String],
) -> Result<(), OperatorError> {
    let secrets = Api::<Secret>::namespaced(ctx.client.clone(), namespace);
    let jobs = Api::<Job>::namespaced(ctx.client.clone(), namespace);
    let background = DeleteParams::background();
    for job in expired_jobs {
        jobs.delete(job, &background)
            .await
            .map(|_| ())
            .or_else(ignore_not_found)
            .map_err(kube_call("delete old scan Job"))?;
        ctx.metrics.child_writes.inc();
    }
    let listed = secrets
        .list_metadata(&selector(integration, "credentials"))
        .await
        .map_err(kube_call("list scan credentials Secrets"))?;
    let keep = active_job.map(names::job_credentials_secret);
    for secret in listed.items {
        let Some(secret_name) = secret.metadata.name else {
            continue;
        };
        if Some(&secret_name) == keep.as_ref() {
            continue;
        }
        secrets
            .delete(&secret_name, &DeleteParams::default())
            .await
            .map(|_| ())
            .or_else(ignore_not_found)
            .map_err(kube_call("delete scan credentials Secret"))?;
        ctx.metrics.child_writes.inc();
    }
    Ok(())
}

fn ignore_not_found(e: kube::Error) -> Result<(), kube::Error> {
    match &e {
        kube::Error::Api(status) if status.code == 404 => Ok(()),
        _ => Err(e),
    }
}

fn hash_of(value: &impl serde::Serialize) -> Result<String, OperatorError> {
    let text = serde_json::to_string(value).map_err(|source| OperatorError::Serialize {
        what: "child object",
        source,
    })?;
    Ok(hex::encode(
        Sha256::digest(text.as_bytes())
            .get(..12)
            .unwrap_or_default(),
    ))
}

/// Server-side applies `object` unless the live object carries the same applied hash.
async fn apply_if_changed<K>(
    api: &Api<K>,
    name: &str,
    mut object: K,
    ctx: &Context,
) -> Result<K, OperatorError>
where
    K: kube::Resource + Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let hash = hash_of(&object)?;
    let live = api.get_opt(name).await.map_err(kube_call("get child"))?;
    if let Some(live) = live
        && live
            .meta()
            .annotations
            .as_ref()
            .and_then(|a| a.get(APPLIED_HASH))
            == Some(&hash)
    {
        return Ok(live);
    }
    object
        .meta_mut()
        .annotations
        .get_or_insert_with(Default::default)
        .insert(APPLIED_HASH.to_string(), hash);
    ctx.metrics.child_writes.inc();
    api.patch(name, &apply_params(), &Patch::Apply(&object))
        .await
        .map_err(kube_call("apply child"))
}

/// Receiver state after applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverState {
    pub available: bool,
    pub detail: String,
}

/// Applies the receiver Deployment and Service and creates the token Secret once.
pub async fn apply_receiver(
    ctx: &Context,
    integration: &Auth0Integration,
) -> Result<ReceiverState, OperatorError> {
    let (name, namespace) = build::name_and_namespace(integration)?;
    let secrets = Api::<Secret>::namespaced(ctx.client.clone(), &namespace);
    let token_name = names::receiver_token_secret(&name);
    if secrets
        .get_opt(&token_name)
        .await
        .map_err(kube_call("get receiver token"))?
        .is_none()
    {
        let token = build_receiver_token_secret(integration)?;
        match secrets.create(&PostParams::default(), &token).await {
            Ok(_) => {
                ctx.metrics.child_writes.inc();
            }
            Err(kube::Error::Api(s)) if s.code == 409 => {}
            Err(source) => {
                return Err(OperatorError::Kube {
                    call: "create receiver token",
                    source,
                });
            }
        };
    }
    let receiver = names::receiver(&name);
    let services = Api::<Service>::namespaced(ctx.client.clone(), &namespace);
    apply_if_changed(
        &services,
        &receiver,
        build_receiver_service(integration)?,
        ctx,
    )
    .await?;
    let deployments = Api::<Deployment>::namespaced(ctx.client.clone(), &namespace);
    let live = apply_if_changed(
        &deployments,
        &receiver,
        build_receiver_deployment(integration, &ctx.settings)?,
        ctx,
    )
    .await?;
    let wanted = integration.spec.log_stream.replicas;
    let available = live
        .status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0);
    Ok(ReceiverState {
        available: available >= wanted,
        detail: format!("{available}/{wanted} receiver replicas available"),
    })
}

/// Deletes receiver children left from when the log stream was enabled.
pub async fn remove_receiver(
    ctx: &Context,
    integration: &Auth0Integration,
) -> Result<(), OperatorError> {
    let (name, namespace) = build::name_and_namespace(integration)?;
    let receiver = names::receiver(&name);
    let deployments = Api::<Deployment>::namespaced(ctx.client.clone(), &namespace);
    if deployments
        .get_opt(&receiver)
        .await
        .map_err(kube_call("get receiver"))?
        .is_some()
    {
        deployments
            .delete(&receiver, &DeleteParams::background())
            .await
            .map_err(kube_call("delete receiver Deployment"))?;
        Api::<Service>::namespaced(ctx.client.clone(), &namespace)
            .delete(&receiver, &DeleteParams::default())
            .await
            .map(|_| ())
            .or_else(ignore_not_found)
            .map_err(kube_call("delete receiver Service"))?;
        ctx.metrics.child_writes.inc_by(2);
    }
    Ok(())
}
