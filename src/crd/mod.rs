//! The two custom resources, `Auth0Integration` and `Auth0Finding` (group `authpath.dev`,
//! version `v1alpha1`), and the generator behind `authpath crdgen`.

pub mod conditions;
pub mod credentials;
pub mod detection;
pub mod finding;
pub mod generate;
pub mod integration;

pub use conditions::{CONDITION_TYPES, ConditionType};
pub use credentials::{
    AppRoleAuth, Credentials, KubernetesAuth, SecretCredentials, SecretKeyRef, VaultAuth,
    VaultCredentials, VaultSecret,
};
pub use detection::DetectionSpec;
pub use finding::{
    Auth0Finding, Auth0FindingSpec, Auth0FindingStatus, FindingState, RuntimeSignals,
};
pub use integration::{
    Auth0Integration, Auth0IntegrationSpec, Auth0IntegrationStatus, FindingCounts, FindingsSpec,
    LastScan, LogStreamSpec, ReceiverStatus, ScanJobReport, ScanOutcome, ScanSpec, TenantRef,
};

/// API group of both resources.
pub const GROUP: &str = "authpath.dev";
/// API version of both resources.
pub const VERSION: &str = "v1alpha1";
/// Annotation whose every new value asks for an immediate scan.
pub const RESCAN_ANNOTATION: &str = "authpath.dev/rescan";
/// Label naming the integration a child or finding belongs to.
pub const LABEL_INTEGRATION: &str = "authpath.dev/integration";
/// Label carrying a finding's severity.
pub const LABEL_SEVERITY: &str = "authpath.dev/severity";
/// Label carrying a finding's rule id.
pub const LABEL_RULE: &str = "authpath.dev/rule";
/// Label saying which part of the operator made a child (`scan`, `receiver`, `credentials`).
pub const LABEL_COMPONENT: &str = "authpath.dev/component";
