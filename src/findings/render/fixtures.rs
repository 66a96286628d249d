//! Test fixtures: a scan report with an attack path, evidence, a masked secret, a finding
//! without evidence, hostile object names and rules that could not be evaluated; and a set of
//! `analyze-code` reports.

use std::collections::BTreeSet;

use crate::code::effects::{CodeFinding, CodeKind, CodeReport, ParseFailure};
use crate::findings::mask_secret;
use crate::findings::model::{
    Category, Evidence, Finding, NotEvaluated, ObjectKind, ObjectRef, PathStep, ScanReport,
    Severity, Summary,
};

/// A secret that appears (masked) in the fixture's evidence; its raw form must never be output.
pub const RAW_SECRET: &str = "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM";

/// A name built to break Markdown, Mermaid and terminals.
pub const HOSTILE_NAME: &str = "Evil \"App\" [x] | y <b>#1</b> `tick`\u{1b}[31m;end";

fn finding(
    rule: &str,
    severity: Severity,
    category: Category,
    title: &str,
    objects: Vec<ObjectRef>,
) -> Finding {
    Finding {
        id: Finding::stable_id(rule, &objects),
        rule: rule.to_string(),
        severity,
        category,
        title: title.to_string(),
        description: format!(
            "{title}. This description is long enough to need wrapping in a terminal of eighty columns, so the table renderer has to wrap it over several lines."
        ),
        remediation: format!("Fix {rule}: remove the condition that makes it true."),
        objects,
        path: Vec::new(),
        evidence: Vec::new(),
    }
}

fn attack_path_finding() -> Finding {
    let mut f = finding(
        "path.self-signup-metadata-admin-scope",
        Severity::Critical,
        Category::AttackPath,
        "Self-signup user can obtain the admin scope",
        vec![
            ObjectRef::new(ObjectKind::Connection, "Username-Password-Authentication"),
            ObjectRef::new(ObjectKind::UserAttribute, "user_metadata.account_type"),
            ObjectRef::new(ObjectKind::Action, "Onboarding Profile Sync"),
            ObjectRef::new(ObjectKind::Scope, "admin:all"),
        ],
    );
    f.path = vec![
        PathStep {
            kind: ObjectKind::Connection,
            name: "Username-Password-Authentication".into(),
            edge: "self-signup writes user_metadata.account_type".into(),
        },
        PathStep {
            kind: ObjectKind::UserAttribute,
            name: "user_metadata.account_type".into(),
            edge: "copied by".into(),
        },
        PathStep {
            kind: ObjectKind::Action,
            name: "Onboarding Profile Sync".into(),
            edge: "adds scope".into(),
        },
        PathStep {
            kind: ObjectKind::Scope,
            name: "admin:all".into(),
            edge: String::new(),
        },
    ];
    f.evidence = vec![
        Evidence {
            file: "actions/Onboarding Profile Sync/code.js".into(),
            line: Some(12),
            text: "api.accessToken.addScope(event.user.user_metadata.account_type)".into(),
        },
        Evidence {
            file: "database-connections/Username-Password-Authentication/database.json".into(),
            line: None,
            text: "\"disable_signup\": false".into(),
        },
    ];
    f
}

fn secret_finding() -> Finding {
    let mut f = finding(
        "code.hardcoded-secret",
        Severity::High,
        Category::HardcodedSecret,
        "Hard-coded client secret in an Action",
        vec![ObjectRef::new(
            ObjectKind::Action,
            "Onboarding Profile Sync",
        )],
    );
    f.evidence = vec![Evidence {
        file: "actions/Onboarding Profile Sync/code.js".into(),
        line: Some(4),
        text: format!("const clientSecret = \"{}\";", mask_secret(RAW_SECRET)),
    }];
    f
}

/// The fixture scan report. Findings are deliberately not in report order.
pub fn scan_report() -> ScanReport {
    let no_evidence = finding(
        "client.cross-origin-auth",
        Severity::Medium,
        Category::Application,
        "Cross-origin authentication enabled",
        vec![ObjectRef::new(ObjectKind::Client, "Storefront SPA")],
    );
    let mut hostile = finding(
        "client.hostile-name",
        Severity::Low,
        Category::Application,
        "Application with a strange name",
        vec![ObjectRef::new(ObjectKind::Client, HOSTILE_NAME)],
    );
    hostile.path = vec![
        PathStep {
            kind: ObjectKind::Client,
            name: HOSTILE_NAME.into(),
            edge: "calls \"api\" | [x]".into(),
        },
        PathStep {
            kind: ObjectKind::ResourceServer,
            name: "end".into(),
            edge: String::new(),
        },
    ];
    let info = finding(
        "tenant.info-note",
        Severity::Info,
        Category::Tenant,
        "Tenant note",
        vec![ObjectRef::new(ObjectKind::Tenant, "example")],
    );
    let findings = vec![
        no_evidence,
        hostile,
        attack_path_finding(),
        info,
        secret_finding(),
    ];
    ScanReport {
        tenant: "example.eu.auth0.com".into(),
        source: "export".into(),
        scanned_at: "2026-01-02T03:04:05Z".into(),
        summary: Summary::of(&findings),
        findings,
        not_evaluated: vec![
            NotEvaluated {
                rule: "tenant.mfa-policy".into(),
                reason: "guardian/ not in the export".into(),
            },
            NotEvaluated {
                rule: "grant.admin-scopes".into(),
                reason: "missing scope read:client_grants".into(),
            },
        ],
        missing_data: vec!["log-streams (403 insufficient_scope)".into()],
    }
}

/// The same report with no findings and nothing missing.
pub fn clean_report() -> ScanReport {
    ScanReport {
        tenant: "clean.eu.auth0.com".into(),
        source: "api".into(),
        scanned_at: "2026-01-02T03:04:05Z".into(),
        summary: Summary::default(),
        findings: Vec::new(),
        not_evaluated: Vec::new(),
        missing_data: Vec::new(),
    }
}

fn code_report(file: &str, kind: CodeKind, trigger: &str) -> CodeReport {
    CodeReport {
        file: file.into(),
        kind,
        trigger: trigger.into(),
        parse_error: None,
        effects: Vec::new(),
        findings: Vec::new(),
        reads_user_metadata: BTreeSet::new(),
        reads_app_metadata: BTreeSet::new(),
        secret_names: BTreeSet::new(),
    }
}

/// Three files: one with findings (out of line order), one that failed to parse, one clean.
pub fn code_reports() -> Vec<CodeReport> {
    let mut with_findings = code_report("actions/grant.js", CodeKind::Action, "post-login");
    with_findings.findings = vec![
        CodeFinding {
            rule: "code.unnamespaced-custom-claim".into(),
            category: Category::UnnamespacedCustomClaim,
            severity: Severity::Low,
            line: 20,
            message: "Custom claim `role` is not namespaced".into(),
        },
        CodeFinding {
            rule: "code.metadata-driven-privilege".into(),
            category: Category::MetadataDrivenPrivilege,
            severity: Severity::High,
            line: 7,
            message: "Scope decided by user_metadata.account_type, which the user can write".into(),
        },
    ];
    let mut broken = code_report("rules/broken.js", CodeKind::Rule, "unknown");
    broken.parse_error = Some(ParseFailure {
        message: "Unexpected token `}`".into(),
        line: Some(3),
    });
    let clean = code_report("hooks/clean.js", CodeKind::Hook, "credentials-exchange");
    vec![with_findings, broken, clean]
}
