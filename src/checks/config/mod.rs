//! Single-object configuration checks: each rule reads one family of tenant configuration
//! (applications, connections, tenant settings, attack protection, MFA, APIs, client grants,
//! code hygiene) and, where the data allows, weighs its severity by context (an application no
//! connection is enabled for, latent code, how a client authenticates).
//!
//! They cover CheckMate's validators for those families and the Auth0 production checks, and
//! do them properly where CheckMate is weak: URLs are parsed, `allowed_origins` is read, refresh
//! token lifetimes, throttling stages and brute-force thresholds are evaluated.

pub mod acl;
pub mod advisories;
pub mod apis;
pub mod attack_detection;
pub mod attack_protection;
pub mod captcha;
pub mod clients_auth;
pub mod clients_extras;
pub mod clients_grants;
pub mod clients_hygiene;
pub mod clients_tokens;
pub mod clients_urls;
pub mod code_gaps;
pub mod code_hygiene;
pub mod custom_domains;
pub mod db_connections;
pub mod db_passwords;
pub mod dependencies;
pub mod email_links;
pub mod emails;
pub mod federation;
pub mod federation_protocols;
pub mod logging;
pub mod mfa;
pub mod mgmt_grants;
pub mod network_acls;
pub mod support;
pub mod tenant_contact;
pub mod tenant_error_page;
pub mod tenant_flags;
pub mod tenant_settings;
pub mod third_party;
pub mod token_issuance;
pub mod token_revocation;
pub mod urls;

#[cfg(test)]
pub mod test_support;

use super::registry::Rule;

/// Every configuration rule, grouped by family.
pub fn rules() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = vec![
        &clients_urls::CALLBACK_URLS,
        &clients_urls::LOGOUT_URLS,
        &clients_urls::WEB_ORIGINS,
        &clients_urls::ALLOWED_ORIGINS,
        &clients_urls::LOGIN_URI,
        &clients_grants::GRANT_TYPES,
        &clients_grants::IP_HEADER_TRUSTED,
        &clients_tokens::ID_TOKEN_HS256,
        &clients_tokens::CROSS_ORIGIN_AUTH,
        &clients_tokens::REFRESH_TOKENS,
        &clients_tokens::SENDER_CONSTRAINING,
        &clients_tokens::ID_TOKEN_LIFETIME,
        &clients_auth::PAR_NOT_REQUIRED,
        &clients_auth::JAR_NOT_REQUIRED,
        &clients_auth::SHARED_SECRET_AUTH,
        &clients_auth::NO_BACKCHANNEL_LOGOUT,
        &clients_auth::PKCE_NOT_ENFORCED,
        &clients_extras::REDIRECTION_POLICY,
        &clients_extras::CLASSIC_LOGIN_PAGE,
        &clients_extras::SAML_ADDON_SHA1,
        &clients_extras::PUBLIC_AUTH_ON_WEB_APP,
        &db_passwords::PASSWORD_POLICY,
        &db_passwords::PASSWORD_MIN_LENGTH,
        &db_passwords::PASSWORD_HISTORY,
        &db_passwords::PASSWORD_PERSONAL_INFO,
        &db_passwords::PASSWORD_DICTIONARY,
        &db_passwords::CONNECTION_BRUTE_FORCE_OFF,
        &db_connections::PASSWORD_ONLY,
        &db_connections::EMAIL_VERIFICATION,
        &db_connections::CUSTOM_DATABASE_LIVE,
        &db_connections::DOMAIN_CONNECTION,
        &db_connections::CONNECTION_MFA_OFF,
        &federation::SOCIAL_DEV_KEYS,
        &federation::TRUSTS_IDP_EMAIL,
        &federation_protocols::SAML_WEAK,
        &federation_protocols::OIDC_FRONT_CHANNEL,
        &federation::ENTERPRISE_DISCLOSURE,
        &federation::FEDERATED_TOKENS,
        &tenant_settings::DEFAULT_AUDIENCE,
        &tenant_settings::DEFAULT_DIRECTORY,
        &tenant_settings::DYNAMIC_CLIENT_REGISTRATION,
        &tenant_settings::SESSION_LIFETIME,
        &tenant_settings::SANDBOX_VERSION,
        &tenant_error_page::ERROR_PAGE_XSS,
        &tenant_error_page::DEFAULT_ERROR_PAGE,
        &tenant_contact::SUPPORT_EMAIL,
        &tenant_contact::SUPPORT_URL,
        &tenant_contact::TENANT_LOGIN_URI,
        &tenant_contact::TENANT_LOGOUT_URLS,
        &tenant_flags::LEGACY_ENDPOINTS,
        &tenant_flags::LEGACY_PROFILE,
        &tenant_flags::CLASSIC_LOGIN,
        &tenant_flags::RISKY_FLAGS,
        &attack_protection::BRUTE_FORCE,
        &attack_protection::SUSPICIOUS_IP,
        &attack_detection::BREACHED_PASSWORD,
        &attack_detection::BOT_DETECTION,
        &mfa::NO_FACTOR,
        &mfa::WEAK_FACTORS_ONLY,
        &mfa::POLICY_NEVER,
        &mfa::PASSWORD_RESET_MFA,
        &mfa::DEFAULT_SMS_PROVIDER,
        &code_hygiene::ACTION_RUNTIME,
        &code_hygiene::SIGNUP_ENUMERATION,
        &code_hygiene::LEGACY_RULES,
        &code_hygiene::LEGACY_HOOKS,
        &code_gaps::AUTO_ACCOUNT_LINKING,
        &code_gaps::CREDENTIALS_EXCHANGE_INJECTION,
        &code_gaps::SIGNUP_BLOCK_BY_CLIENT,
        &code_gaps::NON_INTERACTIVE_REDIRECT,
        &code_gaps::PAID_SERVICE_BEFORE_VERIFICATION,
        &token_revocation::REVOKE_KEEPS_GRANT,
        &dependencies::VULNERABLE_DEPENDENCY,
        &apis::MGMT_API_USER_ACCESS,
        &apis::API_USER_POLICY,
        &apis::API_HS256,
        &apis::API_TOKEN_LIFETIME,
        &apis::API_SENDER_CONSTRAINING,
        &apis::API_TOKEN_ENCRYPTION,
        &mgmt_grants::MGMT_GRANT_IMPACT,
        &mgmt_grants::M2M_SHARED_SECRET,
        &mgmt_grants::USER_SUBJECT_GRANT,
        &custom_domains::NO_CUSTOM_DOMAIN,
        &custom_domains::NOT_IN_EMAILS,
        &custom_domains::TLS_POLICY,
        &custom_domains::CLIENT_IP_HEADER,
        &network_acls::NETWORK_ACL,
        &network_acls::CANONICAL_NOT_BLOCKED,
        &network_acls::MANAGEMENT_API_OPEN,
        &logging::LOG_STREAM,
        &logging::STREAM_COVERAGE,
        &logging::EVENT_STREAMS,
        &emails::EMAIL_PROVIDER,
        &emails::EMAIL_TEMPLATES,
        &email_links::TEMPLATE_LINKS,
        &clients_hygiene::NOT_OIDC_CONFORMANT,
        &clients_hygiene::GENERIC_TYPE,
        &clients_hygiene::TYPE_GRANT_MISMATCH,
        &clients_hygiene::DELEGATION_OPEN,
        &clients_hygiene::CALLBACK_PROMPT_SKIPPED,
        &third_party::THIRD_PARTY_POWERS,
        &third_party::ORG_WILDCARD_URLS,
        &token_issuance::OFFLINE_ACCESS_PUBLIC,
        &token_issuance::NO_TOKEN_QUOTA,
        &captcha::CAPTCHA_FAIL_OPEN,
    ];
    rules.sort_by_key(|r| r.meta.id);
    rules
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::test_support::{TenantBuilder, run};
    use crate::checks::all_rules;
    use crate::checks::catalog::CHECKMATE_VALIDATORS;

    /// CheckMate validators of catalog sections 1, 2, 4-8 this module covers (the two
    /// hard-coded-value validators are covered by `code.hardcoded-secret`).
    const OWNED_CHECKMATE: [&str; 49] = [
        "CM:checkAllowedCallbacks",
        "CM:checkAllowedLogoutUrl",
        "CM:checkWebOrigins",
        "CM:checkApplicationLoginUri",
        "CM:checkGrantTypes",
        "CM:checkJWTSignAlg",
        "CM:checkCrossOriginAuthentication",
        "CM:checkRefreshToken",
        "CM:checkAppTokenSenderConstraining",
        "CM:checkPAR",
        "CM:checkJAR",
        "CM:checkPrivateKeyJWT",
        "CM:checkBackchannelLogout",
        "CM:checkPKCEEnforcement",
        "CM:checkPasswordPolicy",
        "CM:checkPasswordComplexity",
        "CM:checkPasswordHistory",
        "CM:checkPasswordNoPersonalInfo",
        "CM:checkAuthenticationMethods",
        "CM:checkEmailAttributeVerification",
        "CM:checkEnabledDatabaseCustomization",
        "CM:checkPromotedDBConnection",
        "CM:checkDefaultAudience",
        "CM:checkDefaultDirectory",
        "CM:checkEnabledDynamicClientRegistration",
        "CM:checkSessionLifetime",
        "CM:checkSupportEmail",
        "CM:checkSupportUrl",
        "CM:checkTenantLoginUrl",
        "CM:checkTenantLogoutUrl",
        "CM:checkSandboxVersion",
        "CM:checkErrorPageTemplate",
        "CM:checkBruteForce",
        "CM:checkSuspiciousIPThrottling",
        "CM:checkBreachedPassword",
        "CM:checkBotDetectionSetting",
        "CM:checkGuardianFactors",
        "CM:checkGuardianPolicy",
        "CM:checkPasswordResetMFA",
        "CM:checkActionsRuntime",
        "CM:checkDependencies",
        "CM:checkPreRegistrationUserEnumeration",
        "CM:checkRules",
        "CM:checkHooks",
        "CM:checkManagementAPIUserAccess",
        "CM:checkAPIAuthorizationPolicy",
        "CM:checkAPISigningAlgorithm",
        "CM:checkAPITokenLifetime",
        "CM:checkTokenConstrainingResourceServer",
    ];

    #[test]
    fn every_owned_checkmate_validator_is_covered() {
        let covered: BTreeSet<&str> = super::rules()
            .iter()
            .flat_map(|r| r.meta.matches.iter().copied())
            .collect();
        for cm in OWNED_CHECKMATE
            .iter()
            .chain(["CM:checkJWEResourceServer"].iter())
        {
            assert!(
                CHECKMATE_VALIDATORS.contains(cm),
                "{cm} is not a CheckMate validator"
            );
            assert!(covered.contains(cm), "{cm} is not covered");
        }
    }

    #[test]
    fn rule_ids_are_unique_and_metadata_complete() {
        let mut ids = BTreeSet::new();
        for rule in all_rules() {
            assert!(
                ids.insert(rule.meta.id),
                "duplicate rule id {}",
                rule.meta.id
            );
        }
        for rule in super::rules() {
            let m = &rule.meta;
            assert!(m.id.contains('.') && !m.id.contains(' '), "{}", m.id);
            assert!(!m.title.is_empty() && !m.remediation.is_empty(), "{}", m.id);
            assert!(m.condition.ends_with('.'), "{}: condition", m.id);
            assert!(!m.reads.is_empty() && !m.matches.is_empty(), "{}", m.id);
            assert!(!rule.needs.is_empty(), "{}", m.id);
        }
    }

    /// Rules whose finding is that something is missing (a custom domain, a log stream, ...).
    const REPORT_ABSENCE: [&str; 7] = [
        "custom-domain.missing",
        "network-acl.none-active",
        "network-acl.management-api-open",
        "logging.no-active-log-stream",
        "logging.event-streams",
        "email.no-provider",
        "email.default-templates",
    ];

    #[test]
    fn no_rule_fires_on_an_empty_tenant_except_missing_settings() {
        let empty = TenantBuilder::new().build();
        for rule in super::rules() {
            for hit in run(rule, &empty) {
                assert!(
                    rule.meta.id.starts_with("tenant.")
                        || rule.meta.id.starts_with("mfa.")
                        || REPORT_ABSENCE.contains(&rule.meta.id),
                    "{} fired on an empty tenant: {}",
                    rule.meta.id,
                    hit.description
                );
            }
        }
    }

    #[test]
    fn rules_survive_odd_values() {
        let odd = TenantBuilder::new()
            .client(json!({"name": "", "callbacks": ["", "::", "http://[::1", "*"], "grant_types": [],
                "refresh_token": {"token_lifetime": -5, "leeway": -1}, "jwt_configuration": {"lifetime_in_seconds": -1}}))
            .connection(json!({"name": "", "strategy": "", "options": {"attributes": [], "authentication_methods": "x"}}))
            .api(json!({"name": "", "identifier": "", "signing_alg": "hs256", "signing_secret": "",
                "subject_type_authorization": "weird", "token_lifetime": 9223372036854775807i64}))
            .grant(json!({"client_id": "", "audience": "https://x.auth0.com/api/v2/", "scope": ["", "delete:"]}))
            .settings(json!({"sandbox_version": "node", "session_lifetime": -1, "error_page": {"html": "{{"}}))
            .build();
        let mut fired = BTreeSet::new();
        for rule in super::rules() {
            if !run(rule, &odd).is_empty() {
                fired.insert(rule.meta.id);
            }
        }
        assert!(fired.contains("api.hs256-signing"), "{fired:?}");
        assert!(fired.contains("client.callback-urls"), "{fired:?}");
        assert!(!fired.contains("tenant.sandbox-version"), "{fired:?}");
    }
}
