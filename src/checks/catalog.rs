//! The reference catalog's rows (shared/reference/auth0-security-checks.md, section (b)) that
//! authpath measures itself against: all 61 CheckMate validators, the 39 Auth0 production-check
//! items, the 8 Auth0-Audit (`BL:`) rules and the 76 proposed `GAP` rows, plus the rows that are
//! not applicable to a configuration scanner and why. A row counts as covered when a rule lists
//! it in `matches` or it is listed in [`NOT_APPLICABLE`].

/// Every CheckMate validator, as `CM:<validator function name>`.
pub const CHECKMATE_VALIDATORS: &[&str] = &[
    "CM:checkAPIAuthorizationPolicy",
    "CM:checkAPISigningAlgorithm",
    "CM:checkAPITokenLifetime",
    "CM:checkActionsHardCodedValues",
    "CM:checkActionsRuntime",
    "CM:checkAllowedCallbacks",
    "CM:checkAllowedLogoutUrl",
    "CM:checkAppTokenSenderConstraining",
    "CM:checkApplicationLoginUri",
    "CM:checkAuthenticationMethods",
    "CM:checkBackchannelLogout",
    "CM:checkBlockCanonicalDomain",
    "CM:checkBotDetectionSetting",
    "CM:checkBreachedPassword",
    "CM:checkBruteForce",
    "CM:checkCanonicalDomain",
    "CM:checkCrossOriginAuthentication",
    "CM:checkCustomDomain",
    "CM:checkDASHardCodedValues",
    "CM:checkDefaultAudience",
    "CM:checkDefaultDirectory",
    "CM:checkDependencies",
    "CM:checkEmailAttributeVerification",
    "CM:checkEmailProvider",
    "CM:checkEmailTemplates",
    "CM:checkEnabledDatabaseCustomization",
    "CM:checkEnabledDynamicClientRegistration",
    "CM:checkErrorPageTemplate",
    "CM:checkEventStreams",
    "CM:checkGrantTypes",
    "CM:checkGuardianFactors",
    "CM:checkGuardianPolicy",
    "CM:checkHooks",
    "CM:checkJAR",
    "CM:checkJWEResourceServer",
    "CM:checkJWTSignAlg",
    "CM:checkLogStream",
    "CM:checkManagementAPIACL",
    "CM:checkManagementAPIUserAccess",
    "CM:checkNetworkACL",
    "CM:checkPAR",
    "CM:checkPKCEEnforcement",
    "CM:checkPasswordComplexity",
    "CM:checkPasswordHistory",
    "CM:checkPasswordNoPersonalInfo",
    "CM:checkPasswordPolicy",
    "CM:checkPasswordResetMFA",
    "CM:checkPreRegistrationUserEnumeration",
    "CM:checkPrivateKeyJWT",
    "CM:checkPromotedDBConnection",
    "CM:checkRefreshToken",
    "CM:checkRules",
    "CM:checkSandboxVersion",
    "CM:checkSessionLifetime",
    "CM:checkSupportEmail",
    "CM:checkSupportUrl",
    "CM:checkSuspiciousIPThrottling",
    "CM:checkTenantLoginUrl",
    "CM:checkTenantLogoutUrl",
    "CM:checkTokenConstrainingResourceServer",
    "CM:checkWebOrigins",
];

/// Every Auth0 production-check item: `PRC-C` critical, `PRC-N` non-critical (recommended),
/// `PRC-B` manual best practice. The reference groups some items in one row; each is listed.
pub const PRODUCTION_CHECKS: &[&str] = &[
    "PRC-C callbacks-localhost",
    "PRC-C cors-localhost",
    "PRC-C weborigins-localhost",
    "PRC-C social-devkeys",
    "PRC-C idtoken-api2",
    "PRC-C legacy-ro",
    "PRC-C legacy-access-token",
    "PRC-C legacy-tokeninfo",
    "PRC-C legacy-delegation",
    "PRC-C legacy-profile",
    "PRC-C support-email",
    "PRC-C support-url",
    "PRC-C tenant-login-uri",
    "PRC-C env-tag",
    "PRC-C tenant-node",
    "PRC-C sms-provider",
    "PRC-C actions-node",
    "PRC-C rules-deprecated",
    "PRC-C hooks-deprecated",
    "PRC-C custom-domain-in-emails",
    "PRC-C email-provider",
    "PRC-N rs256",
    "PRC-N app-login-uri",
    "PRC-N logout-urls",
    "PRC-N tenant-logout-url",
    "PRC-N universal-login",
    "PRC-N custom-error-page",
    "PRC-N mfa-configured",
    "PRC-N mfa-admins",
    "PRC-N custom-domain",
    "PRC-N log-streaming",
    "PRC-N email-templates",
    "PRC-B restrict-delegation",
    "PRC-B externalize-config",
    "PRC-B sso-timeouts",
    "PRC-B tenants-admins",
    "PRC-B client-ids",
    "PRC-B auth0-ip-allowlist",
    "PRC-B review-attack-protection",
];

/// Every rule of brianlam38/Auth0-Audit (`checklist.json`).
pub const AUDIT_RULES: &[&str] = &[
    "BL:check_grant_implicitnotused",
    "BL:check_grant_refreshnotused",
    "BL:check_apptype_webapphasauthcode",
    "BL:check_apptype_m2mhasclientcred",
    "BL:check_apptype_thirdpartynotusepassword",
    "BL:check_oidcconformant",
    "BL:check_apptype_genericnotused",
    "BL:check_algorithm",
];

/// Every proposed `GAP` row (checks no surveyed tool implements).
pub const GAP_ROWS: &[&str] = &[
    "GAP wildcard-urls",
    "GAP cors-origins",
    "GAP ip-header-trust",
    "GAP rt-infinite",
    "GAP idtoken-lifetime",
    "GAP third-party-apps",
    "GAP redirection-policy",
    "GAP nonverifiable-callback-prompt",
    "GAP classic-login-page",
    "GAP saml-addon-weak-crypto",
    "GAP public-auth-on-web-app",
    "GAP enabled-connections",
    "GAP public-signup",
    "GAP conn-bruteforce-off",
    "GAP password-dictionary",
    "GAP conn-mfa-inactive",
    "GAP root-attr-sync",
    "GAP pii-persistence",
    "GAP email-verified-trust",
    "GAP saml-request-unsigned",
    "GAP oidc-front-channel",
    "GAP enterprise-disclosure",
    "GAP federated-tokens",
    "GAP signup-user-exists",
    "GAP clickjacking",
    "GAP auto-enable-connections",
    "GAP sms-obfuscation",
    "GAP dcr-permissive",
    "GAP nonverifiable-callback-prompt (tenant)",
    "GAP session-length-policy",
    "GAP revoke-grant-on-rt-revoke",
    "GAP bf-threshold",
    "GAP ipt-stages",
    "GAP bot-detection-v2",
    "GAP captcha-fail-open",
    "GAP ip-spoofable-attack-protection",
    "GAP weak-factors-only",
    "GAP risk-assessment",
    "GAP mfa-in-action-bypassable",
    "GAP secrets-in-code (precise)",
    "GAP mfa-skip-silent-auth",
    "GAP mfa-self-attested",
    "GAP authz-on-unverified-email",
    "GAP email-substring-match",
    "GAP claims-from-user-metadata",
    "GAP scope-override",
    "GAP persistent-escalation",
    "GAP namespacing",
    "GAP insecure-egress",
    "GAP paid-service-pre-auth",
    "GAP redirect-no-validation",
    "GAP non-interactive-redirect",
    "GAP auto-account-linking",
    "GAP signup-block-bypass",
    "GAP deployed-vs-draft",
    "GAP action-mgmt-client",
    "GAP rules/hooks code",
    "GAP rbac-off",
    "GAP offline-access-spa",
    "GAP web-token-lifetime",
    "GAP client-policy",
    "GAP hs256-secret-exposure",
    "GAP default-audience-target",
    "GAP consent-skip",
    "GAP mgmt-write-grants",
    "GAP escalation-scopes",
    "GAP user-subject-grants",
    "GAP m2m-credential",
    "GAP credentials-exchange-scope-injection",
    "GAP token-quota",
    "GAP tls-policy",
    "GAP client-ip-header",
    "GAP stream-filters",
    "GAP template-links",
    "GAP ul-template-injection",
    "GAP org-grants",
];

/// Catalog rows no rule implements, with the reason. `DET:*` and `AX:*` stand for every
/// detection-catalog and auth0-explorer row that no rule lists as a configuration equivalent.
pub const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "CM:checkCanonicalDomain",
        "Reads tenant logs (GET /logs: interactive logins on the canonical host); a configuration snapshot has none. Its prevention side is network-acl.canonical-domain-open; the runtime signal (DET:use_of_auth0_tenant_name_url) belongs to the log receiver.",
    ),
    (
        "PRC-C env-tag",
        "The environment tag (production, staging, development) is set in the Auth0 support center; neither the Management API nor a Deploy CLI export carries it.",
    ),
    (
        "PRC-N mfa-admins",
        "Tenant administrators are dashboard members; their MFA enrolment is not in the Management API.",
    ),
    (
        "PRC-B tenants-admins",
        "Manual review of dashboard members, which the Management API does not expose.",
    ),
    (
        "PRC-B client-ids",
        "Manual review of how the customer's own applications are registered and identified; nothing in the tenant configuration decides it.",
    ),
    (
        "PRC-B auth0-ip-allowlist",
        "Concerns the customer's firewalls (allowing Auth0's outbound IP addresses), not the tenant.",
    ),
    (
        "GAP risk-assessment",
        "Needs GET /risk-assessments/settings, which neither the Deploy CLI export nor the snapshot model reads.",
    ),
    (
        "GAP ul-template-injection",
        "Needs the Universal Login page template and prompt partials (GET /branding/templates/universal-login), which the snapshot model does not read.",
    ),
    (
        "GAP deployed-vs-draft",
        "A coverage property rather than a check: the analyzer reads trigger bindings and rates code that is not deployed or bound as latent.",
    ),
    (
        "GAP rules/hooks code",
        "A coverage property rather than a check: Rules and Hooks scripts go through the same code analysis as Actions.",
    ),
    (
        "GAP root-attr-sync",
        "Informational only: whether profile attributes follow the identity provider on each login is a design choice with no insecure value; the e-mail trust it affects is judged by connection.trusts-idp-email-verified and the e-mail paths.",
    ),
    (
        "GAP pii-persistence",
        "Depends on the customer's data-minimisation policy (which attributes must not be stored); no tenant value is wrong by itself.",
    ),
    (
        "GAP consent-skip",
        "Informational only: skipping consent for verifiable first-party clients is the recommended default; third-party consent is judged by client.third-party-powers and the DCR path.",
    ),
    (
        "DET:*",
        "Runtime log detections (drift events, credential stuffing, MFA abuse, token reuse): the log receiver evaluates them on streamed tenant logs. Rules list a DET row only where they check the same condition in configuration.",
    ),
    (
        "AX:*",
        "Live unauthenticated probes of the tenant's endpoints; authpath is read-only and derives the same facts (open signup, enumeration flags, redirect lists) from configuration.",
    ),
];

/// The reason `row` is not applicable, if it is listed (directly or through its family).
pub fn not_applicable(row: &str) -> Option<&'static str> {
    let family = row.split(':').next().map(|f| format!("{f}:*"));
    NOT_APPLICABLE
        .iter()
        .find(|(id, _)| *id == row || family.as_deref() == Some(id))
        .map(|(_, reason)| *reason)
}

/// One source of the catalog and its rows.
pub struct CatalogSource {
    pub label: &'static str,
    pub rows: &'static [&'static str],
}

/// The sources whose rows are listed in full.
pub const SOURCES: [CatalogSource; 4] = [
    CatalogSource {
        label: "CheckMate validators (`CM:`)",
        rows: CHECKMATE_VALIDATORS,
    },
    CatalogSource {
        label: "Auth0 production checks (`PRC-`)",
        rows: PRODUCTION_CHECKS,
    },
    CatalogSource {
        label: "brianlam38 Auth0-Audit (`BL:`)",
        rows: AUDIT_RULES,
    },
    CatalogSource {
        label: "Proposed gaps (`GAP`)",
        rows: GAP_ROWS,
    },
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::checks::all_rules;

    fn matched() -> BTreeSet<&'static str> {
        all_rules()
            .iter()
            .flat_map(|r| r.meta.matches.iter().copied())
            .collect()
    }

    fn unique(rows: &[&str]) -> usize {
        rows.iter().collect::<BTreeSet<_>>().len()
    }

    #[test]
    fn row_lists_have_the_reference_counts_without_duplicates() {
        assert_eq!(unique(CHECKMATE_VALIDATORS), 61);
        assert_eq!(unique(PRODUCTION_CHECKS), 39);
        assert_eq!(unique(AUDIT_RULES), 8);
        assert_eq!(unique(GAP_ROWS), 76);
        for (label, prefix) in [("C", 21), ("N", 11), ("B", 7)] {
            let n = PRODUCTION_CHECKS
                .iter()
                .filter(|r| r.starts_with(&format!("PRC-{label} ")))
                .count();
            assert_eq!(n, prefix, "PRC-{label}");
        }
    }

    #[test]
    fn every_checkmate_production_and_audit_row_is_matched_or_not_applicable() {
        let matched = matched();
        for row in CHECKMATE_VALIDATORS
            .iter()
            .chain(PRODUCTION_CHECKS)
            .chain(AUDIT_RULES)
        {
            assert!(
                matched.contains(row) || not_applicable(row).is_some(),
                "{row} is neither matched nor listed as not applicable"
            );
        }
    }

    #[test]
    fn no_row_is_both_matched_and_not_applicable() {
        let matched = matched();
        for (row, reason) in NOT_APPLICABLE {
            assert!(
                !matched.contains(row),
                "{row} is matched and not applicable"
            );
            assert!(reason.ends_with('.'), "{row}: reason");
            let listed = SOURCES.iter().any(|s| s.rows.contains(row));
            assert!(listed || row.ends_with(":*"), "{row} is not a catalog row");
        }
    }

    #[test]
    fn every_matched_row_exists_in_the_catalog() {
        for row in matched() {
            let known = SOURCES.iter().any(|s| s.rows.contains(&row))
                || ["DET:", "path(c)", "Panther"]
                    .iter()
                    .any(|p| row.starts_with(p));
            assert!(known, "rule matches unknown catalog row {row:?}");
        }
    }

    #[test]
    fn family_entries_cover_their_rows() {
        assert!(not_applicable("AX:3.3 public-signup").is_some());
        assert!(not_applicable("DET:risk_of_tenant_takeover").is_some());
        assert!(not_applicable("CM:checkRules").is_none());
    }
}
