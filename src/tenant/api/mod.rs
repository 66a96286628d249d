//! The live tenant reader: Management API -> [`TenantSnapshot`]. A client-credentials token
//! (cached, renewed) decides the plan (kinds the scopes allow; the rest are reported as
//! skipped), a paced client reads every planned kind with the fewest requests, and the data is
//! laid out in the Deploy CLI directory format ([`tree::ExportTree`]). `authpath export` writes
//! that tree; the live scan reads it with the export reader, so a live scan and a scan of an
//! export of the same tenant agree.

pub mod error;
pub mod fetch;
mod fetch_settings;
pub mod http;
pub mod pacing;
pub mod paging;
pub mod plan;
pub mod session;
pub mod token;
pub mod tree;
mod tree_code;
mod tree_settings;

use std::path::{Path, PathBuf};

pub use error::{LiveError, Result};
pub use fetch::{ProgressEvent, RawTenant, UserShapes};
pub use http::{ApiClient, ClientOptions, Counters};
pub use plan::{Plan, Skipped};
pub use session::{LiveTarget, read_snapshot};
pub use token::{Credentials, Endpoints};
pub use tree::ExportTree;

use crate::tenant::{
    KeywordMap, LoadWarning, SnapshotSource, TenantSnapshot, WarningEffect, load_export,
};

/// The outcome of reading a live tenant.
#[derive(Debug, Clone)]
pub struct LiveRead {
    /// The tenant in the Deploy CLI directory format.
    pub tree: ExportTree,
    /// Kinds not read and why.
    pub skipped: Vec<Skipped>,
    /// Shapes of the sampled users, when `read:users` was granted.
    pub users: Option<UserShapes>,
    /// Requests, 429s and retries of the run.
    pub counters: Counters,
}

/// Reads the tenant behind `api`: token, plan, every planned kind.
pub async fn read_tenant(
    api: &mut ApiClient,
    progress: &mut dyn FnMut(ProgressEvent),
) -> Result<LiveRead> {
    let scopes = api.token().await?.scopes.clone();
    let mut plan = Plan::for_scopes(&scopes);
    for s in &plan.skipped {
        progress(ProgressEvent::Skipped(kind_label(s.kind), s.reason.clone()));
    }
    let raw = fetch::fetch_all(api, &mut plan, progress).await?;
    let tree = tree::build(&raw, &plan.read);
    Ok(LiveRead {
        tree,
        skipped: plan.skipped,
        users: raw.users,
        counters: api.counters,
    })
}

fn kind_label(kind: crate::tenant::DataKind) -> &'static str {
    use crate::tenant::DataKind as K;
    match kind {
        K::Clients => "clients",
        K::ClientGrants => "client grants",
        K::ResourceServers => "APIs",
        K::Connections => "connections",
        K::Actions => "actions",
        K::Triggers => "trigger bindings",
        K::Rules => "rules",
        K::Hooks => "hooks",
        K::Roles => "roles",
        K::TenantSettings => "tenant settings",
        K::AttackProtection => "attack protection",
        K::Guardian => "MFA",
        K::CustomDomains => "custom domains",
        K::LogStreams => "log streams",
        K::EmailProvider => "email provider",
        K::EmailTemplates => "email templates",
        K::Prompts => "prompts",
        K::Organizations => "organizations",
        K::NetworkAcls => "network ACLs",
        K::EventStreams => "event streams",
    }
}

/// Writes `tree` under `dir` (created when missing).
pub fn write_tree(tree: &ExportTree, dir: &Path) -> Result<()> {
    let io = |p: &Path, source| LiveError::Write {
        path: p.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for d in &tree.dirs {
        let p = dir.join(d);
        std::fs::create_dir_all(&p).map_err(|e| io(&p, e))?;
    }
    for (rel, text) in &tree.files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
    }
    Ok(())
}

/// A private temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self> {
        let p = std::env::temp_dir().join(format!(
            "authpath-live-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&p).map_err(|source| LiveError::Write {
            path: p.display().to_string(),
            source,
        })?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The snapshot of a live read: the tree read back with the export reader (in a private
/// temporary directory), marked as API data of `domain`, with skipped kinds as warnings.
pub fn snapshot_of(read: &LiveRead, domain: &str) -> Result<TenantSnapshot> {
    let tmp = TempDir::new()?;
    write_tree(&read.tree, &tmp.0)?;
    let mut snap = load_export(&tmp.0, &KeywordMap::default())?;
    snap.source = SnapshotSource::Api {
        domain: domain.to_string(),
    };
    snap.domain = Some(domain.to_string());
    // The `##..._SECRET##` placeholders are this reader's own masks, not unresolved keywords.
    snap.warnings
        .retain(|w| w.effect != WarningEffect::ValueMasked);
    if snap
        .settings
        .friendly_name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty())
    {
        snap.tenant = domain.to_string();
    }
    for s in &read.skipped {
        snap.unread.insert(s.kind);
        snap.warnings.push(LoadWarning {
            file: "api".into(),
            line: None,
            message: format!("{} not read: {}", kind_label(s.kind), s.reason),
            effect: WarningEffect::DataMissing,
        });
    }
    Ok(snap)
}
