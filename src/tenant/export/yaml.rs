//! The YAML format: one `tenant.yaml` whose top-level keys are the Deploy CLI handler names,
//! with code and HTML files referenced relative to the YAML file's directory.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::attach::{self, FromFile};
use super::parse::{Seg, Syntax, typed};
use super::reader::ExportReader;
use crate::tenant::error::{Result, TenantError};
use crate::tenant::model::code::TriggerMap;
use crate::tenant::model::{
    Action, BotDetection, BreachedPasswordDetection, BruteForceProtection, Client, Connection,
    DataKind, EmailTemplate, GuardianFactor, GuardianProvider, Hook, Rule, SuspiciousIpThrottling,
    TenantSnapshot,
};

/// One parsed `tenant.yaml`.
struct YamlDoc {
    text: String,
    doc: Value,
    file: String,
}

impl YamlDoc {
    /// The value of top-level `key` as `T`; `None` when the key is absent.
    fn key<T: DeserializeOwned + Default>(&self, key: &str) -> Result<Option<T>> {
        match self.doc.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(T::default())),
            Some(v) => typed(
                v,
                &self.text,
                Syntax::Yaml,
                &self.file,
                &[Seg::Key(key.to_string())],
            )
            .map(Some),
        }
    }

    fn list<T: DeserializeOwned + FromFile>(&self, key: &str) -> Result<Option<Vec<T>>> {
        let mut items: Option<Vec<T>> = self.key(key)?;
        if let Some(items) = items.as_mut() {
            items.iter_mut().for_each(|i| i.set_file(&self.file));
        }
        Ok(items)
    }

    /// A sub-key of an object-valued top-level key (`attackProtection.botDetection`).
    fn sub<T: DeserializeOwned>(&self, key: &str, sub: &str) -> Result<Option<T>> {
        match self.doc.get(key).and_then(|v| v.get(sub)) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => typed(
                v,
                &self.text,
                Syntax::Yaml,
                &self.file,
                &[Seg::Key(key.to_string()), Seg::Key(sub.to_string())],
            )
            .map(Some),
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct Triggers(#[serde(deserialize_with = "crate::tenant::model::code::trigger_map")] TriggerMap);

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Policies {
    #[serde(deserialize_with = "crate::tenant::model::lenient::null_as_default")]
    policies: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SelectedProvider {
    provider: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MessageTypes {
    #[serde(deserialize_with = "crate::tenant::model::lenient::null_as_default")]
    message_types: Vec<String>,
}

/// Loads the YAML export at `yaml_file` into `snap`. Code paths resolve against `base`.
pub(crate) fn load(
    reader: &mut ExportReader<'_>,
    yaml_file: &Path,
    snap: &mut TenantSnapshot,
) -> Result<()> {
    let (text, doc) = reader.read_value(yaml_file, Syntax::Yaml)?;
    let file = reader.rel(yaml_file);
    if !(doc.is_object() || doc.is_null()) {
        return Err(TenantError::Parse {
            file,
            line: Some(1),
            column: Some(1),
            message: "expected a mapping of Deploy CLI resource keys at the top level".into(),
        });
    }
    let base: PathBuf = reader.root().to_path_buf();
    let y = YamlDoc { text, doc, file };
    read_all(&y, reader, &base, snap)
}

fn read_all(
    y: &YamlDoc,
    reader: &mut ExportReader<'_>,
    base: &Path,
    snap: &mut TenantSnapshot,
) -> Result<()> {
    let bases = [base.to_path_buf()];
    if let Some(mut settings) = y.key::<crate::tenant::model::TenantSettings>("tenant")? {
        settings.file = y.file.clone();
        snap.settings = settings;
        snap.present.insert(DataKind::TenantSettings);
    }
    if let Some(mut clients) = y.list::<Client>("clients")? {
        clients
            .iter_mut()
            .for_each(|c| attach::client_login_page(reader, c, &bases));
        snap.clients = clients;
        snap.present.insert(DataKind::Clients);
    }
    if let Some(grants) = y.list("clientGrants")? {
        snap.client_grants = grants;
        snap.present.insert(DataKind::ClientGrants);
    }
    if let Some(apis) = y.list("resourceServers")? {
        snap.resource_servers = apis;
        snap.present.insert(DataKind::ResourceServers);
    }
    for key in ["connections", "databases"] {
        if let Some(mut conns) = y.list::<Connection>(key)? {
            for c in &mut conns {
                if key == "databases" && c.strategy.is_empty() {
                    c.strategy = "auth0".into();
                }
                attach::connection_scripts(reader, c, &bases);
            }
            snap.connections.extend(conns);
            snap.present.insert(DataKind::Connections);
        }
    }
    if let Some(mut actions) = y.list::<Action>("actions")? {
        actions
            .iter_mut()
            .for_each(|a| attach::action_code(reader, a, &bases));
        snap.actions = actions;
        snap.present.insert(DataKind::Actions);
    }
    if let Some(t) = y.key::<Triggers>("triggers")? {
        snap.triggers = t.0;
        snap.present.insert(DataKind::Triggers);
    }
    if let Some(mut rules) = y.list::<Rule>("rules")? {
        rules
            .iter_mut()
            .for_each(|r| attach::rule_script(reader, r, &bases));
        snap.rules = rules;
        snap.present.insert(DataKind::Rules);
    }
    if let Some(mut hooks) = y.list::<Hook>("hooks")? {
        hooks
            .iter_mut()
            .for_each(|h| attach::hook_script(reader, h, &bases));
        snap.hooks = hooks;
        snap.present.insert(DataKind::Hooks);
    }
    if let Some(roles) = y.list("roles")? {
        snap.roles = roles;
        snap.present.insert(DataKind::Roles);
    }
    if let Some(orgs) = y.list("organizations")? {
        snap.organizations = orgs;
        snap.present.insert(DataKind::Organizations);
    }
    if let Some(streams) = y.list("logStreams")? {
        snap.log_streams = streams;
        snap.present.insert(DataKind::LogStreams);
    }
    if let Some(domains) = y.list("customDomains")? {
        snap.custom_domains = domains;
        snap.present.insert(DataKind::CustomDomains);
    }
    read_protection(y, snap)?;
    if let Some(mut p) = y.key::<crate::tenant::model::EmailProvider>("emailProvider")? {
        p.file = y.file.clone();
        snap.email_provider = Some(p);
        snap.present.insert(DataKind::EmailProvider);
    }
    if let Some(mut templates) = y.list::<EmailTemplate>("emailTemplates")? {
        templates
            .iter_mut()
            .for_each(|t| attach::email_body(reader, t, &bases));
        snap.email_templates = templates;
        snap.present.insert(DataKind::EmailTemplates);
    }
    if let Some(mut p) = y.key::<crate::tenant::model::Prompts>("prompts")? {
        p.file = y.file.clone();
        snap.prompts = Some(p);
        snap.present.insert(DataKind::Prompts);
    }
    if let Some(v) = y.key::<Vec<Value>>("networkACLs")? {
        snap.network_acls = v;
        snap.present.insert(DataKind::NetworkAcls);
    }
    if let Some(v) = y.key::<Vec<Value>>("eventStreams")? {
        snap.event_streams = v;
        snap.present.insert(DataKind::EventStreams);
    }
    Ok(())
}

fn read_protection(y: &YamlDoc, snap: &mut TenantSnapshot) -> Result<()> {
    if y.doc.get("attackProtection").is_some() {
        snap.present.insert(DataKind::AttackProtection);
        let ap = &mut snap.attack_protection;
        ap.bot_detection = y.sub::<BotDetection>("attackProtection", "botDetection")?;
        ap.breached_password =
            y.sub::<BreachedPasswordDetection>("attackProtection", "breachedPasswordDetection")?;
        ap.brute_force =
            y.sub::<BruteForceProtection>("attackProtection", "bruteForceProtection")?;
        ap.captcha = y.sub::<Value>("attackProtection", "captcha")?;
        ap.suspicious_ip =
            y.sub::<SuspiciousIpThrottling>("attackProtection", "suspiciousIpThrottling")?;
    }
    let g = &mut snap.guardian;
    let mut any = false;
    if let Some(f) = y.key::<Vec<GuardianFactor>>("guardianFactors")? {
        g.factors = f;
        any = true;
    }
    if let Some(p) = y.key::<Vec<GuardianProvider>>("guardianFactorProviders")? {
        g.providers = p;
        any = true;
    }
    if let Some(p) = y.key::<Policies>("guardianPolicies")? {
        g.policies = p.policies;
        any = true;
    }
    if let Some(p) = y.key::<SelectedProvider>("guardianPhoneFactorSelectedProvider")? {
        g.phone_selected_provider = p.provider;
        any = true;
    }
    if let Some(m) = y.key::<MessageTypes>("guardianPhoneFactorMessageTypes")? {
        g.phone_message_types = m.message_types;
        any = true;
    }
    if any {
        snap.present.insert(DataKind::Guardian);
    }
    Ok(())
}
