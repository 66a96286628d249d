//! The CAPTCHA provider behind bot detection (`GET /attack-protection/captcha`): a provider
//! configured to fail open lets every login through when the provider is slow or blocked, and an
//! empty provider choice leaves bot detection without a challenge. Absent CAPTCHA settings are
//! not judged. Provider secrets in the same object are never read.

use serde_json::Value;

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;

use super::support::{config_rule, evidence, tenant_ref};

config_rule!(CAPTCHA_FAIL_OPEN {
    id: "attack-protection.captcha-fail-open",
    title: "CAPTCHA fails open or no CAPTCHA provider is selected",
    severity: Medium,
    category: AttackProtection,
    needs: [AttackProtection],
    reads: [
        "attack_protection.captcha.active_provider_id",
        "attack_protection.captcha.<provider>.fail_open"
    ],
    condition: "The active CAPTCHA provider has fail_open true (medium: an attacker who makes the provider unreachable skips the challenge), or active_provider_id is present but empty (low).",
    remediation: "Set fail_open to false on the active provider and keep a provider selected.",
    matches: ["GAP captcha-fail-open"],
    eval: eval_captcha,
});

const CAPTCHA_FILE: &str = "attack-protection/captcha.json";

fn eval_captcha(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    let Some(captcha) = s.attack_protection.captcha.as_ref() else {
        return Vec::new();
    };
    let provider = match captcha.get("active_provider_id") {
        Some(Value::String(p)) => p.trim(),
        Some(Value::Null) => "",
        _ => return Vec::new(),
    };
    if provider.is_empty() {
        return vec![
            Hit::new(
                vec![tenant_ref(s)],
                "No CAPTCHA provider is selected, so bot detection has no challenge to show.",
            )
            .with_severity(Severity::Low)
            .with_evidence(evidence(CAPTCHA_FILE, "active_provider_id: (empty)")),
        ];
    }
    let fail_open = captcha
        .get(provider)
        .and_then(|p| p.get("fail_open"))
        .and_then(Value::as_bool)
        == Some(true);
    if !fail_open {
        return Vec::new();
    }
    vec![
        Hit::new(
            vec![tenant_ref(s)],
            format!(
                "CAPTCHA provider \"{provider}\" fails open: when it cannot be reached, logins and signups pass without a challenge."
            ),
        )
        .with_evidence(evidence(CAPTCHA_FILE, format!("{provider}.fail_open: true"))),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};
    use crate::tenant::TenantSnapshot;

    fn snap(captcha: Option<Value>) -> TenantSnapshot {
        let mut s = TenantBuilder::new().build();
        s.attack_protection.captcha = captcha;
        s
    }

    #[test]
    fn fail_open_active_provider_is_medium() {
        let s = snap(Some(json!({"active_provider_id": "arkose",
            "arkose": {"site_key": "k", "client_subdomain": "c", "fail_open": true, "secret": "arkose-secret-0001"}})));
        let hit = one(&CAPTCHA_FAIL_OPEN, &s);
        assert_eq!(hit.severity, None);
        assert!(!format!("{hit:?}").contains("arkose-secret"));
    }

    #[test]
    fn empty_provider_is_low() {
        let s = snap(Some(json!({"active_provider_id": ""})));
        assert_eq!(severity(&CAPTCHA_FAIL_OPEN, &s), Severity::Low);
    }

    #[test]
    fn fail_closed_other_provider_or_absent_settings_are_clean() {
        clean(
            &CAPTCHA_FAIL_OPEN,
            &snap(Some(
                json!({"active_provider_id": "auth_challenge", "auth_challenge": {"fail_open": false}}),
            )),
        );
        // fail_open on a provider that is not active does not matter.
        clean(
            &CAPTCHA_FAIL_OPEN,
            &snap(Some(
                json!({"active_provider_id": "auth0", "arkose": {"fail_open": true}}),
            )),
        );
        clean(&CAPTCHA_FAIL_OPEN, &snap(None));
    }
}
