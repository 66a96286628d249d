//! Reader for Auth0 Deploy CLI exports, directory and YAML formats, into a [`TenantSnapshot`].
//! Keyword markers are applied to every file before parsing; objects keep the export-relative
//! file they came from; code files resolve against the roots each format uses.

mod attach;
mod directory;
pub(crate) mod parse;
pub(crate) mod reader;
mod yaml;

use std::path::{Path, PathBuf};

use crate::tenant::error::{Result, TenantError};
use crate::tenant::keywords::KeywordMap;
use crate::tenant::model::{ExportFormat, SnapshotSource, TenantSnapshot};
use crate::tenant::names::resolve_references;
use reader::ExportReader;

/// Keyword whose string value, when given, is taken as the tenant's canonical domain.
pub const DOMAIN_KEYWORD: &str = "AUTH0_DOMAIN";

/// Where an export lives and in which format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLocation {
    /// Directory code paths resolve against (the export root, or the YAML file's directory).
    pub root: PathBuf,
    pub format: ExportFormat,
    /// The YAML file, for the YAML format.
    pub yaml_file: Option<PathBuf>,
}

/// Finds the export at `path`: a directory-format export, a `tenant.yaml`/`tenant.yml` file,
/// or a directory holding one.
pub fn detect_export(path: &Path) -> Result<ExportLocation> {
    let not_export = |reason: &str| TenantError::NotAnExport {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if !path.exists() {
        return Err(not_export("no such file or directory"));
    }
    if path.is_file() {
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_yaml {
            return Err(not_export("a file that is not a .yaml/.yml export"));
        }
        let root = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        return Ok(ExportLocation {
            root,
            format: ExportFormat::Yaml,
            yaml_file: Some(path.to_path_buf()),
        });
    }
    for name in ["tenant.yaml", "tenant.yml"] {
        let candidate = path.join(name);
        if candidate.is_file() {
            return Ok(ExportLocation {
                root: path.to_path_buf(),
                format: ExportFormat::Yaml,
                yaml_file: Some(candidate),
            });
        }
    }
    if directory::is_directory_export(path) {
        return Ok(ExportLocation {
            root: path.to_path_buf(),
            format: ExportFormat::Directory,
            yaml_file: None,
        });
    }
    Err(not_export(
        "found no tenant.json, tenant.yaml or resource folder such as clients/ or actions/",
    ))
}

/// Loads the Deploy CLI export at `path` (directory or YAML format), applying `keywords`.
pub fn load_export(path: &Path, keywords: &KeywordMap) -> Result<TenantSnapshot> {
    let location = detect_export(path)?;
    let mut reader = ExportReader::new(&location.root, keywords);
    let mut snap = TenantSnapshot {
        source: SnapshotSource::Export {
            root: location.root.clone(),
            format: location.format,
        },
        ..TenantSnapshot::default()
    };
    match (&location.format, &location.yaml_file) {
        (ExportFormat::Yaml, Some(file)) => yaml::load(&mut reader, file, &mut snap)?,
        _ => directory::load(&mut reader, &mut snap)?,
    }
    snap.warnings = std::mem::take(&mut reader.warnings);
    snap.domain = keywords
        .get(DOMAIN_KEYWORD)
        .and_then(|v| v.as_str())
        .map(|d| {
            d.trim()
                .trim_start_matches("https://")
                .trim_end_matches('/')
                .to_string()
        })
        .filter(|d| !d.is_empty());
    snap.tenant = tenant_name(&snap, &location);
    resolve_references(&mut snap);
    sort_collections(&mut snap);
    Ok(snap)
}

fn tenant_name(snap: &TenantSnapshot, location: &ExportLocation) -> String {
    if let Some(name) = snap
        .settings
        .friendly_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        return name.to_string();
    }
    if let Some(domain) = &snap.domain {
        return domain.clone();
    }
    let dir = location
        .root
        .canonicalize()
        .unwrap_or_else(|_| location.root.clone());
    dir.file_name().map_or_else(
        || "tenant".to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Orders every collection by name so both formats (and any file order) give equal snapshots.
/// Trigger bindings keep their execution order.
fn sort_collections(s: &mut TenantSnapshot) {
    s.clients.sort_by(|a, b| a.name.cmp(&b.name));
    s.client_grants
        .sort_by(|a, b| (&a.client, &a.audience).cmp(&(&b.client, &b.audience)));
    s.resource_servers
        .sort_by(|a, b| (&a.name, &a.identifier).cmp(&(&b.name, &b.identifier)));
    s.connections.sort_by(|a, b| a.name.cmp(&b.name));
    s.actions.sort_by(|a, b| a.name.cmp(&b.name));
    s.rules
        .sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
    s.hooks.sort_by(|a, b| a.name.cmp(&b.name));
    s.roles.sort_by(|a, b| a.name.cmp(&b.name));
    s.organizations.sort_by(|a, b| a.name.cmp(&b.name));
    s.log_streams.sort_by(|a, b| a.name.cmp(&b.name));
    s.custom_domains.sort_by(|a, b| a.domain.cmp(&b.domain));
    s.email_templates
        .sort_by(|a, b| a.template.cmp(&b.template));
    s.guardian.factors.sort_by(|a, b| a.name.cmp(&b.name));
    s.guardian
        .providers
        .sort_by(|a, b| (&a.name, &a.provider).cmp(&(&b.name, &b.provider)));
}
