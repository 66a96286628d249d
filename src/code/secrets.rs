//! Hard-coded credential recognition: known key formats, literals bound to credential names
//! (`clientSecret`, `password`, `apiKey`, `token`), `Authorization` header values, and
//! high-entropy literals bound to credential-like names. Ordinary strings (URLs, claim
//! namespaces, messages, ids) are not secrets.

use std::sync::LazyLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use super::effects::SecretKind;

/// All known key formats as one alternation, so a literal is scanned once.
static KNOWN_FORMATS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:AKIA|ASIA)[0-9A-Z]{16}",
        r"|(?:sk|rk)_live_[0-9a-zA-Z]{16,}",
        r"|xox[abpr]-[0-9A-Za-z-]{10,}",
        r"|gh[pousr]_[A-Za-z0-9]{36}",
        r"|github_pat_[A-Za-z0-9_]{22,}",
        r"|AIza[0-9A-Za-z_\-]{35}",
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----",
        r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
    ))
    .ok()
});

/// Shortest literal any known format can match (`xoxb-` + 10).
const MIN_KNOWN_FORMAT_LEN: usize = 15;

static TWILIO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?:SK|AC)[0-9a-fA-F]{32}$").ok());

static AUTH_HEADER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?i:bearer|basic|token|bot)\s+(\S{8,})\s*$").ok());

/// Normalised binding name: lowercase without `_`, `-`.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// True for names that hold credentials (`apiKey`, `CLIENT_SECRET`, `authToken`, ...).
pub fn is_credential_name(name: &str) -> bool {
    is_credential_norm(&norm(name))
}

/// [`is_credential_name`] of an already [`norm`]alised name.
fn is_credential_norm(n: &str) -> bool {
    [
        "secret",
        "token",
        "password",
        "passwd",
        "pwd",
        "apikey",
        "key",
        "auth",
        "credential",
        "sid",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Recognises a string literal, optionally bound to `name` (variable, property or parameter).
pub fn classify_literal(name: Option<&str>, value: &str) -> Option<SecretKind> {
    // Every kind below needs at least 8 characters (a known format 15, a header credential 8
    // after the scheme, a named credential 8), so shorter literals need no further look.
    if value.len() < 8 {
        return None;
    }
    let n = name.map(norm);
    let credential_named = n.as_deref().is_some_and(is_credential_norm);
    if value.len() >= MIN_KNOWN_FORMAT_LEN
        && KNOWN_FORMATS.as_ref().is_some_and(|re| re.is_match(value))
        || (credential_named && TWILIO.as_ref().is_some_and(|re| re.is_match(value)))
    {
        return Some(SecretKind::KnownFormat);
    }
    let n = n?;
    if n == "authorization" || n == "proxyauthorization" {
        return is_auth_header_value(value).then_some(SecretKind::AuthorizationHeader);
    }
    // Every name below is a credential name; others need no look at the value.
    if !credential_named || !plausible_credential(value) {
        return None;
    }
    if n == "clientsecret" || (n == "secret" && value.len() >= 16) {
        return Some(SecretKind::ClientSecret);
    }
    let exact = [
        "password",
        "passwd",
        "apikey",
        "token",
        "apitoken",
        "accesstoken",
        "authtoken",
        "apisecret",
        "secretkey",
        "privatekey",
        "bearertoken",
    ];
    if exact.contains(&n.as_str()) {
        return Some(SecretKind::CredentialName);
    }
    (credential_named && high_entropy(value)).then_some(SecretKind::CredentialName)
}

/// An `Authorization` header value with a literal credential (`Bearer abc...`, `Basic ...`).
pub fn is_auth_header_value(value: &str) -> bool {
    AUTH_HEADER
        .as_ref()
        .and_then(|re| re.captures(value))
        .and_then(|c| c.get(1))
        .is_some_and(|m| !is_placeholder(m.as_str()))
}

/// A non-trivial literal that could be a credential: long enough, one token, not a URL, not a
/// placeholder.
fn plausible_credential(value: &str) -> bool {
    value.chars().count() >= 8
        && !value.chars().any(char::is_whitespace)
        && !value.contains("://")
        && !is_placeholder(value)
}

/// `haystack` contains `needle`, ASCII letters compared without case (no allocation).
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn is_placeholder(value: &str) -> bool {
    let markers = [
        "your",
        "xxx",
        "<",
        ">",
        "{{",
        "${",
        "example",
        "placeholder",
        "changeme",
        "todo",
        "replace",
        "dummy",
        "***",
        "...",
    ];
    markers.iter().any(|m| contains_ignore_ascii_case(value, m))
        || value
            .chars()
            .next()
            .is_some_and(|first| value.chars().all(|c| c.eq_ignore_ascii_case(&first)))
}

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut ascii = [0usize; 128];
    let mut other = std::collections::BTreeMap::new();
    let mut total = 0usize;
    for c in value.chars() {
        match ascii.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => *other.entry(c).or_insert(0usize) += 1,
        }
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    ascii
        .iter()
        .chain(other.values())
        .filter(|n| **n > 0)
        .map(|n| {
            let p = *n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// A random-looking token: some part of at least 16 characters from a key alphabet, mixing
/// letters and digits, with entropy of at least 3.5 bits per character.
pub fn high_entropy(value: &str) -> bool {
    value.split(['-', '.', ' ']).any(|part| {
        part.len() >= 16
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=_~".contains(c))
            && part.chars().any(|c| c.is_ascii_digit())
            && part.chars().any(|c| c.is_ascii_alphabetic())
            && entropy(part) >= 3.5
    })
}

/// `sha256` hex of the value, first 16 characters.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    hex::encode(digest).chars().take(16).collect()
}

#[cfg(test)]
mod tests {
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
}
