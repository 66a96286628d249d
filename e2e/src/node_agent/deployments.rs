//! Keeps Deployments of the project's image running as local processes (one per replica) and
//! writes their status. A new generation restarts the processes; a deleted Deployment stops them.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::watcher::{self, Event};
use serde_json::json;
use tokio::task::{AbortHandle, JoinSet};

use super::NodeAgentConfig;
use super::jobs::short_uid;
use super::pod::{LocalPod, project_container};
use super::ports::{LocalPort, PortMap, allocate};
use super::process::GroupChild;
use crate::error::E2eError;

/// The processes of one Deployment at one generation.
struct Running {
    generation: i64,
    replicas: i32,
    handle: AbortHandle,
}

/// Watches Deployments (in the configured namespace or all of them) until aborted; replicas'
/// local ports go into `ports`.
pub async fn run(client: kube::Client, config: NodeAgentConfig, ports: PortMap) {
    let api = match &config.namespace {
        Some(namespace) => Api::<Deployment>::namespaced(client.clone(), namespace),
        None => Api::<Deployment>::all(client.clone()),
    };
    let mut running: HashMap<String, Running> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut events = watcher::watcher(api, watcher::Config::default()).boxed();
    while let Some(event) = events.next().await {
        match event {
            Ok(Event::Apply(deployment) | Event::InitApply(deployment)) => {
                let Some(uid) = deployment.metadata.uid.clone() else {
                    continue;
                };
                let Some(spec) = deployment.spec.as_ref() else {
                    continue;
                };
                if project_container(&spec.template, &config.image_match).is_none() {
                    continue;
                }
                let generation = deployment.metadata.generation.unwrap_or(0);
                let replicas = spec.replicas.unwrap_or(1);
                if running
                    .get(&uid)
                    .is_some_and(|r| r.generation == generation && r.replicas == replicas)
                {
                    continue;
                }
                if let Some(previous) = running.remove(&uid) {
                    previous.handle.abort();
                }
                let handle = tasks.spawn(keep_running(
                    client.clone(),
                    config.clone(),
                    ports.clone(),
                    deployment,
                ));
                running.insert(
                    uid,
                    Running {
                        generation,
                        replicas,
                        handle,
                    },
                );
            }
            Ok(Event::Delete(deployment)) => {
                if let Some(previous) = deployment.metadata.uid.and_then(|uid| running.remove(&uid))
                {
                    previous.handle.abort();
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("node agent: deployment watch error: {e}"),
        }
    }
}

/// Runs the replicas, restarting any that exit, until the task is aborted.
async fn keep_running(
    client: kube::Client,
    config: NodeAgentConfig,
    ports: PortMap,
    deployment: Deployment,
) {
    let namespace = deployment.metadata.namespace.clone().unwrap_or_default();
    let name = deployment.metadata.name.clone().unwrap_or_default();
    let api = Api::<Deployment>::namespaced(client.clone(), &namespace);
    let replicas = deployment
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0);
    let mut replica_tasks = JoinSet::new();
    for index in 0..replicas {
        replica_tasks.spawn(run_replica(
            client.clone(),
            config.clone(),
            ports.clone(),
            deployment.clone(),
            index,
        ));
    }
    let generation = deployment.metadata.generation.unwrap_or(0);
    let status = available_status(generation, replicas);
    if let Err(e) = api
        .patch_status(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({ "status": status })),
        )
        .await
    {
        tracing::warn!("node agent: deployment {namespace}/{name} status: {e}");
    }
    while replica_tasks.join_next().await.is_some() {}
}

/// Runs one replica on fixed local ports (registered while the replica task lives), restarting
/// the process after it exits.
async fn run_replica(
    client: kube::Client,
    config: NodeAgentConfig,
    ports: PortMap,
    deployment: Deployment,
    index: i32,
) {
    let namespace = deployment.metadata.namespace.clone().unwrap_or_default();
    let name = deployment.metadata.name.clone().unwrap_or_default();
    let template = deployment.spec.as_ref().map(|s| &s.template);
    let local_ports = match template.and_then(|t| project_container(t, &config.image_match)) {
        Some(container) => match allocate(container) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("node agent: deployment {namespace}/{name} ports: {e}");
                return;
            }
        },
        None => Vec::new(),
    };
    let labels = template
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let _registration = ports.register(&namespace, labels, local_ports.clone());
    loop {
        let replica = Replica {
            deployment: &deployment,
            namespace: &namespace,
            name: &name,
            index,
            ports: &local_ports,
        };
        if let Err(e) = run_once(&client, &config, replica).await {
            tracing::warn!("node agent: deployment {namespace}/{name} replica {index}: {e}");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// One replica of a Deployment.
struct Replica<'a> {
    deployment: &'a Deployment,
    namespace: &'a str,
    name: &'a str,
    index: i32,
    ports: &'a [LocalPort],
}

async fn run_once(
    client: &kube::Client,
    config: &NodeAgentConfig,
    replica: Replica<'_>,
) -> Result<(), E2eError> {
    let Replica {
        deployment,
        namespace,
        name,
        index,
        ports,
    } = replica;
    let Some(template) = deployment.spec.as_ref().map(|s| &s.template) else {
        return Ok(());
    };
    let (Some(spec), Some(container)) = (
        template.spec.as_ref(),
        project_container(template, &config.image_match),
    ) else {
        return Ok(());
    };
    let pod = LocalPod {
        client,
        config,
        namespace,
        pod_name: format!("{name}-{}-{index}", short_uid(deployment)),
        spec,
        container,
        ports,
    };
    let mut child = GroupChild::spawn(pod.prepare().await?, &config.binary)?;
    let status = child.wait(&config.binary).await?;
    tracing::info!(
        "node agent: deployment {namespace}/{name} replica {index} exited with {status}; restarting"
    );
    Ok(())
}

fn available_status(generation: i64, replicas: i32) -> serde_json::Value {
    let now = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let condition = |type_: &str, reason: &str, message: &str| {
        json!({"type": type_, "status": "True", "reason": reason, "message": message,
               "lastUpdateTime": now, "lastTransitionTime": now})
    };
    json!({
        "observedGeneration": generation,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "conditions": [
            condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            condition("Progressing", "NewReplicaSetAvailable", "local processes started by the e2e node agent"),
        ],
    })
}
