//! MFA: enabled factors, the tenant MFA policy (weighed by whether any running code requires
//! MFA itself), password reset protected only by e-mail, and the default SMS provider.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::code::{CodeUnit, EffectKind};
use crate::findings::{ObjectKind, Severity};

use super::support::{config_rule, connection_file, connection_ref, evidence, tenant_ref};

config_rule!(NO_FACTOR {
    id: "mfa.no-factor-enabled",
    title: "No MFA factor is enabled",
    severity: Medium,
    category: Mfa,
    needs: [Guardian],
    reads: ["guardian.factors.enabled"],
    condition: "No Guardian factor is enabled, so MFA cannot be required anywhere.",
    remediation: "Enable at least one strong factor (WebAuthn, OTP or push) and require it for sensitive applications.",
    matches: ["CM:checkGuardianFactors", "PRC-N mfa-configured"],
    eval: eval_no_factor,
});

config_rule!(WEAK_FACTORS_ONLY {
    id: "mfa.weak-factors-only",
    title: "Only phishable MFA factors (SMS, voice, e-mail) are enabled",
    severity: Low,
    category: Mfa,
    needs: [Guardian],
    reads: ["guardian.factors.enabled"],
    condition: "Some factor is enabled and every enabled factor is sms, voice/phone or email.",
    remediation: "Enable WebAuthn, OTP or push and let users move off SMS.",
    matches: ["GAP weak-factors-only"],
    eval: eval_weak_only,
});

config_rule!(POLICY_NEVER {
    id: "mfa.policy-never",
    title: "Tenant MFA policy never requires MFA",
    severity: Low,
    category: Mfa,
    needs: [Guardian],
    reads: ["guardian.policies", "actions.code", "rules.script"],
    condition: "The Guardian policy list is empty; info when running code (an Action or Rule) requires MFA itself, low otherwise.",
    remediation: "Require MFA for all applications (or adaptively), or require it in a post-login Action for the applications that need it.",
    matches: ["CM:checkGuardianPolicy"],
    eval: eval_policy,
});

config_rule!(PASSWORD_RESET_MFA {
    id: "mfa.password-reset-without-mfa",
    title: "Password reset is protected only by access to the mailbox",
    severity: Medium,
    category: Mfa,
    needs: [Connections, Actions, Triggers],
    reads: [
        "connections.options.authentication_methods",
        "actions.code",
        "triggers.password-reset-post-challenge"
    ],
    condition: "A database connection with passwords is enabled for an application and no deployed Action bound to password-reset-post-challenge requires an MFA challenge.",
    remediation: "Bind a password-reset-post-challenge Action that calls api.authentication.challengeWith for enrolled users.",
    matches: ["CM:checkPasswordResetMFA", "path(c)21"],
    eval: eval_reset,
});

config_rule!(DEFAULT_SMS_PROVIDER {
    id: "mfa.default-sms-provider",
    title: "SMS MFA uses Auth0's default provider",
    severity: Low,
    category: Mfa,
    needs: [Guardian],
    reads: ["guardian.factors", "guardian.phone_selected_provider"],
    condition: "The sms factor is enabled and the selected phone provider is auth0 (rate-limited, not for production).",
    remediation: "Configure your own SMS provider (Twilio, SNS, or a custom phone provider).",
    matches: ["PRC-C sms-provider"],
    eval: eval_sms_provider,
});

const GUARDIAN_FILE: &str = "guardian/factors";

fn eval_no_factor(ctx: &ScanContext) -> Vec<Hit> {
    let g = &ctx.snapshot.guardian;
    if !g.enabled_factors().is_empty() {
        return Vec::new();
    }
    vec![
        Hit::new(
            vec![tenant_ref(ctx.snapshot)],
            "No MFA factor is enabled in the tenant.",
        )
        .with_evidence(evidence(GUARDIAN_FILE, "factors: none enabled")),
    ]
}

fn eval_weak_only(ctx: &ScanContext) -> Vec<Hit> {
    let enabled = ctx.snapshot.guardian.enabled_factors();
    let weak = |f: &&str| matches!(*f, "sms" | "voice" | "phone" | "email");
    if enabled.is_empty() || !enabled.iter().all(weak) {
        return Vec::new();
    }
    let d = format!(
        "The only enabled factors are {}, which can be phished or SIM-swapped.",
        enabled.join(", ")
    );
    vec![
        Hit::new(vec![tenant_ref(ctx.snapshot)], d).with_evidence(evidence(
            GUARDIAN_FILE,
            format!("enabled factors: {}", enabled.join(", ")),
        )),
    ]
}

fn requires_mfa(unit: &CodeUnit) -> bool {
    unit.reachability.is_active()
        && unit
            .report
            .effects
            .iter()
            .any(|e| e.kind == EffectKind::RequireMfa)
}

fn eval_policy(ctx: &ScanContext) -> Vec<Hit> {
    if !ctx.snapshot.guardian.policies.is_empty() {
        return Vec::new();
    }
    let code: Vec<&CodeUnit> = ctx.code.iter().filter(|u| requires_mfa(u)).collect();
    let mut objects = vec![tenant_ref(ctx.snapshot)];
    objects.extend(code.iter().map(|u| u.object.clone()));
    let (severity, d) = if code.is_empty() {
        (
            Severity::Low,
            "The MFA policy is never and no running code requires MFA.".to_string(),
        )
    } else {
        let names: Vec<String> = code.iter().map(|u| u.label()).collect();
        (
            Severity::Info,
            format!(
                "The MFA policy is never; MFA is required only by {}.",
                names.join(", ")
            ),
        )
    };
    vec![
        Hit::new(objects, d)
            .with_severity(severity)
            .with_evidence(evidence("guardian/policies.json", "policies: []")),
    ]
}

fn eval_reset(ctx: &ScanContext) -> Vec<Hit> {
    let protected = ctx.code.iter().any(|u| {
        u.object.kind == ObjectKind::Action
            && requires_mfa(u)
            && u.bindings
                .iter()
                .any(|(t, _)| t == "password-reset-post-challenge")
    });
    if protected {
        return Vec::new();
    }
    ctx.snapshot
        .connections
        .iter()
        .filter(|c| c.is_database() && !c.enabled_clients.is_empty())
        .filter(|c| {
            c.options
                .authentication_methods
                .as_ref()
                .and_then(|m| m.get("password"))
                .and_then(|p| p.get("enabled"))
                .and_then(|e| e.as_bool())
                != Some(false)
        })
        .map(|c| {
            let d = format!(
                "Users of connection \"{}\" can reset their password with the e-mailed link alone: no password-reset Action challenges MFA.",
                c.name
            );
            Hit::new(vec![connection_ref(c)], d)
                .with_evidence(evidence(
                    &connection_file(c),
                    "options.authentication_methods.password.enabled: true",
                ))
                .with_evidence(evidence(
                    "triggers/triggers.json",
                    "password-reset-post-challenge: no Action requiring MFA",
                ))
        })
        .collect()
}

fn eval_sms_provider(ctx: &ScanContext) -> Vec<Hit> {
    let g = &ctx.snapshot.guardian;
    if !g.enabled_factors().contains(&"sms")
        || g.phone_selected_provider.as_deref() != Some("auth0")
    {
        return Vec::new();
    }
    vec![
        Hit::new(
            vec![tenant_ref(ctx.snapshot)],
            "SMS MFA is sent through Auth0's default provider.",
        )
        .with_evidence(evidence(
            "guardian/phoneFactorSelectedProvider.json",
            "provider: auth0",
        )),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    const MFA_ACTION: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any');
};"#;

    const RESET_ACTION: &str = r#"exports.onExecutePostChallenge = async (event, api) => {
  api.authentication.challengeWithAny([{ type: 'otp' }]);
};"#;

    #[test]
    fn factors() {
        let none = TenantBuilder::new()
            .guardian(&[("otp", false)], &[])
            .build();
        assert_eq!(severity(&NO_FACTOR, &none), Severity::Medium);
        clean(&WEAK_FACTORS_ONLY, &none);
        let sms = TenantBuilder::new()
            .guardian(&[("sms", true), ("otp", false)], &[])
            .build();
        clean(&NO_FACTOR, &sms);
        assert_eq!(severity(&WEAK_FACTORS_ONLY, &sms), Severity::Low);
        let strong = TenantBuilder::new()
            .guardian(&[("sms", true), ("webauthn-roaming", true)], &[])
            .build();
        clean(&WEAK_FACTORS_ONLY, &strong);
    }

    #[test]
    fn policy_never_weighed_by_code() {
        let bare = TenantBuilder::new().guardian(&[("otp", true)], &[]).build();
        assert_eq!(severity(&POLICY_NEVER, &bare), Severity::Low);
        let coded = TenantBuilder::new()
            .guardian(&[("otp", true)], &[])
            .action(
                json!({"name": "MFA", "deployed": true}),
                MFA_ACTION,
                &["post-login"],
            )
            .build();
        let hit = one(&POLICY_NEVER, &coded);
        assert_eq!(hit.severity, Some(Severity::Info));
        assert!(hit.objects.iter().any(|o| o.name == "MFA"));
        clean(
            &POLICY_NEVER,
            &TenantBuilder::new()
                .guardian(&[("otp", true)], &["all-applications"])
                .build(),
        );
    }

    #[test]
    fn password_reset_needs_a_bound_challenge() {
        let db = json!({"name": "db", "strategy": "auth0", "enabled_clients": ["Web"]});
        let open = TenantBuilder::new().connection(db.clone()).build();
        assert_eq!(one(&PASSWORD_RESET_MFA, &open).objects[0].name, "db");
        let guarded = TenantBuilder::new()
            .connection(db)
            .action(
                json!({"name": "Reset MFA", "deployed": true}),
                RESET_ACTION,
                &["password-reset-post-challenge"],
            )
            .build();
        clean(&PASSWORD_RESET_MFA, &guarded);
    }

    #[test]
    fn sms_provider() {
        let s = TenantBuilder::new()
            .guardian(&[("sms", true)], &[])
            .phone_provider("auth0")
            .build();
        assert_eq!(severity(&DEFAULT_SMS_PROVIDER, &s), Severity::Low);
        let own = TenantBuilder::new()
            .guardian(&[("sms", true)], &[])
            .phone_provider("twilio")
            .build();
        clean(&DEFAULT_SMS_PROVIDER, &own);
    }
}
