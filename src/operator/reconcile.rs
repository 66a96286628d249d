//! One reconcile of an `Auth0Integration`: validate, resolve credentials, look at the scan Jobs,
//! start a scan when one is due, keep the receiver, then write status only if it changed.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::runtime::events::{Event, EventType};
use kube::{Resource, ResourceExt};

use super::OPERATOR_MANAGER;
use super::build::{self, receiver::receiver_endpoint};
use super::children;
use super::context::Context;
use super::credentials::{ClientCredentials, CredentialsError, secret};
use super::error::{OperatorError, backoff, kube_call};
use super::jobs_view::{self, JobsView};
use super::metrics::{IntegrationLabel, OutcomeLabel, SeverityLabel};
use super::scan_status::{last_scan, scan_condition};
use super::schedule::{ScanDecision, ScanInputs, decide};
use super::status::{
    ConditionState, merge_conditions, ready_from, same_ignoring_time, transitions,
};
use super::validate::validate;
use crate::crd::{
    Auth0Integration, Auth0IntegrationStatus, ConditionType, RESCAN_ANNOTATION, ReceiverStatus,
    ScanOutcome,
};

/// Requeue while a scan runs (Job changes also wake the controller through `owns`).
const RUNNING_REQUEUE: Duration = Duration::from_secs(60);
const BACKOFF_BASE: Duration = Duration::from_secs(5);
const BACKOFF_CAP: Duration = Duration::from_secs(300);

async fn resolve_credentials(
    ctx: &Context,
    integration: &Auth0Integration,
    namespace: &str,
) -> Result<ClientCredentials, CredentialsError> {
    let creds = &integration.spec.credentials;
    match (&creds.secret_ref, &creds.vault) {
        (Some(secret_ref), _) => secret::read_credentials(&ctx.client, namespace, secret_ref).await,
        (None, Some(vault)) => {
            ctx.vault
                .read_credentials(
                    &ctx.client,
                    namespace,
                    &integration.spec.scan.service_account_name,
                    vault,
                )
                .await
        }
        (None, None) => Err(CredentialsError::VaultSetup("no credentials source".into())),
    }
}

/// Reconciles one integration.
pub async fn reconcile(
    integration: Arc<Auth0Integration>,
    ctx: Arc<Context>,
) -> Result<Action, OperatorError> {
    let _timer = ctx.metrics.time_reconcile();
    let (name, namespace) = build::name_and_namespace(&integration)?;
    let uid = integration.uid().unwrap_or_default();
    let generation = integration.metadata.generation.unwrap_or(0);
    let previous = integration.status.clone().unwrap_or_default();
    let mut status = Auth0IntegrationStatus {
        observed_generation: Some(generation),
        last_rescan_request: previous.last_rescan_request.clone(),
        last_scanned_generation: previous.last_scanned_generation,
        receiver: previous.receiver.clone(),
        ..Default::default()
    };

    let problems = validate(&integration.spec);
    if !problems.is_empty() {
        let message = format!("change the spec: {}", problems.join("; "));
        let states = [
            ConditionState::new(ConditionType::Ready, false, "InvalidSpec", message.clone()),
            ConditionState::new(
                ConditionType::CredentialsReady,
                false,
                "InvalidSpec",
                message,
            ),
        ];
        status.last_scan = previous.last_scan.clone();
        write_status(&ctx, &integration, &previous, status, &states).await?;
        ctx.reset_failures(&uid);
        return Ok(Action::await_change());
    }

    let jobs = children::list_scan_jobs(&ctx, &namespace, &name).await?;
    let view = jobs_view::view(&jobs, ctx.settings.job_history);
    children::clean_up(
        &ctx,
        &namespace,
        &name,
        view.active.as_deref(),
        &view.expired,
    )
    .await?;
    record_scan_metrics(&ctx, &integration, &view, &previous);

    let credentials = resolve_credentials(&ctx, &integration, &namespace).await;
    let creds_state = match &credentials {
        Ok(_) => ConditionState::new(
            ConditionType::CredentialsReady,
            true,
            "CredentialsResolved",
            "client credentials were read",
        ),
        Err(e) => ConditionState::new(
            ConditionType::CredentialsReady,
            false,
            e.reason(),
            e.to_string(),
        ),
    };

    let now = (ctx.clock)();
    let inputs = ScanInputs {
        generation,
        interval: integration.spec.scan.interval.into(),
        suspend: integration.spec.scan.suspend,
        rescan_annotation: integration
            .annotations()
            .get(RESCAN_ANNOTATION)
            .map(String::as_str),
        last_rescan_request: previous.last_rescan_request.as_deref(),
        last_scanned_generation: previous.last_scanned_generation,
        last_scan_start: view.last_start,
        job_active: view.active.is_some(),
        now,
    };
    let decision = decide(&inputs);
    let mut view = view;
    let mut requeue = match &decision {
        ScanDecision::Running => RUNNING_REQUEUE,
        ScanDecision::WaitFor(d) => *d,
        ScanDecision::Suspended => Duration::from_secs(3600),
        ScanDecision::Start { .. } => RUNNING_REQUEUE,
    };
    if let (ScanDecision::Start { trigger, reason }, Ok(creds)) = (&decision, &credentials) {
        // A Job for this trigger already exists when our own status write has not reached the
        // cache yet, or after an operator restart: record the trigger, never start it twice.
        let job_name = super::names::scan_job(&name, trigger);
        let exists = jobs
            .iter()
            .any(|j| j.metadata.name.as_deref() == Some(job_name.as_str()));
        if !exists {
            let job = children::start_scan(&ctx, &integration, trigger, creds).await?;
            publish(
                &ctx,
                &integration,
                EventType::Normal,
                "ScanStarted",
                reason,
                format!("started scan Job {job} ({reason})"),
            )
            .await;
            view.active = Some(job);
            view.active_start = Some(now);
        }
        if let Some(value) = inputs.rescan_annotation {
            status.last_rescan_request = Some(value.to_string());
        }
        status.last_scanned_generation = Some(generation);
    }

    let receiver_state = if integration.spec.log_stream.enabled {
        let state = children::apply_receiver(&ctx, &integration).await?;
        status.receiver = Some(ReceiverStatus {
            endpoint: receiver_endpoint(&name, &namespace),
            token_secret_name: super::names::receiver_token_secret(&name),
        });
        ConditionState::new(
            ConditionType::ReceiverReady,
            state.available,
            if state.available {
                "ReceiverAvailable"
            } else {
                "ReceiverUnavailable"
            },
            state.detail,
        )
    } else {
        children::remove_receiver(&ctx, &integration).await?;
        status.receiver = None;
        ConditionState::new(
            ConditionType::ReceiverReady,
            true,
            "NotEnabled",
            "spec.logStream.enabled is false",
        )
    };

    status.last_scan = last_scan(&view, previous.last_scan.as_ref());
    let parts = [
        creds_state,
        scan_condition(&view, previous.scan_report.as_ref()),
        receiver_state,
    ];
    let mut states = vec![ready_from(&parts)];
    states.extend(parts);
    write_status(&ctx, &integration, &previous, status, &states).await?;

    match credentials {
        Err(e) if e.is_transient() => {
            let failures = ctx.record_failure(&uid);
            requeue = backoff(failures, BACKOFF_BASE, BACKOFF_CAP);
        }
        Err(_) => requeue = requeue.min(BACKOFF_CAP),
        Ok(_) => ctx.reset_failures(&uid),
    }
    Ok(Action::requeue(requeue))
}

fn record_scan_metrics(
    ctx: &Context,
    integration: &Auth0Integration,
    view: &JobsView,
    previous: &Auth0IntegrationStatus,
) {
    let namespace = integration.namespace().unwrap_or_default();
    let name = integration.name_any();
    if let (Some(f), Some(last)) = (&view.latest_finished, &previous.last_scan)
        && last.job.as_deref() == Some(f.job.as_str())
        && last.outcome == Some(ScanOutcome::Running)
    {
        let outcome = if f.succeeded { "Succeeded" } else { "Failed" };
        ctx.metrics
            .scans
            .get_or_create(&OutcomeLabel {
                outcome: outcome.to_string(),
            })
            .inc();
    }
    if let Some(counts) = previous.findings {
        for (severity, n) in [
            ("critical", counts.critical),
            ("high", counts.high),
            ("medium", counts.medium),
            ("low", counts.low),
            ("info", counts.info),
        ] {
            let label = SeverityLabel {
                namespace: namespace.clone(),
                integration: name.clone(),
                severity: severity.to_string(),
            };
            ctx.metrics.findings.get_or_create(&label).set(i64::from(n));
        }
    }
    if let Some(requests) = previous.last_scan.as_ref().and_then(|l| l.requests) {
        let label = IntegrationLabel {
            namespace,
            integration: name,
        };
        ctx.metrics
            .auth0_requests
            .get_or_create(&label)
            .set(i64::try_from(requests).unwrap_or(i64::MAX));
    }
}

/// Patches status when it differs (ignoring timestamps); emits Events for condition transitions.
async fn write_status(
    ctx: &Context,
    integration: &Auth0Integration,
    previous: &Auth0IntegrationStatus,
    mut status: Auth0IntegrationStatus,
    states: &[ConditionState],
) -> Result<(), OperatorError> {
    let generation = integration.metadata.generation.unwrap_or(0);
    status.conditions = merge_conditions(
        &previous.conditions,
        states,
        generation,
        Time((ctx.clock)()),
    );
    status.findings = previous.findings;
    status.scan_report = previous.scan_report.clone();
    if let (Some(new), Some(old)) = (&mut status.last_scan, &previous.last_scan)
        && new.job == old.job
    {
        new.requests = old.requests;
    }
    if same_ignoring_time(previous, &status) {
        return Ok(());
    }
    for changed in transitions(&previous.conditions, &status.conditions) {
        let kind = if changed.status == "True" {
            EventType::Normal
        } else {
            EventType::Warning
        };
        let note = format!(
            "{} is {}: {}",
            changed.type_, changed.status, changed.message
        );
        publish(ctx, integration, kind, &changed.reason, "Reconcile", note).await;
    }
    // The scan Job owns `findings`, `scanReport` and `lastScan.requests`: leave them out of our
    // apply.
    status.findings = None;
    status.scan_report = None;
    if let Some(last) = &mut status.last_scan {
        last.requests = None;
    }
    let api = Api::<Auth0Integration>::namespaced(
        ctx.client.clone(),
        &integration.namespace().unwrap_or_default(),
    );
    let patch = serde_json::json!({
        "apiVersion": "authpath.dev/v1alpha1",
        "kind": "Auth0Integration",
        "status": status,
    });
    ctx.metrics.status_writes.inc();
    api.patch_status(
        &integration.name_any(),
        &PatchParams::apply(OPERATOR_MANAGER).force(),
        &Patch::Apply(&patch),
    )
    .await
    .map_err(kube_call("patch Auth0Integration status"))?;
    Ok(())
}

async fn publish(
    ctx: &Context,
    integration: &Auth0Integration,
    type_: EventType,
    reason: &str,
    action: &str,
    note: String,
) {
    let event = Event {
        type_,
        reason: reason.to_string(),
        note: Some(super::status::truncate(note, 1024)),
        action: action.to_string(),
        secondary: None,
    };
    if let Err(e) = ctx
        .recorder
        .publish(&event, &integration.object_ref(&()))
        .await
    {
        tracing::warn!(error = %e, "publishing an Event failed");
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
