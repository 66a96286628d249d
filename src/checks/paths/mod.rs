//! Attack-path rules: each one a query over the attack graph (see [`crate::graph`]).

pub mod m2m;
pub mod privilege;
pub mod reachability;
pub mod signup;

use super::registry::Rule;

/// Every attack-path rule.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &privilege::SIGNUP_METADATA_LAUNDERED,
        &privilege::SIGNUP_METADATA_DIRECT,
        &privilege::EMAIL_VERIFIED_TRUST,
        &m2m::LEAKED_M2M_SECRET,
        &signup::RBAC_OFF_SELF_GRANT,
        &signup::HIDDEN_SIGNUP_INTERNAL_APP,
    ]
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
