//! Attack-path rules: each one a query over the attack graph (see [`crate::graph`]).

pub mod cleartext;
pub mod login_paths;
pub mod m2m;
pub mod privilege;
pub mod reachability;
pub mod signup;
pub mod token_paths;

use super::registry::Rule;

/// Every attack-path rule.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &privilege::SIGNUP_METADATA_LAUNDERED,
        &privilege::SIGNUP_METADATA_DIRECT,
        &privilege::EMAIL_VERIFIED_TRUST,
        &cleartext::CLEARTEXT_RESPONSE_TO_PRIVILEGE,
        &m2m::LEAKED_M2M_SECRET,
        &signup::RBAC_OFF_SELF_GRANT,
        &signup::HIDDEN_SIGNUP_INTERNAL_APP,
        &token_paths::SECRET_READER_PIVOT,
        &token_paths::LONG_LIVED_BROWSER_TOKENS,
        &token_paths::DCR_CONSENT_PHISHING,
        &login_paths::CROSS_ORIGIN_STUFFING,
        &login_paths::SILENT_AUTH_MFA_BYPASS,
        &login_paths::ENUMERATION_STUFFING,
        &login_paths::SPOOFABLE_CLIENT_IP,
    ]
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_cleartext;
#[cfg(test)]
mod tests_leads;
#[cfg(test)]
mod tests_multi_hop;
