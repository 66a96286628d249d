//! Code-bearing objects: Actions (and their trigger bindings), Rules and Hooks.

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_i64};
use super::snapshot::SourceText;

/// An npm dependency of an Action or Hook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dependency {
    pub name: String,
    pub version: String,
}

/// Reads names from `[{name, ...}]`, `["NAME"]` or `{NAME: value}` (hook secrets).
fn names_from_value(value: Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s),
                Value::Object(map) => map
                    .get("name")
                    .or_else(|| map.get("id"))
                    .and_then(|v| v.as_str().map(str::to_string)),
                _ => None,
            })
            .collect(),
        Value::Object(map) => map.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    }
}

/// Secret names from any of the shapes exports and the API use (values are dropped).
pub fn secret_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(names_from_value(Value::deserialize(d)?))
}

/// Trigger ids from `[{id, version}]` or `["post-login"]`.
pub fn trigger_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(names_from_value(Value::deserialize(d)?))
}

/// Dependencies from `[{name, version}]` (Actions) or `{name: version}` (Hooks).
pub fn dependencies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Dependency>, D::Error> {
    let value = Value::deserialize(d)?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    Ok(match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let name = item.get("name")?.as_str()?.to_string();
                let version = item.get("version").map(text).unwrap_or_default();
                Some(Dependency { name, version })
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(name, version)| Dependency {
                name: name.clone(),
                version: text(version),
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// An Action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Action {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    /// Source of the current draft (exports: the `code.js` file).
    #[serde(skip_deserializing)]
    pub code: Option<SourceText>,
    /// Source of the deployed version when it differs from the draft (`all_changes_deployed:
    /// false`; `authpath export` writes it to `actions/<name>/deployed.js`).
    #[serde(skip_deserializing)]
    pub deployed_code: Option<SourceText>,
    /// Whether a version of this action is deployed (exports: `deployed`).
    pub deployed: bool,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub all_changes_deployed: Option<bool>,
    pub status: Option<String>,
    pub runtime: Option<String>,
    #[serde(deserialize_with = "dependencies")]
    pub dependencies: Vec<Dependency>,
    /// Secret names (values are never exported).
    #[serde(deserialize_with = "secret_names")]
    pub secrets: Vec<String>,
    /// Trigger ids, e.g. `post-login`.
    #[serde(deserialize_with = "trigger_ids")]
    pub supported_triggers: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Action {
    /// The code that runs: the deployed version's when known and the action is deployed,
    /// else the draft.
    pub fn running_code(&self) -> Option<&SourceText> {
        match &self.deployed_code {
            Some(d) if self.deployed => Some(d),
            _ => self.code.as_ref(),
        }
    }
}

/// One binding of an Action to a trigger, in execution order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TriggerBinding {
    pub action_name: String,
    pub display_name: Option<String>,
}

/// A Rule (deprecated extensibility).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    #[serde(skip_deserializing)]
    pub script: Option<SourceText>,
    /// Absent means enabled (the API default).
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub order: Option<i64>,
    pub stage: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Rule {
    /// Whether the rule runs (absent `enabled` counts as enabled).
    pub fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }
}

/// A Hook (deprecated extensibility).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hook {
    #[serde(skip)]
    pub file: String,
    pub id: Option<String>,
    pub name: String,
    #[serde(skip_deserializing)]
    pub script: Option<SourceText>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(rename = "triggerId")]
    pub trigger_id: Option<String>,
    #[serde(deserialize_with = "dependencies")]
    pub dependencies: Vec<Dependency>,
    /// Secret names (`_VALUE_NOT_SHOWN_` values are dropped).
    #[serde(deserialize_with = "secret_names")]
    pub secrets: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Hook {
    /// Whether the hook runs (absent `enabled` counts as disabled, as the API creates them).
    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

/// Trigger id -> bindings, as `triggers.json` and the YAML `triggers` key hold them.
pub type TriggerMap = std::collections::BTreeMap<String, Vec<TriggerBinding>>;

/// Deserializes a [`TriggerMap`], accepting `null` for a trigger without bindings.
pub fn trigger_map<'de, D: Deserializer<'de>>(d: D) -> Result<TriggerMap, D::Error> {
    #[derive(Deserialize)]
    struct Bindings(#[serde(deserialize_with = "null_as_default")] Vec<TriggerBinding>);
    let raw = Option::<std::collections::BTreeMap<String, Bindings>>::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_reads_export_shape() {
        let a: Action = serde_json::from_str(
            r#"{"name":"Grant Admin","code":"./actions/Grant Admin/code.js","runtime":"node18",
                "status":"built","deployed":true,
                "dependencies":[{"name":"axios","version":"0.21.0"}],
                "secrets":[{"name":"API_KEY","value":"_VALUE_NOT_SHOWN_"}],
                "supported_triggers":[{"id":"post-login","version":"v3"}]}"#,
        )
        .unwrap();
        assert!(a.deployed);
        assert!(a.code.is_none());
        assert_eq!(a.secrets, vec!["API_KEY"]);
        assert_eq!(a.supported_triggers, vec!["post-login"]);
        assert_eq!(
            a.dependencies,
            vec![Dependency {
                name: "axios".into(),
                version: "0.21.0".into()
            }]
        );
    }

    #[test]
    fn running_code_is_the_deployed_version_when_known() {
        let text = |t: &str| SourceText {
            path: format!("actions/A/{t}.js"),
            text: t.into(),
        };
        let mut a = Action {
            deployed: true,
            code: Some(text("draft")),
            ..Action::default()
        };
        assert_eq!(a.running_code().map(|c| c.text.as_str()), Some("draft"));
        a.deployed_code = Some(text("deployed"));
        assert_eq!(a.running_code().map(|c| c.text.as_str()), Some("deployed"));
        a.deployed = false;
        assert_eq!(a.running_code().map(|c| c.text.as_str()), Some("draft"));
    }

    #[test]
    fn hook_reads_object_secrets_and_dependencies() {
        let h: Hook = serde_json::from_str(
            r#"{"name":"ccx","triggerId":"credentials-exchange","enabled":true,
                "secrets":{"TOKEN":"_VALUE_NOT_SHOWN_"},"dependencies":{"lodash":"4.17.20"}}"#,
        )
        .unwrap();
        assert!(h.is_enabled());
        assert_eq!(h.secrets, vec!["TOKEN"]);
        assert_eq!(h.dependencies[0].name, "lodash");
        assert_eq!(h.trigger_id.as_deref(), Some("credentials-exchange"));
    }

    #[test]
    fn rule_enabled_defaults_to_true() {
        let r: Rule = serde_json::from_str(r#"{"name":"r","order":"2"}"#).unwrap();
        assert!(r.is_enabled());
        assert_eq!(r.order, Some(2));
        let r: Rule = serde_json::from_str(r#"{"name":"r","enabled":false}"#).unwrap();
        assert!(!r.is_enabled());
    }

    #[test]
    fn trigger_map_keeps_order_and_accepts_null() {
        #[derive(Deserialize)]
        struct Probe(#[serde(deserialize_with = "trigger_map")] TriggerMap);
        let m = serde_json::from_str::<Probe>(
            r#"{"post-login": [{"action_name":"b","display_name":"b"},{"action_name":"a"}],
                "pre-user-registration": null}"#,
        )
        .unwrap()
        .0;
        let names: Vec<_> = m["post-login"]
            .iter()
            .map(|b| b.action_name.as_str())
            .collect();
        assert_eq!(names, vec!["b", "a"]);
        assert!(m["pre-user-registration"].is_empty());
    }
}
