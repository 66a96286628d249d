//! Findings: the finding model with stable ids, the scan report, secret masking for evidence, and
//! the renderers (table, json, sarif, markdown).

pub mod mask;
pub mod model;
pub mod render;

pub use mask::mask_secret;
pub use model::{
    Category, Evidence, Finding, NotEvaluated, ObjectKind, ObjectRef, PathStep, ScanReport,
    Severity, Summary,
};
