//! JavaScript analysis of tenant code (Actions, Rules, Hooks, database and profile scripts) on
//! `swc_ecma_parser`: the sources each piece of code reads, the effects it performs, the
//! conditions that guard them, hard-coded secrets and outbound calls. See [`effects`] for the
//! output contract and [`findings`] for the code rules.
//!
//! Pipeline: [`parse`] (size and nesting guard, swc, line table) -> [`flow`] / [`expr`] /
//! [`calls`] / [`egress`] (abstract interpretation over [`value`]s with [`guards`], variables in
//! [`scopes`], collected by [`collect`], secrets by [`secrets`]; taint is a shared
//! [`sources::SourceSet`], reported as a [`SourceList`] per effect; access paths are interned by
//! [`paths`] with their [`classify`] result) -> [`findings`].

pub mod assign;
pub mod calls;
pub mod claims;
pub mod classify;
pub mod cleartext;
pub mod collect;
pub mod computed_names;
pub mod effects;
pub mod egress;
pub mod expr;
pub mod findings;
pub mod flow;
pub mod functions;
pub mod guards;
pub mod infer;
pub mod library_calls;
pub mod literal_secrets;
pub mod nesting;
pub mod opaque_calls;
pub mod parse;
pub mod paths;
pub mod preference_claims;
pub mod privilege_findings;
pub mod scopes;
pub mod secrets;
pub mod sinks;
pub mod snippet;
pub mod source_list;
pub mod sources;
pub mod stmt;
pub mod units;
pub mod url_checks;
pub mod url_patterns;
pub mod value;

pub use effects::{
    CodeFinding, CodeHint, CodeKind, CodeReport, Effect, EffectKind, ParseFailure, SecretKind,
    Source,
};
pub use infer::infer_kind;
pub use parse::parse_only;
#[doc(hidden)]
pub use parse::swc_parse_only;
pub use paths::clear_thread_tables;
pub use source_list::SourceList;
pub use units::{CodeUnit, Reachability, analyze_tenant_code};

use crate::findings::{Category, Severity, mask::mask_in};

/// Hash map of the analyzer's per-file tables (scopes, interned paths, functions). Keys are
/// names and property keys from the analysed code, so the hasher is seeded per process
/// (`foldhash`), and every table lives only while one file (at most 2 MiB) is analysed.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Analyses one piece of code. Never fails: code that cannot be analysed gives a report with
/// `parse_error` and one `code.unanalysable-code` finding.
pub fn analyze(source: &str, file: &str, hint: &CodeHint) -> CodeReport {
    parse::with_analysis_stack(|| analyze_on_stack(source, file, hint))
}

fn analyze_on_stack(source: &str, file: &str, hint: &CodeHint) -> CodeReport {
    let (inferred_kind, inferred_trigger) = infer_kind(source);
    let kind = hint.kind.unwrap_or(inferred_kind);
    let trigger = match (&hint.trigger, hint.kind) {
        (Some(t), _) => t.clone(),
        (None, Some(k)) if k != inferred_kind => "unknown".to_string(),
        _ => inferred_trigger,
    };
    let mut report = CodeReport {
        file: file.to_string(),
        kind,
        trigger,
        parse_error: None,
        effects: Vec::new(),
        findings: Vec::new(),
        reads_user_metadata: Default::default(),
        reads_app_metadata: Default::default(),
        secret_names: Default::default(),
    };
    let parsed = match parse::parse(source) {
        Ok(p) => p,
        Err(e) => {
            let failure = ParseFailure {
                message: e.to_string(),
                line: e.line(),
            };
            report.findings.push(CodeFinding {
                rule: format!("code.{}", Category::UnanalysableCode.as_str()),
                category: Category::UnanalysableCode,
                severity: Severity::Medium,
                line: failure.line.unwrap_or(1),
                message: format!("code could not be analysed: {}", failure.message),
            });
            report.parse_error = Some(failure);
            return report;
        }
    };
    let mut analyzer = flow::Analyzer::new(&parsed.text, &parsed.lines, kind, &report.trigger);
    analyzer.run(&parsed.program);
    let mut out = analyzer.finish();
    out.effects.sort_by_key(|e| e.line);
    // Never let a secret value reach the report.
    for secret in &out.secret_values {
        for e in &mut out.effects {
            e.text = mask_in(&e.text, secret);
            if let EffectKind::Egress { url: Some(u), .. } = &mut e.kind {
                *u = mask_in(u, secret);
            }
        }
        for (_, text) in &mut out.substring_email_checks {
            *text = mask_in(text, secret);
        }
    }
    report.findings = findings::code_findings(&out.effects, &out.substring_email_checks);
    report.effects = out.effects;
    report.reads_user_metadata = out.reads_user_metadata;
    report.reads_app_metadata = out.reads_app_metadata;
    report.secret_names = out.secret_names;
    report
}

#[cfg(test)]
mod tests_cleartext;
#[cfg(test)]
mod tests_flow;
#[cfg(test)]
mod tests_identity_sinks;
#[cfg(test)]
mod tests_implicit;
#[cfg(test)]
mod tests_opaque_calls;
#[cfg(test)]
mod tests_preferences;
#[cfg(test)]
mod tests_redirects;
#[cfg(test)]
mod tests_secrets;
#[cfg(test)]
mod tests_sinks;
