//! Runs Jobs of the project's image once, as local processes, and writes their status.

use std::collections::HashSet;

use futures::StreamExt;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::watcher::{self, Event};
use serde_json::json;
use tokio::task::JoinSet;

use super::pod::{LocalPod, project_container};
use super::process::GroupChild;
use super::{NodeAgentConfig, RunningJobs};
use crate::error::E2eError;

/// Watches Jobs in all namespaces until aborted; each new matching Job runs once.
pub async fn run(client: kube::Client, config: NodeAgentConfig, registry: RunningJobs) {
    let api = match &config.namespace {
        Some(namespace) => Api::<Job>::namespaced(client.clone(), namespace),
        None => Api::<Job>::all(client.clone()),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut running = JoinSet::new();
    let mut events = watcher::watcher(api, watcher::Config::default()).boxed();
    while let Some(event) = events.next().await {
        let job = match event {
            Ok(Event::Apply(job) | Event::InitApply(job)) => job,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!("node agent: job watch error: {e}");
                continue;
            }
        };
        let Some(uid) = job.metadata.uid.clone() else {
            continue;
        };
        let finished = job
            .status
            .as_ref()
            .is_some_and(|s| s.completion_time.is_some() || s.failed.unwrap_or(0) > 0);
        if finished || seen.contains(&uid) {
            continue;
        }
        let Some(template) = job.spec.as_ref().map(|s| &s.template) else {
            continue;
        };
        if project_container(template, &config.image_match).is_none() {
            continue;
        }
        seen.insert(uid);
        running.spawn(run_job(
            client.clone(),
            config.clone(),
            registry.clone(),
            job,
        ));
    }
}

async fn run_job(client: kube::Client, config: NodeAgentConfig, registry: RunningJobs, job: Job) {
    let namespace = job.metadata.namespace.clone().unwrap_or_default();
    let name = job.metadata.name.clone().unwrap_or_default();
    let api = Api::<Job>::namespaced(client.clone(), &namespace);
    let place = JobPlace {
        client: &client,
        config: &config,
        registry: &registry,
        api: &api,
        namespace: &namespace,
        name: &name,
    };
    if let Err(e) = execute(&place, &job).await {
        tracing::warn!("node agent: job {namespace}/{name}: {e}");
        let _ = write_status(&api, &name, finished_status(false, &e.to_string())).await;
    }
}

/// Where one Job runs and who to tell.
struct JobPlace<'a> {
    client: &'a kube::Client,
    config: &'a NodeAgentConfig,
    registry: &'a RunningJobs,
    api: &'a Api<Job>,
    namespace: &'a str,
    name: &'a str,
}

async fn execute(place: &JobPlace<'_>, job: &Job) -> Result<(), E2eError> {
    let JobPlace {
        client,
        config,
        registry,
        api,
        namespace,
        name,
    } = *place;
    let template = job.spec.as_ref().map(|s| &s.template);
    let spec = template.and_then(|t| t.spec.as_ref());
    let (Some(template), Some(spec)) = (template, spec) else {
        return Err(E2eError::Timeout("job without a pod template".to_string()));
    };
    let Some(container) = project_container(template, &config.image_match) else {
        return Ok(());
    };
    let pod = LocalPod {
        client,
        config,
        namespace,
        pod_name: format!("{name}-{}", short_uid(job)),
        spec,
        container,
        ports: &[],
    };
    let command = pod.prepare().await?;
    write_status(
        api,
        name,
        json!({"startTime": now(), "active": 1, "ready": 1}),
    )
    .await?;
    let mut child = GroupChild::spawn(command, &config.binary)?;
    let key = format!("{namespace}/{name}");
    if let Some(group) = child.group() {
        registry.insert(&key, group);
    }
    let status = child.wait(&config.binary).await;
    registry.remove(&key);
    let status = status?;
    let message = format!("local process exited with {status}");
    write_status(api, name, finished_status(status.success(), &message)).await
}

fn finished_status(succeeded: bool, message: &str) -> serde_json::Value {
    let now = now();
    let condition = |type_: &str, reason: &str| {
        json!({"type": type_, "status": "True", "reason": reason, "message": message,
               "lastProbeTime": now, "lastTransitionTime": now})
    };
    if succeeded {
        json!({"active": 0, "ready": 0, "succeeded": 1, "completionTime": now,
               "conditions": [condition("SuccessCriteriaMet", "CompletionsReached"), condition("Complete", "CompletionsReached")]})
    } else {
        json!({"active": 0, "ready": 0, "failed": 1,
               "conditions": [condition("FailureTarget", "BackoffLimitExceeded"), condition("Failed", "BackoffLimitExceeded")]})
    }
}

async fn write_status(
    api: &Api<Job>,
    name: &str,
    status: serde_json::Value,
) -> Result<(), E2eError> {
    // A Job that never started has no startTime; a finished one must have one.
    let mut status = status;
    if status.get("startTime").is_none()
        && let Ok(current) = api.get_status(name).await
        && current
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .is_none()
    {
        status["startTime"] = json!(now());
    }
    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({ "status": status })),
    )
    .await?;
    Ok(())
}

pub(super) fn short_uid(object: &impl kube::Resource) -> String {
    object
        .meta()
        .uid
        .as_deref()
        .unwrap_or("nouid")
        .chars()
        .take(8)
        .collect()
}

fn now() -> String {
    Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
