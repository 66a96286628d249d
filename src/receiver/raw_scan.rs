//! Byte scans of JSON text that the batch parser already validated:
//! - [`needs_strict_check`]: whether a body has something the raw (skipping) parse does not check
//!   but a full `serde_json::Value` parse rejects (nesting near the recursion limit, numbers out
//!   of range, `\u` escapes that may be lone surrogates). Such bodies are checked by a full parse
//!   first, so the receiver accepts and rejects exactly the bodies it always did.
//! - [`is_verbatim`]: whether a log object's text can go to the stdout line as it is, because it
//!   is byte for byte what serializing its masked `serde_json` map would produce: compact, no
//!   escapes, integers only, and nothing to mask (no secret-bearing key,
//!   no token-looking string, see [`super::mask`]). One difference is let through: a key repeated
//!   within one object stays repeated in the verbatim text (a map keeps only its last value); it
//!   is still scanned, so masking does not depend on it.

use super::mask::{is_secret_key, looks_like_token};

/// Nesting deeper than this is checked by a full parse (`serde_json` stops at 128).
const STRICT_DEPTH: usize = 100;
/// Number texts longer than this are checked by a full parse (they may not fit an `f64`).
const STRICT_NUMBER_LEN: usize = 100;
/// Deeper objects are written through the masking serializer (which cuts at its own depth).
const VERBATIM_DEPTH: usize = 32;
/// Longest integer text that is surely written back unchanged (fits `i64`/`u64`).
const VERBATIM_INTEGER_LEN: usize = 18;

/// Whether `body` needs a full `serde_json::Value` parse to be judged (see the module doc).
pub fn needs_strict_check(body: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        match b {
            b'"' => {
                i += 1;
                loop {
                    let Some(at) = body
                        .get(i..)
                        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                    else {
                        return false;
                    };
                    i += at;
                    if body[i] == b'"' {
                        break;
                    }
                    if body.get(i + 1) == Some(&b'u') {
                        return true;
                    }
                    i += 2;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > STRICT_DEPTH {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'0'..=b'9' => {
                let len = number_len(&body[i..]);
                let text = &body[i..i + len];
                if len > STRICT_NUMBER_LEN || text.iter().any(|c| matches!(c, b'e' | b'E')) {
                    return true;
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn number_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .count()
}

/// Whether the log object's text is exactly its masked serialization (see the module doc).
pub fn is_verbatim(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' | b'[' => {
                depth += 1;
                if depth > VERBATIM_DEPTH {
                    return false;
                }
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b',' | b':' => i += 1,
            b'"' => {
                let Some(end) = string_end(bytes, i + 1) else {
                    return false;
                };
                let Some(content) = text.get(i + 1..end) else {
                    return false;
                };
                i = end + 1;
                let is_key = bytes.get(i) == Some(&b':');
                let secret = if is_key {
                    is_secret_key(content)
                } else {
                    looks_like_token(content)
                };
                if secret {
                    return false;
                }
            }
            b'-' | b'0'..=b'9' => {
                let len = number_len(&bytes[i..]);
                let number = &bytes[i..i + len];
                let integer = number.iter().all(|c| matches!(c, b'0'..=b'9' | b'-'));
                if !integer || len > VERBATIM_INTEGER_LEN || number == b"-0" {
                    return false;
                }
                i += len;
            }
            b't' | b'f' | b'n' => {
                i += bytes[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_lowercase())
                    .count();
            }
            _ => return false,
        }
    }
    true
}

/// The index of the closing quote of a string whose content starts at `start`; `None` for
/// content with escapes (written through the masking serializer, which decodes and re-escapes
/// them). Validated JSON has no raw control characters in strings.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let len = memchr::memchr2(b'"', b'\\', bytes.get(start..)?)?;
    (bytes.get(start + len) == Some(&b'"')).then_some(start + len)
}

#[cfg(test)]
#[path = "raw_scan_tests.rs"]
mod tests;
