//! Runtime burst detections: failed logins per IP and per user, credential stuffing (many users
//! failing from one IP), bursts of dynamic client registration, and logins on the canonical
//! `*.auth0.com` host when the tenant has a custom domain.

use crate::findings::Severity;

use super::super::classify::{Category, Classified};
use super::super::event::LogEvent;
use super::super::mgmt_path::Resource;
use super::super::window::{BurstCounter, DistinctCounter};
use super::{Detection, DetectionKind, Thresholds};

/// Burst counters over bounded sliding windows.
#[derive(Debug)]
pub struct BurstDetector {
    window_secs: u32,
    failed_per_ip: BurstCounter,
    failed_per_user: BurstCounter,
    stuffing: DistinctCounter,
    registrations: BurstCounter,
    canonical: BurstCounter,
    custom_domain: Option<String>,
}

impl BurstDetector {
    pub fn new(t: &Thresholds, custom_domain: Option<String>) -> Self {
        let w = i64::from(t.window_secs) * 1000;
        BurstDetector {
            window_secs: t.window_secs,
            failed_per_ip: BurstCounter::new(w, t.failed_logins_per_ip, t.max_keys),
            failed_per_user: BurstCounter::new(w, t.failed_logins_per_user, t.max_keys),
            stuffing: DistinctCounter::new(w, t.stuffing_users_per_ip, t.max_keys),
            registrations: BurstCounter::new(w, t.registrations, 1),
            // One report per application per window.
            canonical: BurstCounter::new(w, 1, t.max_keys),
            custom_domain: custom_domain.filter(|d| !d.trim().is_empty()),
        }
    }

    pub fn inspect(
        &mut self,
        event: &LogEvent,
        classified: &Classified,
        now_ms: i64,
        out: &mut Vec<Detection>,
    ) {
        let w = self.window_secs;
        if classified.category == Category::LoginFailure {
            if let Some(ip) = event.ip() {
                if self.failed_per_ip.hit(ip, now_ms) {
                    out.push(Detection::new(
                        DetectionKind::FailedLoginBurstIp,
                        Severity::Medium,
                        format!("failed-login burst from {ip} within {w}s"),
                    ));
                }
                if let Some(user) = event.user_key()
                    && let Some(n) = self.stuffing.hit(ip, user, now_ms)
                {
                    out.push(Detection::new(
                        DetectionKind::CredentialStuffing,
                        Severity::High,
                        format!("{n} different users failed to log in from {ip} within {w}s"),
                    ));
                }
            }
            if let Some(user) = event.user_key()
                && self.failed_per_user.hit(user, now_ms)
            {
                out.push(Detection::new(
                    DetectionKind::FailedLoginBurstUser,
                    Severity::Medium,
                    format!("failed-login burst for {user} within {w}s"),
                ));
            }
        }
        let registration = classified
            .change
            .as_ref()
            .is_some_and(|c| c.resource == Resource::DynamicClientRegistration);
        if registration && self.registrations.hit("tenant", now_ms) {
            out.push(Detection::new(
                DetectionKind::DynamicRegistrationBurst,
                Severity::Medium,
                format!("burst of dynamic client registrations within {w}s"),
            ));
        }
        self.canonical_domain(event, classified, now_ms, out);
    }

    fn canonical_domain(
        &mut self,
        event: &LogEvent,
        classified: &Classified,
        now_ms: i64,
        out: &mut Vec<Detection>,
    ) {
        let Some(custom) = &self.custom_domain else {
            return;
        };
        if !classified.category.is_authentication() {
            return;
        }
        let Some(host) = event.hostname() else { return };
        let host_lc = host.to_ascii_lowercase();
        if !host_lc.ends_with(".auth0.com") || host_lc == custom.to_ascii_lowercase() {
            return;
        }
        let app = event
            .client_name()
            .or(event.client_id())
            .unwrap_or("an application");
        if self.canonical.hit(app, now_ms) {
            out.push(Detection::new(
                DetectionKind::CanonicalDomainLogin,
                Severity::Medium,
                format!("{app} logs in on {host} although the custom domain {custom} exists"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::classify::classify;
    use crate::receiver::event::event_from;
    use serde_json::json;

    fn thresholds() -> Thresholds {
        Thresholds {
            window_secs: 60,
            failed_logins_per_ip: 5,
            failed_logins_per_user: 3,
            stuffing_users_per_ip: 4,
            registrations: 3,
            max_keys: 1000,
            ..Thresholds::default()
        }
    }

    fn feed(d: &mut BurstDetector, e: &LogEvent, t: i64) -> Vec<DetectionKind> {
        let mut out = Vec::new();
        d.inspect(e, &classify(e), t, &mut out);
        out.into_iter().map(|x| x.id).collect()
    }

    fn failed(ip: &str, user: &str) -> LogEvent {
        event_from(
            json!({"type": "fp", "ip": ip, "user_name": user, "client_name": "Web",
            "connection": "Username-Password-Authentication", "description": "Wrong email or password."}),
        )
    }

    #[test]
    fn failed_logins_per_user_fire_at_threshold() {
        let mut d = BurstDetector::new(&thresholds(), None);
        assert!(feed(&mut d, &failed("1.1.1.1", "a@x.io"), 0).is_empty());
        assert!(feed(&mut d, &failed("2.2.2.2", "a@x.io"), 1000).is_empty());
        assert_eq!(
            feed(&mut d, &failed("3.3.3.3", "a@x.io"), 2000),
            vec![DetectionKind::FailedLoginBurstUser]
        );
    }

    #[test]
    fn failed_logins_per_ip_and_stuffing() {
        let mut d = BurstDetector::new(&thresholds(), None);
        let mut seen = Vec::new();
        for i in 0..5 {
            seen.extend(feed(
                &mut d,
                &failed("6.6.6.6", &format!("u{i}@x.io")),
                i * 100,
            ));
        }
        assert_eq!(
            seen,
            vec![
                DetectionKind::CredentialStuffing,
                DetectionKind::FailedLoginBurstIp
            ]
        );
    }

    #[test]
    fn slow_failures_and_successes_stay_clean() {
        let mut d = BurstDetector::new(&thresholds(), None);
        for i in 0..50 {
            assert!(feed(&mut d, &failed("6.6.6.6", "a@x.io"), i * 61_000).is_empty());
        }
        let ok = event_from(json!({"type": "s", "ip": "6.6.6.6", "user_id": "auth0|1"}));
        for i in 0..50 {
            assert!(feed(&mut d, &ok, i).is_empty());
        }
    }

    #[test]
    fn dynamic_registration_burst() {
        let mut d = BurstDetector::new(&thresholds(), None);
        let reg = event_from(
            json!({"type": "sapi", "description": "Dynamic client registration",
            "details": {"request": {"method": "post", "path": "/oidc/register"}}}),
        );
        assert!(feed(&mut d, &reg, 0).is_empty());
        assert!(feed(&mut d, &reg, 1).is_empty());
        assert_eq!(
            feed(&mut d, &reg, 2),
            vec![DetectionKind::DynamicRegistrationBurst]
        );
        let create = event_from(
            json!({"type": "sapi", "details": {"request": {"method": "post", "path": "/api/v2/clients"}}}),
        );
        let mut d = BurstDetector::new(&thresholds(), None);
        for i in 0..10 {
            assert!(feed(&mut d, &create, i).is_empty());
        }
    }

    #[test]
    fn canonical_domain_only_with_a_custom_domain() {
        let login =
            event_from(json!({"type": "s", "hostname": "acme.eu.auth0.com", "client_name": "Web"}));
        let mut without = BurstDetector::new(&thresholds(), None);
        assert!(feed(&mut without, &login, 0).is_empty());
        let mut with = BurstDetector::new(&thresholds(), Some("login.acme.com".into()));
        assert_eq!(
            feed(&mut with, &login, 0),
            vec![DetectionKind::CanonicalDomainLogin]
        );
        assert!(
            feed(&mut with, &login, 10).is_empty(),
            "once per app per window"
        );
        let custom =
            event_from(json!({"type": "s", "hostname": "login.acme.com", "client_name": "Web"}));
        assert!(feed(&mut with, &custom, 0).is_empty());
        let change = event_from(json!({"type": "sapi", "hostname": "acme.eu.auth0.com"}));
        assert!(feed(&mut with, &change, 0).is_empty());
    }
}
