//! Tenant flags: legacy endpoints and the legacy profile (production blockers), classic login,
//! and flags that weaken signup, framing, connection assignment and custom-scheme callbacks.

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;
use crate::findings::Severity;
use crate::tenant::TenantFlags;

use super::support::{config_rule, evidence, settings_file, tenant_ref};

config_rule!(LEGACY_ENDPOINTS {
    id: "tenant.legacy-endpoints",
    title: "Legacy authentication endpoints are enabled",
    severity: High,
    category: Tenant,
    needs: [TenantSettings],
    reads: [
        "tenant.flags.enable_idtoken_api2",
        "tenant.flags.allow_legacy_ro_grant_types",
        "tenant.flags.allow_other_legacy_grant_types",
        "tenant.flags.allow_legacy_tokeninfo_endpoint",
        "tenant.flags.allow_legacy_delegation_grant_types"
    ],
    condition: "Any legacy flag is on: ID tokens accepted by Management API v2, /oauth/ro, /delegation (high), /oauth/access_token or /tokeninfo (medium).",
    remediation: "Migrate callers to the OIDC-conformant endpoints and switch the legacy flags off.",
    matches: [
        "PRC-C idtoken-api2",
        "PRC-C legacy-ro",
        "PRC-C legacy-access-token",
        "PRC-C legacy-tokeninfo",
        "PRC-C legacy-delegation"
    ],
    eval: eval_legacy,
});

config_rule!(LEGACY_PROFILE {
    id: "tenant.legacy-profile",
    title: "Legacy user profile is returned in ID tokens and userinfo",
    severity: Medium,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.flags.enable_legacy_profile"],
    condition: "flags.enable_legacy_profile is true, so the full profile (metadata included) goes into ID tokens and /userinfo.",
    remediation: "Switch enable_legacy_profile off and add only the claims applications need.",
    matches: ["PRC-C legacy-profile"],
    eval: eval_legacy_profile,
});

config_rule!(CLASSIC_LOGIN {
    id: "tenant.classic-login",
    title: "Tenant still uses Classic Universal Login",
    severity: Low,
    category: Tenant,
    needs: [Prompts],
    reads: ["prompts.universal_login_experience"],
    condition: "prompts.universal_login_experience is classic.",
    remediation: "Move to the new Universal Login experience.",
    matches: ["PRC-N universal-login"],
    eval: eval_classic,
});

config_rule!(RISKY_FLAGS {
    id: "tenant.risky-flags",
    title: "Tenant flags weaken signup, framing or connection assignment",
    severity: Medium,
    category: Tenant,
    needs: [TenantSettings],
    reads: [
        "tenant.flags.enable_public_signup_user_exists_error",
        "tenant.flags.disable_clickjack_protection_headers",
        "tenant.flags.enable_client_connections",
        "tenant.skip_non_verifiable_callback_uri_confirmation_prompt",
        "tenant.flags.disable_management_api_sms_obfuscation"
    ],
    condition: "Signup reveals existing accounts, anti-framing headers are off, new applications get every connection (absent means on), or the custom-scheme callback prompt is skipped (medium); phone numbers are returned unmasked (low).",
    remediation: "Switch each listed flag to its safe value.",
    matches: [
        "GAP signup-user-exists",
        "GAP clickjacking",
        "GAP auto-enable-connections",
        "GAP nonverifiable-callback-prompt (tenant)",
        "GAP sms-obfuscation"
    ],
    eval: eval_risky,
});

fn flag_extra(f: &TenantFlags, name: &str) -> Option<bool> {
    f.extra.get(name).and_then(|v| v.as_bool())
}

/// The enabled flags among `(name, value, severity, meaning)`, and one hit listing them.
fn flags_hit(ctx: &ScanContext, flags: Vec<(&str, Option<bool>, Severity, &str)>) -> Vec<Hit> {
    let on: Vec<_> = flags.into_iter().filter(|f| f.1 == Some(true)).collect();
    let Some(severity) = on.iter().map(|f| f.2).max() else {
        return Vec::new();
    };
    let s = ctx.snapshot;
    let what: Vec<String> = on.iter().map(|f| format!("{} ({})", f.3, f.0)).collect();
    let file = settings_file(s);
    let hit = on.iter().fold(
        Hit::new(
            vec![tenant_ref(s)],
            format!("Enabled: {}.", what.join("; ")),
        )
        .with_severity(severity),
        |h, f| h.with_evidence(evidence(&file, format!("{}: true", f.0))),
    );
    vec![hit]
}

fn eval_legacy(ctx: &ScanContext) -> Vec<Hit> {
    let f = &ctx.snapshot.settings.flags;
    flags_hit(
        ctx,
        vec![
            (
                "flags.enable_idtoken_api2",
                f.enable_idtoken_api2,
                Severity::High,
                "ID tokens accepted by Management API v2",
            ),
            (
                "flags.allow_legacy_ro_grant_types",
                f.allow_legacy_ro_grant_types,
                Severity::High,
                "/oauth/ro",
            ),
            (
                "flags.allow_legacy_delegation_grant_types",
                f.allow_legacy_delegation_grant_types,
                Severity::High,
                "/delegation",
            ),
            (
                "flags.allow_other_legacy_grant_types",
                flag_extra(f, "allow_other_legacy_grant_types"),
                Severity::Medium,
                "/oauth/access_token",
            ),
            (
                "flags.allow_legacy_tokeninfo_endpoint",
                f.allow_legacy_tokeninfo_endpoint,
                Severity::Medium,
                "/tokeninfo",
            ),
        ],
    )
}

fn eval_legacy_profile(ctx: &ScanContext) -> Vec<Hit> {
    let f = &ctx.snapshot.settings.flags;
    flags_hit(
        ctx,
        vec![(
            "flags.enable_legacy_profile",
            f.enable_legacy_profile,
            Severity::Medium,
            "the legacy user profile",
        )],
    )
}

fn eval_classic(ctx: &ScanContext) -> Vec<Hit> {
    let Some(p) = ctx.snapshot.prompts.as_ref() else {
        return Vec::new();
    };
    if p.universal_login_experience.as_deref() != Some("classic") {
        return Vec::new();
    }
    let file = if p.file.is_empty() {
        "prompts/prompts.json"
    } else {
        p.file.as_str()
    };
    let s = ctx.snapshot;
    vec![
        Hit::new(
            vec![tenant_ref(s)],
            "The tenant uses Classic Universal Login.",
        )
        .with_evidence(evidence(file, "universal_login_experience: classic")),
    ]
}

fn eval_risky(ctx: &ScanContext) -> Vec<Hit> {
    let st = &ctx.snapshot.settings;
    let f = &st.flags;
    flags_hit(
        ctx,
        vec![
            (
                "flags.enable_public_signup_user_exists_error",
                f.enable_public_signup_user_exists_error,
                Severity::Medium,
                "signup reveals existing accounts",
            ),
            (
                "flags.disable_clickjack_protection_headers",
                f.disable_clickjack_protection_headers,
                Severity::Medium,
                "login pages can be framed",
            ),
            (
                if f.enable_client_connections.is_none() {
                    "flags.enable_client_connections (not set, default)"
                } else {
                    "flags.enable_client_connections"
                },
                Some(f.enable_client_connections != Some(false)),
                Severity::Medium,
                "new applications get every connection",
            ),
            (
                "skip_non_verifiable_callback_uri_confirmation_prompt",
                st.skip_non_verifiable_callback_uri_confirmation_prompt,
                Severity::Medium,
                "custom-scheme callbacks skip the confirmation prompt",
            ),
            (
                "flags.disable_management_api_sms_obfuscation",
                f.disable_management_api_sms_obfuscation,
                Severity::Low,
                "phone numbers returned unmasked",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one, severity};

    fn settings(v: serde_json::Value) -> crate::tenant::TenantSnapshot {
        TenantBuilder::new().settings(v).build()
    }

    #[test]
    fn legacy_endpoints_list_every_enabled_flag() {
        let s = settings(
            json!({"flags": {"allow_legacy_tokeninfo_endpoint": true, "allow_other_legacy_grant_types": true}}),
        );
        let hit = one(&LEGACY_ENDPOINTS, &s);
        assert_eq!(hit.severity, Some(Severity::Medium));
        assert_eq!(hit.evidence.len(), 2);
        let s = settings(json!({"flags": {"enable_idtoken_api2": true}}));
        assert_eq!(severity(&LEGACY_ENDPOINTS, &s), Severity::High);
        clean(
            &LEGACY_ENDPOINTS,
            &settings(json!({"flags": {"enable_idtoken_api2": false}})),
        );
    }

    #[test]
    fn legacy_profile() {
        assert_eq!(
            severity(
                &LEGACY_PROFILE,
                &settings(json!({"flags": {"enable_legacy_profile": true}}))
            ),
            Severity::Medium
        );
        clean(
            &LEGACY_PROFILE,
            &settings(json!({"flags": {"enable_legacy_profile": false}})),
        );
    }

    #[test]
    fn classic_login() {
        let s = TenantBuilder::new()
            .prompts(json!({"universal_login_experience": "classic"}))
            .build();
        assert_eq!(severity(&CLASSIC_LOGIN, &s), Severity::Low);
        clean(
            &CLASSIC_LOGIN,
            &TenantBuilder::new()
                .prompts(json!({"universal_login_experience": "new"}))
                .build(),
        );
    }

    #[test]
    fn risky_flags_absent_client_connections_counts_as_on() {
        let hit = one(&RISKY_FLAGS, &settings(json!({})));
        assert!(hit.description.contains("every connection"));
        assert_eq!(
            hit.evidence[0].text,
            "flags.enable_client_connections (not set, default): true"
        );
        let s = settings(
            json!({"flags": {"enable_client_connections": false, "disable_management_api_sms_obfuscation": true}}),
        );
        assert_eq!(severity(&RISKY_FLAGS, &s), Severity::Low);
        clean(
            &RISKY_FLAGS,
            &settings(json!({"flags": {"enable_client_connections": false}})),
        );
    }
}
