//! Code hygiene that needs no data flow: outdated Action runtimes, signup Actions that reveal
//! whether an account exists, and the deprecated Rules and Hooks still enabled. Actions that do
//! not run (not deployed or not bound to a trigger) are reported low.

use crate::checks::context::ScanContext;
use crate::checks::paths::reachability::lower_if_latent;
use crate::checks::registry::Hit;
use crate::code::EffectKind;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::tenant::Action;

use super::support::{config_rule, evidence, file_or};

config_rule!(ACTION_RUNTIME {
    id: "action.outdated-runtime",
    title: "Action runs on an outdated Node.js runtime",
    severity: High,
    category: Application,
    needs: [Actions],
    reads: ["actions.runtime", "actions.deployed", "triggers"],
    condition: "An Action's runtime is node12/node16 (anything below 18); low when the Action is not deployed or not bound to a trigger.",
    remediation: "Move the Action to node22 (or the newest runtime offered), test it, deploy it.",
    matches: ["CM:checkActionsRuntime", "PRC-C actions-node"],
    eval: eval_runtime,
});

config_rule!(SIGNUP_ENUMERATION {
    id: "action.signup-user-enumeration",
    title: "Pre-registration Action denies signups and may reveal existing accounts",
    severity: Low,
    category: Application,
    needs: [Actions],
    reads: [
        "actions.code",
        "actions.supported_triggers",
        "triggers.pre-user-registration"
    ],
    condition: "An Action for pre-user-registration calls api.access.deny (the distinct error tells callers which e-mail addresses exist or are blocked).",
    remediation: "Return a generic message from api.access.deny and rate-limit signups; never echo the reason.",
    matches: ["CM:checkPreRegistrationUserEnumeration"],
    eval: eval_enumeration,
});

config_rule!(LEGACY_RULES {
    id: "rule.legacy-rules-enabled",
    title: "Deprecated Rules are still enabled",
    severity: Low,
    category: Application,
    needs: [Rules],
    reads: ["rules.enabled"],
    condition: "At least one Rule is enabled (Rules reached end of life on 18 November 2026).",
    remediation: "Port each Rule to a post-login Action, then disable and delete the Rule.",
    matches: ["CM:checkRules", "PRC-C rules-deprecated"],
    eval: eval_rules,
});

config_rule!(LEGACY_HOOKS {
    id: "hook.legacy-hooks-enabled",
    title: "Deprecated Hooks are still enabled",
    severity: Low,
    category: Application,
    needs: [Hooks],
    reads: ["hooks.enabled"],
    condition: "At least one Hook is enabled.",
    remediation: "Port each Hook to the matching Action trigger, then disable and delete the Hook.",
    matches: ["CM:checkHooks", "PRC-C hooks-deprecated"],
    eval: eval_hooks,
});

fn action_file(a: &Action) -> String {
    file_or(&a.file, "actions", &a.name)
}

/// Major Node.js version of an Action runtime such as `node16` or `node18-actions`.
fn node_major(runtime: &str) -> Option<u32> {
    let rest = runtime.trim().strip_prefix("node")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn eval_runtime(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    s.actions
        .iter()
        .filter_map(|a| {
            let runtime = a.runtime.as_deref()?;
            let major = node_major(runtime).filter(|m| *m < 18)?;
            let latent = !a.deployed || !s.is_bound(&a.name);
            let mut d = format!(
                "Action \"{}\" runs on Node.js {major}, which no longer gets security fixes.",
                a.name
            );
            if latent {
                d.push_str(" It does not run (not deployed or not bound to a trigger).");
            }
            Some(
                Hit::new(vec![ObjectRef::new(ObjectKind::Action, a.name.clone())], d)
                    .with_severity(lower_if_latent(Severity::High, latent))
                    .with_evidence(evidence(&action_file(a), format!("runtime: {runtime}"))),
            )
        })
        .collect()
}

fn eval_enumeration(ctx: &ScanContext) -> Vec<Hit> {
    ctx.code
        .iter()
        .filter(|u| u.object.kind == ObjectKind::Action)
        .filter(|u| {
            u.report.trigger == "pre-user-registration"
                || u.bindings.iter().any(|(t, _)| t == "pre-user-registration")
        })
        .filter_map(|u| {
            let deny = u.report.effects.iter().find(|e| e.kind == EffectKind::DenyAccess)?;
            let d = format!(
                "{} denies signups with api.access.deny; a specific message tells callers which addresses exist or are blocked.",
                u.label()
            );
            let ev = crate::findings::Evidence {
                file: u.report.file.clone(),
                line: Some(deny.line),
                text: deny.text.clone(),
            };
            let severity = if u.reachability.is_active() { Severity::Low } else { Severity::Info };
            Some(Hit::new(vec![u.object.clone()], d).with_severity(severity).with_evidence(ev))
        })
        .collect()
}

fn eval_rules(ctx: &ScanContext) -> Vec<Hit> {
    let enabled: Vec<_> = ctx
        .snapshot
        .rules
        .iter()
        .filter(|r| r.is_enabled())
        .collect();
    if enabled.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = enabled.iter().map(|r| r.name.as_str()).collect();
    let objects = enabled
        .iter()
        .map(|r| ObjectRef::new(ObjectKind::Rule, r.name.clone()))
        .collect();
    let d = format!(
        "Enabled Rules: {}. Rules are past end of life and must move to Actions.",
        names.join(", ")
    );
    let hit = Hit::new(objects, d);
    vec![enabled.iter().fold(hit, |h, r| {
        h.with_evidence(evidence(
            &file_or(&r.file, "rules", &r.name),
            "enabled: true",
        ))
    })]
}

fn eval_hooks(ctx: &ScanContext) -> Vec<Hit> {
    let enabled: Vec<_> = ctx
        .snapshot
        .hooks
        .iter()
        .filter(|h| h.is_enabled())
        .collect();
    if enabled.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = enabled.iter().map(|h| h.name.as_str()).collect();
    let objects = enabled
        .iter()
        .map(|h| ObjectRef::new(ObjectKind::Hook, h.name.clone()))
        .collect();
    let d = format!(
        "Enabled Hooks: {}. Hooks are deprecated and must move to Actions.",
        names.join(", ")
    );
    let hit = Hit::new(objects, d);
    vec![enabled.iter().fold(hit, |h, k| {
        h.with_evidence(evidence(
            &file_or(&k.file, "hooks", &k.name),
            "enabled: true",
        ))
    })]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    const NOOP: &str = "exports.onExecutePostLogin = async (event, api) => {};";
    const DENY: &str = r#"exports.onExecutePreUserRegistration = async (event, api) => {
  if (event.user.email.endsWith('@blocked.example')) {
    api.access.deny('blocked', 'This address is already registered');
  }
};"#;

    #[test]
    fn runtime_weighed_by_reachability() {
        let active = TenantBuilder::new()
            .action(
                json!({"name": "Old", "deployed": true, "runtime": "node16"}),
                NOOP,
                &["post-login"],
            )
            .build();
        let hit = one(&ACTION_RUNTIME, &active);
        assert_eq!(hit.severity, Some(Severity::High));
        assert_eq!(hit.evidence[0].text, "runtime: node16");
        let latent = TenantBuilder::new()
            .action(
                json!({"name": "Old", "deployed": false, "runtime": "node12"}),
                NOOP,
                &[],
            )
            .build();
        assert_eq!(severity(&ACTION_RUNTIME, &latent), Severity::Low);
        clean(
            &ACTION_RUNTIME,
            &TenantBuilder::new()
                .action(
                    json!({"name": "New", "deployed": true, "runtime": "node18-actions"}),
                    NOOP,
                    &["post-login"],
                )
                .build(),
        );
    }

    #[test]
    fn signup_enumeration() {
        let s = TenantBuilder::new()
            .action(
                json!({"name": "Gate", "deployed": true}),
                DENY,
                &["pre-user-registration"],
            )
            .build();
        let hit = one(&SIGNUP_ENUMERATION, &s);
        assert_eq!(hit.severity, Some(Severity::Low));
        assert!(hit.evidence[0].line.is_some());
        clean(
            &SIGNUP_ENUMERATION,
            &TenantBuilder::new()
                .action(
                    json!({"name": "Noop", "deployed": true}),
                    NOOP,
                    &["post-login"],
                )
                .build(),
        );
    }

    #[test]
    fn legacy_rules_and_hooks() {
        let s = TenantBuilder::new()
            .rule(
                json!({"name": "r1"}),
                "function (user, context, callback) { callback(null, user, context); }",
            )
            .rule(
                json!({"name": "r2", "enabled": false}),
                "function (user, context, callback) { callback(null, user, context); }",
            )
            .hook(json!({"name": "h1", "enabled": true}))
            .hook(json!({"name": "h2"}))
            .build();
        let rules = one(&LEGACY_RULES, &s);
        assert_eq!(rules.objects.len(), 1);
        assert_eq!(rules.objects[0].name, "r1");
        let hooks = one(&LEGACY_HOOKS, &s);
        assert_eq!(hooks.objects[0].name, "h1");
        let none = TenantBuilder::new()
            .rule(
                json!({"name": "r2", "enabled": false}),
                "function (user, context, callback) {}",
            )
            .hook(json!({"name": "h2", "enabled": false}))
            .build();
        clean(&LEGACY_RULES, &none);
        clean(&LEGACY_HOOKS, &none);
    }
}
