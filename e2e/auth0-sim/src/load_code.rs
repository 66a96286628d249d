//! Actions and trigger bindings from an export: `actions/<name>.json` + its code file become
//! the API's Action objects (with `deployed_version` when deployed; its code from
//! `actions/<name>/deployed.js` when that file holds a deployed version that differs from the
//! draft, `all_changes_deployed: false`), `triggers/triggers.json`
//! becomes the bindings of each trigger, with the full action embedded as the API does.

use std::path::Path;

use serde_json::{Value, json};

use crate::ids;
use crate::load::{CREATED_AT, LoadError, read_json};
use crate::store::Tenant;

/// Builds the API's Action object from an export entry, its draft code and, when the deployed
/// version differs from the draft (`actions/<name>/deployed.js`), the deployed code.
pub fn action_object(mut a: Value, code: &str, deployed_code: Option<&str>) -> Value {
    let name = a
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let deployed = a.get("deployed").and_then(Value::as_bool).unwrap_or(false);
    let Some(m) = a.as_object_mut() else {
        return a;
    };
    let id = m
        .entry("id")
        .or_insert_with(|| json!(ids::uuid("action", &name)))
        .as_str()
        .unwrap_or_default()
        .to_string();
    m.remove("deployed");
    m.insert("code".into(), json!(code));
    let secrets: Vec<Value> = m
        .get("secrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .map(|n| json!({"name": n, "updated_at": CREATED_AT}))
        .collect();
    m.insert("secrets".into(), Value::Array(secrets.clone()));
    m.entry("dependencies").or_insert_with(|| json!([]));
    m.entry("runtime").or_insert_with(|| json!("node22"));
    m.insert("status".into(), json!("built"));
    m.insert("created_at".into(), json!(CREATED_AT));
    m.insert("updated_at".into(), json!(CREATED_AT));
    let running = deployed_code.filter(|_| deployed).unwrap_or(code);
    m.insert(
        "all_changes_deployed".into(),
        json!(deployed && running == code),
    );
    if deployed {
        let version = json!({
            "id": ids::uuid("version", &id),
            "action_id": id,
            "code": running,
            "dependencies": m.get("dependencies").cloned().unwrap_or(json!([])),
            "deployed": true,
            "number": 1,
            "runtime": m.get("runtime").cloned().unwrap_or(json!("node22")),
            "secrets": secrets,
            "status": "built",
            "supported_triggers": m.get("supported_triggers").cloned().unwrap_or(json!([])),
            "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
            "built_at": CREATED_AT,
        });
        m.insert("deployed_version".into(), version);
    }
    a
}

/// The binding object `GET /actions/triggers/{id}/bindings` returns for `action`.
pub fn binding_object(trigger: &str, display_name: &str, action: &Value) -> Value {
    let action_id = action.get("id").and_then(Value::as_str).unwrap_or("");
    let mut embedded = json!({
        "id": action_id,
        "name": action.get("name").cloned().unwrap_or(Value::Null),
        "supported_triggers": action.get("supported_triggers").cloned().unwrap_or(json!([])),
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "all_changes_deployed": action.get("all_changes_deployed").cloned().unwrap_or(json!(false)),
        "current_version": {
            "id": ids::uuid("version", action_id),
            "code": action.get("code").cloned().unwrap_or(json!("")),
            "runtime": action.get("runtime").cloned().unwrap_or(json!("node22")),
            "status": "BUILT",
            "number": 1,
            "build_time": CREATED_AT,
            "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
        },
    });
    if let (Some(v), Some(m)) = (action.get("deployed_version"), embedded.as_object_mut()) {
        m.insert("deployed_version".into(), v.clone());
    }
    json!({
        "id": ids::uuid("binding", &format!("{trigger}|{action_id}")),
        "trigger_id": trigger,
        "display_name": display_name,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "action": embedded,
    })
}

/// Loads `actions/*.json` (code from `code` relative to the export root, or the action folder)
/// and `triggers/triggers.json` into `t`.
pub fn load_actions(root: &Path, t: &mut Tenant) -> Result<(), LoadError> {
    let dir = root.join("actions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|e| e.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files
        .retain(|p: &std::path::PathBuf| p.is_file() && p.extension().is_some_and(|x| x == "json"));
    files.sort();
    for f in files {
        let a = read_json(&f)?;
        let name = a
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let reference = a
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let candidates = [
            root.join(reference.trim()),
            dir.join(&name).join("code.js"),
            dir.join(reference.trim()),
        ];
        let code = if reference.contains('\n') || !reference.trim().ends_with(".js") {
            reference.clone()
        } else {
            candidates
                .iter()
                .find_map(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        };
        let deployed_code = std::fs::read_to_string(dir.join(&name).join("deployed.js")).ok();
        t.actions
            .push(action_object(a, &code, deployed_code.as_deref()));
    }
    let triggers = root.join("triggers/triggers.json");
    if triggers.is_file() {
        let map = read_json(&triggers)?;
        for (trigger, list) in map.as_object().into_iter().flatten() {
            let mut out = Vec::new();
            for b in list.as_array().into_iter().flatten() {
                let action_name = b.get("action_name").and_then(Value::as_str).unwrap_or("");
                let display = b
                    .get("display_name")
                    .and_then(Value::as_str)
                    .unwrap_or(action_name);
                if let Some(action) = Tenant::find(&t.actions, "name", action_name) {
                    out.push(binding_object(trigger, display, action));
                }
            }
            t.bindings.insert(trigger.clone(), out);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployed_actions_get_a_deployed_version_and_secret_values_are_dropped() {
        let a = json!({"name": "A", "deployed": true, "secrets": [{"name": "K", "value": "v"}],
                       "supported_triggers": [{"id": "post-login", "version": "v3"}]});
        let out = action_object(a, "exports.onExecutePostLogin = async () => {};", None);
        assert_eq!(out["deployed_version"]["deployed"], true);
        assert_eq!(out["secrets"][0]["name"], "K");
        assert!(out["secrets"][0].get("value").is_none());
        assert!(out.get("deployed").is_none());
        assert_eq!(out["all_changes_deployed"], true);
        let draft = action_object(json!({"name": "B"}), "x", Some("y"));
        assert!(draft.get("deployed_version").is_none());
        assert_eq!(draft["all_changes_deployed"], false);
    }

    #[test]
    fn a_differing_deployed_version_carries_its_own_code() {
        let a = action_object(
            json!({"name": "A", "deployed": true}),
            "draft",
            Some("running"),
        );
        assert_eq!(a["code"], "draft");
        assert_eq!(a["deployed_version"]["code"], "running");
        assert_eq!(a["all_changes_deployed"], false);
    }

    #[test]
    fn bindings_embed_the_action_with_uppercase_current_status() {
        let a = action_object(json!({"name": "A", "deployed": true}), "code", None);
        let b = binding_object("post-login", "A", &a);
        assert_eq!(b["action"]["current_version"]["status"], "BUILT");
        assert_eq!(b["action"]["deployed_version"]["status"], "built");
        assert_eq!(b["trigger_id"], "post-login");
    }
}
