//! Attack protection: brute-force protection (with its threshold and lockout mode) and
//! suspicious IP throttling (with its stage limits); allow-lists are weighed by how wide their
//! CIDR ranges are. Breached-password and bot detection are in [`super::attack_detection`].

use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;

use super::support::{config_rule, evidence, tenant_ref};

config_rule!(BRUTE_FORCE {
    id: "attack-protection.brute-force",
    title: "Brute-force protection is off or weak",
    severity: Medium,
    category: AttackProtection,
    needs: [AttackProtection],
    reads: [
        "brute-force-protection.enabled",
        "brute-force-protection.shields",
        "brute-force-protection.allowlist",
        "brute-force-protection.mode",
        "brute-force-protection.max_attempts"
    ],
    condition: "Disabled (high); no block shield or an allow-list range wider than /16 (medium); no user_notification, any allow-list entry, mode not count_per_identifier, or max_attempts above 10 (low).",
    remediation: "Enable brute-force protection with block and user_notification, mode count_per_identifier, max_attempts 10 or fewer, and keep the allow-list to a few exact addresses.",
    matches: [
        "CM:checkBruteForce",
        "GAP bf-threshold",
        "DET:brute_force_critical_settings_manipulated",
        "PRC-B review-attack-protection"
    ],
    eval: eval_brute_force,
});

config_rule!(SUSPICIOUS_IP {
    id: "attack-protection.suspicious-ip-throttling",
    title: "Suspicious IP throttling is off or weak",
    severity: Medium,
    category: AttackProtection,
    needs: [AttackProtection],
    reads: [
        "suspicious-ip-throttling.enabled",
        "suspicious-ip-throttling.shields",
        "suspicious-ip-throttling.allowlist",
        "suspicious-ip-throttling.stage"
    ],
    condition: "Disabled, no block shield or an allow-list range wider than /16 (medium); no admin_notification, any allow-list entry, or stage limits laxer than the defaults (pre-login 100 attempts / 864000 ms, pre-user-registration 50 / 1200 ms) (low).",
    remediation: "Enable IP throttling with block and admin_notification, keep the default stage limits or stricter, and keep the allow-list minimal.",
    matches: [
        "CM:checkSuspiciousIPThrottling",
        "GAP ipt-stages",
        "DET:suspicious_ip_throttling_critical_settings_manipulated",
        "PRC-B review-attack-protection"
    ],
    eval: eval_suspicious_ip,
});

/// Whether an allow-list entry is a CIDR wider than /16 (IPv4) or /48 (IPv6).
fn is_wide(entry: &str) -> bool {
    let Some((ip, prefix)) = entry.trim().split_once('/') else {
        return false;
    };
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    if ip.contains(':') {
        prefix < 48
    } else {
        prefix < 16
    }
}

/// One weakness: severity, what it means (description) and the `field: value` evidence.
pub(super) struct Problem {
    severity: Severity,
    what: String,
    field: String,
}

pub(super) fn problem(
    severity: Severity,
    what: impl Into<String>,
    field: impl Into<String>,
) -> Problem {
    Problem {
        severity,
        what: what.into(),
        field: field.into(),
    }
}

/// Problems of an allow-list.
fn allowlist_problems(list: &[String], out: &mut Vec<Problem>) {
    if list.is_empty() {
        return;
    }
    let field = format!("allowlist: {}", list.join(", "));
    let wide: Vec<&str> = list
        .iter()
        .map(String::as_str)
        .filter(|e| is_wide(e))
        .collect();
    if wide.is_empty() {
        out.push(problem(
            Severity::Low,
            "the allow-list exempts some addresses",
            field,
        ));
    } else {
        let what = format!("the allow-list exempts wide ranges ({})", wide.join(", "));
        out.push(problem(Severity::Medium, what, field));
    }
}

pub(super) fn problems_hit(
    ctx: &ScanContext,
    file: &str,
    what: &str,
    problems: Vec<Problem>,
) -> Vec<Hit> {
    let Some(severity) = problems.iter().map(|p| p.severity).max() else {
        return Vec::new();
    };
    let texts: Vec<&str> = problems.iter().map(|p| p.what.as_str()).collect();
    let hit = Hit::new(
        vec![tenant_ref(ctx.snapshot)],
        format!("{what}: {}.", texts.join("; ")),
    )
    .with_severity(severity);
    vec![
        problems
            .into_iter()
            .fold(hit, |h, p| h.with_evidence(evidence(file, p.field))),
    ]
}

pub(super) fn has(shields: &[String], s: &str) -> bool {
    shields.iter().any(|x| x == s)
}

pub(super) fn shields(list: &[String]) -> String {
    format!("shields: [{}]", list.join(", "))
}

fn eval_brute_force(ctx: &ScanContext) -> Vec<Hit> {
    let Some(bf) = ctx.snapshot.attack_protection.brute_force.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    if bf.enabled != Some(true) {
        p.push(problem(Severity::High, "disabled", "enabled: false"));
    } else {
        if !has(&bf.shields, "block") {
            p.push(problem(
                Severity::Medium,
                "no block shield (accounts are never locked)",
                shields(&bf.shields),
            ));
        }
        if !has(&bf.shields, "user_notification") {
            p.push(problem(
                Severity::Low,
                "users are not notified",
                shields(&bf.shields),
            ));
        }
        allowlist_problems(&bf.allowlist, &mut p);
        if let Some(mode) = bf.mode.as_deref().filter(|m| *m != "count_per_identifier") {
            p.push(problem(
                Severity::Low,
                "attempts are counted per identifier and IP, so an attacker rotating IPs is never locked out",
                format!("mode: {mode}"),
            ));
        }
        if let Some(n) = bf.max_attempts.filter(|n| *n > 10) {
            p.push(problem(
                Severity::Low,
                format!("{n} attempts before a lockout (default 10)"),
                format!("max_attempts: {n}"),
            ));
        }
    }
    problems_hit(
        ctx,
        "attack-protection/brute-force-protection.json",
        "Brute-force protection",
        p,
    )
}

fn stage_i64(stage: Option<&Value>, name: &str, field: &str) -> Option<i64> {
    stage?.get(name)?.get(field)?.as_i64()
}

fn eval_suspicious_ip(ctx: &ScanContext) -> Vec<Hit> {
    let Some(ip) = ctx.snapshot.attack_protection.suspicious_ip.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    if ip.enabled != Some(true) {
        p.push(problem(Severity::Medium, "disabled", "enabled: false"));
    } else {
        if !has(&ip.shields, "block") {
            p.push(problem(
                Severity::Medium,
                "suspicious IPs are not blocked",
                shields(&ip.shields),
            ));
        }
        if !has(&ip.shields, "admin_notification") {
            p.push(problem(
                Severity::Low,
                "admins are not notified",
                shields(&ip.shields),
            ));
        }
        allowlist_problems(&ip.allowlist, &mut p);
        let stage = ip.stage.as_ref();
        for (name, max, rate) in [
            ("pre-login", 100, 864_000),
            ("pre-user-registration", 50, 1_200),
        ] {
            if let Some(n) = stage_i64(stage, name, "max_attempts").filter(|n| *n > max) {
                p.push(problem(
                    Severity::Low,
                    format!("{name} allows {n} attempts (default {max})"),
                    format!("stage.{name}.max_attempts: {n}"),
                ));
            }
            if let Some(r) = stage_i64(stage, name, "rate").filter(|r| *r < rate) {
                p.push(problem(
                    Severity::Low,
                    format!("{name} regains an attempt every {r} ms (default {rate})"),
                    format!("stage.{name}.rate: {r}"),
                ));
            }
        }
    }
    problems_hit(
        ctx,
        "attack-protection/suspicious-ip-throttling.json",
        "Suspicious IP throttling",
        p,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    #[test]
    fn brute_force() {
        let off = TenantBuilder::new()
            .brute_force(json!({"enabled": false}))
            .build();
        assert_eq!(severity(&BRUTE_FORCE, &off), Severity::High);
        let lax = TenantBuilder::new()
            .brute_force(json!({"enabled": true, "shields": ["block", "user_notification"],
                "mode": "count_per_identifier_and_ip", "allowlist": ["10.0.0.0/8"], "max_attempts": 50}))
            .build();
        let hit = one(&BRUTE_FORCE, &lax);
        assert_eq!(hit.severity, Some(Severity::Medium));
        assert!(hit.description.contains("50 attempts"));
        assert!(hit.evidence.iter().any(|e| e.text == "max_attempts: 50"));
        let good = TenantBuilder::new()
            .brute_force(
                json!({"enabled": true, "shields": ["block", "user_notification"],
                "mode": "count_per_identifier", "allowlist": [], "max_attempts": 10}),
            )
            .build();
        clean(&BRUTE_FORCE, &good);
        clean(&BRUTE_FORCE, &TenantBuilder::new().build());
    }

    #[test]
    fn suspicious_ip_stages() {
        let lax = TenantBuilder::new()
            .suspicious_ip(
                json!({"enabled": true, "shields": ["block", "admin_notification"],
                "stage": {"pre-login": {"max_attempts": 1000, "rate": 864000}}}),
            )
            .build();
        let hit = one(&SUSPICIOUS_IP, &lax);
        assert_eq!(hit.severity, Some(Severity::Low));
        assert!(hit.description.contains("1000 attempts"));
        assert_eq!(hit.evidence[0].text, "stage.pre-login.max_attempts: 1000");
        let good = TenantBuilder::new()
            .suspicious_ip(
                json!({"enabled": true, "shields": ["block", "admin_notification"],
                "stage": {"pre-login": {"max_attempts": 100, "rate": 864000},
                          "pre-user-registration": {"max_attempts": 50, "rate": 1200}}}),
            )
            .build();
        clean(&SUSPICIOUS_IP, &good);
        let off = TenantBuilder::new()
            .suspicious_ip(json!({"enabled": false}))
            .build();
        assert_eq!(severity(&SUSPICIOUS_IP, &off), Severity::Medium);
    }

    #[test]
    fn wide_ranges() {
        assert!(is_wide("10.0.0.0/8"));
        assert!(is_wide("2001:db8::/32"));
        assert!(!is_wide("203.0.113.0/24"));
        assert!(!is_wide("198.51.100.17"));
        assert!(!is_wide("1.2.3.4/abc"));
    }
}
