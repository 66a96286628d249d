//! `auth0-sim generate`: a deterministic synthetic tenant export (Deploy CLI directory format)
//! for benchmarks: clients of every application type, APIs with scopes, client grants,
//! connections with enabled clients (the database one enabled for most applications, so its
//! client list needs several checkpoint pages), roles with permissions, and Actions of 40-200
//! lines built from the example tenant's patterns, most deployed and bound to their trigger.
//! The same arguments always give the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::dice::Dice;
use crate::generate_code::{CodeParams, PATTERNS, action_code};
use crate::generate_parts::{attack_protection, connection, settings_files};

/// Arguments of `auth0-sim generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// Output directory (created; existing files with the same names are overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of applications.
    #[arg(long, default_value_t = 500)]
    pub clients: usize,
    /// Number of Actions.
    #[arg(long, default_value_t = 200)]
    pub actions: usize,
    /// Number of connections (default: clients / 250, at least 4).
    #[arg(long)]
    pub connections: Option<usize>,
    /// Number of APIs besides the Management API (default: clients / 200, at least 3).
    #[arg(long)]
    pub apis: Option<usize>,
    /// Number of roles (default: clients / 500, at least 3).
    #[arg(long)]
    pub roles: Option<usize>,
    /// Seed: the same seed and sizes give the same export, byte for byte.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Tenant domain the export is meant for (Management API grants use its audience).
    #[arg(long, default_value = "synthetic.auth0-sim.local")]
    pub domain: String,
}

impl GenerateArgs {
    /// Arguments with the default sizes for `clients` and `actions`.
    pub fn sized(out: PathBuf, clients: usize, actions: usize, seed: u64) -> Self {
        GenerateArgs {
            out,
            clients,
            actions,
            connections: None,
            apis: None,
            roles: None,
            seed,
            domain: "synthetic.auth0-sim.local".into(),
        }
    }
}

const APP_TYPES: &[(&str, u32)] = &[
    ("spa", 35),
    ("regular_web", 30),
    ("native", 15),
    ("non_interactive", 20),
];
const AREAS: &[&str] = &[
    "Storefront",
    "Billing",
    "Support",
    "Partner",
    "Reporting",
    "Mobile",
    "Inventory",
    "Checkout",
];

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn app_type(d: &mut Dice) -> &'static str {
    let roll = d.below(100) as u32;
    let mut acc = 0;
    for (t, w) in APP_TYPES {
        acc += w;
        if roll < acc {
            return t;
        }
    }
    "spa"
}

fn client(d: &mut Dice, i: usize) -> (String, &'static str, Value) {
    let kind = app_type(d);
    let area = d.pick(AREAS).copied().unwrap_or("App");
    let name = format!("{area} {} {i:05}", kind.replace('_', " "));
    let host = format!("app{i:05}.synthetic.example");
    let scheme = if d.chance(0.03) { "http" } else { "https" };
    let mut c = json!({
        "name": name, "app_type": kind, "client_id": d.alnum(32),
        "description": format!("Synthetic {kind} application {i}"),
        "is_first_party": !d.chance(0.05), "oidc_conformant": !d.chance(0.04),
        "sso_disabled": false, "cross_origin_authentication": d.chance(0.1),
        "custom_login_page_on": true, "is_token_endpoint_ip_header_trusted": false,
        "jwt_configuration": {"alg": if d.chance(0.03) { "HS256" } else { "RS256" }, "lifetime_in_seconds": 36000, "secret_encoded": false},
    });
    let fields = match kind {
        "non_interactive" => json!({
            "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post",
        }),
        "native" => json!({
            "grant_types": ["authorization_code", "refresh_token"], "token_endpoint_auth_method": "none",
            "callbacks": [format!("com.synthetic.app{i:05}://callback")],
            "refresh_token": {"rotation_type": "rotating", "expiration_type": "expiring", "token_lifetime": 2592000, "idle_token_lifetime": 1296000, "leeway": 0, "infinite_token_lifetime": false, "infinite_idle_token_lifetime": false},
        }),
        "spa" => json!({
            "grant_types": if d.chance(0.1) { json!(["authorization_code", "implicit", "refresh_token"]) } else { json!(["authorization_code", "refresh_token"]) },
            "token_endpoint_auth_method": "none",
            "callbacks": [format!("{scheme}://{host}/callback")],
            "allowed_origins": [format!("https://{host}")], "web_origins": [format!("https://{host}")],
            "allowed_logout_urls": [format!("https://{host}/")],
        }),
        _ => json!({
            "grant_types": ["authorization_code", "refresh_token"], "token_endpoint_auth_method": "client_secret_post",
            "callbacks": if d.chance(0.04) { json!([format!("https://*.synthetic.example/app{i:05}/callback")]) } else { json!([format!("{scheme}://{host}/callback")]) },
            "allowed_logout_urls": [format!("https://{host}/")],
        }),
    };
    if let (Some(m), Some(f)) = (c.as_object_mut(), fields.as_object()) {
        for (k, v) in f {
            m.insert(k.clone(), v.clone());
        }
    }
    (name, kind, c)
}

struct Api {
    name: String,
    identifier: String,
    scopes: Vec<String>,
}

fn apis(d: &mut Dice, n: usize) -> Vec<Api> {
    (1..=n)
        .map(|j| {
            let resources = [
                "orders", "invoices", "reports", "users", "catalog", "tickets",
            ];
            let mut scopes = Vec::new();
            for _ in 0..d.between(2, 4) {
                let r = d.pick(&resources).copied().unwrap_or("orders");
                for verb in ["read", "write", "admin"] {
                    let s = format!("{verb}:{r}");
                    if !scopes.contains(&s) {
                        scopes.push(s);
                    }
                }
            }
            Api {
                name: format!("Synthetic API {j:03}"),
                identifier: format!("https://api{j:03}.synthetic.example"),
                scopes,
            }
        })
        .collect()
}

/// Builds every file of the export: export-relative `/` path -> content.
pub fn build(args: &GenerateArgs) -> BTreeMap<String, String> {
    let mut d = Dice::new(args.seed);
    let mut files = BTreeMap::new();
    let n_conn = args.connections.unwrap_or((args.clients / 250).max(4));
    let n_api = args.apis.unwrap_or((args.clients / 200).max(3));
    let n_roles = args.roles.unwrap_or((args.clients / 500).max(3));
    let mut clients = Vec::new();
    for i in 1..=args.clients {
        let (name, kind, c) = client(&mut d, i);
        files.insert(format!("clients/{name}.json"), pretty(&c));
        clients.push((name, kind));
    }
    let apis = apis(&mut d, n_api);
    for a in &apis {
        let scopes: Vec<Value> = a
            .scopes
            .iter()
            .map(|s| json!({"value": s, "description": format!("Synthetic scope {s}")}))
            .collect();
        let rs = json!({"name": a.name, "identifier": a.identifier, "scopes": scopes,
            "allow_offline_access": d.chance(0.3), "signing_alg": "RS256",
            "skip_consent_for_verifiable_first_party_clients": true,
            "token_lifetime": 86400, "token_lifetime_for_web": 7200, "enforce_policies": d.chance(0.5),
            "token_dialect": "access_token_authz"});
        files.insert(format!("resource-servers/{}.json", a.name), pretty(&rs));
    }
    let management = format!("https://{}/api/v2/", args.domain);
    for (name, kind) in clients.iter().filter(|(_, k)| *k == "non_interactive") {
        let _ = kind;
        for _ in 0..d.between(1, 2) {
            let Some(api) = d.pick(&apis) else { break };
            let scope: Vec<&String> = api.scopes.iter().filter(|_| d.chance(0.5)).collect();
            let g = json!({"client_id": name, "audience": api.identifier, "scope": scope});
            files.insert(format!("grants/{name}-{}.json", api.name), pretty(&g));
        }
        if d.chance(0.02) {
            let scope = if d.chance(0.5) {
                json!(["read:users", "update:users"])
            } else {
                json!(["read:users"])
            };
            let g = json!({"client_id": name, "audience": management, "scope": scope});
            files.insert(
                format!("grants/{name}-Auth0 Management API.json"),
                pretty(&g),
            );
        }
    }
    let interactive: Vec<&str> = clients
        .iter()
        .filter(|(_, k)| *k != "non_interactive")
        .map(|(n, _)| n.as_str())
        .collect();
    for k in 0..n_conn {
        for (path, text) in connection(&mut d, k, &interactive) {
            files.insert(path, text);
        }
    }
    for r in 1..=n_roles {
        let mut perms = Vec::new();
        for _ in 0..d.between(3, 15) {
            let Some(api) = d.pick(&apis) else { break };
            let Some(p) = d.pick(&api.scopes) else {
                continue;
            };
            let entry = json!({"permission_name": p, "resource_server_identifier": api.identifier});
            if !perms.contains(&entry) {
                perms.push(entry);
            }
        }
        let role = json!({"name": format!("Role {r:03}"), "description": format!("Synthetic role {r}"), "permissions": perms});
        files.insert(format!("roles/Role {r:03}.json"), pretty(&role));
    }
    actions(&mut d, args, &apis, &mut files);
    for (path, text) in attack_protection(&mut d)
        .into_iter()
        .chain(settings_files(&args.domain))
    {
        files.insert(path, text);
    }
    files
}

fn actions(d: &mut Dice, args: &GenerateArgs, apis: &[Api], files: &mut BTreeMap<String, String>) {
    let mut bindings: BTreeMap<&'static str, Vec<Value>> = [
        "post-login",
        "credentials-exchange",
        "pre-user-registration",
        "post-user-registration",
        "post-change-password",
        "send-phone-message",
        "password-reset-post-challenge",
    ]
    .into_iter()
    .map(|t| (t, Vec::new()))
    .collect();
    for k in 1..=args.actions {
        let pattern = PATTERNS
            .get(d.below(PATTERNS.len()))
            .copied()
            .unwrap_or(PATTERNS[0]);
        let name = format!("{} {k:04}", pattern.title());
        let api = d
            .pick(apis)
            .map_or("https://api.synthetic.example", |a| a.identifier.as_str());
        let params = CodeParams {
            name: name.clone(),
            namespace: "https://synthetic.example".into(),
            api_identifier: api.to_string(),
            domain: args.domain.clone(),
            client_id: d.alnum(32),
            client_secret: d.alnum(64),
            risky: d.chance(0.15),
        };
        let target = d.between(40, 200);
        let code = action_code(pattern, &params, target, d);
        let deployed = d.chance(0.85);
        let (trigger, version) = pattern.trigger();
        let secrets = if pattern.title() == "Notify Slack" {
            json!([{"name": "SLACK_WEBHOOK_URL"}])
        } else {
            json!([])
        };
        let meta = json!({"name": name, "code": format!("./actions/{name}/code.js"), "runtime": "node22",
            "status": "built", "dependencies": [], "secrets": secrets,
            "supported_triggers": [{"id": trigger, "version": version}], "deployed": deployed});
        files.insert(format!("actions/{name}.json"), pretty(&meta));
        files.insert(format!("actions/{name}/code.js"), code);
        if deployed
            && d.chance(0.7)
            && let Some(list) = bindings.get_mut(trigger)
        {
            list.push(json!({"action_name": name, "display_name": name}));
        }
    }
    files.insert("triggers/triggers.json".into(), pretty(&json!(bindings)));
}

/// Writes `files` under `out`.
pub fn write(files: &BTreeMap<String, String>, out: &Path) -> std::io::Result<()> {
    for (rel, text) in files {
        let p = out.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, text)?;
    }
    Ok(())
}

/// Writes the export.
pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let files = build(args);
    write(&files, &args.out)?;
    println!(
        "auth0-sim: wrote {} files to {}",
        files.len(),
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_other_seed_differs() {
        let a = build(&GenerateArgs::sized(PathBuf::new(), 60, 30, 5));
        let b = build(&GenerateArgs::sized(PathBuf::new(), 60, 30, 5));
        let c = build(&GenerateArgs::sized(PathBuf::new(), 60, 30, 6));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let clients = a.keys().filter(|k| k.starts_with("clients/")).count();
        let actions = a
            .keys()
            .filter(|k| k.starts_with("actions/") && k.ends_with(".json"))
            .count();
        assert_eq!((clients, actions), (60, 30));
    }

    #[test]
    fn the_export_loads_into_the_emulator_with_ids_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let args = GenerateArgs::sized(dir.path().to_path_buf(), 300, 40, 2);
        write(&build(&args), dir.path()).unwrap();
        let t = crate::load::load_export(dir.path(), "synthetic.auth0-sim.local").unwrap();
        assert_eq!(t.clients.len(), 301, "plus the global client");
        assert_eq!(t.actions.len(), 40);
        let db = t
            .connections
            .iter()
            .find(|c| c["strategy"] == "auth0")
            .unwrap();
        let enabled = db["enabled_clients"].as_array().unwrap();
        assert!(enabled.len() > 100);
        assert!(
            enabled
                .iter()
                .all(|id| t.clients.iter().any(|c| c["client_id"] == *id))
        );
        assert!(t.bindings.values().map(Vec::len).sum::<usize>() > 0);
        assert!(!t.client_grants.is_empty() && !t.roles.is_empty());
        for a in &t.actions {
            let lines = a["code"].as_str().unwrap().lines().count();
            assert!((25..=210).contains(&lines), "{lines}");
        }
    }
}
