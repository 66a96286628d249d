//! Tests of [`super`] (`batch.rs`), kept in their own file.

use super::*;

const ID1: &str = "90020211104001515271334544008635532534914988032684720226";
const ID2: &str = "90020211104001515271334544008635532534914988032684720227";

fn envelope(id: &str, ty: &str) -> String {
    format!(
        r#"{{"log_id":"{id}","data":{{"date":"2021-11-04T00:15:10.706Z","type":"{ty}","client_name":"Default App","log_id":"{id}"}}}}"#
    )
}

fn ids(events: &[LogEvent]) -> Vec<&str> {
    events.iter().map(|e| e.log_id.as_str()).collect()
}

#[test]
fn json_array_of_envelopes() {
    let body = format!("[{},{}]", envelope(ID1, "s"), envelope(ID2, "fp"));
    let events = parse_batch(body.as_bytes()).unwrap();
    assert_eq!(ids(&events), vec![ID1, ID2]);
    assert_eq!(events[1].type_code(), "fp");
    assert_eq!(events[0].client_name(), Some("Default App"));
}

#[test]
fn json_lines_with_blank_and_crlf_lines() {
    let body = format!("{}\r\n\n{}\n", envelope(ID1, "s"), envelope(ID2, "sapi"));
    let events = parse_batch(body.as_bytes()).unwrap();
    assert_eq!(ids(&events), vec![ID1, ID2]);
}

#[test]
fn json_object_single_envelope_and_logs_wrapper() {
    let one = parse_batch(envelope(ID1, "s").as_bytes()).unwrap();
    assert_eq!(ids(&one), vec![ID1]);
    let wrapped = format!(
        r#"{{"logs":[{},{}]}}"#,
        envelope(ID1, "s"),
        envelope(ID2, "f")
    );
    assert_eq!(
        ids(&parse_batch(wrapped.as_bytes()).unwrap()),
        vec![ID1, ID2]
    );
}

#[test]
fn bare_log_objects_take_their_id_from_the_object() {
    let body = format!(r#"[{{"_id":"{ID1}","type":"s"}},{{"log_id":"{ID2}","type":"f"}}]"#);
    assert_eq!(ids(&parse_batch(body.as_bytes()).unwrap()), vec![ID1, ID2]);
}

#[test]
fn empty_array_is_an_empty_batch() {
    assert!(parse_batch(b"[]").unwrap().is_empty());
}

#[test]
fn errors_name_what_is_wrong() {
    let err = |b: &str| parse_batch(b.as_bytes()).unwrap_err().0;
    assert!(err("").contains("empty body"));
    assert!(err("[{\"log_id\":").contains("line 1"));
    let bad_line = format!("{}\n{{nope}}\n", envelope(ID1, "s"));
    let msg = err(&bad_line);
    assert!(msg.contains("JSON line starting on line 2"), "{msg}");
    assert!(err("42").contains("body is a number"));
    assert!(err("[1]").contains("event 1 is a number"));
    assert!(err(r#"[{"data":{"type":"s"}}]"#).contains("event 1 has no `log_id`"));
    assert!(err(r#"[{"log_id":"1","data":{}}]"#).contains("has no `type`"));
    assert!(err(r#"[{"log_id":"1","data":"x"}]"#).contains("`data` is a string"));
    assert!(err(r#"{"logs":5}"#).contains("`logs` must be an array"));
    assert!(
        err("{\"log_id\":\"1\",\"data\":{\"type\":\"s\"}}\n[]").contains("JSON line 2 is an array")
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_batch(deep.as_bytes()).is_err());
}

#[test]
fn bom_is_skipped() {
    let body = format!("\u{feff}[{}]", envelope(ID1, "s"));
    assert_eq!(parse_batch(body.as_bytes()).unwrap().len(), 1);
}

#[test]
fn what_a_full_parse_rejects_is_rejected_in_skipped_parts_too() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let in_envelope = format!(r#"[{{"log_id":"1","data":{{"type":"s"}},"x":{deep}}}]"#);
    assert!(parse_batch(in_envelope.as_bytes()).is_err());
    for body in [
        r#"[{"log_id":"1","data":{"type":"s","n":1e400}}]"#,
        r#"[{"log_id":"1","data":{"type":"s","u":"\ud800"}}]"#,
    ] {
        let err = parse_batch(body.as_bytes()).unwrap_err().0;
        assert!(err.contains("not valid JSON"), "{err}");
    }
    let near_limit = format!("{}1{}", "[".repeat(110), "]".repeat(110));
    let ok = format!(r#"[{{"log_id":"1","data":{{"type":"s","x":{near_limit}}}}}]"#);
    assert_eq!(parse_batch(ok.as_bytes()).unwrap().len(), 1);
}

#[test]
fn repeated_keys_keep_the_last_value_and_escapes_are_decoded() {
    let body =
        r#"[{"log_id":"1","data":{"type":5,"type":"fp","client_name":"A\"pp","ip":"x","ip":7}}]"#;
    let events = parse_batch(body.as_bytes()).unwrap();
    assert_eq!(events[0].type_code(), "fp");
    assert_eq!(events[0].client_name(), Some("A\"pp"));
    assert_eq!(events[0].ip(), None);
    let bad = r#"[{"log_id":"1","data":{"type":"s","type":""}}]"#;
    assert!(
        parse_batch(bad.as_bytes())
            .unwrap_err()
            .0
            .contains("non-empty string")
    );
}

#[test]
fn numeric_ids_and_details_read_like_a_json_map() {
    let body = r#"{"log_id":12,"data":{"type":"sapi","details":{"request":{"method":"PATCH",
        "path":"/api/v2/clients/c1","body":null},"response":{"body":{"a":1}},"accessedSecrets":["client_secret"]}}}"#;
    let e = &parse_batch(body.as_bytes()).unwrap()[0];
    assert_eq!(e.log_id, "12");
    assert_eq!(e.request_method().as_deref(), Some("patch"));
    assert_eq!(e.request_body(), Some(&Value::Null));
    assert_eq!(e.response_body(), Some(&serde_json::json!({"a": 1})));
    assert_eq!(
        e.accessed_secrets(),
        Some(&serde_json::json!(["client_secret"]))
    );
    let not_object =
        r#"{"log_id":"1","data":{"type":"sapi","details":{"request":"x","response":[1]}}}"#;
    let e = &parse_batch(not_object.as_bytes()).unwrap()[0];
    assert_eq!((e.request_path(), e.response_body()), (None, None));
}

#[test]
fn mutated_bodies_fail_exactly_when_a_full_parse_fails() {
    let base = format!(
        r#"[{},{{"log_id":"7","data":{{"type":"sapi","n":[1,-2,3.5],"s":"a\"b","d":{{"x":null,"y":true}}}}}}]"#,
        envelope(ID1, "s")
    );
    let alphabet = b"\"\\:,{}[]0123456789.eE-+ tfnulu\n";
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let mut bytes = base.clone().into_bytes();
        for _ in 0..1 + next() % 3 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        if let Err(full) = top_level_values(&bytes) {
            assert_eq!(
                parse_batch(&bytes).unwrap_err(),
                full,
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}
