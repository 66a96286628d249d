//! Posture detections against events shaped like the reference's recorded ones (`sapi` with
//! `details.request`/`details.response`, `seccft` with `audience` and a space-separated `scope`).

use serde_json::{Value, json};

use super::*;
use crate::receiver::classify::classify;
use crate::receiver::event::event_from;

fn sapi(method: &str, path: &str, req: Value, resp: Value) -> LogEvent {
    event_from(json!({
        "type": "sapi", "date": "2026-01-01T00:00:00Z", "description": "x",
        "client_id": "dashboard", "client_name": "",
        "details": {"request": {"auth": {"strategy": "jwt", "user": {}, "credentials": {}},
            "channel": "https://manage.auth0.com/", "ip": "10.0.0.1", "method": method,
            "path": path, "query": {}, "body": req},
            "response": {"body": resp, "statusCode": 200}}}))
}

fn run(e: &LogEvent, expected: &Expectations) -> Vec<Detection> {
    let mut out = Vec::new();
    inspect(e, &classify(e), expected, &mut out);
    out
}

fn expected(allow: &[&str], explorer: &[&str]) -> Expectations {
    let entries: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
    Expectations {
        allowlist: Expectations::parse_allowlist(&entries).unwrap(),
        api_explorer_clients: explorer.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn allowlist_entries_outside_the_expected_ranges_are_reported() {
    let e = sapi(
        "patch",
        "/api/v2/attack-protection/brute-force-protection",
        json!({"allowlist": ["10.1.2.3", "192.0.2.0/28", "198.51.100.7", "2001:db8::1"]}),
        json!({"enabled": true, "shields": ["block"], "allowlist": ["10.1.2.3"]}),
    );
    let found = run(&e, &expected(&["10.0.0.0/8", "192.0.2.0/24"], &[]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, DetectionKind::UnexpectedAllowlistEntry);
    assert!(found[0].summary.contains("brute-force protection"));
    assert!(found[0].summary.contains("198.51.100.7 2001:db8::1"));
    assert!(!found[0].summary.contains("10.1.2.3"));
    assert!(!found[0].summary.contains("192.0.2.0/28"));
}

#[test]
fn expected_or_absent_allowlists_are_quiet() {
    let inside = sapi(
        "patch",
        "/api/v2/attack-protection/suspicious-ip-throttling",
        json!({"allowlist": ["10.9.9.9"]}),
        json!({}),
    );
    assert!(run(&inside, &expected(&["10.0.0.0/8"], &[])).is_empty());
    let untouched = sapi(
        "patch",
        "/api/v2/attack-protection/suspicious-ip-throttling",
        json!({"enabled": true}),
        json!({"enabled": true, "allowlist": ["198.51.100.7"]}),
    );
    assert!(run(&untouched, &expected(&[], &[])).is_empty());
}

#[test]
fn with_no_expected_ranges_every_allowlisted_address_is_reported() {
    let e = sapi(
        "patch",
        "/api/v2/attack-protection/bot-detection",
        json!({"allowlist": ["203.0.113.5"]}),
        json!({}),
    );
    let found = run(&e, &Expectations::default());
    assert_eq!(found[0].id, DetectionKind::UnexpectedAllowlistEntry);
    assert!(found[0].summary.starts_with("bot detection"));
}

#[test]
fn bad_expected_entries_are_refused() {
    let err = Expectations::parse_allowlist(&["10.0.0.0/33".to_string()]).unwrap_err();
    assert!(err.contains("10.0.0.0/33"));
}

#[test]
fn error_pages_printing_unescaped_values_are_reported() {
    let html = "<p>{{ error_description }}</p><p>{{ tracking | escape }}</p>\
                <p>{{ \"now\" | date: \"%Y\" }}</p><a href=\"{{ client.url | upcase }}\">";
    let e = sapi(
        "patch",
        "/api/v2/tenants/settings",
        json!({"error_page": {"html": html, "show_log_link": false}}),
        json!({"error_page": {"html": html, "show_log_link": false}, "friendly_name": "Acme"}),
    );
    let found = run(&e, &Expectations::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, DetectionKind::LiquidXssRisk);
    assert_eq!(found[0].severity, Severity::High);
    assert!(found[0].summary.contains("{{ error_description }}"));
    assert!(found[0].summary.contains("{{ client.url | upcase }}"));
    assert!(!found[0].summary.contains("tracking"));
    assert!(!found[0].summary.contains("now"));
}

#[test]
fn escaped_error_pages_and_other_settings_are_quiet() {
    let html = "<p>{{ error_description | escape }}</p><p>{{- user.name | h -}}</p>";
    let e = sapi(
        "patch",
        "/api/v2/tenants/settings",
        json!({"error_page": {"html": html}}),
        json!({"error_page": {"html": html}}),
    );
    assert!(run(&e, &Expectations::default()).is_empty());
    let flags = sapi(
        "patch",
        "/api/v2/tenants/settings",
        json!({"flags": {"enable_client_connections": false}}),
        json!({"flags": {"enable_client_connections": false}}),
    );
    assert!(run(&flags, &Expectations::default()).is_empty());
}

fn seccft(client_id: &str, client_name: &str) -> LogEvent {
    event_from(json!({
        "type": "seccft", "date": "2026-01-01T00:00:00Z",
        "description": "Client Credentials for Access Token",
        "client_id": client_id, "client_name": client_name, "ip": "198.51.100.20",
        "user_id": "", "user_name": "admin@acme.example", "hostname": "acme.eu.auth0.com",
        "audience": "https://acme.eu.auth0.com/api/v2/",
        "scope": "read:client_grants create:client_grants delete:users",
        "details": {}
    }))
}

#[test]
fn api_explorer_tokens_are_reported_by_configured_id_or_by_name() {
    let by_id = run(&seccft("expl0rer", ""), &expected(&[], &["expl0rer"]));
    assert_eq!(by_id[0].id, DetectionKind::ApiExplorerToken);
    assert!(by_id[0].summary.contains("198.51.100.20"));
    let by_name = run(
        &seccft("other", API_EXPLORER_NAME),
        &Expectations::default(),
    );
    assert_eq!(by_name[0].id, DetectionKind::ApiExplorerToken);
}

#[test]
fn other_client_credentials_tokens_are_quiet() {
    assert!(run(&seccft("m2m", "Backend"), &expected(&[], &["expl0rer"])).is_empty());
    let mut other_api = Value::Object(seccft("expl0rer", "").data());
    other_api["audience"] = json!("https://api.acme.example/");
    let other_api = event_from(other_api);
    assert!(run(&other_api, &expected(&[], &["expl0rer"])).is_empty());
}
