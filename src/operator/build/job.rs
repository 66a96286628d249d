//! The scan Job (`authpath scan --integration NS/NAME --write-findings` from the operator's own
//! image) and the Secret that hands it the resolved credentials. The Job spec never holds a
//! credential: the values sit in a Secret owned by the Job, mounted as files.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, PodSpec, PodTemplateSpec, Secret, SecretVolumeSource,
    Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::security::{container_security_context, pod_security_context};
use super::{child_labels, name_and_namespace, owner_ref};
use crate::crd::Auth0Integration;
use crate::operator::credentials::ClientCredentials;
use crate::operator::error::OperatorError;
use crate::operator::names;
use crate::operator::settings::OperatorSettings;

/// Where the scan Job finds `clientId` and `clientSecret` files.
pub const CREDENTIALS_DIR: &str = "/var/run/authpath/credentials";
/// Environment variable naming [`CREDENTIALS_DIR`] inside the Job.
pub const CREDENTIALS_DIR_ENV: &str = "AUTHPATH_CREDENTIALS_DIR";
/// Annotation on the Job recording what triggered it.
pub const TRIGGER_ANNOTATION: &str = "authpath.dev/trigger";
/// Environment variable telling the scan process the name of its Job (for its scan report).
pub const JOB_NAME_ENV: &str = "AUTHPATH_SCAN_JOB";

/// Component label value of scan Jobs.
pub const COMPONENT_SCAN: &str = "scan";

/// The scan Job for `trigger`.
pub fn build_scan_job(
    integration: &Auth0Integration,
    trigger: &str,
    settings: &OperatorSettings,
) -> Result<Job, OperatorError> {
    let (name, namespace) = name_and_namespace(integration)?;
    let job_name = names::scan_job(&name, trigger);
    let labels = child_labels(&name, COMPONENT_SCAN);
    let timeout = Duration::from(integration.spec.scan.timeout);
    let mut env = vec![
        EnvVar {
            name: CREDENTIALS_DIR_ENV.to_string(),
            value: Some(CREDENTIALS_DIR.to_string()),
            ..Default::default()
        },
        EnvVar {
            name: JOB_NAME_ENV.to_string(),
            value: Some(job_name.clone()),
            ..Default::default()
        },
    ];
    env.extend(settings.scan_job_env.iter().cloned());
    let container = Container {
        name: "scan".to_string(),
        image: Some(settings.image.clone()),
        image_pull_policy: Some(settings.image_pull_policy.clone()),
        command: Some(vec!["authpath".to_string()]),
        args: Some(vec![
            "scan".to_string(),
            "--integration".to_string(),
            format!("{namespace}/{name}"),
            "--write-findings".to_string(),
        ]),
        env: Some(env),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "credentials".to_string(),
                mount_path: CREDENTIALS_DIR.to_string(),
                read_only: Some(true),
                ..Default::default()
            },
            VolumeMount {
                name: "tmp".to_string(),
                mount_path: "/tmp".to_string(),
                ..Default::default()
            },
        ]),
        security_context: Some(container_security_context()),
        ..Default::default()
    };
    let pod = PodSpec {
        service_account_name: Some(integration.spec.scan.service_account_name.clone()),
        restart_policy: Some("Never".to_string()),
        security_context: Some(pod_security_context()),
        containers: vec![container],
        volumes: Some(vec![
            Volume {
                name: "credentials".to_string(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(names::job_credentials_secret(&job_name)),
                    default_mode: Some(0o400),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Volume {
                name: "tmp".to_string(),
                empty_dir: Some(EmptyDirVolumeSource::default()),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    Ok(Job {
        metadata: ObjectMeta {
            name: Some(job_name),
            namespace: Some(namespace),
            labels: Some(labels.clone()),
            annotations: Some(BTreeMap::from([(
                TRIGGER_ANNOTATION.to_string(),
                trigger.to_string(),
            )])),
            owner_references: Some(vec![owner_ref(integration)?]),
            ..Default::default()
        },
        spec: Some(JobSpec {
            backoff_limit: Some(0),
            active_deadline_seconds: Some(i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX)),
            ttl_seconds_after_finished: Some(7 * 24 * 3600),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(pod),
            },
            ..Default::default()
        }),
        status: None,
    })
}

/// The credentials Secret of one Job, owned by that Job (deleted with it).
pub fn build_credentials_secret(
    job: &Job,
    integration: &str,
    credentials: &ClientCredentials,
) -> Result<Secret, OperatorError> {
    let job_name = job
        .metadata
        .name
        .clone()
        .ok_or(OperatorError::MissingField("job metadata.name"))?;
    let uid = job
        .metadata
        .uid
        .clone()
        .ok_or(OperatorError::MissingField("job metadata.uid"))?;
    Ok(Secret {
        metadata: ObjectMeta {
            name: Some(names::job_credentials_secret(&job_name)),
            namespace: job.metadata.namespace.clone(),
            labels: Some(child_labels(integration, "credentials")),
            owner_references: Some(vec![OwnerReference {
                api_version: "batch/v1".to_string(),
                kind: "Job".to_string(),
                name: job_name,
                uid,
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..Default::default()
        },
        type_: Some("Opaque".to_string()),
        data: Some(BTreeMap::from([
            (
                "clientId".to_string(),
                ByteString(credentials.client_id.clone().into_bytes()),
            ),
            (
                "clientSecret".to_string(),
                ByteString(credentials.client_secret.clone().into_bytes()),
            ),
        ])),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::build::fixtures::integration;

    fn creds() -> ClientCredentials {
        ClientCredentials {
            client_id: "id-planted".into(),
            client_secret: "secret-planted".into(),
        }
    }

    #[test]
    fn the_job_runs_the_scan_entry_point_with_deadline_and_owner() {
        let i = integration("  scan: {timeout: 5m}\n");
        let job = build_scan_job(&i, "generation-3", &OperatorSettings::default()).unwrap();
        let spec = job.spec.as_ref().unwrap();
        assert_eq!(spec.active_deadline_seconds, Some(300));
        assert_eq!(spec.backoff_limit, Some(0));
        let pod = spec.template.spec.as_ref().unwrap();
        let c = &pod.containers[0];
        assert_eq!(
            c.args.as_deref().unwrap(),
            ["scan", "--integration", "team-a/prod", "--write-findings"]
        );
        assert_eq!(pod.service_account_name.as_deref(), Some("authpath-scan"));
        let owner = &job.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.uid.as_str()),
            ("Auth0Integration", "1111-2222")
        );
        assert_eq!(owner.controller, Some(true));
        assert_eq!(
            job.metadata.name,
            Some(names::scan_job("prod", "generation-3"))
        );
    }

    #[test]
    fn the_job_is_restricted_and_mounts_the_job_secret() {
        let i = integration("");
        let job = build_scan_job(&i, "t", &OperatorSettings::default()).unwrap();
        let pod = job.spec.unwrap().template.spec.unwrap();
        let sc = pod.containers[0].security_context.clone().unwrap();
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(pod.security_context.unwrap().run_as_non_root, Some(true));
        let volume = &pod.volumes.unwrap()[0];
        let secret_name = volume.secret.as_ref().unwrap().secret_name.clone().unwrap();
        assert!(secret_name.ends_with("-creds"));
    }

    #[test]
    fn credentials_live_in_the_secret_never_in_the_job() {
        let i = integration("");
        let mut job = build_scan_job(&i, "t", &OperatorSettings::default()).unwrap();
        let job_text = serde_json::to_string(&job).unwrap();
        assert!(!job_text.contains("planted"));
        assert!(
            build_credentials_secret(&job, "prod", &creds()).is_err(),
            "needs the Job's uid"
        );
        job.metadata.uid = Some("job-uid".into());
        let secret = build_credentials_secret(&job, "prod", &creds()).unwrap();
        let owner = &secret.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.uid.as_str()),
            ("Job", "job-uid")
        );
        let data = secret.data.unwrap();
        assert_eq!(data["clientSecret"].0, b"secret-planted");
    }
}
