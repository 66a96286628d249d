//! `code.vulnerable-dependency`: npm dependencies of Actions and Hooks with a known high or
//! critical advisory from the offline table in [`super::advisories`]. One finding per Action or
//! Hook, every affected package as evidence; code that does not run (an Action not deployed or
//! not bound, a disabled Hook) is reported low.

use crate::checks::context::ScanContext;
use crate::checks::paths::reachability::lower_if_latent;
use crate::checks::registry::Hit;
use crate::findings::{Evidence, ObjectKind, ObjectRef};
use crate::tenant::Dependency;

use super::advisories::advisories_for;
use super::support::{config_rule, evidence, file_or};

config_rule!(VULNERABLE_DEPENDENCY {
    id: "code.vulnerable-dependency",
    title: "Tenant code depends on an npm package with a known vulnerability",
    severity: High,
    category: VulnerableDependency,
    needs: [Actions],
    reads: [
        "actions.dependencies",
        "hooks.dependencies",
        "actions.deployed",
        "triggers",
        "hooks.enabled"
    ],
    condition: "An Action or Hook pins a package version inside the vulnerable range of an advisory in authpath's offline table (severity of the worst advisory; low when the code does not run); ranges and tags such as latest are not evaluated.",
    remediation: "Upgrade the dependency to a fixed version (or drop it), then redeploy the Action.",
    matches: ["CM:checkDependencies"],
    eval: eval_dependencies,
});

/// The hit for one code object, if any dependency is affected.
fn object_hit(object: ObjectRef, file: &str, deps: &[Dependency], latent: bool) -> Option<Hit> {
    let mut worst = None;
    let mut lines = Vec::new();
    let mut evidence_list: Vec<Evidence> = Vec::new();
    for dep in deps {
        let found = advisories_for(&dep.name, &dep.version);
        if found.is_empty() {
            continue;
        }
        let ids: Vec<String> = found
            .iter()
            .map(|a| format!("{} / {}: {}", a.ghsa, a.cve, a.summary))
            .collect();
        worst = found.iter().map(|a| a.severity).chain(worst).max();
        lines.push(format!("{}@{} ({})", dep.name, dep.version, ids.join("; ")));
        evidence_list.push(evidence(
            file,
            format!("dependencies: {}@{}", dep.name, dep.version),
        ));
    }
    let severity = lower_if_latent(worst?, latent);
    let mut d = format!(
        "{} \"{}\" depends on {}.",
        object.kind,
        object.name,
        lines.join(", ")
    );
    if latent {
        d.push_str(" The code does not run today.");
    }
    let hit = Hit::new(vec![object], d).with_severity(severity);
    Some(Hit {
        evidence: evidence_list,
        ..hit
    })
}

fn eval_dependencies(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let actions = s.actions.iter().filter_map(|a| {
        let latent = !a.deployed || !s.is_bound(&a.name);
        object_hit(
            ObjectRef::new(ObjectKind::Action, a.name.clone()),
            &file_or(&a.file, "actions", &a.name),
            &a.dependencies,
            latent,
        )
    });
    let hooks = s.hooks.iter().filter_map(|h| {
        object_hit(
            ObjectRef::new(ObjectKind::Hook, h.name.clone()),
            &file_or(&h.file, "hooks", &h.name),
            &h.dependencies,
            !h.is_enabled(),
        )
    });
    actions.chain(hooks).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::findings::Severity;

    const NOOP: &str = "exports.onExecutePostLogin = async (event, api) => {};";

    #[test]
    fn vulnerable_versions_are_reported_once_per_action() {
        let s = TenantBuilder::new()
            .action(
                json!({"name": "Sync", "deployed": true, "dependencies": [
                    {"name": "lodash", "version": "4.17.20"}, {"name": "ejs", "version": "3.1.6"},
                    {"name": "uuid", "version": "9.0.0"}]}),
                NOOP,
                &["post-login"],
            )
            .build();
        let hit = one(&VULNERABLE_DEPENDENCY, &s);
        assert_eq!(hit.severity, Some(Severity::Critical));
        assert_eq!(hit.evidence.len(), 2);
        assert!(hit.description.contains("GHSA-phwq-j96m-2c2q"));
        assert_eq!(hit.evidence[0].file, "actions/Sync.json");
    }

    #[test]
    fn latent_actions_and_disabled_hooks_are_low() {
        let s = TenantBuilder::new()
            .action(json!({"name": "Draft", "deployed": false, "dependencies": [{"name": "axios", "version": "0.21.1"}]}), NOOP, &[])
            .build();
        assert_eq!(severity(&VULNERABLE_DEPENDENCY, &s), Severity::Low);
        let s = TenantBuilder::new()
            .hook(json!({"name": "ccx", "enabled": false, "dependencies": {"lodash": "4.17.20"}}))
            .build();
        assert_eq!(severity(&VULNERABLE_DEPENDENCY, &s), Severity::Low);
    }

    #[test]
    fn fixed_versions_and_ranges_are_clean() {
        let s = TenantBuilder::new()
            .action(
                json!({"name": "Sync", "deployed": true, "dependencies": [
                    {"name": "lodash", "version": "4.17.21"}, {"name": "axios", "version": "^0.21.0"},
                    {"name": "jsonwebtoken", "version": "latest"}]}),
                NOOP,
                &["post-login"],
            )
            .hook(json!({"name": "ccx", "enabled": true, "dependencies": {"node-fetch": "2.6.7"}}))
            .build();
        clean(&VULNERABLE_DEPENDENCY, &s);
    }
}
