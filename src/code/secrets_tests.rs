//! Tests of [`super`] (`secrets.rs`), kept in their own file.

use super::*;

#[test]
fn known_formats_anywhere() {
    assert_eq!(
        classify_literal(None, "AKIAIOSFODNN7EXAMPLF"),
        Some(SecretKind::KnownFormat)
    );
    let stripe = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc");
    assert_eq!(
        classify_literal(None, &stripe),
        Some(SecretKind::KnownFormat)
    );
    assert_eq!(
        classify_literal(None, "xoxb-123456789012-abcdefghij"),
        Some(SecretKind::KnownFormat)
    );
    let gh = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    assert_eq!(classify_literal(None, &gh), Some(SecretKind::KnownFormat));
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assert_eq!(classify_literal(None, jwt), Some(SecretKind::KnownFormat));
    assert_eq!(
        classify_literal(None, "-----BEGIN RSA PRIVATE KEY-----\nMII"),
        Some(SecretKind::KnownFormat)
    );
    let twilio = format!("SK{}", "0123456789abcdef0123456789abcdef");
    assert_eq!(
        classify_literal(Some("twilioKeySid"), &twilio),
        Some(SecretKind::KnownFormat)
    );
    assert_eq!(classify_literal(Some("requestId"), &twilio), None);
}

#[test]
fn credential_names_with_literals() {
    assert_eq!(
        classify_literal(Some("clientSecret"), "q8Zr2LwXv0pT5nKd"),
        Some(SecretKind::ClientSecret)
    );
    assert_eq!(
        classify_literal(Some("client_secret"), "abcdefgh12345678zz"),
        Some(SecretKind::ClientSecret)
    );
    assert_eq!(
        classify_literal(Some("password"), "hunter2hunter2"),
        Some(SecretKind::CredentialName)
    );
    assert_eq!(
        classify_literal(Some("apiKey"), "k3yk3yk3yk3y"),
        Some(SecretKind::CredentialName)
    );
    assert_eq!(
        classify_literal(Some("STRIPE_WEBHOOK_KEY"), "a9F3kQ2mZ7xL1pW8rT4v"),
        Some(SecretKind::CredentialName)
    );
}

#[test]
fn ordinary_strings_are_not_secrets() {
    assert_eq!(
        classify_literal(Some("clientSecret"), "YOUR_CLIENT_SECRET"),
        None
    );
    assert_eq!(
        classify_literal(Some("token"), "https://example.com/token"),
        None
    );
    assert_eq!(
        classify_literal(Some("namespace"), "https://myapp.example.com/"),
        None
    );
    assert_eq!(
        classify_literal(Some("message"), "Access denied for this user"),
        None
    );
    assert_eq!(
        classify_literal(Some("cacheKey"), "user-profile-cache-v2"),
        None
    );
    assert_eq!(
        classify_literal(Some("clientId"), "aB3dE5gH7jK9mN1pQ3sT5vX7"),
        None
    );
    assert_eq!(classify_literal(Some("tokenType"), "Bearer"), None);
    assert_eq!(classify_literal(Some("apiKeyHeader"), "x-api-key"), None);
    // Where a secret lives or what it is called (seen in a public Action reading AWS Secrets
    // Manager): paths, ids, names and URLs of secrets are not secrets.
    for name in [
        "secretPath",
        "SecretId",
        "secret_name",
        "tokenUrl",
        "apiKeyName",
        "passwordResetEndpoint",
        "SECRET_ARN",
    ] {
        assert_eq!(
            classify_literal(Some(name), "/iam/auth0/dev/actions"),
            None,
            "{name}"
        );
        assert_eq!(
            classify_literal(Some(name), "q8Zr2LwXv0pT5nKdq8Zr"),
            None,
            "{name}"
        );
    }
    // A known format is still found under such a name.
    assert_eq!(
        classify_literal(Some("secretId"), "AKIAIOSFODNN7EXAMPLQ"),
        Some(SecretKind::KnownFormat)
    );
    assert_eq!(
        classify_literal(None, "q8Zr2LwXv0pT5nKdq8Zr2LwXv0pT5nKd"),
        None
    );
}

#[test]
fn authorization_headers() {
    assert_eq!(
        classify_literal(Some("Authorization"), "Bearer abcdEFGH1234"),
        Some(SecretKind::AuthorizationHeader)
    );
    assert_eq!(
        classify_literal(Some("authorization"), "Basic dXNlcjpwYXNz"),
        Some(SecretKind::AuthorizationHeader)
    );
    assert_eq!(classify_literal(Some("Authorization"), "Bearer "), None);
    assert_eq!(
        classify_literal(Some("Authorization"), "Bearer <token>"),
        None
    );
}

#[test]
fn entropy_and_fingerprint() {
    assert!(entropy("aaaa") < 0.01);
    assert!(entropy("abcd") > 1.99);
    assert_eq!(fingerprint("x").len(), 16);
    assert_ne!(fingerprint("x"), fingerprint("y"));
}

/// Literals of every known format embedded in other text, near misses, and seeded random
/// strings over an alphabet rich in the formats' prefixes.
fn prefilter_corpus() -> Vec<String> {
    let mut corpus: Vec<String> = [
        "key=AKIAIOSFODNN7EXAMPLF;",
        "ASIAIOSFODNN7EXAMPLE",
        "x rk_live_0123456789abcdefXYZ",
        "sk_live_short",
        "xoxp-1234567890-abc",
        "gho_abcdefghijklmnopqrstuvwxyz0123456789",
        "github_pat_abcdefghijklmnopqrstuvwxyz",
        "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
        "-----BEGIN EC PRIVATE KEY-----",
        "-----BEGIN PUBLIC KEY-----",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
        "SG.abcdefghijklmnop.qrstuvwxyz012345",
        "https://app.example.com/claims/role",
        "",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let alphabet: Vec<char> = "AKISaeyJSG.-_klivexohgbtpuBEGINsr 0123456789zZ"
        .chars()
        .collect();
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    for _ in 0..20_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = 15 + (seed % 50) as usize;
        let s: String = (0..len)
            .map(|k| {
                let r =
                    seed.rotate_left((k * 11 % 64) as u32) ^ (k as u64).wrapping_mul(0x9e37_79b9);
                alphabet[(r % alphabet.len() as u64) as usize]
            })
            .collect();
        corpus.push(s);
    }
    corpus
}

#[test]
fn the_known_format_prefilter_never_hides_a_match() {
    let re = KNOWN_FORMATS.as_ref().expect("known formats compile");
    let mut matched = 0;
    for value in prefilter_corpus() {
        if re.is_match(&value) {
            matched += 1;
            assert!(may_hold_known_format(&value), "prefilter hid {value:?}");
        }
    }
    assert!(
        matched >= 10,
        "the corpus exercises the formats ({matched})"
    );
    assert!(!may_hold_known_format(
        "https://app.example.com/claims/role"
    ));
}

#[test]
fn normalised_names_match_the_char_by_char_definition() {
    let reference = |name: &str| -> String {
        name.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let long = "A".repeat(NORM_INLINE + 1);
    for name in [
        "clientSecret",
        "CLIENT_SECRET",
        "api-Key",
        "__",
        "",
        "Grüße_Token",
        "ÅPI_KEY",
        long.as_str(),
        &"x_".repeat(NORM_INLINE / 2),
    ] {
        assert_eq!(Norm::of(name).as_str(), reference(name), "{name:?}");
    }
    assert!(is_credential_name("STRIPE_WEBHOOK_KEY"));
    assert!(is_credential_name("db-Passwd"));
    assert!(!is_credential_name("requestId"));
}

#[test]
fn credentials_inside_form_bodies_and_query_strings() {
    let secret = "Zq8Xw2Lr5Tn9Vb3Hm6Kc1Pd4Sg7Jf0Ya2Ue5Io8";
    let body = format!("grant_type=client_credentials&client_id=abc123&client_secret={secret}");
    assert_eq!(
        embedded_credential(&body),
        Some((SecretKind::ClientSecret, secret, Some("abc123")))
    );
    let url = format!("https://api.example.com/v1/users?limit=5&api_key={secret}");
    assert!(matches!(
        embedded_credential(&url),
        Some((SecretKind::CredentialName, s, None)) if s == secret
    ));
    for clean in [
        "grant_type=client_credentials&client_id=abc123&audience=https://x/",
        "https://app.example.com/callback?state=af0ifjsldkj&redirect_uri=https://a/b",
        "client_secret=",
        "a == b && c = d",
        "password=changeme",
    ] {
        assert_eq!(embedded_credential(clean), None, "{clean}");
    }
}

#[test]
fn fallbacks_for_configured_secrets() {
    let secret = "Zq8Xw2Lr5Tn9Vb3Hm6Kc1Pd4Sg7Jf0Ya2Ue5Io8";
    assert!(fallback_secret("MGMT_SECRET", secret).is_some());
    assert!(fallback_secret("CRM_KEY", secret).is_some());
    for (name, value) in [
        ("API_URL", "https://api.example.com/v1"),
        ("REGION", "eu-west-1"),
        ("AUTH0_DOMAIN", "acme.eu.auth0.com"),
        ("CLIENT_ID", "aB3dE5gH7jK9mN1pQ3sT5vX7"),
        ("TOKEN", "changeme"),
        ("LOG_LEVEL", "debug"),
    ] {
        assert_eq!(fallback_secret(name, value), None, "{name} = {value}");
    }
}
