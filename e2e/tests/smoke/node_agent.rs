//! The node agent runs this project's Jobs and Deployments as local processes. `/bin/sh` stands
//! in for the `authpath` binary here so the test checks the agent, not the operator.

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::{NodeAgent, NodeAgentConfig};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use kube::api::{Api, PostParams};
use serde_json::json;

use crate::setup;

fn job(name: &str, image: &str, script: &str) -> Job {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"backoffLimit": 0, "template": {"spec": {
            "restartPolicy": "Never",
            "serviceAccountName": "runner",
            "containers": [{
                "name": "main", "image": image, "args": ["-c", script],
                "env": [
                    {"name": "CREDS_DIR", "value": "/etc/creds"},
                    {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
                    {"name": "MY_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}
                ],
                "volumeMounts": [{"name": "creds", "mountPath": "/etc/creds", "readOnly": true}]
            }],
            "volumes": [{"name": "creds", "secret": {"secretName": "creds"}}]
        }}}
    }))
    .expect("job object")
}

async fn prepare(client: &kube::Client, namespace: &str) {
    let sa: ServiceAccount =
        serde_json::from_value(json!({"metadata": {"name": "runner"}})).expect("sa");
    Api::<ServiceAccount>::namespaced(client.clone(), namespace)
        .create(&PostParams::default(), &sa)
        .await
        .expect("service account");
    let secret: Secret = serde_json::from_value(
        json!({"metadata": {"name": "creds"}, "stringData": {"password": "s3cret"}}),
    )
    .expect("secret");
    Api::<Secret>::namespaced(client.clone(), namespace)
        .create(&PostParams::default(), &secret)
        .await
        .expect("secret");
}

fn work_dir(plane: &e2e::ControlPlane, namespace: &str) -> PathBuf {
    plane.state_dir.join("node-agent").join(namespace)
}

fn agent(plane: &e2e::ControlPlane, client: &kube::Client, namespace: &str) -> NodeAgent {
    let work_dir = work_dir(plane, namespace);
    let config =
        NodeAgentConfig::new(plane, PathBuf::from("/bin/sh"), work_dir).in_namespace(namespace);
    NodeAgent::start(client.clone(), config)
}

/// Polls the Job until it has a Complete or Failed condition; returns that condition type.
async fn wait_finished(api: &Api<Job>, name: &str) -> String {
    for _ in 0..300 {
        let job = api.get_status(name).await.expect("job status");
        let finished = job
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .into_iter()
            .find(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True");
        if let Some(condition) = finished {
            return condition.type_;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {name} did not finish");
}

#[tokio::test]
async fn jobs_of_the_project_image_run_locally_with_env_mounts_and_identity() {
    let (plane, client, ns) = setup("node-agent-jobs").await;
    prepare(&client, &ns.name).await;
    let _agent = agent(plane, &client, &ns.name);
    let jobs = Api::<Job>::namespaced(client.clone(), &ns.name);
    let ignored = job("other-image", "docker.io/library/busybox:1", "exit 0");
    jobs.create(&PostParams::default(), &ignored)
        .await
        .expect("create");
    // The Secret arrives both as a mounted file and as an env var; the pod's identity is
    // usable through KUBECONFIG (the runner SA may not list pods: RBAC is real).
    let script = r#"test "$(cat "$CREDS_DIR/password")" = s3cret && test "$FROM_SECRET" = s3cret \
        && test "$MY_NAMESPACE" = "$(cat "$KUBECONFIG" | sed -n 's/^ *namespace: //p')" \
        && test -s "$KUBECONFIG""#;
    jobs.create(
        &PostParams::default(),
        &job("ok", "ghcr.io/example/authpath:dev", script),
    )
    .await
    .expect("create");
    jobs.create(
        &PostParams::default(),
        &job("fails", "ghcr.io/example/authpath:dev", "exit 3"),
    )
    .await
    .expect("create");
    assert_eq!(wait_finished(&jobs, "ok").await, "Complete");
    assert_eq!(wait_finished(&jobs, "fails").await, "Failed");
    let ok = jobs
        .get_status("ok")
        .await
        .expect("status")
        .status
        .expect("status");
    assert_eq!(ok.succeeded, Some(1));
    assert!(ok.start_time.is_some() && ok.completion_time.is_some());
    let other = jobs.get_status("other-image").await.expect("status");
    assert!(
        other.status.and_then(|s| s.start_time).is_none(),
        "a Job of another image is left alone"
    );
}

#[tokio::test]
async fn deployments_of_the_project_image_become_available_and_stop_on_delete() {
    let (plane, client, ns) = setup("node-agent-deployments").await;
    prepare(&client, &ns.name).await;
    let _agent = agent(plane, &client, &ns.name);
    let deployments = Api::<Deployment>::namespaced(client.clone(), &ns.name);
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "receiver"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "receiver"}},
            "template": {"metadata": {"labels": {"app": "receiver"}}, "spec": {
                "serviceAccountName": "runner",
                "containers": [{"name": "main", "image": "ghcr.io/example/authpath:dev", "args": ["-c", "echo $$ > \"$HOME/pid\"; exec sleep 60"]}]
            }}}
    }))
    .expect("deployment");
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .expect("create");
    let mut available = false;
    for _ in 0..300 {
        let status = deployments
            .get_status("receiver")
            .await
            .expect("status")
            .status;
        if status.as_ref().and_then(|s| s.available_replicas) == Some(1) {
            let status = status.expect("status");
            assert_eq!(status.observed_generation, Some(1));
            assert_eq!(status.ready_replicas, Some(1));
            available = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(available, "deployment never became available");

    let pid = wait_for_pid_file(&work_dir(plane, &ns.name).join(&ns.name)).await;
    assert!(process_running(pid), "replica process {pid} runs");
    deployments
        .delete("receiver", &Default::default())
        .await
        .expect("delete");
    for _ in 0..100 {
        if !process_running(pid) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("replica process {pid} still runs after its Deployment was deleted");
}

/// The pid a replica wrote to `$HOME/pid` (`$HOME` is its per-pod root under `pods_dir`).
async fn wait_for_pid_file(pods_dir: &Path) -> u32 {
    for _ in 0..100 {
        for pod in std::fs::read_dir(pods_dir).into_iter().flatten().flatten() {
            if let Ok(text) = std::fs::read_to_string(pod.path().join("pid"))
                && let Ok(pid) = text.trim().parse()
            {
                return pid;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no pid file under {}", pods_dir.display());
}

/// Alive and not a zombie.
fn process_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_string())
        })
        .is_some_and(|rest| !rest.starts_with('Z'))
}
