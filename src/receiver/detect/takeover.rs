//! Tenant takeover: an owner invitation followed, within a short window, by the deletion of
//! other tenant members (an intruder with dashboard access invites an account it controls as
//! owner, then removes the admins who could undo it). Auth0 logs both as `sapi` events known only
//! by their `description` ("Create tenant invitations for a given client", "Delete tenant
//! member"); the invitation's request body names the roles (`roles: ["owner"]`) and the invited
//! addresses (`owners`). An invitee on a personal mailbox domain raises the severity, and so
//! does a deletion by the admin who sent the invitation (the top-level `user_id` of a dashboard
//! change is the admin; only a hash of it is kept, and it is never printed).
//!
//! State is bounded: at most [`MAX_TRACKED`] invitations and deletions, each kept only while it can
//! still fall inside a window. Events may arrive out of order within a batch, so a deletion
//! seen before its invitation still counts once the invitation arrives.

use std::collections::VecDeque;

use serde_json::Value;

use crate::findings::Severity;

use super::super::event::LogEvent;
use super::{Detection, DetectionKind, Thresholds};

/// `description` of the owner invitation event.
pub const INVITATION_DESCRIPTION: &str = "Create tenant invitations for a given client";
/// `description` of the member deletion event.
pub const DELETION_DESCRIPTION: &str = "Delete tenant member";
/// Most invitations and most deletions remembered.
pub const MAX_TRACKED: usize = 256;

/// Mailbox domains anyone can register an address on.
const PERSONAL_MAIL_DOMAINS: [&str; 10] = [
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "aol.com",
    "icloud.com",
    "proton.me",
    "protonmail.com",
];

/// Who made a dashboard change: a hash of the event's top-level `user_id` (the admin, for
/// dashboard changes), so a remembered entry has a fixed size whatever the id's length.
type Actor = Option<u64>;

fn actor(event: &LogEvent) -> Actor {
    use std::hash::{Hash, Hasher};
    let id = event.user_id().filter(|id| !id.is_empty())?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    Some(h.finish())
}

/// An owner invitation still inside its window.
#[derive(Debug)]
struct Invitation {
    at_ms: i64,
    /// The admin who sent it.
    inviter: Actor,
    /// The first personal mailbox domain among the invitees, if any.
    personal_domain: Option<String>,
    raised: bool,
}

/// Owner invitations and member deletions within the window.
#[derive(Debug)]
pub struct TakeoverDetector {
    window_secs: u32,
    deletions_needed: usize,
    invitations: VecDeque<Invitation>,
    /// Time and actor of each member deletion.
    deletions: VecDeque<(i64, Actor)>,
    /// Latest event time seen, the reference point for forgetting old entries.
    latest_ms: i64,
}

impl TakeoverDetector {
    pub fn new(t: &Thresholds) -> Self {
        TakeoverDetector {
            window_secs: t.takeover_window_secs,
            deletions_needed: usize::try_from(t.member_deletions.max(1)).unwrap_or(usize::MAX),
            invitations: VecDeque::new(),
            deletions: VecDeque::new(),
            latest_ms: i64::MIN,
        }
    }

    pub fn inspect(&mut self, event: &LogEvent, now_ms: i64, out: &mut Vec<Detection>) {
        if event.type_code() != "sapi" {
            return;
        }
        let Some(description) = event.description().map(str::trim) else {
            return;
        };
        if description.eq_ignore_ascii_case(INVITATION_DESCRIPTION) {
            let Some(body) = event.request_body().filter(|b| invites_owner(b)) else {
                return;
            };
            self.forget_before(now_ms);
            if self.invitations.len() == MAX_TRACKED {
                self.invitations.pop_front();
            }
            self.invitations.push_back(Invitation {
                at_ms: now_ms,
                inviter: actor(event),
                personal_domain: personal_domain(body),
                raised: false,
            });
        } else if description.eq_ignore_ascii_case(DELETION_DESCRIPTION) {
            self.forget_before(now_ms);
            if self.deletions.len() == MAX_TRACKED {
                self.deletions.pop_front();
            }
            self.deletions.push_back((now_ms, actor(event)));
        } else {
            return;
        }
        self.raise(out);
    }

    /// Raises once per invitation followed by enough deletions within the window.
    fn raise(&mut self, out: &mut Vec<Detection>) {
        let window_ms = self.window_ms();
        for inv in self.invitations.iter_mut().filter(|i| !i.raised) {
            let end = inv.at_ms.saturating_add(window_ms);
            let in_window: Vec<Actor> = self
                .deletions
                .iter()
                .filter(|(at, _)| (inv.at_ms..=end).contains(at))
                .map(|(_, by)| *by)
                .collect();
            let count = in_window.len();
            if count < self.deletions_needed {
                continue;
            }
            inv.raised = true;
            let by_inviter = in_window
                .iter()
                .filter(|by| by.is_some() && **by == inv.inviter)
                .count();
            let (mut severity, invitee) = match &inv.personal_domain {
                Some(domain) => (
                    Severity::High,
                    format!(" (invitee on personal mail domain {domain})"),
                ),
                None => (Severity::Medium, String::new()),
            };
            let mut summary = format!(
                "owner invitation{invitee} followed by {count} tenant member deletions within {}s",
                self.window_secs
            );
            if by_inviter > 0 {
                // The admin who brought in a new owner is removing the others: one step up.
                severity = match severity {
                    Severity::Medium => Severity::High,
                    _ => Severity::Critical,
                };
                summary.push_str(&format!(
                    ", {by_inviter} by the admin who sent the invitation"
                ));
            }
            out.push(Detection::new(
                DetectionKind::TenantTakeoverRisk,
                severity,
                summary,
            ));
        }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.window_secs) * 1000
    }

    /// Drops entries that can no longer share a window with an event at `now_ms` or later.
    fn forget_before(&mut self, now_ms: i64) {
        self.latest_ms = self.latest_ms.max(now_ms);
        let horizon = self
            .latest_ms
            .saturating_sub(self.window_ms().saturating_mul(2));
        while self.deletions.front().is_some_and(|(at, _)| *at < horizon) {
            self.deletions.pop_front();
        }
        while self.invitations.front().is_some_and(|i| i.at_ms < horizon) {
            self.invitations.pop_front();
        }
    }
}

/// Whether an invitation body grants the owner role (`roles: ["owner"]` or `role: "owner"`).
fn invites_owner(body: &Value) -> bool {
    let is_owner = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("owner"));
    match (body.get("roles"), body.get("role")) {
        (Some(Value::Array(roles)), _) => roles.iter().any(is_owner),
        (_, Some(role)) => is_owner(role),
        _ => false,
    }
}

/// The first personal mailbox domain among the invited addresses (`owners`, `emails`, `email`).
fn personal_domain(body: &Value) -> Option<String> {
    let listed = ["owners", "emails", "invitees"]
        .iter()
        .filter_map(|k| body.get(*k).and_then(Value::as_array))
        .flatten();
    listed
        .chain(body.get("email"))
        .filter_map(Value::as_str)
        .filter_map(|addr| {
            addr.rsplit_once('@')
                .map(|(_, d)| d.trim().to_ascii_lowercase())
        })
        .find(|d| PERSONAL_MAIL_DOMAINS.contains(&d.as_str()))
}

#[cfg(test)]
#[path = "takeover_tests.rs"]
mod tests;
