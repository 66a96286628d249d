//! The reference catalog's CheckMate validators (all 61), to measure how many of them the
//! registry covers. Source: shared/reference/auth0-security-checks.md, section (b).

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

#[cfg(test)]
mod tests {
    #[test]
    fn all_61_validators_are_listed_once() {
        let mut v = super::CHECKMATE_VALIDATORS.to_vec();
        v.sort();
        v.dedup();
        assert_eq!(v.len(), 61);
    }
}
