//! Export files of the code-bearing kinds: connections (database scripts in
//! `database-connections/<db>/`), Actions (`actions/<name>/code.js`), trigger bindings, Rules
//! and Hooks, in the Deploy CLI's layout.

use serde_json::{Value, json};

use super::fetch::RawTenant;
use super::tree::{ExportTree, s, sanitize, secret_marker};
use crate::tenant::export::DEPLOYED_CODE_FILE;

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into())
}

/// `connections/` and `database-connections/`.
pub fn connections(t: &mut ExportTree, raw: &RawTenant, name_of: &dyn Fn(&str) -> String) {
    t.dirs.insert("connections".into());
    t.dirs.insert("database-connections".into());
    for c in &raw.connections {
        let mut m = c.as_object().cloned().unwrap_or_default();
        m.remove("provisioning_ticket_url");
        let mut enabled: Vec<String> = m
            .get("enabled_clients")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(name_of)
            .collect();
        enabled.sort();
        enabled.dedup();
        m.insert("enabled_clients".into(), json!(enabled));
        let name = sanitize(s(c, "name"));
        let strategy = s(c, "strategy").to_string();
        if strategy == "auth0" {
            if let Some(opts) = m.get_mut("options").and_then(Value::as_object_mut) {
                opts.remove("configuration");
                if let Some(scripts) = opts.get_mut("customScripts").and_then(Value::as_object_mut)
                {
                    for (script, code) in scripts.iter_mut() {
                        if let Some(text) = code.as_str() {
                            let file = format!("{}.js", sanitize(script));
                            t.files.insert(
                                format!("database-connections/{name}/{file}"),
                                text.to_string(),
                            );
                            *code = json!(format!("./{file}"));
                        }
                    }
                }
            }
            t.files.insert(
                format!("database-connections/{name}/database.json"),
                pretty(&Value::Object(m)),
            );
            continue;
        }
        m.remove("realms");
        if let Some(opts) = m.get_mut("options").and_then(Value::as_object_mut)
            && opts
                .get("client_secret")
                .is_some_and(|v| v.as_str().is_some_and(|x| !x.is_empty()))
        {
            opts.insert(
                "client_secret".into(),
                json!(secret_marker("connections", &strategy)),
            );
        }
        t.files.insert(
            format!("connections/{name}.json"),
            pretty(&Value::Object(m)),
        );
    }
}

/// `actions/<name>.json` + `actions/<name>/code.js` (the current draft, as the Deploy CLI
/// exports), plus `actions/<name>/deployed.js` when the deployed version differs from the draft.
pub fn actions(t: &mut ExportTree, raw: &RawTenant) {
    t.dirs.insert("actions".into());
    for a in raw
        .actions
        .iter()
        .filter(|a| a.get("installed_integration_id").is_none())
    {
        let name = sanitize(s(a, "name"));
        let code = s(a, "code");
        let code_ref = if code.is_empty() {
            String::new()
        } else {
            t.files
                .insert(format!("actions/{name}/code.js"), code.to_string());
            format!("./actions/{name}/code.js")
        };
        let secrets: Vec<Value> = a
            .get("secrets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|x| json!({"name": s(x, "name")}))
            .collect();
        // The Deploy CLI writes `deployed: all_changes_deployed`, so an action whose draft has
        // undeployed changes looks undeployed there; it runs, so it is deployed here.
        let deployed_version = a.get("deployed_version").filter(|v| v.is_object());
        let deployed = a.get("deployed").and_then(Value::as_bool).unwrap_or(false)
            || deployed_version.is_some()
            || a.get("all_changes_deployed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        // What runs is the deployed version: keep its code beside the draft when they differ.
        if let Some(running) = deployed_version
            .and_then(|v| v.get("code"))
            .and_then(Value::as_str)
            .filter(|running| *running != code && !code.is_empty())
        {
            t.files.insert(
                format!("actions/{name}/{DEPLOYED_CODE_FILE}"),
                running.to_string(),
            );
        }
        let mut out = json!({
            "name": s(a, "name"), "code": code_ref, "runtime": a.get("runtime"), "status": a.get("status"),
            "dependencies": a.get("dependencies").cloned().unwrap_or(json!([])), "secrets": secrets,
            "supported_triggers": a.get("supported_triggers").cloned().unwrap_or(json!([])), "deployed": deployed,
        });
        if let (Some(m), Some(id)) = (out.as_object_mut(), a.get("id")) {
            m.insert("id".into(), id.clone());
        }
        t.files.insert(format!("actions/{name}.json"), pretty(&out));
    }
}

/// `triggers/triggers.json`: bound actions by name, per trigger, in execution order.
pub fn triggers(t: &mut ExportTree, raw: &RawTenant) {
    t.dirs.insert("triggers".into());
    let mut map = serde_json::Map::new();
    for (trigger, bindings) in &raw.bindings {
        if bindings.is_empty() {
            continue;
        }
        let list: Vec<Value> = bindings
            .iter()
            .map(|b| {
                let action = b.get("action").cloned().unwrap_or(Value::Null);
                json!({"action_name": s(&action, "name"), "display_name": s(b, "display_name")})
            })
            .collect();
        map.insert(trigger.clone(), Value::Array(list));
    }
    t.files
        .insert("triggers/triggers.json".into(), pretty(&Value::Object(map)));
}

/// `rules/<name>.json` + `rules/<name>.js`.
pub fn rules(t: &mut ExportTree, raw: &RawTenant) {
    t.dirs.insert("rules".into());
    for r in &raw.rules {
        let name = sanitize(s(r, "name"));
        let mut m = r.as_object().cloned().unwrap_or_default();
        if let Some(Value::String(script)) = m.remove("script") {
            t.files.insert(format!("rules/{name}.js"), script);
            m.insert("script".into(), json!(format!("./{name}.js")));
        }
        t.files
            .insert(format!("rules/{name}.json"), pretty(&Value::Object(m)));
    }
}

/// `hooks/<name>.json` + `hooks/<name>.js`.
pub fn hooks(t: &mut ExportTree, raw: &RawTenant) {
    t.dirs.insert("hooks".into());
    for h in &raw.hooks {
        let name = sanitize(s(h, "name"));
        let mut m = h.as_object().cloned().unwrap_or_default();
        if let Some(Value::String(script)) = m.remove("script") {
            t.files.insert(format!("hooks/{name}.js"), script);
            m.insert("script".into(), json!(format!("./{name}.js")));
        }
        t.files
            .insert(format!("hooks/{name}.json"), pretty(&Value::Object(m)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_scripts_become_files_and_social_secrets_are_masked() {
        let raw = RawTenant {
            connections: vec![
                json!({"id": "con_1", "name": "db", "strategy": "auth0", "enabled_clients": ["id1"],
                       "options": {"customScripts": {"login": "function login() {}"}, "configuration": {"K": "v"}}}),
                json!({"id": "con_2", "name": "google-oauth2", "strategy": "google-oauth2", "realms": ["google-oauth2"],
                       "options": {"client_secret": "live-secret-value"}}),
            ],
            ..RawTenant::default()
        };
        let mut t = ExportTree::default();
        connections(&mut t, &raw, &|id| {
            if id == "id1" { "Web".into() } else { id.into() }
        });
        assert_eq!(
            t.files["database-connections/db/login.js"],
            "function login() {}"
        );
        let db = &t.files["database-connections/db/database.json"];
        assert!(
            db.contains("./login.js") && db.contains("\"Web\"") && !db.contains("configuration")
        );
        let g = &t.files["connections/google-oauth2.json"];
        assert!(
            g.contains("##CONNECTIONS_GOOGLE_OAUTH2_SECRET##")
                && !g.contains("live-secret-value")
                && !g.contains("realms")
        );
    }

    #[test]
    fn actions_keep_code_in_their_folder_and_secret_names_only() {
        let raw = RawTenant {
            actions: vec![
                json!({"id": "u1", "name": "A", "code": "x", "secrets": [{"name": "K", "updated_at": "t"}], "all_changes_deployed": true}),
            ],
            ..RawTenant::default()
        };
        let mut t = ExportTree::default();
        actions(&mut t, &raw);
        assert_eq!(t.files["actions/A/code.js"], "x");
        let meta: Value = serde_json::from_str(&t.files["actions/A.json"]).unwrap();
        assert_eq!(meta["code"], "./actions/A/code.js");
        assert_eq!(meta["deployed"], true);
        assert_eq!(meta["secrets"], json!([{"name": "K"}]));
        assert!(!t.files.contains_key("actions/A/deployed.js"));
    }

    #[test]
    fn a_deployed_version_that_differs_from_the_draft_is_kept_beside_it() {
        let raw = RawTenant {
            actions: vec![
                json!({"id": "u1", "name": "A", "code": "draft", "all_changes_deployed": false,
                       "deployed_version": {"code": "running", "deployed": true}}),
                json!({"id": "u2", "name": "B", "code": "same", "all_changes_deployed": true,
                       "deployed_version": {"code": "same", "deployed": true}}),
            ],
            ..RawTenant::default()
        };
        let mut t = ExportTree::default();
        actions(&mut t, &raw);
        assert_eq!(t.files["actions/A/code.js"], "draft");
        assert_eq!(t.files["actions/A/deployed.js"], "running");
        let meta: Value = serde_json::from_str(&t.files["actions/A.json"]).unwrap();
        assert_eq!(meta["deployed"], true, "a deployed version runs");
        assert!(!t.files.contains_key("actions/B/deployed.js"));
    }
}
