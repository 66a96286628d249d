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

/// Longest name [`Norm`] keeps on the stack.
const NORM_INLINE: usize = 48;

/// Normalised binding name: lowercase without `_`, `-`. ASCII names up to [`NORM_INLINE`] bytes
/// (nearly all of them) are normalised without allocating.
enum Norm {
    Inline([u8; NORM_INLINE], usize),
    Heap(String),
}

impl Norm {
    fn of(name: &str) -> Norm {
        if name.is_ascii() && name.len() <= NORM_INLINE {
            let mut buf = [0u8; NORM_INLINE];
            let mut len = 0;
            for b in name.bytes().filter(|b| *b != b'_' && *b != b'-') {
                if let Some(slot) = buf.get_mut(len) {
                    *slot = b.to_ascii_lowercase();
                    len += 1;
                }
            }
            return Norm::Inline(buf, len);
        }
        Norm::Heap(
            name.chars()
                .filter(|c| *c != '_' && *c != '-')
                .flat_map(char::to_lowercase)
                .collect(),
        )
    }

    fn as_str(&self) -> &str {
        match self {
            // Only ASCII bytes were copied in, so the prefix is valid UTF-8.
            Norm::Inline(buf, len) => buf
                .get(..*len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            Norm::Heap(s) => s,
        }
    }
}

/// True for names that hold credentials (`apiKey`, `CLIENT_SECRET`, `authToken`, ...).
pub fn is_credential_name(name: &str) -> bool {
    is_credential_norm(Norm::of(name).as_str())
}

/// [`is_credential_name`] of an already normalised name.
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
    .any(|w| contains_ignore_ascii_case(n, w))
}

/// A credential-sounding name that holds where a credential lives or what it is called, not the
/// credential (`secretPath`, `SecretId`, `tokenUrl`, `apiKeyName`, `passwordResetEndpoint`).
fn names_a_reference(n: &str) -> bool {
    [
        "path", "name", "id", "ids", "arn", "url", "uri", "endpoint", "domain", "file", "header",
        "field", "param", "type", "version", "ref", "location", "region", "prefix", "label",
    ]
    .iter()
    .any(|suffix| n.ends_with(suffix))
}

/// A necessary condition for a [`KNOWN_FORMATS`] match: the value holds the literal start of one
/// of its formats (`AKIA`, `ASIA`, `AIza`, `k_live_`, `xox`, `gh`, `-----BEGIN `, `eyJ`, `SG.`).
/// One pass over the bytes, so most literals skip the regex search.
fn may_hold_known_format(value: &str) -> bool {
    let bytes = value.as_bytes();
    (0..bytes.len())
        .filter_map(|i| bytes.get(i..))
        .any(|rest| match rest.first() {
            Some(b'A') => {
                rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA") || rest.starts_with(b"AIza")
            }
            Some(b'k') => rest.starts_with(b"k_live_"),
            Some(b'x') => rest.starts_with(b"xox"),
            Some(b'g') => rest.starts_with(b"gh"),
            Some(b'-') => rest.starts_with(b"-----BEGIN "),
            Some(b'e') => rest.starts_with(b"eyJ"),
            Some(b'S') => rest.starts_with(b"SG."),
            _ => false,
        })
}

/// Recognises a string literal, optionally bound to `name` (variable, property or parameter).
pub fn classify_literal(name: Option<&str>, value: &str) -> Option<SecretKind> {
    // Every kind below needs at least 8 characters (a known format 15, a header credential 8
    // after the scheme, a named credential 8), so shorter literals need no further look.
    if value.len() < 8 {
        return None;
    }
    let normalised = name.map(Norm::of);
    let n = normalised.as_ref().map(Norm::as_str);
    let credential_named = n.is_some_and(is_credential_norm);
    if value.len() >= MIN_KNOWN_FORMAT_LEN
        && may_hold_known_format(value)
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
    if !credential_named || names_a_reference(n) || !plausible_credential(value) {
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
    if exact.contains(&n) {
        return Some(SecretKind::CredentialName);
    }
    (credential_named && high_entropy(value)).then_some(SecretKind::CredentialName)
}

/// A credential inside a form-encoded body or query string literal
/// (`grant_type=client_credentials&client_id=..&client_secret=..`, `https://x/v1?api_key=..`):
/// its kind, the credential itself and the `client_id` beside it.
pub fn embedded_credential(value: &str) -> Option<(SecretKind, &str, Option<&str>)> {
    if value.len() < 8 || !value.contains('=') {
        return None;
    }
    let query = value.rsplit_once('?').map_or(value, |(_, q)| q);
    let mut found = None;
    let mut client_id = None;
    for (key, v) in query.split('&').filter_map(|pair| pair.split_once('=')) {
        if key == "client_id" {
            client_id = Some(v);
        } else if found.is_none()
            && let Some(kind) = classify_literal(Some(key), v)
        {
            found = Some((kind, v));
        }
    }
    found.map(|(kind, v)| (kind, v, client_id))
}

/// A literal fallback for a configured secret (`event.secrets.MGMT_SECRET || '...'`): a copy
/// of the secret in the code, unless it is a placeholder, a reference (a URL, a path, a
/// domain) or too plain to be a credential.
pub fn fallback_secret(secret_name: &str, value: &str) -> Option<SecretKind> {
    if let Some(kind) = classify_literal(Some(secret_name), value) {
        return Some(kind);
    }
    let name = Norm::of(secret_name);
    (!names_a_reference(name.as_str()) && plausible_credential(value) && high_entropy(value))
        .then_some(SecretKind::CredentialName)
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
    let needle = needle.as_bytes();
    let Some(first) = needle.first() else {
        return true;
    };
    // Most windows differ in their first byte: compare it before the rest.
    haystack.as_bytes().windows(needle.len()).any(|w| {
        w.first().is_some_and(|b| b.eq_ignore_ascii_case(first)) && w.eq_ignore_ascii_case(needle)
    })
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
#[path = "secrets_tests.rs"]
mod tests;
