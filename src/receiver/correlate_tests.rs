//! Correlation tests: events shaped like recorded ones against findings named as the scan names
//! objects; look-alike names must not match.

use serde_json::json;

use super::*;
use crate::findings::{Category as FindingCategory, PathStep, Severity};
use crate::receiver::classify::classify;
use crate::receiver::event::event_from;

fn finding(id: &str, objects: Vec<ObjectRef>, path: Vec<(ObjectKind, &str)>) -> Finding {
    Finding {
        id: id.into(),
        rule: format!("rule.{id}"),
        severity: Severity::High,
        category: FindingCategory::AttackPath,
        title: String::new(),
        description: String::new(),
        remediation: String::new(),
        objects,
        path: path
            .into_iter()
            .map(|(kind, name)| PathStep {
                kind,
                name: name.into(),
                edge: String::new(),
            })
            .collect(),
        evidence: Vec::new(),
    }
}

fn index() -> MemoryFindingIndex {
    MemoryFindingIndex::from_findings(&[
        finding(
            "grant",
            vec![
                ObjectRef::new(ObjectKind::Client, "Billing Sync"),
                ObjectRef::new(ObjectKind::ClientGrant, "Billing Sync -> Management API"),
            ],
            vec![],
        ),
        finding(
            "path",
            vec![ObjectRef::new(ObjectKind::Client, "Web")],
            vec![
                (ObjectKind::Connection, "Username-Password-Authentication"),
                (ObjectKind::Action, "Grant admin"),
            ],
        ),
        finding(
            "tenant",
            vec![ObjectRef::new(ObjectKind::Tenant, "acme")],
            vec![],
        ),
    ])
}

fn matched(e: &LogEvent, dir: &mut ObjectDirectory) -> Vec<String> {
    let c = classify(e);
    dir.observe(e, c.change.as_ref());
    let objects = touched_objects(e, &c, dir);
    let mut names: Vec<String> = correlate(&index(), &objects)
        .into_iter()
        .map(|(f, _)| f.name)
        .collect();
    names.sort();
    names
}

#[test]
fn login_through_connection_or_app_on_a_path() {
    let mut dir = ObjectDirectory::default();
    let login = event_from(
        json!({"type": "s", "client_id": "cidweb", "client_name": "Web",
        "connection": "Username-Password-Authentication", "connection_id": "con_1", "user_id": "auth0|1"}),
    );
    assert_eq!(matched(&login, &mut dir), vec!["path"]);
    let other_conn = event_from(json!({"type": "fp", "client_name": "Admin Portal",
        "connection": "Username-Password-Authentication"}));
    assert_eq!(matched(&other_conn, &mut dir), vec!["path"]);
}

#[test]
fn look_alike_names_stay_clean() {
    let mut dir = ObjectDirectory::default();
    let e = event_from(json!({"type": "s", "client_name": "Web2", "connection": "google-oauth2"}));
    assert!(matched(&e, &mut dir).is_empty());
    let rename = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "patch", "path": "/api/v2/actions/actions/a2", "body": {"code": "x"}},
        "response": {"body": {"id": "a2", "name": "Grant admin (copy)"}}}}));
    assert!(matched(&rename, &mut dir).is_empty());
}

#[test]
fn names_match_case_insensitively() {
    let mut dir = ObjectDirectory::default();
    let e = event_from(json!({"type": "s", "client_name": "web "}));
    assert_eq!(matched(&e, &mut dir), vec!["path"]);
}

#[test]
fn action_change_by_id_resolved_through_learned_name() {
    let mut dir = ObjectDirectory::default();
    let update = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "patch", "path": "/api/v2/actions/actions/0f1e", "body": {"code": "x"}},
        "response": {"body": {"id": "0f1e", "name": "Grant admin"}}}}));
    assert_eq!(matched(&update, &mut dir), vec!["path"]);
    // The deploy response names the version, not the action: the id resolves through the
    // directory learned from the update.
    let deploy = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "post", "path": "/api/v2/actions/actions/0f1e/deploy", "body": {}},
        "response": {"body": {"id": "ver-1", "number": 3}}}}));
    assert_eq!(matched(&deploy, &mut dir), vec!["path"]);
}

#[test]
fn grant_change_builds_the_scan_grant_name() {
    let mut dir = ObjectDirectory::default();
    dir.learn(Resource::Client, "cidbill", "Billing Sync");
    let widen = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "patch", "path": "/api/v2/client-grants/cgr_1", "body": {"scope": ["update:users"]}},
        "response": {"body": {"id": "cgr_1", "client_id": "cidbill",
            "audience": "https://acme.eu.auth0.com/api/v2/", "scope": ["update:users"]}}}}));
    let c = classify(&widen);
    dir.observe(&widen, c.change.as_ref());
    let objects = touched_objects(&widen, &c, &dir);
    assert_eq!(
        objects,
        vec![
            ObjectRef::new(ObjectKind::ClientGrant, "Billing Sync -> Management API"),
            ObjectRef::new(ObjectKind::Client, "Billing Sync"),
        ]
    );
    assert_eq!(
        correlate(&index(), &objects).len(),
        1,
        "one finding, reported once"
    );
}

#[test]
fn tenant_wide_changes_touch_tenant_findings() {
    let mut dir = ObjectDirectory::default();
    let e = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "patch", "path": "/api/v2/attack-protection/brute-force-protection", "body": {"enabled": false}}}}));
    assert_eq!(matched(&e, &mut dir), vec!["tenant"]);
    let user = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "post", "path": "/api/v2/users", "body": {"email": "a@b.c"}}}}));
    assert!(matched(&user, &mut dir).is_empty());
}

#[test]
fn trigger_bindings_touch_bound_actions_and_tenant() {
    let mut dir = ObjectDirectory::default();
    let e = event_from(json!({"type": "sapi", "details": {
        "request": {"method": "patch", "path": "/api/v2/actions/triggers/post-login/bindings",
            "body": {"bindings": [{"ref": {"type": "action_name", "value": "Grant admin"}, "display_name": "x"}]}}}}));
    assert_eq!(matched(&e, &mut dir), vec!["path", "tenant"]);
}

#[test]
fn replace_drops_resolved_findings() {
    let idx = index();
    let web = ObjectRef::new(ObjectKind::Client, "Web");
    assert_eq!(idx.lookup(&web).len(), 1);
    idx.replace(Vec::new());
    assert!(idx.lookup(&web).is_empty());
}
