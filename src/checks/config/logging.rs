//! Logging and event delivery: whether tenant logs leave Auth0 at all (log streams) and stay
//! flowing (status), whether the streams' category filters drop the events detections need,
//! whether a sink receives them over cleartext or unverified TLS, and whether event streams
//! exist and are enabled. A stream without a recorded status counts as active; secret-bearing
//! sink fields are never read.

use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::{ObjectKind, ObjectRef, Severity};
use crate::tenant::LogStream;

use super::support::{config_rule, evidence, file_or, list, tenant_ref};
use super::urls::{UrlIssue, url_issues};

config_rule!(LOG_STREAM {
    id: "logging.no-active-log-stream",
    title: "Tenant logs are not streamed out, or a stream has stopped",
    severity: Medium,
    category: Logging,
    needs: [LogStreams],
    reads: ["log_streams.status", "log_streams.type"],
    condition: "The tenant has no log stream (logs live only for the plan's retention), or a stream's status is not active (paused, suspended).",
    remediation: "Stream tenant logs to a SIEM or log store you keep, and re-activate suspended streams.",
    matches: ["CM:checkLogStream", "PRC-N log-streaming"],
    eval: eval_log_stream,
});

config_rule!(STREAM_COVERAGE {
    id: "logging.stream-drops-security-events",
    title: "Log streams drop security-relevant events or send them insecurely",
    severity: Medium,
    category: Logging,
    needs: [LogStreams],
    reads: [
        "log_streams.filters",
        "log_streams.status",
        "log_streams.sink.httpEndpoint",
        "log_streams.sink.splunkSecure"
    ],
    condition: "Together the active streams' category filters leave out failed or successful logins, token exchanges or Management API changes (an empty filter list streams everything); or a stream posts to a cleartext http:// endpoint or skips Splunk TLS verification.",
    remediation: "Stream at least auth.login.*, auth.token_exchange.success and management.success, over https with certificate verification.",
    matches: ["GAP stream-filters"],
    eval: eval_coverage,
});

config_rule!(EVENT_STREAMS {
    id: "logging.event-streams",
    title: "No enabled event stream",
    severity: Info,
    category: Logging,
    needs: [EventStreams],
    reads: ["event_streams.status", "event_streams.name"],
    condition: "The tenant has no event stream, or a stream's status is not enabled.",
    remediation: "Subscribe a webhook or EventBridge destination to user lifecycle events and keep it enabled.",
    matches: ["CM:checkEventStreams"],
    eval: eval_event_streams,
});

/// Categories detections rely on: login failures and successes, token issuance and
/// Management API changes.
const SECURITY_CATEGORIES: [&str; 4] = [
    "auth.login.fail",
    "auth.login.success",
    "auth.token_exchange.success",
    "management.success",
];

fn stream_ref(l: &LogStream) -> ObjectRef {
    ObjectRef::new(ObjectKind::LogStream, l.name.clone())
}

fn stream_file(l: &LogStream) -> String {
    file_or(&l.file, "log-streams", &l.name)
}

fn is_active(l: &LogStream) -> bool {
    matches!(l.status.as_deref(), None | Some("active"))
}

fn eval_log_stream(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if s.log_streams.is_empty() {
        return vec![
            Hit::new(
                vec![tenant_ref(s)],
                "No log stream: tenant logs are kept only for the plan's retention period and reach no SIEM.",
            )
            .with_evidence(evidence("log-streams", "log streams: (none)")),
        ];
    }
    s.log_streams
        .iter()
        .filter(|l| !is_active(l))
        .map(|l| {
            let status = l.status.as_deref().unwrap_or_default();
            Hit::new(
                vec![stream_ref(l)],
                format!(
                    "Log stream \"{}\" ({}) is {status}: no logs are delivered through it.",
                    l.name,
                    l.kind.as_deref().unwrap_or("unknown type")
                ),
            )
            .with_evidence(evidence(&stream_file(l), format!("status: {status}")))
        })
        .collect()
}

/// The categories a stream sends, or `None` when it sends everything.
fn categories(l: &LogStream) -> Option<Vec<&str>> {
    if l.filters.is_empty() {
        return None;
    }
    Some(
        l.filters
            .iter()
            .filter(|f| f.get("type").and_then(Value::as_str).unwrap_or("category") == "category")
            .filter_map(|f| f.get("name").and_then(Value::as_str))
            .collect(),
    )
}

/// Why a stream's sink is unsafe, if it is.
fn sink_problem(l: &LogStream) -> Option<(Severity, String)> {
    if let Some(endpoint) = l.sink.http_endpoint.as_deref() {
        let issues = url_issues(endpoint);
        if issues.contains(&UrlIssue::Cleartext) {
            return Some((
                Severity::Medium,
                format!("httpEndpoint uses cleartext http:// ({endpoint})"),
            ));
        }
        if issues.contains(&UrlIssue::Loopback) {
            return Some((
                Severity::Low,
                format!("httpEndpoint points at the local machine ({endpoint})"),
            ));
        }
    }
    (l.sink.splunk_secure == Some(false))
        .then(|| (Severity::Medium, "splunkSecure: false".to_string()))
}

fn eval_coverage(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let active: Vec<&LogStream> = s.log_streams.iter().filter(|l| is_active(l)).collect();
    let mut hits: Vec<Hit> = active
        .iter()
        .filter_map(|l| {
            let (severity, what) = sink_problem(l)?;
            Some(
                Hit::new(
                    vec![stream_ref(l)],
                    format!(
                        "Log stream \"{}\" delivers logs (IP addresses, user ids, e-mail addresses) insecurely: {what}.",
                        l.name
                    ),
                )
                .with_severity(severity)
                .with_evidence(evidence(&stream_file(l), what)),
            )
        })
        .collect();
    if active.is_empty() || active.iter().any(|l| categories(l).is_none()) {
        return hits;
    }
    let sent: Vec<&str> = active
        .iter()
        .filter_map(|l| categories(l))
        .flatten()
        .collect();
    let missing: Vec<&str> = SECURITY_CATEGORIES
        .iter()
        .copied()
        .filter(|c| !sent.contains(c))
        .collect();
    if missing.is_empty() {
        return hits;
    }
    let names: Vec<&str> = active.iter().map(|l| l.name.as_str()).collect();
    let mut objects = vec![tenant_ref(s)];
    objects.extend(active.iter().map(|l| stream_ref(l)));
    let hit = Hit::new(
        objects,
        format!(
            "The filters of log stream {} leave out {}: credential stuffing, token theft or configuration tampering would not reach the SIEM.",
            list(&names, 3),
            list(&missing, 4)
        ),
    );
    hits.push(active.iter().fold(hit, |h, l| {
        let cats = categories(l).unwrap_or_default().join(", ");
        h.with_evidence(evidence(&stream_file(l), format!("filters: {cats}")))
    }));
    hits
}

fn eval_event_streams(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if s.event_streams.is_empty() {
        return vec![
            Hit::new(vec![tenant_ref(s)], "The tenant has no event stream.")
                .with_evidence(evidence("event-streams", "event streams: (none)")),
        ];
    }
    let disabled: Vec<String> = s
        .event_streams
        .iter()
        .filter_map(|e| {
            let status = e.get("status").and_then(Value::as_str);
            if matches!(status, None | Some("enabled")) {
                return None;
            }
            let name = e
                .get("name")
                .or_else(|| e.get("id"))
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)");
            Some(format!("{name}: status {}", status.unwrap_or_default()))
        })
        .collect();
    if disabled.is_empty() {
        return Vec::new();
    }
    let refs: Vec<&str> = disabled.iter().map(String::as_str).collect();
    let hit = Hit::new(
        vec![tenant_ref(s)],
        format!("Event streams not enabled: {}.", list(&refs, 5)),
    );
    vec![disabled.iter().fold(hit, |h, d| {
        h.with_evidence(evidence("event-streams", d.clone()))
    })]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, run, severity};
    use crate::tenant::TenantSnapshot;

    fn snap(streams: Vec<Value>) -> TenantSnapshot {
        let mut s = TenantBuilder::new().build();
        s.log_streams = streams
            .into_iter()
            .map(|v| serde_json::from_value(v).expect("log stream JSON"))
            .collect();
        s
    }

    fn https_stream(filters: Value) -> Value {
        json!({"name": "siem", "type": "http", "status": "active", "filters": filters,
            "sink": {"httpEndpoint": "https://siem.acme.example/in", "httpAuthorization": "Bearer live-token-abcdef123456"}})
    }

    #[test]
    fn no_stream_or_suspended_stream_is_reported() {
        assert!(
            one(&LOG_STREAM, &snap(vec![]))
                .description
                .contains("No log stream")
        );
        let mut paused = https_stream(json!([]));
        paused["status"] = json!("suspended");
        let hit = one(&LOG_STREAM, &snap(vec![paused]));
        assert!(hit.description.contains("suspended"));
        clean(&LOG_STREAM, &snap(vec![https_stream(json!([]))]));
    }

    #[test]
    fn filters_missing_security_categories_are_medium() {
        let only_signups =
            https_stream(json!([{"type": "category", "name": "auth.signup.success"}]));
        let hit = one(&STREAM_COVERAGE, &snap(vec![only_signups]));
        assert_eq!(hit.severity, None);
        assert!(hit.description.contains("\"auth.login.fail\""));
        assert!(!hit.evidence.iter().any(|e| e.text.contains("live-token")));
    }

    #[test]
    fn full_or_unfiltered_streams_are_clean() {
        let all: Vec<Value> = SECURITY_CATEGORIES
            .iter()
            .map(|c| json!({"type": "category", "name": c}))
            .collect();
        clean(&STREAM_COVERAGE, &snap(vec![https_stream(json!(all))]));
        let partial = https_stream(json!([{"type": "category", "name": "auth.signup.success"}]));
        // A second stream without filters sends everything.
        let mut everything = https_stream(json!([]));
        everything["name"] = json!("archive");
        clean(&STREAM_COVERAGE, &snap(vec![partial, everything]));
    }

    #[test]
    fn cleartext_or_unverified_sinks_are_reported() {
        let http = json!({"name": "plain", "type": "http", "sink": {"httpEndpoint": "http://logs.acme.example/in"}});
        assert_eq!(
            severity(&STREAM_COVERAGE, &snap(vec![http])),
            Severity::Medium
        );
        let splunk = json!({"name": "splunk", "type": "splunk",
            "sink": {"splunkDomain": "s.acme.example", "splunkSecure": false, "splunkToken": "tok-123456789012"}});
        let hits = run(&STREAM_COVERAGE, &snap(vec![splunk]));
        assert_eq!(hits.len(), 1);
        assert!(!format!("{hits:?}").contains("tok-123456789012"));
        let verified = json!({"name": "splunk", "type": "splunk", "sink": {"splunkSecure": true}});
        clean(&STREAM_COVERAGE, &snap(vec![verified]));
    }

    #[test]
    fn event_streams_missing_or_disabled() {
        let s = TenantBuilder::new().build();
        assert!(
            one(&EVENT_STREAMS, &s)
                .description
                .contains("no event stream")
        );
        let mut s = TenantBuilder::new().build();
        s.event_streams = vec![
            json!({"name": "users", "status": "disabled"}),
            json!({"name": "audit", "status": "enabled"}),
        ];
        let hit = one(&EVENT_STREAMS, &s);
        assert!(hit.description.contains("users") && !hit.description.contains("audit"));
        s.event_streams.remove(0);
        clean(&EVENT_STREAMS, &s);
    }
}
