//! Attack protection: brute-force protection (with its threshold and lockout mode), suspicious
//! IP throttling (with its stage limits), breached-password detection per stage, and bot
//! detection. Allow-lists are weighed by how wide their CIDR ranges are.

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
        "DET:brute_force_critical_settings_manipulated"
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
        "DET:suspicious_ip_throttling_critical_settings_manipulated"
    ],
    eval: eval_suspicious_ip,
});

config_rule!(BREACHED_PASSWORD {
    id: "attack-protection.breached-password",
    title: "Breached-password detection is off or monitor-only",
    severity: Medium,
    category: AttackProtection,
    needs: [AttackProtection],
    reads: [
        "breached-password-detection.enabled",
        "breached-password-detection.shields",
        "breached-password-detection.stage"
    ],
    condition: "Disabled or without the block shield at login (medium); signup or password-change stage without block (low).",
    remediation: "Enable breached-password detection with block at login, signup and password change.",
    matches: [
        "CM:checkBreachedPassword",
        "DET:breached_password_detection_settings_manipulated"
    ],
    eval: eval_breached,
});

config_rule!(BOT_DETECTION {
    id: "attack-protection.bot-detection",
    title: "Bot detection does not challenge some flows",
    severity: Low,
    category: AttackProtection,
    needs: [AttackProtection],
    reads: [
        "bot-detection.challenge_password_policy",
        "bot-detection.challenge_passwordless_policy",
        "bot-detection.challenge_password_reset_policy",
        "bot-detection.monitoring_mode_enabled",
        "bot-detection.allowlist"
    ],
    condition: "A flow's challenge policy is never, monitoring mode is on, or the allow-list is not empty.",
    remediation: "Challenge password, passwordless and password-reset flows when risky, leave monitoring mode, and keep the allow-list empty.",
    matches: [
        "CM:checkBotDetectionSetting",
        "GAP bot-detection-v2",
        "DET:bot_detection_turned_off"
    ],
    eval: eval_bot,
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

/// Problems of an allow-list.
fn allowlist_problems(list: &[String], out: &mut Vec<(Severity, String)>) {
    if list.is_empty() {
        return;
    }
    let wide: Vec<&str> = list
        .iter()
        .map(String::as_str)
        .filter(|e| is_wide(e))
        .collect();
    if wide.is_empty() {
        out.push((
            Severity::Low,
            format!("allowlist exempts {}", list.join(", ")),
        ));
    } else {
        out.push((
            Severity::Medium,
            format!("allowlist exempts wide ranges {}", wide.join(", ")),
        ));
    }
}

fn problems_hit(
    ctx: &ScanContext,
    file: &str,
    what: &str,
    problems: Vec<(Severity, String)>,
) -> Vec<Hit> {
    let Some(severity) = problems.iter().map(|p| p.0).max() else {
        return Vec::new();
    };
    let texts: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
    let hit = Hit::new(
        vec![tenant_ref(ctx.snapshot)],
        format!("{what}: {}.", texts.join("; ")),
    )
    .with_severity(severity);
    vec![
        problems
            .iter()
            .fold(hit, |h, p| h.with_evidence(evidence(file, p.1.clone()))),
    ]
}

fn has(shields: &[String], s: &str) -> bool {
    shields.iter().any(|x| x == s)
}

fn eval_brute_force(ctx: &ScanContext) -> Vec<Hit> {
    let Some(bf) = ctx.snapshot.attack_protection.brute_force.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    if bf.enabled != Some(true) {
        p.push((Severity::High, "enabled: false".to_string()));
    } else {
        if !has(&bf.shields, "block") {
            p.push((
                Severity::Medium,
                "shields lack block (accounts are never locked)".into(),
            ));
        }
        if !has(&bf.shields, "user_notification") {
            p.push((Severity::Low, "shields lack user_notification".into()));
        }
        allowlist_problems(&bf.allowlist, &mut p);
        if let Some(mode) = bf.mode.as_deref().filter(|m| *m != "count_per_identifier") {
            p.push((
                Severity::Low,
                format!("mode: {mode} (an attacker rotating IPs is never locked out)"),
            ));
        }
        if let Some(n) = bf.max_attempts.filter(|n| *n > 10) {
            p.push((Severity::Low, format!("max_attempts: {n}")));
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
        p.push((Severity::Medium, "enabled: false".to_string()));
    } else {
        if !has(&ip.shields, "block") {
            p.push((Severity::Medium, "shields lack block".into()));
        }
        if !has(&ip.shields, "admin_notification") {
            p.push((Severity::Low, "shields lack admin_notification".into()));
        }
        allowlist_problems(&ip.allowlist, &mut p);
        let stage = ip.stage.as_ref();
        for (name, max, rate) in [
            ("pre-login", 100, 864_000),
            ("pre-user-registration", 50, 1_200),
        ] {
            if let Some(n) = stage_i64(stage, name, "max_attempts").filter(|n| *n > max) {
                p.push((
                    Severity::Low,
                    format!("stage.{name}.max_attempts: {n} (default {max})"),
                ));
            }
            if let Some(r) = stage_i64(stage, name, "rate").filter(|r| *r < rate) {
                p.push((
                    Severity::Low,
                    format!("stage.{name}.rate: {r} ms (default {rate})"),
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

fn stage_blocks(stage: Option<&Value>, name: &str) -> bool {
    stage
        .and_then(|s| s.get(name))
        .and_then(|s| s.get("shields"))
        .and_then(|s| s.as_array())
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("block")))
}

fn eval_breached(ctx: &ScanContext) -> Vec<Hit> {
    let Some(bp) = ctx.snapshot.attack_protection.breached_password.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    if bp.enabled != Some(true) {
        p.push((Severity::Medium, "enabled: false".to_string()));
    } else {
        if !has(&bp.shields, "block") {
            p.push((
                Severity::Medium,
                "login shields lack block (monitor only)".into(),
            ));
        }
        for stage in ["pre-user-registration", "pre-change-password"] {
            if !stage_blocks(bp.stage.as_ref(), stage) {
                p.push((Severity::Low, format!("stage.{stage}.shields lack block")));
            }
        }
    }
    problems_hit(
        ctx,
        "attack-protection/breached-password-detection.json",
        "Breached-password detection",
        p,
    )
}

fn eval_bot(ctx: &ScanContext) -> Vec<Hit> {
    let Some(bot) = ctx.snapshot.attack_protection.bot_detection.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    for (field, value) in [
        ("challenge_password_policy", &bot.challenge_password_policy),
        (
            "challenge_passwordless_policy",
            &bot.challenge_passwordless_policy,
        ),
        (
            "challenge_password_reset_policy",
            &bot.challenge_password_reset_policy,
        ),
    ] {
        if let Some(v) = value.as_deref().filter(|v| matches!(*v, "never" | "off")) {
            p.push((Severity::Low, format!("{field}: {v}")));
        }
    }
    if bot.monitoring_mode_enabled == Some(true) {
        p.push((Severity::Low, "monitoring_mode_enabled: true".into()));
    }
    if !bot.allowlist.is_empty() {
        p.push((
            Severity::Low,
            format!("allowlist: {}", bot.allowlist.join(", ")),
        ));
    }
    problems_hit(
        ctx,
        "attack-protection/bot-detection.json",
        "Bot detection",
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
        assert!(hit.description.contains("max_attempts: 50"));
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
        assert!(hit.description.contains("1000"));
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
    fn breached_password() {
        let monitor = TenantBuilder::new()
            .breached_password(json!({"enabled": true, "shields": ["admin_notification"]}))
            .build();
        assert_eq!(severity(&BREACHED_PASSWORD, &monitor), Severity::Medium);
        let good = TenantBuilder::new()
            .breached_password(json!({"enabled": true, "shields": ["block"],
                "stage": {"pre-user-registration": {"shields": ["block"]}, "pre-change-password": {"shields": ["block"]}}}))
            .build();
        clean(&BREACHED_PASSWORD, &good);
    }

    #[test]
    fn bot_detection() {
        let weak = TenantBuilder::new()
            .bot_detection(json!({"challenge_password_policy": "never", "challenge_passwordless_policy": "when_risky"}))
            .build();
        assert!(
            one(&BOT_DETECTION, &weak)
                .description
                .contains("challenge_password_policy: never")
        );
        let good = TenantBuilder::new()
            .bot_detection(json!({"challenge_password_policy": "when_risky", "challenge_passwordless_policy": "always",
                "challenge_password_reset_policy": "when_risky", "monitoring_mode_enabled": false, "allowlist": []}))
            .build();
        clean(&BOT_DETECTION, &good);
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
