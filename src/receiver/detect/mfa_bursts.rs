//! MFA delivery bursts per user: many push notifications (`gd_send_pn`, push fatigue: the
//! attacker holds the password and waits for a tired "approve") or many SMS (`gd_send_sms`,
//! bombing a user or draining the tenant's SMS quota) within the window.

use crate::findings::Severity;

use super::super::event::LogEvent;
use super::super::window::BurstCounter;
use super::{Detection, DetectionKind, Thresholds};

/// Per-user counters of MFA pushes and SMS.
#[derive(Debug)]
pub struct MfaBurstDetector {
    window_secs: u32,
    pushes: BurstCounter,
    sms: BurstCounter,
}

impl MfaBurstDetector {
    pub fn new(t: &Thresholds) -> Self {
        let w = i64::from(t.window_secs) * 1000;
        MfaBurstDetector {
            window_secs: t.window_secs,
            pushes: BurstCounter::new(w, t.mfa_pushes_per_user, t.max_keys),
            sms: BurstCounter::new(w, t.mfa_sms_per_user, t.max_keys),
        }
    }

    pub fn inspect(&mut self, event: &LogEvent, now_ms: i64, out: &mut Vec<Detection>) {
        let (counter, kind, what) = match event.type_code() {
            "gd_send_pn" => (
                &mut self.pushes,
                DetectionKind::MfaPushBurst,
                "MFA push notifications",
            ),
            "gd_send_sms" => (&mut self.sms, DetectionKind::MfaSmsBurst, "MFA SMS"),
            _ => return,
        };
        let Some(user) = event.user_key() else {
            return;
        };
        if counter.hit(user, now_ms) {
            out.push(Detection::new(
                kind,
                Severity::Medium,
                format!("burst of {what} to {user} within {}s", self.window_secs),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::event::event_from;
    use serde_json::json;

    fn thresholds() -> Thresholds {
        Thresholds {
            window_secs: 60,
            mfa_pushes_per_user: 3,
            mfa_sms_per_user: 4,
            ..Thresholds::default()
        }
    }

    /// A Guardian delivery event as Auth0 logs it (`gd_send_pn` / `gd_send_sms`).
    fn sent(code: &str, user: &str) -> LogEvent {
        event_from(json!({
            "type": code, "date": "2026-01-01T00:00:00.000Z",
            "description": "Guardian - Second factor sent",
            "client_id": "webclient", "client_name": "Web", "ip": "203.0.113.9",
            "user_id": user, "user_name": format!("{user}@example.com"),
            "details": {}
        }))
    }

    fn feed(d: &mut MfaBurstDetector, e: &LogEvent, t: i64) -> Vec<DetectionKind> {
        let mut out = Vec::new();
        d.inspect(e, t, &mut out);
        out.into_iter().map(|x| x.id).collect()
    }

    #[test]
    fn pushes_to_one_user_fire_at_the_threshold_once_per_window() {
        let mut d = MfaBurstDetector::new(&thresholds());
        let e = sent("gd_send_pn", "auth0|alice");
        assert!(feed(&mut d, &e, 0).is_empty());
        assert!(feed(&mut d, &e, 1_000).is_empty());
        assert_eq!(feed(&mut d, &e, 2_000), vec![DetectionKind::MfaPushBurst]);
        assert!(feed(&mut d, &e, 3_000).is_empty(), "once per window");
    }

    #[test]
    fn pushes_spread_over_users_or_time_do_not_fire() {
        let mut d = MfaBurstDetector::new(&thresholds());
        for (i, user) in ["a", "b", "c", "d"].into_iter().enumerate() {
            let t = i64::try_from(i).unwrap() * 1000;
            assert!(feed(&mut d, &sent("gd_send_pn", user), t).is_empty());
        }
        let e = sent("gd_send_pn", "auth0|slow");
        for i in 0..5 {
            assert!(feed(&mut d, &e, i * 61_000).is_empty());
        }
    }

    #[test]
    fn sms_bombing_has_its_own_threshold_and_id() {
        let mut d = MfaBurstDetector::new(&thresholds());
        let e = sent("gd_send_sms", "auth0|bob");
        for t in 0..3 {
            assert!(feed(&mut d, &e, t * 100).is_empty());
        }
        assert_eq!(feed(&mut d, &e, 400), vec![DetectionKind::MfaSmsBurst]);
        assert!(feed(&mut d, &sent("gd_send_sms_failure", "auth0|bob"), 500).is_empty());
    }
}
