//! Pure construction of every child object of an `Auth0Integration`: the scan Job and its
//! credentials Secret, and the Log Stream receiver's Deployment, Service and token Secret. Nothing
//! here talks to the apiserver, so every shape is unit-tested.

pub mod job;
pub mod receiver;
pub mod security;

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::Resource;

use crate::crd::{Auth0Integration, LABEL_COMPONENT, LABEL_INTEGRATION};
use crate::operator::error::OperatorError;

pub use job::{
    CREDENTIALS_DIR, CREDENTIALS_DIR_ENV, JOB_NAME_ENV, build_credentials_secret, build_scan_job,
};
pub use receiver::{
    build_receiver_deployment, build_receiver_service, build_receiver_token_secret,
};

/// Labels every child carries.
pub fn child_labels(integration: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), "authpath".to_string()),
        (
            "app.kubernetes.io/managed-by".to_string(),
            "authpath".to_string(),
        ),
        (LABEL_INTEGRATION.to_string(), integration.to_string()),
        (LABEL_COMPONENT.to_string(), component.to_string()),
    ])
}

/// Controller owner reference to the integration.
pub fn owner_ref(integration: &Auth0Integration) -> Result<OwnerReference, OperatorError> {
    integration
        .controller_owner_ref(&())
        .ok_or(OperatorError::MissingField("metadata.uid"))
}

/// Name and namespace of the integration.
pub fn name_and_namespace(
    integration: &Auth0Integration,
) -> Result<(String, String), OperatorError> {
    let name = integration
        .metadata
        .name
        .clone()
        .ok_or(OperatorError::MissingField("metadata.name"))?;
    let namespace = integration
        .metadata
        .namespace
        .clone()
        .ok_or(OperatorError::MissingField("metadata.namespace"))?;
    Ok((name, namespace))
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::crd::Auth0Integration;

    /// An integration as the apiserver would hand it over (uid, generation set).
    pub fn integration(extra_spec: &str) -> Auth0Integration {
        let yaml = format!(
            "apiVersion: authpath.dev/v1alpha1\nkind: Auth0Integration\nmetadata: {{name: prod, namespace: team-a, uid: 1111-2222, generation: 3}}\nspec:\n  tenant: {{domain: prod.eu.auth0.com}}\n  credentials: {{secretRef: {{name: a0}}}}\n{extra_spec}"
        );
        serde_norway::from_str(&yaml).unwrap()
    }
}
