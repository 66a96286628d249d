//! The [`TenantSnapshot`]: everything authpath knows about one tenant, with objects referred to
//! by display name, plus where it came from and which kinds of data the source provided.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::api::{ResourceServer, Role};
use super::client::{Client, ClientGrant};
use super::code::{Action, Hook, Rule, TriggerBinding};
use super::connection::Connection;
use super::delivery::{CustomDomain, EmailProvider, EmailTemplate, LogStream};
use super::organization::{Organization, Prompts};
use super::protection::{AttackProtection, Guardian};
use super::settings::TenantSettings;

/// The format of a Deploy CLI export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One JSON file per resource (`tenant.json`, `clients/`, `grants/`, ...).
    Directory,
    /// A single `tenant.yaml` plus code files beside it.
    Yaml,
}

/// Where a snapshot was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotSource {
    /// A Deploy CLI export on disk. `root` is the directory that code paths resolve against.
    Export {
        /// Export root directory.
        root: PathBuf,
        /// Directory or YAML format.
        format: ExportFormat,
    },
    /// The live Management API of `domain`.
    Api {
        /// Tenant domain, e.g. `acme.eu.auth0.com`.
        domain: String,
    },
}

impl Default for SnapshotSource {
    fn default() -> Self {
        SnapshotSource::Api {
            domain: String::new(),
        }
    }
}

/// A kind of tenant data; `TenantSnapshot::present` says which kinds a source actually provided,
/// so a check never mistakes "not exported / no scope" for "empty".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Clients,
    ClientGrants,
    ResourceServers,
    Connections,
    Actions,
    Triggers,
    Rules,
    Hooks,
    Roles,
    TenantSettings,
    AttackProtection,
    Guardian,
    CustomDomains,
    LogStreams,
    EmailProvider,
    EmailTemplates,
    Prompts,
    Organizations,
    NetworkAcls,
    EventStreams,
}

impl DataKind {
    /// Every kind, in declaration order.
    pub const ALL: [DataKind; 20] = [
        DataKind::Clients,
        DataKind::ClientGrants,
        DataKind::ResourceServers,
        DataKind::Connections,
        DataKind::Actions,
        DataKind::Triggers,
        DataKind::Rules,
        DataKind::Hooks,
        DataKind::Roles,
        DataKind::TenantSettings,
        DataKind::AttackProtection,
        DataKind::Guardian,
        DataKind::CustomDomains,
        DataKind::LogStreams,
        DataKind::EmailProvider,
        DataKind::EmailTemplates,
        DataKind::Prompts,
        DataKind::Organizations,
        DataKind::NetworkAcls,
        DataKind::EventStreams,
    ];
}

/// Source code (or HTML) that belongs to a tenant object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceText {
    /// Export-relative path, `/` separated (e.g. `actions/Grant Admin/code.js`); for live API
    /// data a synthetic path such as `api/actions/<name>/code.js`.
    pub path: String,
    /// The text, with keyword markers already applied.
    pub text: String,
}

/// What a [`LoadWarning`] means for the completeness of a read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningEffect {
    /// Data the rules read is missing or could not be read (a code file, an endpoint, a kind).
    #[default]
    DataMissing,
    /// Only a value hidden behind a Deploy CLI keyword marker is unknown; the object is there
    /// (such values are masked secrets the rules never read).
    ValueMasked,
}

/// A non-fatal problem met while loading (missing code file, unresolved keyword marker, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadWarning {
    /// Export-relative path of the file concerned.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
    /// Whether data is missing because of it.
    #[serde(default)]
    pub effect: WarningEffect,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Everything read from one tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantSnapshot {
    /// Display name: `settings.friendly_name`, else the export directory / domain name.
    pub tenant: String,
    /// Canonical domain when known.
    pub domain: Option<String>,
    /// Where the snapshot came from.
    pub source: SnapshotSource,
    /// Which kinds the source actually provided.
    pub present: BTreeSet<DataKind>,
    /// Kinds the source should have provided but could not read (a live read refused by the
    /// scopes, for example). Absent from `present` too.
    #[serde(default)]
    pub unread: BTreeSet<DataKind>,
    pub settings: TenantSettings,
    pub clients: Vec<Client>,
    pub client_grants: Vec<ClientGrant>,
    pub resource_servers: Vec<ResourceServer>,
    /// All strategies, database ones (`auth0`) included.
    pub connections: Vec<Connection>,
    pub actions: Vec<Action>,
    /// Trigger id -> bindings in execution order.
    pub triggers: BTreeMap<String, Vec<TriggerBinding>>,
    pub rules: Vec<Rule>,
    pub hooks: Vec<Hook>,
    pub roles: Vec<Role>,
    pub attack_protection: AttackProtection,
    pub guardian: Guardian,
    pub custom_domains: Vec<CustomDomain>,
    pub log_streams: Vec<LogStream>,
    pub organizations: Vec<Organization>,
    pub email_provider: Option<EmailProvider>,
    pub email_templates: Vec<EmailTemplate>,
    pub prompts: Option<Prompts>,
    pub network_acls: Vec<serde_json::Value>,
    pub event_streams: Vec<serde_json::Value>,
    /// Non-fatal problems met while loading.
    pub warnings: Vec<LoadWarning>,
}
