//! Single-object configuration checks: each rule reads one family of tenant configuration
//! (applications, connections, tenant settings, attack protection, MFA, APIs, client grants,
//! code hygiene) and, where the data allows, weighs its severity by context (an application no
//! connection is enabled for, latent code, how a client authenticates).
//!
//! They cover CheckMate's validators for those families and the Auth0 production checks, and
//! do them properly where CheckMate is weak: URLs are parsed, `allowed_origins` is read, refresh
//! token lifetimes, throttling stages and brute-force thresholds are evaluated.

pub mod advisories;
pub mod apis;
pub mod attack_protection;
pub mod clients_auth;
pub mod clients_grants;
pub mod clients_tokens;
pub mod clients_urls;
pub mod code_hygiene;
pub mod db_connections;
pub mod db_passwords;
pub mod dependencies;
pub mod federation;
pub mod mfa;
pub mod mgmt_grants;
pub mod support;
pub mod tenant_contact;
pub mod tenant_flags;
pub mod tenant_settings;
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
        &federation::SAML_WEAK,
        &federation::OIDC_FRONT_CHANNEL,
        &federation::ENTERPRISE_DISCLOSURE,
        &federation::FEDERATED_TOKENS,
        &tenant_settings::DEFAULT_AUDIENCE,
        &tenant_settings::DEFAULT_DIRECTORY,
        &tenant_settings::DYNAMIC_CLIENT_REGISTRATION,
        &tenant_settings::SESSION_LIFETIME,
        &tenant_settings::SANDBOX_VERSION,
        &tenant_settings::ERROR_PAGE_XSS,
        &tenant_settings::DEFAULT_ERROR_PAGE,
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
        &attack_protection::BREACHED_PASSWORD,
        &attack_protection::BOT_DETECTION,
        &mfa::NO_FACTOR,
        &mfa::WEAK_FACTORS_ONLY,
        &mfa::POLICY_NEVER,
        &mfa::PASSWORD_RESET_MFA,
        &mfa::DEFAULT_SMS_PROVIDER,
        &code_hygiene::ACTION_RUNTIME,
        &code_hygiene::SIGNUP_ENUMERATION,
        &code_hygiene::LEGACY_RULES,
        &code_hygiene::LEGACY_HOOKS,
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
    ];
    rules.sort_by_key(|r| r.meta.id);
    rules
}
