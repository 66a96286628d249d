//! Condition types of `Auth0Integration` status and the schema of the conditions list (a list map
//! keyed by `type`, which k8s-openapi's generated schema does not declare by itself).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// The condition types the operator maintains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionType {
    /// Summary: credentials resolve, the last scan succeeded, the receiver (if any) is ready.
    Ready,
    /// Credentials could be resolved and read.
    CredentialsReady,
    /// The last scan finished completely.
    ScanSucceeded,
    /// The Log Stream receiver is available (or not wanted).
    ReceiverReady,
}

/// Every condition type, in the order they are written.
pub const CONDITION_TYPES: [ConditionType; 4] = [
    ConditionType::Ready,
    ConditionType::CredentialsReady,
    ConditionType::ScanSucceeded,
    ConditionType::ReceiverReady,
];

impl ConditionType {
    /// The `type` string.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::Ready => "Ready",
            ConditionType::CredentialsReady => "CredentialsReady",
            ConditionType::ScanSucceeded => "ScanSucceeded",
            ConditionType::ReceiverReady => "ReceiverReady",
        }
    }
}

/// Schema of `status.conditions`: k8s `Condition` items, list map keyed by `type`.
pub fn conditions_schema(generator: &mut SchemaGenerator) -> Schema {
    let mut schema = Vec::<Condition>::json_schema(generator);
    schema.insert("x-kubernetes-list-type".into(), "map".into());
    schema.insert(
        "x-kubernetes-list-map-keys".into(),
        serde_json::json!(["type"]),
    );
    schema
}
