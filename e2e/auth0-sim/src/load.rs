//! Builds a [`Tenant`] from a Deploy CLI directory-format export: names become ids (generated
//! deterministically when the export has none), code files are inlined, and the API-only shapes
//! (deployed versions, trigger bindings, the system Management API) are added.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::ids;
use crate::store::Tenant;

/// Why an export could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid JSON: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Creation timestamp given to every loaded object.
pub const CREATED_AT: &str = "2024-01-15T10:00:00.000Z";

/// Reads a JSON file; errors name the file.
pub(crate) fn read_json(path: &Path) -> Result<Value, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| LoadError::Json {
        path: path.display().to_string(),
        source,
    })
}

/// The root of the export being loaded.
pub(crate) struct Dir {
    pub(crate) root: PathBuf,
}

impl Dir {
    pub(crate) fn single(&self, rel: &str) -> Result<Option<Value>, LoadError> {
        let p = self.root.join(rel);
        if p.is_file() {
            read_json(&p).map(Some)
        } else {
            Ok(None)
        }
    }

    /// `(file stem, value)` of every `*.json` in `folder`, sorted by file name.
    pub(crate) fn list(&self, folder: &str) -> Result<Vec<(String, Value)>, LoadError> {
        let dir = self.root.join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((stem, read_json(&f)?));
        }
        Ok(out)
    }

    /// Inlines a code reference (`./x.js`) found relative to one of `bases`; inline code stays.
    pub(crate) fn code(&self, reference: &str, bases: &[PathBuf]) -> String {
        let r = reference.trim();
        let is_path = !r.contains('\n')
            && [".js", ".html", ".htm"]
                .iter()
                .any(|e| r.to_ascii_lowercase().ends_with(e));
        if !is_path {
            return reference.to_string();
        }
        for base in bases {
            let p = base.join(r);
            if let Ok(text) = std::fs::read_to_string(&p) {
                return text;
            }
        }
        String::new()
    }
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        // Just made an object above: this arm cannot be reached.
        _ => unreachable!("just made an object"),
    }
}

/// Loads the export at `root` as the tenant `domain`.
pub fn load_export(root: &Path, domain: &str) -> Result<Tenant, LoadError> {
    let dir = Dir {
        root: root.to_path_buf(),
    };
    let mut t = Tenant {
        domain: domain.to_string(),
        ..Tenant::default()
    };
    t.settings = dir.single("tenant.json")?.unwrap_or_else(|| json!({}));
    load_clients(&dir, &mut t)?;
    load_apis(&dir, &mut t)?;
    load_connections(&dir, &mut t)?;
    for (_, mut g) in dir.list("grants")? {
        let client = str_of(&g, "client_id").to_string();
        let id = t.client_id_by_name(&client).unwrap_or(client);
        let seed = format!("{id}|{}", str_of(&g, "audience"));
        let m = obj(&mut g);
        m.insert("client_id".into(), json!(id));
        m.entry("id")
            .or_insert_with(|| json!(ids::prefixed("cgr_", &seed)));
        t.client_grants.push(g);
    }
    crate::load_code::load_actions(&dir.root, &mut t)?;
    load_rules_hooks(&dir, &mut t)?;
    load_roles_orgs(&dir, &mut t)?;
    crate::load_settings::load_settings(&dir, &mut t)?;
    Ok(t)
}

fn load_clients(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    let tenant_name = t.tenant_name();
    for (_, mut c) in dir.list("clients")? {
        let name = str_of(&c, "name").to_string();
        let page = c
            .get("custom_login_page")
            .and_then(Value::as_str)
            .map(str::to_string);
        let m = obj(&mut c);
        m.entry("client_id")
            .or_insert_with(|| json!(ids::client_id(&name)));
        m.insert("client_secret".into(), json!(ids::client_secret(&name)));
        m.insert("tenant".into(), json!(tenant_name));
        m.insert("global".into(), json!(false));
        if let Some(page) = page {
            let text = dir.code(&page, &[dir.root.join("clients"), dir.root.clone()]);
            m.insert("custom_login_page".into(), json!(text));
        }
        t.clients.push(c);
    }
    // Every tenant has the legacy global "All Applications" client (`global: true`); the
    // Deploy CLI reads its login page and leaves it out of the export.
    let global_id = ids::client_id(&format!("global:{}", t.domain));
    t.clients.push(json!({
        "tenant": tenant_name, "global": true, "is_token_endpoint_ip_header_trusted": false,
        "name": "All Applications", "client_id": global_id,
        "client_secret": ids::client_secret(&global_id), "callbacks": [], "is_first_party": true,
        "sso_disabled": false, "oidc_conformant": false, "custom_login_page_on": true,
    }));
    Ok(())
}

fn load_apis(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    t.resource_servers.push(Tenant::management_api(&t.domain));
    for (_, mut rs) in dir.list("resource-servers")? {
        let linked = rs
            .get("client_id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let linked = linked.map(|n| t.client_id_by_name(&n).unwrap_or(n));
        let seed = str_of(&rs, "identifier").to_string();
        let m = obj(&mut rs);
        m.entry("id").or_insert_with(|| json!(ids::hex24(&seed)));
        if let Some(id) = linked {
            m.insert("client_id".into(), json!(id));
        }
        t.resource_servers.push(rs);
    }
    Ok(())
}

fn enabled_ids(t: &Tenant, conn: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = conn
        .get("enabled_clients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|n| json!(t.client_id_by_name(n).unwrap_or_else(|| n.to_string())))
        .collect();
    out.dedup();
    out
}

fn load_connections(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    let mut all: Vec<(Value, Vec<PathBuf>)> = dir
        .list("connections")?
        .into_iter()
        .map(|(_, c)| (c, vec![dir.root.join("connections"), dir.root.clone()]))
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir.root.join("database-connections")) {
        let mut folders: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        folders.sort();
        for f in folders {
            let meta = f.join("database.json");
            if meta.is_file() {
                let mut c = read_json(&meta)?;
                obj(&mut c)
                    .entry("strategy")
                    .or_insert_with(|| json!("auth0"));
                all.push((c, vec![f.clone(), dir.root.clone()]));
            }
        }
    }
    for (mut c, bases) in all {
        let enabled = enabled_ids(t, &c);
        let name = str_of(&c, "name").to_string();
        let m = obj(&mut c);
        m.entry("id")
            .or_insert_with(|| json!(ids::prefixed("con_", &name)));
        m.insert("enabled_clients".into(), Value::Array(enabled));
        m.entry("realms").or_insert_with(|| json!([name]));
        if let Some(scripts) = m
            .get_mut("options")
            .and_then(|o| o.get_mut("customScripts"))
            && let Some(scripts) = scripts.as_object_mut()
        {
            for v in scripts.values_mut() {
                if let Some(r) = v.as_str() {
                    *v = json!(dir.code(r, &bases));
                }
            }
        }
        t.connections.push(c);
    }
    Ok(())
}

fn load_rules_hooks(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    for (_, mut r) in dir.list("rules")? {
        let name = str_of(&r, "name").to_string();
        let script = dir.code(
            str_of(&r, "script"),
            &[dir.root.join("rules"), dir.root.clone()],
        );
        let m = obj(&mut r);
        m.entry("id")
            .or_insert_with(|| json!(ids::prefixed("rul_", &name)));
        m.insert("script".into(), json!(script));
        m.entry("stage").or_insert_with(|| json!("login_success"));
        t.rules.push(r);
    }
    for (key, _) in dir.list("rules-configs")? {
        t.rules_configs.push(json!({"key": key}));
    }
    for (_, mut h) in dir.list("hooks")? {
        let name = str_of(&h, "name").to_string();
        let script = dir.code(
            str_of(&h, "script"),
            &[dir.root.join("hooks"), dir.root.clone()],
        );
        let m = obj(&mut h);
        let id = m
            .entry("id")
            .or_insert_with(|| json!(ids::alnum("hook", &name, 26).to_ascii_uppercase()))
            .as_str()
            .unwrap_or_default()
            .to_string();
        m.insert("script".into(), json!(script));
        let secrets: Vec<String> = match m.remove("secrets") {
            Some(Value::Object(s)) => s.keys().cloned().collect(),
            _ => Vec::new(),
        };
        t.hook_secrets.insert(id, secrets);
        t.hooks.push(h);
    }
    Ok(())
}

fn load_roles_orgs(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    for (_, mut r) in dir.list("roles")? {
        let name = str_of(&r, "name").to_string();
        let m = obj(&mut r);
        let id = m
            .entry("id")
            .or_insert_with(|| json!(ids::prefixed("rol_", &name)))
            .as_str()
            .unwrap_or_default()
            .to_string();
        let perms: Vec<Value> = match m.remove("permissions") {
            Some(Value::Array(p)) => p,
            _ => Vec::new(),
        };
        let perms = perms
            .into_iter()
            .map(|p| {
                let ident = str_of(&p, "resource_server_identifier").to_string();
                let rs_name = t
                    .resource_servers
                    .iter()
                    .find(|rs| str_of(rs, "identifier") == ident)
                    .map(|rs| str_of(rs, "name").to_string())
                    .unwrap_or_default();
                json!({"permission_name": str_of(&p, "permission_name"), "description": "",
                       "resource_server_name": rs_name, "resource_server_identifier": ident})
            })
            .collect();
        t.role_permissions.insert(id, perms);
        t.roles.push(r);
    }
    for (_, mut o) in dir.list("organizations")? {
        let name = str_of(&o, "name").to_string();
        let conns: Vec<Value> = match obj(&mut o).remove("connections") {
            Some(Value::Array(c)) => c,
            _ => Vec::new(),
        };
        let m = obj(&mut o);
        let id = m
            .entry("id")
            .or_insert_with(|| json!(ids::prefixed("org_", &name)))
            .as_str()
            .unwrap_or_default()
            .to_string();
        let enabled = conns
            .into_iter()
            .map(|mut c| {
                let cname = str_of(&c, "name").to_string();
                let cid = t.connection_id_by_name(&cname).unwrap_or_default();
                let strategy = Tenant::find(&t.connections, "id", &cid)
                    .map(|x| str_of(x, "strategy").to_string())
                    .unwrap_or_default();
                let m = obj(&mut c);
                m.remove("name");
                m.insert("connection_id".into(), json!(cid));
                m.insert(
                    "connection".into(),
                    json!({"name": cname, "strategy": strategy}),
                );
                c
            })
            .collect();
        t.org_connections.insert(id, enabled);
        t.organizations.push(o);
    }
    Ok(())
}
