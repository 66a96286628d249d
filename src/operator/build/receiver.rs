//! The Log Stream receiver children: Deployment, Service and the bearer-token Secret (32 random
//! bytes, created once and never rotated by a reconcile). The receiver runs as
//! `logStream.serviceAccountName`, reads the token from the Secret mounted as a file, and gets
//! the tenant's custom domain and `logStream.detection` as flags.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, KeyToPath, PodSpec, PodTemplateSpec, Secret, SecretVolumeSource,
    Service, ServicePort, ServiceSpec, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rand::RngCore;

use super::security::{container_security_context, pod_security_context};
use super::{child_labels, name_and_namespace, owner_ref};
use crate::crd::{Auth0Integration, LABEL_COMPONENT, LABEL_INTEGRATION};
use crate::operator::error::OperatorError;
use crate::operator::names;
use crate::operator::settings::OperatorSettings;

/// Component label value of receiver children.
pub const COMPONENT_RECEIVER: &str = "receiver";
/// Key of the token in the token Secret.
pub const TOKEN_KEY: &str = "token";
/// Where the token Secret is mounted in the receiver container.
pub const TOKEN_MOUNT: &str = "/var/run/secrets/authpath/receiver";
/// Name of the token volume.
const TOKEN_VOLUME: &str = "token";

fn meta(integration: &Auth0Integration, name: String) -> Result<ObjectMeta, OperatorError> {
    let (owner, namespace) = name_and_namespace(integration)?;
    Ok(ObjectMeta {
        name: Some(name),
        namespace: Some(namespace),
        labels: Some(child_labels(&owner, COMPONENT_RECEIVER)),
        owner_references: Some(vec![owner_ref(integration)?]),
        ..Default::default()
    })
}

fn selector(integration: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (LABEL_INTEGRATION.to_string(), integration.to_string()),
        (LABEL_COMPONENT.to_string(), COMPONENT_RECEIVER.to_string()),
    ])
}

/// The receiver Deployment.
pub fn build_receiver_deployment(
    integration: &Auth0Integration,
    settings: &OperatorSettings,
) -> Result<Deployment, OperatorError> {
    let (name, namespace) = name_and_namespace(integration)?;
    let mut args = vec![
        "receiver".to_string(),
        "--integration".to_string(),
        format!("{namespace}/{name}"),
        "--listen".to_string(),
        format!("0.0.0.0:{}", settings.receiver_port),
        "--token-file".to_string(),
        format!("{TOKEN_MOUNT}/{TOKEN_KEY}"),
    ];
    if let Some(domain) = &integration.spec.tenant.custom_domain {
        args.push(format!("--custom-domain={domain}"));
    }
    args.extend(integration.spec.log_stream.detection.receiver_flags());
    let container = Container {
        name: "receiver".to_string(),
        image: Some(settings.image.clone()),
        image_pull_policy: Some(settings.image_pull_policy.clone()),
        command: Some(vec!["authpath".to_string()]),
        args: Some(args),
        env: (!settings.receiver_env.is_empty()).then(|| settings.receiver_env.clone()),
        volume_mounts: Some(vec![VolumeMount {
            name: TOKEN_VOLUME.to_string(),
            mount_path: TOKEN_MOUNT.to_string(),
            read_only: Some(true),
            ..Default::default()
        }]),
        ports: Some(vec![ContainerPort {
            name: Some("http".to_string()),
            container_port: settings.receiver_port,
            ..Default::default()
        }]),
        security_context: Some(container_security_context()),
        ..Default::default()
    };
    Ok(Deployment {
        metadata: meta(integration, names::receiver(&name))?,
        spec: Some(DeploymentSpec {
            replicas: Some(integration.spec.log_stream.replicas),
            selector: LabelSelector {
                match_labels: Some(selector(&name)),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(child_labels(&name, COMPONENT_RECEIVER)),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(
                        integration.spec.log_stream.service_account_name.clone(),
                    ),
                    security_context: Some(pod_security_context()),
                    containers: vec![container],
                    volumes: Some(vec![Volume {
                        name: TOKEN_VOLUME.to_string(),
                        secret: Some(SecretVolumeSource {
                            secret_name: Some(names::receiver_token_secret(&name)),
                            items: Some(vec![KeyToPath {
                                key: TOKEN_KEY.to_string(),
                                path: TOKEN_KEY.to_string(),
                                ..Default::default()
                            }]),
                            default_mode: Some(0o440),
                            optional: Some(false),
                        }),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    })
}

/// The receiver Service (port 80 to the container's `http` port).
pub fn build_receiver_service(integration: &Auth0Integration) -> Result<Service, OperatorError> {
    let (name, _) = name_and_namespace(integration)?;
    Ok(Service {
        metadata: meta(integration, names::receiver(&name))?,
        spec: Some(ServiceSpec {
            selector: Some(selector(&name)),
            ports: Some(vec![ServicePort {
                name: Some("http".to_string()),
                port: 80,
                target_port: Some(IntOrString::String("http".to_string())),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    })
}

/// A new token Secret with 32 random bytes (hex). Only ever created, never applied over.
pub fn build_receiver_token_secret(
    integration: &Auth0Integration,
) -> Result<Secret, OperatorError> {
    let (name, _) = name_and_namespace(integration)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Ok(Secret {
        metadata: meta(integration, names::receiver_token_secret(&name))?,
        type_: Some("Opaque".to_string()),
        data: Some(BTreeMap::from([(
            TOKEN_KEY.to_string(),
            ByteString(hex::encode(bytes).into_bytes()),
        )])),
        ..Default::default()
    })
}

/// In-cluster endpoint of the receiver Service.
pub fn receiver_endpoint(integration: &str, namespace: &str) -> String {
    format!("http://{}.{namespace}.svc/", names::receiver(integration))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::build::fixtures::integration;

    #[test]
    fn deployment_selects_its_pods_and_mounts_the_token_secret() {
        let i = integration("  logStream: {enabled: true, replicas: 2}\n");
        let d = build_receiver_deployment(&i, &OperatorSettings::default()).unwrap();
        let spec = d.spec.unwrap();
        assert_eq!(spec.replicas, Some(2));
        let pod_labels = spec.template.metadata.unwrap().labels.unwrap();
        for (k, v) in spec.selector.match_labels.unwrap() {
            assert_eq!(pod_labels.get(&k), Some(&v));
        }
        let pod = spec.template.spec.unwrap();
        assert_eq!(
            pod.service_account_name.as_deref(),
            Some("authpath-receiver")
        );
        let container = &pod.containers[0];
        assert!(container.env.is_none(), "no token in the environment");
        let args = container.args.clone().unwrap();
        assert!(
            args.windows(2)
                .any(|w| w[0] == "--token-file"
                    && w[1] == "/var/run/secrets/authpath/receiver/token")
        );
        let mount = &container.volume_mounts.as_ref().unwrap()[0];
        assert_eq!(mount.mount_path, TOKEN_MOUNT);
        assert_eq!(mount.read_only, Some(true));
        let volume = &pod.volumes.unwrap()[0];
        assert_eq!(volume.name, mount.name);
        assert_eq!(
            volume.secret.as_ref().unwrap().secret_name.as_deref(),
            Some("prod-receiver-token")
        );
    }

    #[test]
    fn receiver_env_and_service_account_come_from_settings_and_spec() {
        let i = integration("  logStream: {enabled: true, serviceAccountName: rx}\n");
        let settings = OperatorSettings {
            receiver_env: vec![k8s_openapi::api::core::v1::EnvVar {
                name: "AUTHPATH_RECEIVER_FLUSH_SECS".into(),
                value: Some("1".into()),
                ..Default::default()
            }],
            ..OperatorSettings::default()
        };
        let pod = build_receiver_deployment(&i, &settings)
            .unwrap()
            .spec
            .unwrap()
            .template
            .spec
            .unwrap();
        assert_eq!(pod.service_account_name.as_deref(), Some("rx"));
        assert_eq!(pod.containers[0].env, Some(settings.receiver_env));
    }

    fn receiver_args(i: &Auth0Integration) -> Vec<String> {
        let d = build_receiver_deployment(i, &OperatorSettings::default()).unwrap();
        d.spec.unwrap().template.spec.unwrap().containers[0]
            .args
            .clone()
            .unwrap()
    }

    #[test]
    fn custom_domain_and_detection_settings_become_receiver_flags() {
        let plain = receiver_args(&integration("  logStream: {enabled: true}\n"));
        assert_eq!(plain.len(), 7, "{plain:?}");
        assert!(!plain.iter().any(|a| a.starts_with("--custom-domain")));
        let mut i = integration(
            "  logStream:\n    enabled: true\n    detection: {failedLoginsPerIp: 5, memberDeletions: 1, expectedAllowlist: [198.51.100.7]}\n",
        );
        i.spec.tenant.custom_domain = Some("login.acme.example".into());
        let args = receiver_args(&i);
        assert_eq!(args[..7], plain[..]);
        assert_eq!(
            args[7..],
            [
                "--custom-domain=login.acme.example",
                "--failed-logins-per-ip=5",
                "--member-deletions=1",
                "--expected-allowlist=198.51.100.7",
            ]
        );
    }

    #[test]
    fn tokens_are_32_random_bytes_and_differ() {
        let i = integration("");
        let a = build_receiver_token_secret(&i).unwrap().data.unwrap()[TOKEN_KEY]
            .0
            .clone();
        let b = build_receiver_token_secret(&i).unwrap().data.unwrap()[TOKEN_KEY]
            .0
            .clone();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn service_targets_the_named_port() {
        let s = build_receiver_service(&integration("")).unwrap();
        assert_eq!(s.metadata.name.as_deref(), Some("prod-receiver"));
        assert_eq!(
            receiver_endpoint("prod", "team-a"),
            "http://prod-receiver.team-a.svc/"
        );
    }
}
