//! Rule registry: every rule has a stable id, title, severity, category, the data it reads and a
//! remediation. Single-object checks, code rules and attack-path rules all register here; the
//! engine runs them over a snapshot and assembles the report.

pub mod catalog;
pub mod code_rules;
pub mod config;
pub mod context;
pub mod engine;
pub mod paths;
pub mod registry;
pub mod rules;

pub use context::ScanContext;
pub use engine::{ScanOutput, evaluate, scan};
pub use registry::{Hit, Rule, RuleMeta};
pub use rules::all_rules;
