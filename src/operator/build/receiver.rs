//! The Log Stream receiver children: Deployment, Service and the bearer-token Secret (32 random
//! bytes, created once and never rotated by a reconcile).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, EnvVarSource, PodSpec, PodTemplateSpec, Secret,
    SecretKeySelector, Service, ServicePort, ServiceSpec,
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
    let container = Container {
        name: "receiver".to_string(),
        image: Some(settings.image.clone()),
        image_pull_policy: Some(settings.image_pull_policy.clone()),
        command: Some(vec!["authpath".to_string()]),
        args: Some(vec![
            "receiver".to_string(),
            "--integration".to_string(),
            format!("{namespace}/{name}"),
            "--listen".to_string(),
            format!("0.0.0.0:{}", settings.receiver_port),
        ]),
        env: Some(vec![EnvVar {
            name: "AUTHPATH_RECEIVER_TOKEN".to_string(),
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: names::receiver_token_secret(&name),
                    key: TOKEN_KEY.to_string(),
                    optional: Some(false),
                }),
                ..Default::default()
            }),
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
                    service_account_name: Some(integration.spec.scan.service_account_name.clone()),
                    security_context: Some(pod_security_context()),
                    containers: vec![container],
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
    fn deployment_selects_its_pods_and_takes_the_token_by_reference() {
        let i = integration("  logStream: {enabled: true, replicas: 2}\n");
        let d = build_receiver_deployment(&i, &OperatorSettings::default()).unwrap();
        let spec = d.spec.unwrap();
        assert_eq!(spec.replicas, Some(2));
        let pod_labels = spec.template.metadata.unwrap().labels.unwrap();
        for (k, v) in spec.selector.match_labels.unwrap() {
            assert_eq!(pod_labels.get(&k), Some(&v));
        }
        let env = &spec.template.spec.unwrap().containers[0]
            .env
            .clone()
            .unwrap()[0];
        assert!(env.value.is_none());
        assert_eq!(
            env.value_from
                .as_ref()
                .unwrap()
                .secret_key_ref
                .as_ref()
                .unwrap()
                .name,
            "prod-receiver-token"
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
