//! The shared-secret check on the `Authorization` header. Auth0 sends the configured value
//! verbatim, so both `TOKEN` and `Bearer TOKEN` are accepted. Both sides are hashed before a
//! constant-time comparison, so neither the token's content nor its length leaks through timing.

use std::path::Path;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ReceiverError;

/// The expected token (kept only as a digest).
#[derive(Clone)]
pub struct Token {
    digest: [u8; 32],
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(****)")
    }
}

fn strip_bearer(value: &str) -> &str {
    let v = value.trim();
    if v.eq_ignore_ascii_case("bearer") {
        return "";
    }
    match v.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => v.get(7..).unwrap_or("").trim_start(),
        _ => v,
    }
}

fn digest(value: &str) -> [u8; 32] {
    Sha256::digest(strip_bearer(value).as_bytes()).into()
}

impl Token {
    /// A token from its text (`TOKEN` or `Bearer TOKEN`); `None` when empty.
    pub fn new(raw: &str) -> Option<Token> {
        if strip_bearer(raw).is_empty() {
            return None;
        }
        Some(Token {
            digest: digest(raw),
        })
    }

    /// Reads the mounted Secret's file (trailing newline ignored).
    pub fn from_file(path: &Path) -> Result<Token, ReceiverError> {
        let err = |reason: String| ReceiverError::TokenFile {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        Token::new(&text).ok_or_else(|| err("the file is empty".into()))
    }

    /// Whether an `Authorization` header value carries this token.
    pub fn matches(&self, header: &str) -> bool {
        if strip_bearer(header).is_empty() {
            return false;
        }
        digest(header).ct_eq(&self.digest).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_and_bearer_forms() {
        let t = Token::new("s3cr3t-token-value\n").unwrap();
        assert!(t.matches("s3cr3t-token-value"));
        assert!(t.matches("Bearer s3cr3t-token-value"));
        assert!(t.matches("bearer  s3cr3t-token-value"));
        let b = Token::new("Bearer s3cr3t-token-value").unwrap();
        assert!(b.matches("s3cr3t-token-value"));
    }

    #[test]
    fn rejects_wrong_prefix_suffix_and_empty() {
        let t = Token::new("s3cr3t-token-value").unwrap();
        assert!(!t.matches("s3cr3t-token-valuE"));
        assert!(!t.matches("s3cr3t-token-value2"));
        assert!(!t.matches("s3cr3t"));
        assert!(!t.matches(""));
        assert!(!t.matches("Bearer "));
        assert!(Token::new(" \n").is_none());
        assert!(Token::new("Bearer ").is_none());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let t = Token::new("s3cr3t-token-value").unwrap();
        assert_eq!(format!("{t:?}"), "Token(****)");
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("token");
        let e = Token::from_file(&p).unwrap_err().to_string();
        assert!(e.contains("token"));
        std::fs::write(&p, "\n").unwrap();
        assert!(
            Token::from_file(&p)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        std::fs::write(&p, "abc\n").unwrap();
        assert!(Token::from_file(&p).unwrap().matches("abc"));
    }
}
