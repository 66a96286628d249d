//! The finding model and the `scan --format json` report, exactly as `ARCHITECTURE.md` fixes them.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses `critical|high|medium|low|info` (case-insensitive).
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Finding category. The code categories are the fixed vocabulary of `ARCHITECTURE.md`; the
/// configuration categories group single-object checks and attack paths.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    // Code categories (fixed vocabulary).
    MetadataDrivenPrivilege,
    UserInputToAppMetadata,
    UnverifiedEmailTrust,
    HardcodedSecret,
    SecretToExternalEndpoint,
    MfaBypassCondition,
    OpenRedirect,
    UnnamespacedCustomClaim,
    InsecureHttpCall,
    VulnerableDependency,
    UnanalysableCode,
    // Configuration categories.
    AttackPath,
    Application,
    Connection,
    Tenant,
    AttackProtection,
    Mfa,
    Api,
    ManagementApi,
    CustomDomain,
    Logging,
    Email,
    Organization,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::MetadataDrivenPrivilege => "metadata-driven-privilege",
            Category::UserInputToAppMetadata => "user-input-to-app-metadata",
            Category::UnverifiedEmailTrust => "unverified-email-trust",
            Category::HardcodedSecret => "hardcoded-secret",
            Category::SecretToExternalEndpoint => "secret-to-external-endpoint",
            Category::MfaBypassCondition => "mfa-bypass-condition",
            Category::OpenRedirect => "open-redirect",
            Category::UnnamespacedCustomClaim => "unnamespaced-custom-claim",
            Category::InsecureHttpCall => "insecure-http-call",
            Category::VulnerableDependency => "vulnerable-dependency",
            Category::UnanalysableCode => "unanalysable-code",
            Category::AttackPath => "attack-path",
            Category::Application => "application",
            Category::Connection => "connection",
            Category::Tenant => "tenant",
            Category::AttackProtection => "attack-protection",
            Category::Mfa => "mfa",
            Category::Api => "api",
            Category::ManagementApi => "management-api",
            Category::CustomDomain => "custom-domain",
            Category::Logging => "logging",
            Category::Email => "email",
            Category::Organization => "organization",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Kinds of tenant objects a finding can name (fixed vocabulary of `ARCHITECTURE.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Tenant,
    Client,
    ClientGrant,
    ResourceServer,
    Scope,
    Connection,
    Action,
    Rule,
    Hook,
    Role,
    UserAttribute,
    Claim,
    CustomDomain,
    LogStream,
    ManagementApi,
    Organization,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Tenant => "tenant",
            ObjectKind::Client => "client",
            ObjectKind::ClientGrant => "client_grant",
            ObjectKind::ResourceServer => "resource_server",
            ObjectKind::Scope => "scope",
            ObjectKind::Connection => "connection",
            ObjectKind::Action => "action",
            ObjectKind::Rule => "rule",
            ObjectKind::Hook => "hook",
            ObjectKind::Role => "role",
            ObjectKind::UserAttribute => "user_attribute",
            ObjectKind::Claim => "claim",
            ObjectKind::CustomDomain => "custom_domain",
            ObjectKind::LogStream => "log_stream",
            ObjectKind::ManagementApi => "management_api",
            ObjectKind::Organization => "organization",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tenant object, by display name.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: ObjectKind, name: impl Into<String>) -> Self {
        ObjectRef {
            kind,
            name: name.into(),
        }
    }
}

/// One step of an attack path; `edge` says how the next step is reached (empty on the last).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct PathStep {
    pub kind: ObjectKind,
    pub name: String,
    pub edge: String,
}

/// A piece of evidence: a file of the export (or a pseudo-path such as `clients/App`), a line
/// where known, and the text (secrets already masked).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub text: String,
}

/// One finding of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub id: String,
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub remediation: String,
    pub objects: Vec<ObjectRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<PathStep>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// Stable id: a hash of the rule id and the sorted set of objects involved, so the same
    /// finding keeps its id across runs, object order and evidence changes.
    pub fn stable_id(rule: &str, objects: &[ObjectRef]) -> String {
        let mut keys: Vec<String> = objects
            .iter()
            .map(|o| format!("{}\u{1f}{}", o.kind.as_str(), o.name))
            .collect();
        keys.sort();
        keys.dedup();
        let mut h = Sha256::new();
        h.update(rule.as_bytes());
        for k in &keys {
            h.update([0x1e]);
            h.update(k.as_bytes());
        }
        hex::encode(&h.finalize()[..8])
    }
}

/// Count of findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.severity) += 1;
        }
        s
    }

    fn slot(&mut self, sev: Severity) -> &mut u32 {
        match sev {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    pub fn count(&self, sev: Severity) -> u32 {
        match sev {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

/// A rule that could not run in this scan, and why (missing scope, data absent from the export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotEvaluated {
    pub rule: String,
    pub reason: String,
}

/// The `scan --format json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScanReport {
    pub tenant: String,
    /// `export` or `api`.
    pub source: String,
    pub scanned_at: String,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Rules that could not be evaluated, with the reason. Empty when every rule ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<NotEvaluated>,
    /// Data the source could not provide (endpoint not readable with the granted scopes, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_data: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_id_ignores_object_order_and_duplicates() {
        let a = ObjectRef::new(ObjectKind::Client, "App");
        let b = ObjectRef::new(ObjectKind::Action, "Grant admin");
        let one = Finding::stable_id("r1", &[a.clone(), b.clone()]);
        let two = Finding::stable_id("r1", &[b.clone(), a.clone(), b.clone()]);
        assert_eq!(one, two);
        assert_eq!(one.len(), 16);
        assert_ne!(one, Finding::stable_id("r2", &[a, b]));
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("urgent"), None);
    }

    #[test]
    fn category_serializes_kebab_case() {
        let v = serde_json::to_value(Category::MetadataDrivenPrivilege).unwrap();
        assert_eq!(v, "metadata-driven-privilege");
        assert_eq!(Category::HardcodedSecret.as_str(), "hardcoded-secret");
    }
}
