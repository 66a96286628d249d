//! Deterministic identifiers in the shapes the real API uses (`con_` + 16 alnum, 32-char client
//! ids, UUIDs, 24-hex resource-server ids), derived from a stable seed such as the object name,
//! so a tenant served twice gets the same ids.

use sha2::{Digest, Sha256};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn digest(kind: &str, seed: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update([0u8]);
    h.update(seed.as_bytes());
    h.finalize().into()
}

/// `len` alphanumeric characters derived from `kind` and `seed`.
pub fn alnum(kind: &str, seed: &str, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut round = 0u32;
    while out.len() < len {
        let d = digest(kind, &format!("{seed}#{round}"));
        for b in d {
            if out.len() == len {
                break;
            }
            let idx = usize::from(b) % ALNUM.len();
            out.push(char::from(ALNUM.get(idx).copied().unwrap_or(b'A')));
        }
        round += 1;
    }
    out
}

/// A prefixed id such as `con_` + 16 alnum.
pub fn prefixed(prefix: &str, seed: &str) -> String {
    format!("{prefix}{}", alnum(prefix, seed, 16))
}

/// A 32-character client id.
pub fn client_id(seed: &str) -> String {
    alnum("client", seed, 32)
}

/// A 64-character client secret.
pub fn client_secret(seed: &str) -> String {
    alnum("secret", seed, 64)
}

/// 24 hex characters (resource servers).
pub fn hex24(seed: &str) -> String {
    hex::encode(digest("rs", seed)).chars().take(24).collect()
}

/// A UUID v4-shaped id (actions, versions, bindings).
pub fn uuid(kind: &str, seed: &str) -> String {
    let h = hex::encode(digest(kind, seed));
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or("0").to_string();
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shaped() {
        assert_eq!(prefixed("con_", "db"), prefixed("con_", "db"));
        assert_ne!(prefixed("con_", "db"), prefixed("con_", "db2"));
        assert_eq!(prefixed("con_", "db").len(), 20);
        assert_eq!(client_id("x").len(), 32);
        assert!(client_id("x").chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(hex24("x").len(), 24);
        let u = uuid("action", "x");
        assert_eq!(u.len(), 36);
        assert_eq!(u.split('-').count(), 5);
    }
}
