//! Custom-claim names Auth0 will not put on a token: the restricted registered and OIDC claim
//! names, and names in an Auth0 namespace (`auth0.com`, `webtask.io`, `webtask.run`).

/// Claim names Auth0 drops or refuses on tokens.
const RESTRICTED_CLAIMS: [&str; 40] = [
    "acr",
    "act",
    "active",
    "amr",
    "at_hash",
    "ath",
    "attest",
    "aud",
    "auth_time",
    "authorization_details",
    "azp",
    "c_hash",
    "client_id",
    "cnf",
    "cty",
    "dpop_jkt",
    "exp",
    "groups",
    "gty",
    "htm",
    "htu",
    "iat",
    "internalService",
    "iss",
    "jcard",
    "jku",
    "jti",
    "jwe",
    "jwk",
    "kid",
    "may_act",
    "mky",
    "nbf",
    "nonce",
    "object_id",
    "org_id",
    "org_name",
    "orig",
    "permissions",
    "roles",
];
const RESTRICTED_MORE: [&str; 12] = [
    "rph", "s_hash", "scope", "sid", "sub", "sub_jwk", "toe", "txn", "typ", "uuid", "vot", "vtm",
];

/// Is `name` a claim Auth0 drops or refuses (restricted name or Auth0 namespace)?
pub fn is_restricted_claim(name: &str) -> bool {
    RESTRICTED_CLAIMS.contains(&name)
        || RESTRICTED_MORE.contains(&name)
        || ["auth0.com", "webtask.io", "webtask.run"]
            .iter()
            .any(|d| super::secrets::contains_ignore_ascii_case(name, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_names_and_auth0_namespaces() {
        for name in [
            "roles",
            "permissions",
            "sub",
            "scope",
            "https://x.Auth0.com/role",
        ] {
            assert!(is_restricted_claim(name), "{name}");
        }
        for name in ["https://app.example.com/roles", "tier", "Roles"] {
            assert!(!is_restricted_claim(name), "{name}");
        }
    }
}
