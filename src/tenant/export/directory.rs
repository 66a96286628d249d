//! The directory format: one JSON file per resource (`tenant.json`, `clients/`, `grants/`,
//! `database-connections/<db>/database.json`, `actions/<name>.json` + `actions/<name>/code.js`, ...).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::attach::{self, FromFile};
use super::reader::ExportReader;
use crate::tenant::error::Result;
use crate::tenant::model::code::TriggerMap;
use crate::tenant::model::{
    BotDetection, BreachedPasswordDetection, BruteForceProtection, DataKind, GuardianFactor,
    GuardianProvider, SuspiciousIpThrottling, TenantSnapshot,
};

/// Folders and files whose presence marks a directory-format export.
pub(crate) const MARKERS: [&str; 18] = [
    "tenant.json",
    "clients",
    "grants",
    "resource-servers",
    "connections",
    "database-connections",
    "actions",
    "triggers",
    "rules",
    "hooks",
    "roles",
    "organizations",
    "log-streams",
    "attack-protection",
    "guardian",
    "emails",
    "custom-domains",
    "prompts",
];

/// Whether `dir` looks like a directory-format export.
pub(crate) fn is_directory_export(dir: &Path) -> bool {
    MARKERS.iter().any(|m| dir.join(m).exists())
}

/// Reads every `*.json` in `root/folder` as `T`; `None` when the folder is absent.
fn list<T: DeserializeOwned + FromFile>(
    reader: &mut ExportReader,
    folder: &str,
) -> Result<Option<Vec<T>>> {
    let dir = reader.root().join(folder);
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for file in reader.json_files(&dir)? {
        let mut item: T = reader.read_json(&file)?;
        item.set_file(&reader.rel(&file));
        out.push(item);
    }
    Ok(Some(out))
}

/// Reads one optional JSON file.
fn single<T: DeserializeOwned>(reader: &mut ExportReader, rel: &str) -> Result<Option<T>> {
    let path = reader.root().join(rel);
    if !path.is_file() {
        return Ok(None);
    }
    reader.read_json(&path).map(Some)
}

/// Loads a directory-format export into `snap`.
pub(crate) fn load(reader: &mut ExportReader, snap: &mut TenantSnapshot) -> Result<()> {
    let root = reader.root().to_path_buf();
    if let Some(mut settings) =
        single::<crate::tenant::model::TenantSettings>(reader, "tenant.json")?
    {
        settings.file = "tenant.json".into();
        snap.settings = settings;
        snap.present.insert(DataKind::TenantSettings);
    }
    if let Some(mut clients) = list::<crate::tenant::model::Client>(reader, "clients")? {
        for c in &mut clients {
            attach::client_login_page(reader, c, &[root.join("clients"), root.clone()]);
        }
        snap.clients = clients;
        snap.present.insert(DataKind::Clients);
    }
    if let Some(grants) = list(reader, "grants")? {
        snap.client_grants = grants;
        snap.present.insert(DataKind::ClientGrants);
    }
    if let Some(apis) = list(reader, "resource-servers")? {
        snap.resource_servers = apis;
        snap.present.insert(DataKind::ResourceServers);
    }
    load_connections(reader, snap)?;
    if let Some(mut actions) = list::<crate::tenant::model::Action>(reader, "actions")? {
        for a in &mut actions {
            let own = root.join("actions").join(&a.name);
            attach::action_code(reader, a, &[root.clone(), own, root.join("actions")]);
        }
        snap.actions = actions;
        snap.present.insert(DataKind::Actions);
    }
    if root.join("triggers").is_dir() {
        snap.present.insert(DataKind::Triggers);
        if let Some(map) = single::<TriggerFile>(reader, "triggers/triggers.json")? {
            snap.triggers = map.0;
        }
    }
    if let Some(mut rules) = list::<crate::tenant::model::Rule>(reader, "rules")? {
        for r in &mut rules {
            attach::rule_script(reader, r, &[root.join("rules"), root.clone()]);
        }
        snap.rules = rules;
        snap.present.insert(DataKind::Rules);
    }
    if let Some(mut hooks) = list::<crate::tenant::model::Hook>(reader, "hooks")? {
        for h in &mut hooks {
            attach::hook_script(reader, h, &[root.join("hooks"), root.clone()]);
        }
        snap.hooks = hooks;
        snap.present.insert(DataKind::Hooks);
    }
    if let Some(roles) = list(reader, "roles")? {
        snap.roles = roles;
        snap.present.insert(DataKind::Roles);
    }
    if let Some(orgs) = list(reader, "organizations")? {
        snap.organizations = orgs;
        snap.present.insert(DataKind::Organizations);
    }
    if let Some(streams) = list(reader, "log-streams")? {
        snap.log_streams = streams;
        snap.present.insert(DataKind::LogStreams);
    }
    load_protection(reader, snap)?;
    load_guardian(reader, snap)?;
    load_emails(reader, snap)?;
    if root.join("custom-domains").is_dir() {
        snap.present.insert(DataKind::CustomDomains);
        let file = "custom-domains/custom-domains.json";
        if let Some(mut domains) = single::<Vec<crate::tenant::model::CustomDomain>>(reader, file)?
        {
            domains.iter_mut().for_each(|d| d.file = file.into());
            snap.custom_domains = domains;
        }
    }
    if root.join("prompts").is_dir() {
        snap.present.insert(DataKind::Prompts);
        if let Some(mut p) =
            single::<crate::tenant::model::Prompts>(reader, "prompts/prompts.json")?
        {
            p.file = "prompts/prompts.json".into();
            snap.prompts = Some(p);
        }
    }
    if let Some(values) = raw_list(reader, "network-acls")? {
        snap.network_acls = values;
        snap.present.insert(DataKind::NetworkAcls);
    }
    if let Some(values) = raw_list(reader, "event-streams")? {
        snap.event_streams = values;
        snap.present.insert(DataKind::EventStreams);
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct TriggerFile(
    #[serde(deserialize_with = "crate::tenant::model::code::trigger_map")] TriggerMap,
);

fn raw_list(reader: &mut ExportReader, folder: &str) -> Result<Option<Vec<Value>>> {
    let dir = reader.root().join(folder);
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for file in reader.json_files(&dir)? {
        out.push(reader.read_json::<Value>(&file)?);
    }
    Ok(Some(out))
}

fn load_connections(reader: &mut ExportReader, snap: &mut TenantSnapshot) -> Result<()> {
    let root = reader.root().to_path_buf();
    if let Some(mut conns) = list::<crate::tenant::model::Connection>(reader, "connections")? {
        for c in &mut conns {
            attach::connection_scripts(reader, c, &[root.join("connections"), root.clone()]);
        }
        snap.connections.extend(conns);
        snap.present.insert(DataKind::Connections);
    }
    let db_root = root.join("database-connections");
    if db_root.is_dir() {
        snap.present.insert(DataKind::Connections);
        for folder in reader.sub_dirs(&db_root)? {
            let meta = folder.join("database.json");
            if !meta.is_file() {
                let rel = reader.rel(&folder);
                reader.warn(
                    &rel,
                    "database folder without database.json: skipped".into(),
                );
                continue;
            }
            let mut c: crate::tenant::model::Connection = reader.read_json(&meta)?;
            c.file = reader.rel(&meta);
            if c.strategy.is_empty() {
                c.strategy = "auth0".into();
            }
            let bases: Vec<PathBuf> = vec![folder.clone(), root.clone()];
            attach::connection_scripts(reader, &mut c, &bases);
            snap.connections.push(c);
        }
    }
    Ok(())
}

fn load_protection(reader: &mut ExportReader, snap: &mut TenantSnapshot) -> Result<()> {
    if !reader.root().join("attack-protection").is_dir() {
        return Ok(());
    }
    snap.present.insert(DataKind::AttackProtection);
    let ap = &mut snap.attack_protection;
    ap.bot_detection = single::<BotDetection>(reader, "attack-protection/bot-detection.json")?;
    ap.breached_password = single::<BreachedPasswordDetection>(
        reader,
        "attack-protection/breached-password-detection.json",
    )?;
    ap.brute_force =
        single::<BruteForceProtection>(reader, "attack-protection/brute-force-protection.json")?;
    ap.captcha = single::<Value>(reader, "attack-protection/captcha.json")?;
    ap.suspicious_ip = single::<SuspiciousIpThrottling>(
        reader,
        "attack-protection/suspicious-ip-throttling.json",
    )?;
    Ok(())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PoliciesFile {
    #[serde(deserialize_with = "crate::tenant::model::lenient::null_as_default")]
    policies: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SelectedProviderFile {
    provider: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MessageTypesFile {
    #[serde(deserialize_with = "crate::tenant::model::lenient::null_as_default")]
    message_types: Vec<String>,
}

fn load_guardian(reader: &mut ExportReader, snap: &mut TenantSnapshot) -> Result<()> {
    let root = reader.root().to_path_buf();
    if !root.join("guardian").is_dir() {
        return Ok(());
    }
    snap.present.insert(DataKind::Guardian);
    for file in reader.json_files(&root.join("guardian/factors"))? {
        snap.guardian
            .factors
            .push(reader.read_json::<GuardianFactor>(&file)?);
    }
    for file in reader.json_files(&root.join("guardian/providers"))? {
        snap.guardian
            .providers
            .push(reader.read_json::<GuardianProvider>(&file)?);
    }
    if let Some(p) = single::<PoliciesFile>(reader, "guardian/policies.json")? {
        snap.guardian.policies = p.policies;
    }
    if let Some(p) =
        single::<SelectedProviderFile>(reader, "guardian/phoneFactorSelectedProvider.json")?
    {
        snap.guardian.phone_selected_provider = p.provider;
    }
    if let Some(m) = single::<MessageTypesFile>(reader, "guardian/phoneFactorMessageTypes.json")? {
        snap.guardian.phone_message_types = m.message_types;
    }
    Ok(())
}

fn load_emails(reader: &mut ExportReader, snap: &mut TenantSnapshot) -> Result<()> {
    let root = reader.root().to_path_buf();
    let dir = root.join("emails");
    if !dir.is_dir() {
        return Ok(());
    }
    // The Deploy CLI writes `emails/provider.json` only when a provider is configured.
    snap.present.insert(DataKind::EmailTemplates);
    snap.present.insert(DataKind::EmailProvider);
    for file in reader.json_files(&dir)? {
        let rel = reader.rel(&file);
        if file.file_name().is_some_and(|n| n == "provider.json") {
            let mut p: crate::tenant::model::EmailProvider = reader.read_json(&file)?;
            p.file = rel;
            snap.email_provider = Some(p);
            continue;
        }
        let mut t: crate::tenant::model::EmailTemplate = reader.read_json(&file)?;
        t.file = rel;
        attach::email_body(reader, &mut t, &[dir.clone(), root.clone()]);
        snap.email_templates.push(t);
    }
    Ok(())
}
