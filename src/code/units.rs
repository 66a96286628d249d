//! Every piece of code in a tenant, analysed once, with whether it actually runs.
//!
//! A [`CodeUnit`] ties a [`CodeReport`] to the tenant object that owns the code (an Action, a
//! Rule, a Hook, a database connection's script or a custom `oauth2` connection's profile
//! script) and records its [`Reachability`]: code that is not deployed, not bound to a trigger,
//! disabled, or on a connection no application uses is *latent*. Checks lower the severity of
//! findings on latent code; attack paths only run through active code.

use crate::findings::{ObjectKind, ObjectRef};
use crate::tenant::{SourceText, TenantSnapshot};

use super::{CodeHint, CodeKind, CodeReport, analyze};

/// Whether a piece of code runs for real logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    /// Runs: a deployed Action bound to a trigger, an enabled Rule or Hook, a script of a
    /// connection enabled for at least one application.
    Active,
    /// Present but does not run; the reason says why (`not deployed`, `not bound to a trigger`, ...).
    Latent { reason: String },
}

impl Reachability {
    pub fn is_active(&self) -> bool {
        matches!(self, Reachability::Active)
    }
}

/// One analysed piece of tenant code.
#[derive(Debug, Clone)]
pub struct CodeUnit {
    /// The owning object (action, rule, hook, or connection for scripts).
    pub object: ObjectRef,
    /// Script name for connection scripts (`login`, `get_user`, `fetchUserProfile`), else `None`.
    pub script: Option<String>,
    pub reachability: Reachability,
    /// Triggers the unit is bound to, with its 0-based position in each (Actions); the Rule
    /// order for Rules; empty otherwise.
    pub bindings: Vec<(String, usize)>,
    pub report: CodeReport,
    /// Names of the tenant's connections that the code spells out as string literals (an
    /// allow-list such as `['partner-sso'].includes(event.connection.name)`).
    pub named_connections: Vec<String>,
}

impl CodeUnit {
    /// Display label such as `action "Grant Admin"` or `connection "db" script login`.
    pub fn label(&self) -> String {
        match &self.script {
            Some(s) => format!("{} \"{}\" script {s}", self.object.kind, self.object.name),
            None => format!("{} \"{}\"", self.object.kind, self.object.name),
        }
    }
}

/// Analyses every piece of code in the snapshot.
pub fn analyze_tenant_code(snapshot: &TenantSnapshot) -> Vec<CodeUnit> {
    // One analysis stack for every unit (each `analyze` call would otherwise map its own).
    let units = super::parse::with_analysis_stack(|| analyze_units(snapshot));
    // swc (template strings) and the walk (strings it builds) intern atoms in a per-thread store
    // that keeps them until collected; collect once per tenant so a long-lived process that
    // scans many tenants keeps none of them.
    hstr::global_atom_store_gc();
    units
}

fn analyze_units(snapshot: &TenantSnapshot) -> Vec<CodeUnit> {
    let mut units = Vec::new();
    for action in &snapshot.actions {
        // What runs: the deployed version when it differs from the draft.
        let Some(code) = action.running_code() else {
            continue;
        };
        let bindings = snapshot.bound_triggers_of(&action.name);
        let reachability = if !action.deployed {
            Reachability::Latent {
                reason: "not deployed".into(),
            }
        } else if bindings.is_empty() {
            Reachability::Latent {
                reason: "not bound to any trigger".into(),
            }
        } else {
            Reachability::Active
        };
        let trigger = bindings
            .first()
            .map(|(t, _)| t.clone())
            .or_else(|| action.supported_triggers.first().cloned());
        let hint = CodeHint {
            kind: Some(CodeKind::Action),
            trigger,
        };
        units.push(unit(
            ObjectKind::Action,
            &action.name,
            None,
            code,
            hint,
            reachability,
            bindings,
        ));
    }
    for rule in &snapshot.rules {
        let Some(code) = &rule.script else { continue };
        let reachability = if rule.is_enabled() {
            Reachability::Active
        } else {
            Reachability::Latent {
                reason: "disabled".into(),
            }
        };
        let stage = rule.stage.clone().unwrap_or_else(|| "login_success".into());
        let order = rule.order.map(|o| o.max(0) as usize).unwrap_or(0);
        let hint = CodeHint {
            kind: Some(CodeKind::Rule),
            trigger: Some(stage.clone()),
        };
        units.push(unit(
            ObjectKind::Rule,
            &rule.name,
            None,
            code,
            hint,
            reachability,
            vec![(stage, order)],
        ));
    }
    for hook in &snapshot.hooks {
        let Some(code) = &hook.script else { continue };
        let reachability = if hook.is_enabled() {
            Reachability::Active
        } else {
            Reachability::Latent {
                reason: "disabled".into(),
            }
        };
        let hint = CodeHint {
            kind: Some(CodeKind::Hook),
            trigger: hook.trigger_id.clone(),
        };
        units.push(unit(
            ObjectKind::Hook,
            &hook.name,
            None,
            code,
            hint,
            reachability,
            Vec::new(),
        ));
    }
    for conn in &snapshot.connections {
        let used = !conn.enabled_clients.is_empty();
        for (script, code) in &conn.custom_scripts {
            let reachability = if !used {
                Reachability::Latent {
                    reason: "connection enabled for no application".into(),
                }
            } else if conn.options.enabled_database_customization == Some(false) {
                Reachability::Latent {
                    reason: "custom database disabled".into(),
                }
            } else {
                Reachability::Active
            };
            let hint = CodeHint {
                kind: Some(CodeKind::DbScript),
                trigger: Some(script.clone()),
            };
            units.push(unit(
                ObjectKind::Connection,
                &conn.name,
                Some(script),
                code,
                hint,
                reachability,
                Vec::new(),
            ));
        }
        if let Some(code) = &conn.fetch_user_profile {
            let reachability = if used {
                Reachability::Active
            } else {
                Reachability::Latent {
                    reason: "connection enabled for no application".into(),
                }
            };
            let hint = CodeHint {
                kind: Some(CodeKind::ProfileScript),
                trigger: Some("fetchUserProfile".into()),
            };
            let name = Some("fetchUserProfile");
            units.push(unit(
                ObjectKind::Connection,
                &conn.name,
                name,
                code,
                hint,
                reachability,
                Vec::new(),
            ));
        }
    }
    let names: Vec<&str> = snapshot
        .connections
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    for u in &mut units {
        let text = code_text(snapshot, u);
        u.named_connections = names
            .iter()
            .filter(|n| {
                ["'", "\"", "`"]
                    .iter()
                    .any(|q| text.contains(&format!("{q}{n}{q}")))
            })
            .map(|n| n.to_string())
            .collect();
    }
    units
}

/// The source text behind a unit.
fn code_text<'a>(snapshot: &'a TenantSnapshot, unit: &CodeUnit) -> &'a str {
    let name = unit.object.name.as_str();
    let text = match unit.object.kind {
        ObjectKind::Action => snapshot
            .actions
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.running_code()),
        ObjectKind::Rule => snapshot
            .rules
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.script.as_ref()),
        ObjectKind::Hook => snapshot
            .hooks
            .iter()
            .find(|h| h.name == name)
            .and_then(|h| h.script.as_ref()),
        _ => None,
    };
    text.map_or("", |t| t.text.as_str())
}

fn unit(
    kind: ObjectKind,
    name: &str,
    script: Option<&str>,
    code: &SourceText,
    hint: CodeHint,
    reachability: Reachability,
    bindings: Vec<(String, usize)>,
) -> CodeUnit {
    CodeUnit {
        object: ObjectRef::new(kind, name),
        script: script.map(str::to_string),
        reachability,
        bindings,
        report: analyze(&code.text, &code.path, &hint),
        named_connections: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::model::{Action, TriggerBinding};

    fn source(path: &str, text: &str) -> SourceText {
        SourceText {
            path: path.into(),
            text: text.into(),
        }
    }

    fn tenant(deployed_code: Option<SourceText>) -> TenantSnapshot {
        let mut s = TenantSnapshot::default();
        s.actions.push(Action {
            name: "A".into(),
            deployed: true,
            code: Some(source(
                "actions/A/code.js",
                "exports.onExecutePostLogin = async (event, api) => {};",
            )),
            deployed_code,
            ..Action::default()
        });
        s.triggers.insert(
            "post-login".into(),
            vec![TriggerBinding {
                action_name: "A".into(),
                display_name: None,
            }],
        );
        s
    }

    #[test]
    fn a_deployed_version_that_differs_from_the_draft_is_what_gets_analysed() {
        let deployed = source(
            "actions/A/deployed.js",
            "exports.onExecutePostLogin = async (event, api) => {\n  api.user.setAppMetadata('role', event.user.user_metadata.role);\n};",
        );
        let units = analyze_tenant_code(&tenant(Some(deployed)));
        assert_eq!(units.len(), 1);
        assert!(units[0].reachability.is_active());
        assert_eq!(units[0].report.file, "actions/A/deployed.js");
        assert!(
            !units[0].report.findings.is_empty(),
            "deployed code is risky"
        );
    }

    #[test]
    fn without_a_deployed_version_the_draft_is_analysed() {
        let units = analyze_tenant_code(&tenant(None));
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].report.file, "actions/A/code.js");
        assert!(units[0].report.findings.is_empty(), "the draft is clean");
    }
}
