//! Tests of the raw scans: a verbatim object is byte for byte its masked serialization, and
//! everything the raw parse does not check sends the body to the full parse.

use serde_json::{Map, Value, json};

use super::*;
use crate::receiver::mask::MaskedEvent;

const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl";

fn masked_text(text: &str) -> String {
    let map: Map<String, Value> = serde_json::from_str(text).unwrap();
    serde_json::to_string(&MaskedEvent(&map)).unwrap()
}

/// The property the stdout line relies on.
fn check(text: &str) -> bool {
    let verbatim = is_verbatim(text);
    if verbatim {
        assert_eq!(
            masked_text(text),
            text,
            "verbatim but not its own masked form"
        );
    }
    verbatim
}

#[test]
fn ordinary_events_are_verbatim() {
    for v in [
        json!({"type": "s", "client_id": "AbC", "ip": "81.2.69.143", "user_name": "dev@test.com",
            "isMobile": false, "n": -12, "z": 0, "none": null, "details": {"prompts": [], "elapsedTime": 1}}),
        json!({"type": "fp", "description": "Wrong email or password.", "é": "ü€", "list": [1, "a", {"b": true}]}),
        json!({"type": "s", "token_endpoint_auth_method": "client_secret_post", "tokens_issued": 3}),
    ] {
        assert!(check(&v.to_string()), "{v}");
    }
}

#[test]
fn anything_to_mask_or_rewrite_is_not_verbatim() {
    for text in [
        json!({"type": "sapi", "details": {"request": {"body": {"client_secret": "Zx9kQ2mN7pL4rT8v"}}}}).to_string(),
        json!({"type": "s", "password": "*****"}).to_string(),
        json!({"type": "s", "headers": {"Authorization": "x"}}).to_string(),
        json!({"type": "s", "note": JWT}).to_string(),
        json!({"type": "s", "list": ["Bearer abcdefghijklmnop"]}).to_string(),
        json!({"type": "s", "q": "say \"hi\""}).to_string(),
        json!({"type": "s", "ratio": 0.5}).to_string(),
        json!({"type": "s", "big": 12345678901234567890u64}).to_string(),
        r#"{"type": "s"}"#.to_string(),
        "{\"type\":\"s\",\n\"ip\":\"1.2.3.4\"}".to_string(),
        r#"{"type":"s","path":"a\/b"}"#.to_string(),
        r#"{"type":"s","name":"\u00e9"}"#.to_string(),
        r#"{"type":"s","n":1e3}"#.to_string(),
        r#"{"type":"s","n":-0}"#.to_string(),
    ] {
        assert!(!check(&text), "{text}");
    }
    let mut deep = json!("leaf");
    for _ in 0..40 {
        deep = json!({"a": deep});
    }
    assert!(!check(&json!({"type": "s", "deep": deep}).to_string()));
}

#[test]
fn seeded_mutations_keep_the_verbatim_property() {
    // Byte-level mutations of a realistic event: whenever the result is still a JSON object and
    // the scan calls it verbatim, it must equal its masked serialization.
    let base = json!({"type": "sapi", "client_id": "m2m", "ip": "10.1.2.3", "n": 42,
        "details": {"request": {"method": "patch", "path": "/api/v2/clients/c1",
            "body": {"callbacks": ["https://app.example.com/cb"], "x_token": "t", "ok": true}},
            "response": {"body": {"name": "App", "tokenish": "eyJ"}}}})
    .to_string();
    let alphabet = b"\"\\:,{}[]0123456789.eE-+ tfnul*aBr";
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut verbatim, mut valid) = (0, 0);
    for _ in 0..5_000 {
        let mut bytes = base.clone().into_bytes();
        for _ in 0..1 + next() % 3 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if serde_json::from_str::<Map<String, Value>>(&text).is_err() {
            continue;
        }
        valid += 1;
        verbatim += usize::from(check(&text));
    }
    assert!(
        valid > 100 && verbatim > 10,
        "{valid} valid, {verbatim} verbatim"
    );
}

#[test]
fn strict_check_catches_what_the_raw_parse_skips() {
    let deep = format!("{}{}", "[".repeat(150), "]".repeat(150));
    assert!(needs_strict_check(deep.as_bytes()));
    assert!(needs_strict_check(br#"[{"n":1e400}]"#));
    assert!(needs_strict_check(br#"[{"s":"\ud800"}]"#));
    assert!(needs_strict_check(
        format!("[{}]", "9".repeat(400)).as_bytes()
    ));
    let ordinary = json!([{"log_id": "1", "data": {"type": "s", "q": "a \"[[[\" b", "n": -3}}]);
    assert!(!needs_strict_check(ordinary.to_string().as_bytes()));
}
