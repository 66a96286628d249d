//! The batch parser: one request body in any of Auth0's three HTTP log-stream formats (JSON array,
//! JSON lines, JSON object) into log events. Each item is the `{log_id, data}` envelope or a bare
//! log object. Errors say which item (and line, for JSON lines) is wrong and why. Never panics.
//!
//! Items and log objects are located as raw JSON text (no value tree is built); each log object
//! is then read once into its [`EventFields`]. Bodies the raw pass cannot fully judge, and every
//! body that turns out malformed, go through a full `serde_json::Value` parse, so what is
//! accepted and every error message are those of a full parse.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::event::LogEvent;
use super::event_fields::EventFields;
use super::json_seeds::{IdSeed, KeySeed};
use super::raw_scan::needs_strict_check;

/// Why a body is not a batch; the text is the 400 response body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BatchError(pub String);

/// Parses a request body into log events, in delivery order.
pub fn parse_batch(body: &[u8]) -> Result<Vec<LogEvent>, BatchError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BatchError(
            "empty body: expected a JSON array, JSON lines or a JSON object of log events".into(),
        ));
    }
    if needs_strict_check(body) {
        top_level_values(body)?;
    }
    let items = match array_items(body) {
        Some(items) => items,
        None => flatten(top_level_raw(body)?)?,
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| envelope_to_event(item, i + 1))
        .collect()
}

/// The items of a body that is one JSON array (the common case), in a single pass.
fn array_items(body: &[u8]) -> Option<Vec<&RawValue>> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'[' {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let items = Vec::<&RawValue>::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(items)
}

/// Every top-level JSON value of the body as raw text (one for an array or object, several for
/// JSON lines). On malformed JSON the error is the full parse's.
fn top_level_raw(body: &[u8]) -> Result<Vec<&RawValue>, BatchError> {
    let mut out = Vec::new();
    for value in serde_json::Deserializer::from_slice(body).into_iter::<&RawValue>() {
        match value {
            Ok(v) => out.push(v),
            Err(e) => {
                return Err(match top_level_values(body) {
                    Err(full) => full,
                    Ok(_) => BatchError(format!("body is not valid JSON: {e}")),
                });
            }
        }
    }
    Ok(out)
}

/// Every top-level JSON value of the body, fully parsed (for what the raw pass does not check,
/// and for the error message of a malformed body).
fn top_level_values(body: &[u8]) -> Result<Vec<Value>, BatchError> {
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let mut out = Vec::new();
    loop {
        let offset = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => {
                let line = line_of(body, offset);
                let what = if out.is_empty() { "body" } else { "JSON line" };
                return Err(BatchError(format!(
                    "{what} starting on line {line} is not valid JSON: {e}"
                )));
            }
        }
    }
    Ok(out)
}

fn line_of(body: &[u8], offset: usize) -> usize {
    let upto = body.get(..offset).unwrap_or(body);
    let skipped = body.get(offset..).map_or(0, |rest| {
        rest.iter()
            .take_while(|b| **b == b'\n' || **b == b'\r' || **b == b' ')
            .filter(|b| **b == b'\n')
            .count()
    });
    upto.iter().filter(|b| **b == b'\n').count() + 1 + skipped
}

/// The envelopes of the batch: an array's items, a `{"logs": [...]}` object's items, or the
/// top-level objects themselves.
fn flatten(values: Vec<&RawValue>) -> Result<Vec<&RawValue>, BatchError> {
    if let [value] = values[..] {
        return match kind_of(value) {
            "an array" => items_of(value),
            "an object" => match read_object::<LogsWrapper>(value)? {
                Some(logs) if kind_of(logs) == "an array" => items_of(logs),
                Some(_) => Err(BatchError("`logs` must be an array of log events".into())),
                None => Ok(vec![value]),
            },
            other => Err(BatchError(format!(
                "body is {other}, expected an array, JSON lines or an object of log events"
            ))),
        };
    }
    for (i, v) in values.iter().enumerate() {
        if kind_of(v) != "an object" {
            return Err(BatchError(format!(
                "JSON line {} is {}, expected one log event object per line",
                i + 1,
                kind_of(v)
            )));
        }
    }
    Ok(values)
}

fn items_of(array: &RawValue) -> Result<Vec<&RawValue>, BatchError> {
    serde_json::from_str(array.get()).map_err(|e| BatchError(format!("invalid array: {e}")))
}

/// What a raw JSON value is, by its first byte (the text is valid JSON).
fn kind_of(v: &RawValue) -> &'static str {
    match v.get().as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => "a number",
    }
}

/// One envelope (`{log_id, data}`) or bare log object into an event.
fn envelope_to_event(item: &RawValue, position: usize) -> Result<LogEvent, BatchError> {
    if kind_of(item) != "an object" {
        return Err(BatchError(format!(
            "event {position} is {}, expected an object",
            kind_of(item)
        )));
    }
    let envelope = read_object::<Envelope>(item)?;
    let data = match envelope.data {
        Some(data) if kind_of(data) == "an object" => data,
        Some(other) => {
            return Err(BatchError(format!(
                "event {position}: `data` is {}, expected the log object",
                kind_of(other)
            )));
        }
        None => item,
    };
    let fields =
        EventFields::parse(data.get()).map_err(|e| BatchError(format!("event {position}: {e}")))?;
    let log_id = envelope
        .log_id
        .or_else(|| fields.log_id.clone())
        .or_else(|| fields.underscore_id.clone())
        .ok_or_else(|| BatchError(format!("event {position} has no `log_id`")))?;
    let event = LogEvent::new(log_id, data, fields);
    if event.type_code().is_empty() {
        let log_id = &event.log_id;
        return Err(BatchError(if event.has_type() {
            format!("event {position} (log_id {log_id}): `type` must be a non-empty string")
        } else {
            format!("event {position} (log_id {log_id}) has no `type`")
        }));
    }
    Ok(event)
}

/// Reads a raw object with `R`'s visitor.
fn read_object<'a, R: ObjectVisitor<'a>>(v: &'a RawValue) -> Result<R::Out, BatchError> {
    let mut de = serde_json::Deserializer::from_str(v.get());
    de.deserialize_map(Wrap::<R>(std::marker::PhantomData))
        .map_err(|e| BatchError(format!("invalid object: {e}")))
}

trait ObjectVisitor<'de> {
    type Out;
    fn visit<A: MapAccess<'de>>(map: A) -> Result<Self::Out, A::Error>;
}

struct Wrap<R>(std::marker::PhantomData<R>);

impl<'de, R: ObjectVisitor<'de>> Visitor<'de> for Wrap<R> {
    type Value = R::Out;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R::Out, A::Error> {
        R::visit(map)
    }
}

/// `{"logs": ...}`: the last `logs` value, if any.
struct LogsWrapper;

impl<'de> ObjectVisitor<'de> for LogsWrapper {
    type Out = Option<&'de RawValue>;

    fn visit<A: MapAccess<'de>>(mut map: A) -> Result<Self::Out, A::Error> {
        let mut logs = None;
        while let Some(key) = map.next_key_seed(KeySeed(|k: &str| k == "logs"))? {
            if key {
                logs = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(logs)
    }
}

/// The envelope's `log_id` (as an id) and `data` (as raw text); last value wins.
#[derive(Default)]
struct Envelope<'a> {
    log_id: Option<String>,
    data: Option<&'a RawValue>,
}

impl<'de> ObjectVisitor<'de> for Envelope<'de> {
    type Out = Envelope<'de>;

    fn visit<A: MapAccess<'de>>(mut map: A) -> Result<Self::Out, A::Error> {
        let mut out = Envelope::default();
        let key_of = |k: &str| match k {
            "log_id" => 1u8,
            "data" => 2,
            _ => 0,
        };
        while let Some(key) = map.next_key_seed(KeySeed(key_of))? {
            match key {
                1 => out.log_id = map.next_value_seed(IdSeed)?,
                2 => out.data = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
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
            err("{\"log_id\":\"1\",\"data\":{\"type\":\"s\"}}\n[]")
                .contains("JSON line 2 is an array")
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
        let body = r#"[{"log_id":"1","data":{"type":5,"type":"fp","client_name":"A\"pp","ip":"x","ip":7}}]"#;
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
}
