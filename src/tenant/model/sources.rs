//! Every piece of code a snapshot holds, in one list, for the code analyzer: Actions, Rules,
//! Hooks, database scripts and custom `oauth2` profile scripts.

use serde::Serialize;

use super::snapshot::{SourceText, TenantSnapshot};

/// What kind of code a [`CodeSource`] is; names match the `analyze-code` JSON `kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    Action,
    Rule,
    Hook,
    DbScript,
    ProfileScript,
}

/// One code-bearing object of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSource<'a> {
    pub kind: CodeKind,
    /// Display name of the owning object (action, rule, hook or connection name).
    pub object: &'a str,
    /// Trigger ids (Actions: supported and bound triggers; Hooks: `triggerId`; Rules:
    /// `login_success`; database scripts: the script name, e.g. `login`).
    pub triggers: Vec<String>,
    /// Whether the code runs: a bound Action, an enabled Rule/Hook, a database script with
    /// `enabledDatabaseCustomization`, or a profile script.
    pub active: bool,
    pub source: &'a SourceText,
}

impl TenantSnapshot {
    /// All code with its owner, in a stable order (actions, rules, hooks, connections).
    pub fn code_sources(&self) -> Vec<CodeSource<'_>> {
        let mut out = Vec::new();
        for a in &self.actions {
            let Some(source) = &a.code else { continue };
            let bound: Vec<String> = self
                .bound_triggers_of(&a.name)
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            let mut triggers = a.supported_triggers.clone();
            triggers.extend(
                bound
                    .iter()
                    .filter(|t| !triggers.contains(t))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            out.push(CodeSource {
                kind: CodeKind::Action,
                object: &a.name,
                triggers,
                active: !bound.is_empty(),
                source,
            });
        }
        for r in &self.rules {
            let Some(source) = &r.script else { continue };
            let triggers = vec![
                r.stage
                    .clone()
                    .unwrap_or_else(|| "login_success".to_string()),
            ];
            out.push(CodeSource {
                kind: CodeKind::Rule,
                object: &r.name,
                triggers,
                active: r.is_enabled(),
                source,
            });
        }
        for h in &self.hooks {
            let Some(source) = &h.script else { continue };
            let triggers = h.trigger_id.iter().cloned().collect();
            out.push(CodeSource {
                kind: CodeKind::Hook,
                object: &h.name,
                triggers,
                active: h.is_enabled(),
                source,
            });
        }
        for c in &self.connections {
            let customised = c.options.enabled_database_customization == Some(true);
            for (script, source) in &c.custom_scripts {
                out.push(CodeSource {
                    kind: CodeKind::DbScript,
                    object: &c.name,
                    triggers: vec![script.clone()],
                    active: customised,
                    source,
                });
            }
            if let Some(source) = &c.fetch_user_profile {
                out.push(CodeSource {
                    kind: CodeKind::ProfileScript,
                    object: &c.name,
                    triggers: vec!["fetchUserProfile".to_string()],
                    active: true,
                    source,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, Connection, Hook, Rule, TriggerBinding};
    use super::*;

    fn text(path: &str) -> Option<SourceText> {
        Some(SourceText {
            path: path.into(),
            text: "x".into(),
        })
    }

    #[test]
    fn lists_every_code_object_with_activity() {
        let mut s = TenantSnapshot::default();
        s.actions.push(Action {
            name: "bound".into(),
            code: text("a.js"),
            supported_triggers: vec!["post-login".into()],
            ..Default::default()
        });
        s.actions.push(Action {
            name: "unbound".into(),
            code: text("b.js"),
            ..Default::default()
        });
        s.actions.push(Action {
            name: "no code".into(),
            ..Default::default()
        });
        s.triggers.insert(
            "post-login".into(),
            vec![TriggerBinding {
                action_name: "bound".into(),
                display_name: None,
            }],
        );
        s.rules.push(Rule {
            name: "r".into(),
            script: text("r.js"),
            enabled: Some(false),
            ..Default::default()
        });
        s.hooks.push(Hook {
            name: "h".into(),
            script: text("h.js"),
            enabled: Some(true),
            trigger_id: Some("credentials-exchange".into()),
            ..Default::default()
        });
        let mut db = Connection {
            name: "db".into(),
            strategy: "auth0".into(),
            ..Default::default()
        };
        db.custom_scripts.insert(
            "login".into(),
            SourceText {
                path: "l.js".into(),
                text: "x".into(),
            },
        );
        s.connections.push(db);
        let all = s.code_sources();
        let summary: Vec<_> = all.iter().map(|c| (c.kind, c.object, c.active)).collect();
        assert_eq!(
            summary,
            vec![
                (CodeKind::Action, "bound", true),
                (CodeKind::Action, "unbound", false),
                (CodeKind::Rule, "r", false),
                (CodeKind::Hook, "h", true),
                (CodeKind::DbScript, "db", false),
            ]
        );
        assert_eq!(all[0].triggers, vec!["post-login"]);
        assert_eq!(all[4].triggers, vec!["login"]);
    }
}
