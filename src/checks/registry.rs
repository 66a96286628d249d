//! The rule registry: every rule's fixed metadata ([`RuleMeta`]) and its evaluation function.
//!
//! A rule returns [`Hit`]s; [`Rule::finding`] turns a hit into a [`Finding`] with the stable id
//! of the rule and the objects involved. Rules never build ids or summaries themselves.

use crate::findings::{Category, Evidence, Finding, ObjectRef, PathStep, Severity};

use crate::tenant::DataKind;

use super::context::ScanContext;

/// Fixed facts about a rule, listed by `authpath rules` and `docs/checks.md`.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable id, e.g. `client.cross-origin-auth` or `path.self-signup-metadata-admin-scope`.
    pub id: &'static str,
    pub title: &'static str,
    /// Default severity; a hit may lower it (latent code, unreachable path).
    pub severity: Severity,
    pub category: Category,
    /// Tenant data the rule reads, e.g. `clients.cross_origin_authentication`.
    pub reads: &'static [&'static str],
    /// The condition, in one sentence.
    pub condition: &'static str,
    pub remediation: &'static str,
    /// Rows of the reference catalog this rule covers, e.g. `CM:checkCrossOriginAuthentication`.
    pub matches: &'static [&'static str],
}

/// One occurrence of a rule's condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Every tenant object involved; the finding id hashes these with the rule id.
    pub objects: Vec<ObjectRef>,
    /// What was found, specific to this occurrence.
    pub description: String,
    /// Overrides the rule's default severity (for example latent code reported as low).
    pub severity: Option<Severity>,
    /// Attack-path steps (attack-path rules only).
    pub path: Vec<PathStep>,
    pub evidence: Vec<Evidence>,
}

impl Hit {
    pub fn new(objects: Vec<ObjectRef>, description: impl Into<String>) -> Hit {
        Hit {
            objects,
            description: description.into(),
            severity: None,
            path: Vec::new(),
            evidence: Vec::new(),
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Hit {
        self.severity = Some(severity);
        self
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Hit {
        self.evidence.push(evidence);
        self
    }

    pub fn with_path(mut self, path: Vec<PathStep>) -> Hit {
        self.path = path;
        self
    }
}

/// A rule: metadata, the data it needs, and its evaluation.
pub struct Rule {
    pub meta: RuleMeta,
    /// Data the rule reads; when the source lacks any of it the rule is reported as not evaluated.
    pub needs: &'static [DataKind],
    pub eval: fn(&ScanContext) -> Vec<Hit>,
}

impl Rule {
    /// Turns a hit into a finding with the stable id of this rule and the hit's objects.
    pub fn finding(&self, hit: Hit) -> Finding {
        let id = Finding::stable_id(self.meta.id, &hit.objects);
        Finding {
            id,
            rule: self.meta.id.to_string(),
            severity: hit.severity.unwrap_or(self.meta.severity),
            category: self.meta.category,
            title: self.meta.title.to_string(),
            description: hit.description,
            remediation: self.meta.remediation.to_string(),
            objects: hit.objects,
            path: hit.path,
            evidence: hit.evidence,
        }
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.meta.id).finish()
    }
}
