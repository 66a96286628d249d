//! Tests of [`super`] (`takeover.rs`), kept in their own file.

use serde_json::{Value, json};

use super::*;
use crate::receiver::event::event_from;

const MINUTE: i64 = 60_000;

fn thresholds() -> Thresholds {
    Thresholds {
        takeover_window_secs: 600,
        member_deletions: 2,
        ..Thresholds::default()
    }
}

/// A dashboard `sapi` event as Auth0 logs tenant member operations.
fn sapi(description: &str, body: Value) -> LogEvent {
    event_from(json!({
        "type": "sapi", "date": "2026-01-01T00:00:00.000Z",
        "description": description,
        "client_id": "dashboard", "client_name": "",
        "ip": "203.0.113.7",
        "details": {"request": {"method": "post", "path": "/api/tenants/members", "body": body}}
    }))
}

fn owner_invite(email: &str) -> LogEvent {
    sapi(
        INVITATION_DESCRIPTION,
        json!({"owners": [email], "roles": ["owner"]}),
    )
}

fn deletion() -> LogEvent {
    sapi(DELETION_DESCRIPTION, json!({}))
}

fn feed(d: &mut TakeoverDetector, e: &LogEvent, t: i64) -> Vec<Detection> {
    let mut out = Vec::new();
    d.inspect(e, t, &mut out);
    out
}

#[test]
fn owner_invitation_then_two_deletions_raises_once() {
    let mut d = TakeoverDetector::new(&thresholds());
    assert!(feed(&mut d, &owner_invite("new-admin@acme.com"), 0).is_empty());
    assert!(
        feed(&mut d, &deletion(), 2 * MINUTE).is_empty(),
        "one deletion is routine"
    );
    let raised = feed(&mut d, &deletion(), 3 * MINUTE);
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].id, DetectionKind::TenantTakeoverRisk);
    assert_eq!(raised[0].severity, Severity::Medium);
    assert_eq!(
        raised[0].summary,
        "owner invitation followed by 2 tenant member deletions within 600s"
    );
    assert!(
        feed(&mut d, &deletion(), 4 * MINUTE).is_empty(),
        "once per invitation"
    );
}

#[test]
fn personal_mailbox_invitee_is_high_and_names_only_the_domain() {
    let mut d = TakeoverDetector::new(&thresholds());
    feed(&mut d, &owner_invite("Mallory.X@GMail.com"), 0);
    feed(&mut d, &deletion(), MINUTE);
    let raised = feed(&mut d, &deletion(), 2 * MINUTE);
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].severity, Severity::High);
    assert!(raised[0].summary.contains("personal mail domain gmail.com"));
    assert!(
        !raised[0].summary.to_lowercase().contains("mallory"),
        "{}",
        raised[0].summary
    );
}

#[test]
fn deletions_outside_the_window_or_without_an_owner_invitation_do_not_raise() {
    let mut d = TakeoverDetector::new(&thresholds());
    feed(&mut d, &owner_invite("a@acme.com"), 0);
    assert!(feed(&mut d, &deletion(), 5 * MINUTE).is_empty());
    assert!(
        feed(&mut d, &deletion(), 11 * MINUTE).is_empty(),
        "second deletion after the 10-minute window"
    );

    let mut d = TakeoverDetector::new(&thresholds());
    let member_invite = sapi(
        INVITATION_DESCRIPTION,
        json!({"owners": ["b@acme.com"], "roles": ["editor-configuration"]}),
    );
    feed(&mut d, &member_invite, 0);
    for t in 1..5 {
        assert!(
            feed(&mut d, &deletion(), t * MINUTE).is_empty(),
            "not an owner invitation"
        );
    }

    let mut d = TakeoverDetector::new(&thresholds());
    for t in 0..5 {
        assert!(
            feed(&mut d, &deletion(), t * MINUTE).is_empty(),
            "no invitation at all"
        );
    }
}

#[test]
fn only_sapi_events_with_these_descriptions_count() {
    let mut d = TakeoverDetector::new(&thresholds());
    let not_sapi = event_from(json!({
        "type": "s", "description": INVITATION_DESCRIPTION,
        "details": {"request": {"body": {"roles": ["owner"]}}}
    }));
    feed(&mut d, &not_sapi, 0);
    let other = sapi("Delete a user", json!({}));
    feed(&mut d, &other, MINUTE);
    feed(&mut d, &other, 2 * MINUTE);
    assert!(feed(&mut d, &deletion(), 3 * MINUTE).is_empty());
}

#[test]
fn a_late_invitation_still_counts_deletions_that_arrived_first() {
    let mut d = TakeoverDetector::new(&thresholds());
    assert!(feed(&mut d, &deletion(), 2 * MINUTE).is_empty());
    assert!(feed(&mut d, &deletion(), 3 * MINUTE).is_empty());
    // Delivered after the deletions, but dated before them.
    let raised = feed(&mut d, &owner_invite("x@acme.com"), MINUTE);
    assert_eq!(raised.len(), 1, "{raised:?}");
}

#[test]
fn role_as_a_single_string_and_case_of_the_description_are_accepted() {
    let mut d = TakeoverDetector::new(&thresholds());
    let invite = sapi(
        &INVITATION_DESCRIPTION.to_uppercase(),
        json!({"email": "x@yahoo.com", "role": "Owner"}),
    );
    feed(&mut d, &invite, 0);
    feed(&mut d, &deletion(), MINUTE);
    let raised = feed(&mut d, &deletion(), MINUTE + 1);
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].severity, Severity::High);
}

#[test]
fn state_stays_bounded_under_a_flood() {
    let mut d = TakeoverDetector::new(&Thresholds {
        member_deletions: 1_000_000,
        ..thresholds()
    });
    for i in 0..(MAX_TRACKED as i64 * 4) {
        feed(&mut d, &owner_invite("a@acme.com"), i);
        feed(&mut d, &deletion(), i);
    }
    assert!(d.invitations.len() <= MAX_TRACKED);
    assert!(d.deletions.len() <= MAX_TRACKED);
}

#[test]
fn detector_wires_the_takeover_detection() {
    let mut detector = super::super::Detector::new(&thresholds(), None, Default::default());
    let directory = crate::receiver::directory::ObjectDirectory::default();
    let mut ids = Vec::new();
    for (event, t) in [
        (owner_invite("z@outlook.com"), 0),
        (deletion(), MINUTE),
        (deletion(), 2 * MINUTE),
    ] {
        let classified = crate::receiver::classify::classify(&event);
        for found in detector.inspect(&event, &classified, &directory, t) {
            ids.push(found.id);
        }
    }
    assert_eq!(ids, vec![DetectionKind::TenantTakeoverRisk]);
}

/// A dashboard `sapi` event made by the admin `user_id`.
fn by(admin: &str, description: &str, body: Value) -> LogEvent {
    event_from(json!({
        "type": "sapi", "date": "2026-01-01T00:00:00.000Z",
        "description": description, "user_id": admin,
        "client_id": "dashboard", "client_name": "",
        "details": {"request": {"method": "post", "path": "/api/tenants/members", "body": body}}
    }))
}

#[test]
fn deletions_by_the_inviting_admin_raise_the_severity_without_naming_them() {
    let invite = json!({"owners": ["ops@acme.com"], "roles": ["owner"]});
    let mut d = TakeoverDetector::new(&thresholds());
    feed(
        &mut d,
        &by("auth0|intruder", INVITATION_DESCRIPTION, invite.clone()),
        0,
    );
    feed(
        &mut d,
        &by("auth0|intruder", DELETION_DESCRIPTION, json!({})),
        MINUTE,
    );
    let raised = feed(
        &mut d,
        &by("auth0|someone-else", DELETION_DESCRIPTION, json!({})),
        2 * MINUTE,
    );
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].severity, Severity::High);
    assert_eq!(
        raised[0].summary,
        "owner invitation followed by 2 tenant member deletions within 600s, 1 by the admin who sent the invitation"
    );
    assert!(!raised[0].summary.contains("intruder"));

    // A personal-mailbox invitee and the inviter deleting: critical.
    let mut d = TakeoverDetector::new(&thresholds());
    let personal = json!({"owners": ["x@gmail.com"], "roles": ["owner"]});
    feed(&mut d, &by("auth0|a", INVITATION_DESCRIPTION, personal), 0);
    feed(
        &mut d,
        &by("auth0|a", DELETION_DESCRIPTION, json!({})),
        MINUTE,
    );
    let raised = feed(
        &mut d,
        &by("auth0|a", DELETION_DESCRIPTION, json!({})),
        2 * MINUTE,
    );
    assert_eq!(raised[0].severity, Severity::Critical);
    assert!(
        raised[0]
            .summary
            .ends_with("2 by the admin who sent the invitation")
    );
}

#[test]
fn deletions_by_other_admins_keep_the_base_severity() {
    let invite = json!({"owners": ["ops@acme.com"], "roles": ["owner"]});
    let mut d = TakeoverDetector::new(&thresholds());
    feed(&mut d, &by("auth0|a", INVITATION_DESCRIPTION, invite), 0);
    feed(
        &mut d,
        &by("auth0|b", DELETION_DESCRIPTION, json!({})),
        MINUTE,
    );
    let raised = feed(&mut d, &by("", DELETION_DESCRIPTION, json!({})), 2 * MINUTE);
    assert_eq!(raised[0].severity, Severity::Medium);
    assert!(!raised[0].summary.contains("by the admin"));
}
