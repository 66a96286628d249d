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
    (name.len() <= LONGEST_RESTRICTED
        && (RESTRICTED_CLAIMS.contains(&name) || RESTRICTED_MORE.contains(&name)))
        || in_auth0_namespace(name)
}

/// Length of the longest name in [`RESTRICTED_CLAIMS`] / [`RESTRICTED_MORE`].
const LONGEST_RESTRICTED: usize = {
    let (claims, more) = (longest(&RESTRICTED_CLAIMS), longest(&RESTRICTED_MORE));
    if claims > more { claims } else { more }
};

const fn longest(names: &[&str]) -> usize {
    let mut i = 0;
    let mut max = 0;
    while i < names.len() {
        if names[i].len() > max {
            max = names[i].len();
        }
        i += 1;
    }
    max
}

/// Auth0 namespaces a claim name may not contain, split at their one `.`: `auth0.com`,
/// `webtask.io`, `webtask.run`.
const AUTH0_NAMESPACES: [(&str, &str); 3] =
    [("auth0", "com"), ("webtask", "io"), ("webtask", "run")];

/// `name` contains one of [`AUTH0_NAMESPACES`] (ASCII case ignored). Each has one `.`, so only
/// the text around each `.` of the name is compared.
fn in_auth0_namespace(name: &str) -> bool {
    let bytes = name.as_bytes();
    let around = |dot: usize, before: &str, after: &str| {
        dot.checked_sub(before.len())
            .and_then(|start| bytes.get(start..dot))
            .is_some_and(|b| b.eq_ignore_ascii_case(before.as_bytes()))
            && bytes
                .get(dot + 1..dot + 1 + after.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(after.as_bytes()))
    };
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'.')
        .any(|(dot, _)| {
            AUTH0_NAMESPACES
                .iter()
                .any(|(before, after)| around(dot, before, after))
        })
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

    #[test]
    fn namespace_check_matches_a_plain_substring_search() {
        let reference = |name: &str| {
            ["auth0.com", "webtask.io", "webtask.run"]
                .iter()
                .any(|d| crate::code::secrets::contains_ignore_ascii_case(name, d))
        };
        let parts = [
            "auth0", "AUTH0", "webtask", "WebTask", ".", "com", "io", "run", "x", "/", ":",
        ];
        let mut seed: u64 = 0x0c1a_1175;
        let mut hits = 0;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let name: String = (0..(seed % 7) as usize)
                .map(|k| parts[(seed.rotate_left(9 * k as u32) % parts.len() as u64) as usize])
                .collect();
            assert_eq!(in_auth0_namespace(&name), reference(&name), "{name:?}");
            hits += usize::from(reference(&name));
        }
        assert!(hits > 100, "the corpus holds namespaced names ({hits})");
        assert!(is_restricted_claim("https://tenant.WEBTASK.run/x"));
        assert!(!is_restricted_claim("https://auth0.co/x"));
    }
}
