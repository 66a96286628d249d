//! The scan Job's entry point (`authpath scan --integration NS/NAME --write-findings`): read the
//! integration, load its credentials from the files the operator mounted, read the tenant, run
//! every rule, and sync the `Auth0Finding` resources with server-side apply. Findings are resolved
//! or deleted only after a complete scan; a partial scan exits non-zero.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};

use super::SCAN_MANAGER;
use super::build::{CREDENTIALS_DIR, CREDENTIALS_DIR_ENV, JOB_NAME_ENV};
use super::credentials::ClientCredentials;
use super::finding_object::{finding_object, label_value};
use super::findings_sync::{ExistingFinding, ScanResult, SyncPlan, plan};
use super::scan_report;
use crate::checks;
use crate::crd::{Auth0Finding, Auth0Integration, LABEL_INTEGRATION};
use crate::tenant::api::{Credentials, LiveTarget, ProgressEvent, read_snapshot};
use crate::tenant::{DataKind, KeywordMap, TenantSnapshot, load_export};

/// Environment variable naming a Deploy CLI export to scan instead of the live tenant (tests,
/// air-gapped use).
pub const EXPORT_DIR_ENV: &str = "AUTHPATH_SCAN_EXPORT_DIR";
/// Exit code of a scan that ran but could not read everything.
pub const EXIT_PARTIAL: u8 = 3;

/// Why the scan Job failed.
#[derive(Debug, thiserror::Error)]
pub enum ScanJobError {
    #[error("--integration must be NAMESPACE/NAME, got {0:?}")]
    BadReference(String),
    #[error("kubernetes: {call}")]
    Kube {
        call: &'static str,
        #[source]
        source: kube::Error,
    },
    #[error("kubeconfig / in-cluster config")]
    Config(#[source] kube::Error),
    #[error("credentials file {0} is missing or empty")]
    Credentials(PathBuf),
    #[error("reading the tenant: {0}")]
    Tenant(String),
}

fn kube_err(call: &'static str) -> impl FnOnce(kube::Error) -> ScanJobError {
    move |source| ScanJobError::Kube { call, source }
}

/// What the Job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanJobOutcome {
    /// From the readers' structured [`crate::tenant::ReadOutcome`], never from warning text.
    pub complete: bool,
    /// Kinds that could not be read (a partial scan).
    pub missing: Vec<DataKind>,
    pub applied: usize,
    pub resolved: usize,
    pub deleted: usize,
}

/// Splits `NAMESPACE/NAME`.
pub fn parse_reference(reference: &str) -> Result<(String, String), ScanJobError> {
    match reference.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
            Ok((ns.to_string(), name.to_string()))
        }
        _ => Err(ScanJobError::BadReference(reference.to_string())),
    }
}

/// Reads `clientId` / `clientSecret` from the mounted credentials directory.
pub fn read_credentials_dir(dir: &Path) -> Result<ClientCredentials, ScanJobError> {
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path)
            .ok()
            .map(|v| v.trim_end_matches(['\n', '\r']).to_string())
            .filter(|v| !v.is_empty())
            .ok_or(ScanJobError::Credentials(path))
    };
    Ok(ClientCredentials {
        client_id: read("clientId")?,
        client_secret: read("clientSecret")?,
    })
}

/// Environment variable with a base URL that every Management API request goes to instead of
/// the tenant (an emulator in tests); the same variable `authpath scan --tenant` honours.
pub const API_BASE_ENV: &str = "AUTH0_API_BASE";

/// Reads the tenant: the live Management API with the Job's credentials, or a Deploy CLI export
/// named by [`EXPORT_DIR_ENV`] (tests and air-gapped use).
async fn load_snapshot(
    integration: &Auth0Integration,
    credentials: ClientCredentials,
) -> Result<TenantSnapshot, ScanJobError> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV) {
        return load_export(Path::new(&dir), &KeywordMap::default())
            .map_err(|e| ScanJobError::Tenant(e.to_string()));
    }
    let spec = &integration.spec;
    // `spec.tenant.domain` may be an http(s) base URL (emulators): then it is also the API base.
    let (domain, url_base) = match spec.tenant.domain.split_once("://") {
        Some((_, rest)) => (
            rest.trim_end_matches('/').to_string(),
            Some(spec.tenant.domain.clone()),
        ),
        None => (spec.tenant.domain.clone(), None),
    };
    let target = LiveTarget {
        domain,
        custom_domain: spec.tenant.custom_domain.clone(),
        api_base: std::env::var(API_BASE_ENV).ok().or(url_base),
        max_rps: (spec.scan.max_requests_per_second > 0)
            .then_some(f64::from(spec.scan.max_requests_per_second)),
        deadline: std::time::Duration::from(spec.scan.timeout),
    };
    let creds = Credentials {
        client_id: credentials.client_id,
        client_secret: credentials.client_secret,
    };
    let mut progress = |event: ProgressEvent| match event {
        ProgressEvent::Finished(what, n) => tracing::info!(kind = what, count = n, "read"),
        ProgressEvent::Skipped(what, why) => tracing::warn!(kind = what, reason = %why, "skipped"),
        ProgressEvent::Started(_) => {}
    };
    let (read, snapshot) = read_snapshot(&target, creds, &mut progress)
        .await
        .map_err(|e| ScanJobError::Tenant(e.to_string()))?;
    let c = read.counters;
    tracing::info!(
        requests = c.requests,
        rate_limited = c.rate_limited,
        retries = c.retries,
        "tenant read"
    );
    Ok(snapshot)
}

/// Runs the scan for `reference` and, with `write_findings`, syncs the findings.
pub async fn run(reference: &str, write_findings: bool) -> Result<ScanJobOutcome, ScanJobError> {
    let (namespace, name) = parse_reference(reference)?;
    let client = kube::Client::try_default()
        .await
        .map_err(ScanJobError::Config)?;
    let integrations = Api::<Auth0Integration>::namespaced(client.clone(), &namespace);
    let integration = integrations
        .get(&name)
        .await
        .map_err(kube_err("get Auth0Integration"))?;
    let dir = std::env::var_os(CREDENTIALS_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(CREDENTIALS_DIR));
    let credentials = read_credentials_dir(&dir)?;
    let job = std::env::var(JOB_NAME_ENV).ok().filter(|j| !j.is_empty());
    let report_as = job.as_deref().filter(|_| write_findings);
    let snapshot = match load_snapshot(&integration, credentials).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            if let Some(job) = report_as {
                scan_report::publish(
                    &integrations,
                    &name,
                    &scan_report::of_failure(job, &e.to_string()),
                )
                .await;
            }
            return Err(e);
        }
    };
    let now = jiff::Timestamp::now();
    let output = checks::scan(&snapshot, &now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    let report = output.report;
    let read = snapshot.read_outcome();
    let complete = read.complete;
    tracing::info!(
        findings = report.findings.len(),
        complete,
        missing = ?read.missing,
        problems = read.problems.len(),
        "scan finished"
    );
    for problem in &read.problems {
        tracing::warn!(problem = %problem, "data missing from the read");
    }
    if let Some(job) = report_as {
        scan_report::publish(&integrations, &name, &scan_report::of_read(job, &read)).await;
    }
    if !write_findings {
        return Ok(ScanJobOutcome {
            complete,
            missing: read.missing,
            applied: 0,
            resolved: 0,
            deleted: 0,
        });
    }
    let findings = Api::<Auth0Finding>::namespaced(client.clone(), &namespace);
    let selector = format!("{LABEL_INTEGRATION}={}", label_value(&name));
    let existing: Vec<ExistingFinding> = findings
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(kube_err("list Auth0Findings"))?
        .items
        .into_iter()
        .filter(|f| f.spec.integration == name)
        .map(|f| ExistingFinding {
            name: f.name_any(),
            spec: f.spec,
            status: f.status.unwrap_or_default(),
        })
        .collect();
    let scan = ScanResult {
        findings: &report.findings,
        complete,
        not_evaluated: report
            .not_evaluated
            .iter()
            .map(|n| n.rule.clone())
            .collect::<BTreeSet<_>>(),
    };
    let spec = &integration.spec.findings;
    let sync = plan(
        &name,
        &existing,
        &scan,
        spec.min_severity,
        spec.resolved_retention.into(),
        now,
    );
    let mut outcome = apply_plan(&findings, &integrations, &integration, &sync, complete).await?;
    outcome.missing = read.missing;
    Ok(outcome)
}

/// The CLI edge: runs [`run`] on a new runtime and maps the outcome to an exit code (0 complete,
/// [`EXIT_PARTIAL`] partial; errors become exit 2 through the caller).
pub fn run_cli(reference: &str, write_findings: bool) -> anyhow::Result<u8> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = tokio::runtime::Runtime::new()?;
    let outcome = runtime.block_on(run(reference, write_findings))?;
    eprintln!(
        "authpath: scan of {reference}: {} findings applied, {} resolved, {} deleted{}",
        outcome.applied,
        outcome.resolved,
        outcome.deleted,
        if outcome.complete {
            String::new()
        } else if outcome.missing.is_empty() {
            " (partial scan: nothing resolved)".to_string()
        } else {
            format!(
                " (partial scan, not read: {:?}; nothing resolved)",
                outcome.missing
            )
        }
    );
    Ok(if outcome.complete { 0 } else { EXIT_PARTIAL })
}

async fn apply_plan(
    findings: &Api<Auth0Finding>,
    integrations: &Api<Auth0Integration>,
    integration: &Auth0Integration,
    sync: &SyncPlan,
    complete: bool,
) -> Result<ScanJobOutcome, ScanJobError> {
    let params = PatchParams::apply(SCAN_MANAGER).force();
    for (name, spec) in &sync.apply_spec {
        let object = finding_object(integration, name, spec.clone());
        findings
            .patch(name, &params, &Patch::Apply(&object))
            .await
            .map_err(kube_err("apply Auth0Finding"))?;
    }
    let mut resolved = 0;
    for (name, status) in &sync.apply_status {
        if status.state == Some(crate::crd::FindingState::Resolved) {
            resolved += 1;
        }
        let patch = serde_json::json!({
            "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Finding", "status": status
        });
        findings
            .patch_status(name, &params, &Patch::Apply(&patch))
            .await
            .map_err(kube_err("apply Auth0Finding status"))?;
    }
    for name in &sync.delete {
        match findings.delete(name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 404 => {}
            Err(source) => {
                return Err(ScanJobError::Kube {
                    call: "delete Auth0Finding",
                    source,
                });
            }
        }
    }
    if complete {
        let patch = serde_json::json!({
            "apiVersion": "authpath.dev/v1alpha1", "kind": "Auth0Integration",
            "status": {"findings": sync.open_counts}
        });
        integrations
            .patch_status(&integration.name_any(), &params, &Patch::Apply(&patch))
            .await
            .map_err(kube_err("apply Auth0Integration status.findings"))?;
    }
    Ok(ScanJobOutcome {
        complete,
        missing: Vec::new(),
        applied: sync.apply_spec.len(),
        resolved,
        deleted: sync.delete.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_need_namespace_and_name() {
        assert_eq!(
            parse_reference("team-a/prod").unwrap(),
            ("team-a".into(), "prod".into())
        );
        for bad in ["prod", "/prod", "team-a/", "a/b/c"] {
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_files_are_read_and_missing_ones_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("clientId"), "id\n").unwrap();
        let err = read_credentials_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains("clientSecret"));
        std::fs::write(dir.path().join("clientSecret"), "planted").unwrap();
        let creds = read_credentials_dir(dir.path()).unwrap();
        assert_eq!(creds.client_id, "id");
    }
}
