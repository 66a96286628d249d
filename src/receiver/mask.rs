//! Token masking for the stdout copy of an event: values under secret-bearing keys
//! (`authorization`, `*password`, `*secret`, `*token`, API keys, cookies) and any string that
//! looks like a bearer token or a JWT are replaced by [`mask_secret`]. Auth0's own `*****`
//! placeholders stay as they are. Nothing is added to the event.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::findings::mask_secret;

/// Deepest nesting walked; deeper values are replaced whole (no stack exhaustion on any input).
const MAX_DEPTH: usize = 64;

/// Whether a value under this key is secret material.
pub fn is_secret_key(key: &str) -> bool {
    // Every suffix below (and `otp`, `recovery_code`) ends in one of these letter pairs: most
    // keys (`client_id`, `type`, `user_name`, ...) are ruled out by their last two bytes alone.
    let tail = match key.as_bytes() {
        [.., a, b] => [a.to_ascii_lowercase(), b.to_ascii_lowercase()],
        _ => return false,
    };
    if !matches!(
        &tail,
        b"rd" | b"et" | b"en" | b"on" | b"ey" | b"ie" | b"se" | b"tp" | b"de"
    ) {
        return false;
    }
    const SUFFIXES: [&str; 9] = [
        "password",
        "secret",
        "token",
        "authorization",
        "apikey",
        "api_key",
        "private_key",
        "cookie",
        "passphrase",
    ];
    let ends_with = |suffix: &str| {
        key.len() >= suffix.len()
            && key
                .get(key.len() - suffix.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
    };
    SUFFIXES.iter().any(|s| ends_with(s))
        || key.eq_ignore_ascii_case("otp")
        || key.eq_ignore_ascii_case("recovery_code")
}

/// Whether a string value looks like a credential whatever its key: a JWT or a `Bearer` value.
pub fn looks_like_token(s: &str) -> bool {
    let t = s.trim();
    if t.len() > 7
        && t.get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        return true;
    }
    t.starts_with("eyJ")
        && t.len() >= 24
        && t.matches('.').count() == 2
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

fn mask_string(s: &str) -> Value {
    if !s.is_empty() && s.bytes().all(|b| b == b'*') {
        return Value::String(s.to_string());
    }
    Value::String(mask_secret(s))
}

/// A copy of the log object with secrets masked.
pub fn masked_event(data: &Map<String, Value>) -> Value {
    Value::Object(mask_map(data, 0))
}

/// Serializes the log object with secrets masked, without copying it first (the stdout path).
/// Produces exactly what serializing [`masked_event`] would.
pub struct MaskedEvent<'a>(pub &'a Map<String, Value>);

impl Serialize for MaskedEvent<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MaskedMap(self.0, 0).serialize(s)
    }
}

struct MaskedMap<'a>(&'a Map<String, Value>, usize);
struct Masked<'a> {
    value: &'a Value,
    depth: usize,
    secret: bool,
}

impl Serialize for MaskedMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            let value = Masked {
                value: v,
                depth: self.1 + 1,
                secret: is_secret_key(k),
            };
            m.serialize_entry(k, &value)?;
        }
        m.end()
    }
}

impl Serialize for Masked<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.depth > MAX_DEPTH {
            return s.serialize_str("(nested too deep)");
        }
        match self.value {
            Value::String(v) if self.secret || looks_like_token(v) => {
                if !v.is_empty() && v.bytes().all(|b| b == b'*') {
                    s.serialize_str(v)
                } else {
                    s.serialize_str(&mask_secret(v))
                }
            }
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(&Masked {
                        value: i,
                        depth: self.depth + 1,
                        secret: self.secret,
                    })?;
                }
                seq.end()
            }
            Value::Object(m) => MaskedMap(m, self.depth).serialize(s),
            other => other.serialize(s),
        }
    }
}

fn mask_map(map: &Map<String, Value>, depth: usize) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| {
            let masked = if is_secret_key(k) {
                mask_secret_value(v, depth + 1)
            } else {
                mask_value(v, depth + 1)
            };
            (k.clone(), masked)
        })
        .collect()
}

fn mask_value(v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::String("(nested too deep)".into());
    }
    match v {
        Value::String(s) if looks_like_token(s) => mask_string(s),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| mask_value(i, depth + 1)).collect())
        }
        Value::Object(m) => Value::Object(mask_map(m, depth)),
        other => other.clone(),
    }
}

/// Everything under a secret key: strings masked, structure kept.
fn mask_secret_value(v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::String("(nested too deep)".into());
    }
    match v {
        Value::String(s) => mask_string(s),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| mask_secret_value(i, depth + 1))
                .collect(),
        ),
        Value::Object(m) => Value::Object(mask_map(m, depth)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl";

    fn mask(v: Value) -> Value {
        masked_event(v.as_object().unwrap())
    }

    #[test]
    fn secrets_under_keys_and_tokens_anywhere_are_masked() {
        let out = mask(json!({"type": "sapi", "details": {"request": {
            "headers": {"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz"},
            "body": {"client_secret": "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM", "password": "*****",
                     "note": JWT, "tokens": ["x"]}}}}));
        let text = out.to_string();
        assert!(!text.contains("abcdefghijklmnopqrstuvwxyz"));
        assert!(!text.contains("Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM"));
        assert!(!text.contains(JWT));
        assert!(text.contains("Zx9k****(32 chars)"));
        assert_eq!(out["details"]["request"]["body"]["password"], "*****");
    }

    #[test]
    fn secret_keys_by_suffix_in_any_case() {
        for k in [
            "password",
            "Authorization",
            "client_secret",
            "refresh_token",
            "httpAuthorization",
            "OTP",
            "x-api_key",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "token_endpoint_auth_method",
            "user_name",
            "tokens_issued",
            "é",
            "",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn ordinary_fields_are_untouched() {
        let v = json!({"type": "s", "user_name": "dev@test.com", "ip": "81.2.69.143",
            "token_endpoint_auth_method": "client_secret_post", "description": "Successful login",
            "details": {"stats": {"loginsCount": 3}}});
        assert_eq!(mask(v.clone()), v);
    }

    #[test]
    fn streaming_serializer_matches_the_copy() {
        let v = json!({"type": "sapi", "tokens": ["a", {"x": "y"}], "details": {"request": {
            "headers": {"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz"},
            "body": {"client_secret": "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM", "password": "*****", "note": JWT,
                     "n": 1, "ok": true, "nothing": null}}}});
        let map = v.as_object().unwrap();
        assert_eq!(
            serde_json::to_value(MaskedEvent(map)).unwrap(),
            masked_event(map)
        );
        let mut deep = json!("leaf");
        for _ in 0..200 {
            deep = json!({"a": deep});
        }
        let d = json!({"deep": deep});
        let dm = d.as_object().unwrap();
        assert_eq!(
            serde_json::to_value(MaskedEvent(dm)).unwrap(),
            masked_event(dm)
        );
    }

    #[test]
    fn deep_nesting_is_cut_not_crashed() {
        let mut v = json!("leaf");
        for _ in 0..200 {
            v = json!({"a": v});
        }
        let out = mask(json!({"deep": v}));
        assert!(out.to_string().contains("nested too deep"));
    }
}
