//! The Deploy CLI directory format built in memory from live API data: the files `authpath
//! export` writes and the live scan reads, so a live scan and a scan of its export agree by
//! construction. Names replace ids (grants, enabled clients, linked clients, organization
//! connections), secrets are masked as the Deploy CLI masks them (and Guardian provider
//! credentials, which it leaves in clear), read-only fields dropped. Grants of the reader's
//! own client are left out, as the Deploy CLI leaves out its own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use super::fetch::RawTenant;
use crate::tenant::DataKind;

/// Files of one export, by export-relative `/` path; `dirs` are created even when empty, so
/// an empty but read kind is still "present".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportTree {
    pub files: BTreeMap<String, String>,
    pub dirs: BTreeSet<String>,
}

impl ExportTree {
    fn json(&mut self, path: String, value: &Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
        self.files.insert(path, text);
    }

    fn dir(&mut self, path: &str) {
        self.dirs.insert(path.to_string());
    }
}

/// File-name sanitising as the Deploy CLI does it (`sanitize-filename`, replacement `-`).
pub fn sanitize(name: &str) -> String {
    if name.is_empty() {
        return "undefined".into();
    }
    let mut out: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '?' | '<' | '>' | '\\' | ':' | '*' | '|' | '"') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    if out == "." || out == ".." {
        out = "-".into();
    }
    out.trim_end_matches(['.', ' ']).chars().take(255).collect()
}

pub(super) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn upper_token(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn without(v: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut m = v.as_object().cloned().unwrap_or_default();
    m.retain(|k, _| !keys.contains(&k.as_str()));
    m
}

const CLIENT_READONLY: &[&str] = &[
    "client_secret",
    "callback_url_template",
    "signing_keys",
    "global",
    "tenant",
    "custom_login_page_preview",
    "config_route",
    "owners",
];

/// Builds the export tree of `raw`; only kinds in `read` get a folder.
pub fn build(raw: &RawTenant, read: &BTreeSet<DataKind>) -> ExportTree {
    let mut t = ExportTree::default();
    let client_names: HashMap<&str, &str> = raw
        .clients
        .iter()
        .map(|c| (s(c, "client_id"), s(c, "name")))
        .collect();
    let name_of = |id: &str| {
        client_names
            .get(id)
            .map_or_else(|| id.to_string(), |n| (*n).to_string())
    };
    if let Some(settings) = raw
        .settings
        .as_ref()
        .filter(|_| read.contains(&DataKind::TenantSettings))
    {
        let mut m = without(settings, &["sandbox_versions_available"]);
        if let Some(flags) = m.get_mut("flags").and_then(Value::as_object_mut) {
            for f in [
                "allow_changing_enable_sso",
                "enable_sso",
                "disable_impersonation",
                "remove_stale_idp_attributes",
                "new_universal_login_experience_enabled",
                "universal_login",
            ] {
                flags.remove(f);
            }
        }
        t.json("tenant.json".into(), &Value::Object(m));
    }
    if read.contains(&DataKind::Clients) {
        t.dir("clients");
        for c in raw
            .clients
            .iter()
            .filter(|c| c.get("global").and_then(Value::as_bool) != Some(true))
        {
            let name = sanitize(s(c, "name"));
            let mut m = without(c, CLIENT_READONLY);
            if let Some(v) = m.remove("cross_origin_auth") {
                m.entry("cross_origin_authentication").or_insert(v);
            }
            for k in [
                "allowed_clients",
                "allowed_logout_urls",
                "allowed_origins",
                "callbacks",
            ] {
                if m.get(k).is_some_and(Value::is_null) {
                    m.insert(k.into(), json!([]));
                }
            }
            if let Some(Value::String(page)) = m.get("custom_login_page").cloned() {
                let file = format!("{name}_custom_login_page.html");
                t.files.insert(format!("clients/{file}"), page);
                m.insert("custom_login_page".into(), json!(format!("./{file}")));
            }
            t.json(format!("clients/{name}.json"), &Value::Object(m));
        }
    }
    if read.contains(&DataKind::ClientGrants) {
        t.dir("grants");
        let api_names: HashMap<&str, &str> = raw
            .resource_servers
            .iter()
            .map(|r| (s(r, "identifier"), s(r, "name")))
            .collect();
        // The reader's own grants are left out, as the Deploy CLI leaves out its own.
        for g in raw
            .client_grants
            .iter()
            .filter(|g| raw.reader_client_id.as_deref() != Some(s(g, "client_id")))
        {
            let client = name_of(s(g, "client_id"));
            let audience = s(g, "audience");
            let api = api_names.get(audience).copied().unwrap_or(audience);
            let mut m = without(g, &[]);
            m.insert("client_id".into(), json!(client));
            t.json(
                format!("grants/{}.json", sanitize(&format!("{client}-{api}"))),
                &Value::Object(m),
            );
        }
    }
    if read.contains(&DataKind::ResourceServers) {
        t.dir("resource-servers");
        for r in raw
            .resource_servers
            .iter()
            .filter(|r| r.get("is_system").and_then(Value::as_bool) != Some(true))
        {
            let mut m = without(r, &[]);
            if let Some(Value::String(id)) = m.get("client_id").cloned() {
                m.insert("client_id".into(), json!(name_of(&id)));
            }
            t.json(
                format!("resource-servers/{}.json", sanitize(s(r, "name"))),
                &Value::Object(m),
            );
        }
    }
    if read.contains(&DataKind::Connections) {
        super::tree_code::connections(&mut t, raw, &name_of);
    }
    if read.contains(&DataKind::Actions) {
        super::tree_code::actions(&mut t, raw);
    }
    if read.contains(&DataKind::Triggers) {
        super::tree_code::triggers(&mut t, raw);
    }
    if read.contains(&DataKind::Rules) {
        super::tree_code::rules(&mut t, raw);
    }
    if read.contains(&DataKind::Hooks) {
        super::tree_code::hooks(&mut t, raw);
    }
    if read.contains(&DataKind::Roles) {
        t.dir("roles");
        for r in &raw.roles {
            let perms: Vec<Value> = r
                .get("permissions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| json!({"permission_name": s(p, "permission_name"), "resource_server_identifier": s(p, "resource_server_identifier")}))
                .collect();
            let mut m = without(r, &["permissions"]);
            m.insert("permissions".into(), Value::Array(perms));
            t.json(
                format!("roles/{}.json", sanitize(s(r, "name"))),
                &Value::Object(m),
            );
        }
    }
    super::tree_settings::settings(&mut t, raw, read);
    t
}

/// Masks `text` as the Deploy CLI does: `##<KIND>_<DETAIL>_SECRET##`.
pub fn secret_marker(kind: &str, detail: &str) -> String {
    format!("##{}_{}_SECRET##", upper_token(kind), upper_token(detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_replaces_path_characters() {
        assert_eq!(sanitize("a/b:c"), "a-b-c");
        assert_eq!(sanitize("Acme Backend Sync"), "Acme Backend Sync");
        assert_eq!(sanitize(""), "undefined");
        assert_eq!(
            secret_marker("connections", "google-oauth2"),
            "##CONNECTIONS_GOOGLE_OAUTH2_SECRET##"
        );
    }

    #[test]
    fn grants_refer_to_client_names_and_global_clients_are_left_out() {
        let raw = RawTenant {
            clients: vec![
                json!({"client_id": "id1", "name": "Web", "client_secret": "s3cr3t-value-long-enough", "tenant": "t"}),
                json!({"client_id": "g", "name": "All Applications", "global": true}),
            ],
            client_grants: vec![
                json!({"id": "cgr_1", "client_id": "id1", "audience": "https://api", "scope": ["a"]}),
                json!({"id": "cgr_2", "client_id": "reader", "audience": "https://api", "scope": ["b"]}),
            ],
            reader_client_id: Some("reader".into()),
            resource_servers: vec![json!({"name": "Api", "identifier": "https://api"})],
            ..RawTenant::default()
        };
        let read: BTreeSet<DataKind> = [
            DataKind::Clients,
            DataKind::ClientGrants,
            DataKind::ResourceServers,
        ]
        .into_iter()
        .collect();
        let t = build(&raw, &read);
        assert!(t.files.contains_key("clients/Web.json"));
        assert!(!t.files.contains_key("clients/All Applications.json"));
        assert!(!t.files["clients/Web.json"].contains("s3cr3t"));
        assert!(!t.files["clients/Web.json"].contains("\"tenant\""));
        assert!(t.files["grants/Web-Api.json"].contains("\"client_id\": \"Web\""));
        assert!(!t.dirs.contains("rules"));
        assert_eq!(
            t.files.keys().filter(|k| k.starts_with("grants/")).count(),
            1,
            "the reader's own grant is left out"
        );
    }
}
