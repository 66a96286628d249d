//! Attack-protection detections: breached-password detection per stage and bot detection.
//! Shared problem helpers live in [`super::attack_protection`].

use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;

use super::attack_protection::{has, problem, problems_hit, shields};
use super::support::config_rule;

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
        "DET:breached_password_detection_settings_manipulated",
        "PRC-B review-attack-protection"
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
        "DET:bot_detection_turned_off",
        "PRC-B review-attack-protection"
    ],
    eval: eval_bot,
});

fn stage_shields(stage: Option<&Value>, name: &str) -> Vec<String> {
    stage
        .and_then(|s| s.get(name))
        .and_then(|s| s.get("shields"))
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn eval_breached(ctx: &ScanContext) -> Vec<Hit> {
    let Some(bp) = ctx.snapshot.attack_protection.breached_password.as_ref() else {
        return Vec::new();
    };
    let mut p = Vec::new();
    if bp.enabled != Some(true) {
        p.push(problem(Severity::Medium, "disabled", "enabled: false"));
    } else {
        if !has(&bp.shields, "block") {
            p.push(problem(
                Severity::Medium,
                "breached passwords still log in (monitor only)",
                shields(&bp.shields),
            ));
        }
        for stage in ["pre-user-registration", "pre-change-password"] {
            let list = stage_shields(bp.stage.as_ref(), stage);
            if !has(&list, "block") {
                p.push(problem(
                    Severity::Low,
                    format!("{stage} accepts breached passwords"),
                    format!("stage.{stage}.{}", shields(&list)),
                ));
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
            let what = format!(
                "{} is never challenged",
                field
                    .trim_start_matches("challenge_")
                    .trim_end_matches("_policy")
            );
            p.push(problem(Severity::Low, what, format!("{field}: {v}")));
        }
    }
    if bot.monitoring_mode_enabled == Some(true) {
        p.push(problem(
            Severity::Low,
            "monitoring mode only",
            "monitoring_mode_enabled: true",
        ));
    }
    if !bot.allowlist.is_empty() {
        p.push(problem(
            Severity::Low,
            "the allow-list skips some addresses",
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
        let hit = one(&BOT_DETECTION, &weak);
        assert!(
            hit.description.contains("password is never challenged"),
            "{}",
            hit.description
        );
        assert_eq!(hit.evidence[0].text, "challenge_password_policy: never");
        let good = TenantBuilder::new()
            .bot_detection(json!({"challenge_password_policy": "when_risky", "challenge_passwordless_policy": "always",
                "challenge_password_reset_policy": "when_risky", "monitoring_mode_enabled": false, "allowlist": []}))
            .build();
        clean(&BOT_DETECTION, &good);
    }
}
