//! The batch parser: one request body in any of Auth0's three HTTP log-stream formats (JSON array,
//! JSON lines, JSON object) into log events. Each item is the `{log_id, data}` envelope or a bare
//! log object. Errors say which item (and line, for JSON lines) is wrong and why. Never panics.

use serde_json::{Map, Value};

use super::event::LogEvent;

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
    let values = top_level_values(body)?;
    let items = flatten(values)?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| envelope_to_event(item, i + 1))
        .collect()
}

/// Every top-level JSON value of the body (one for an array or object, several for JSON lines).
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
fn flatten(values: Vec<Value>) -> Result<Vec<Value>, BatchError> {
    if values.len() == 1 {
        match values.into_iter().next() {
            Some(Value::Array(items)) => return Ok(items),
            Some(Value::Object(mut obj)) => {
                return match obj.remove("logs") {
                    Some(Value::Array(items)) => Ok(items),
                    Some(_) => Err(BatchError("`logs` must be an array of log events".into())),
                    None => Ok(vec![Value::Object(obj)]),
                };
            }
            Some(other) => {
                return Err(BatchError(format!(
                    "body is {}, expected an array, JSON lines or an object of log events",
                    kind_of(&other)
                )));
            }
            None => return Ok(Vec::new()),
        }
    }
    for (i, v) in values.iter().enumerate() {
        if !v.is_object() {
            return Err(BatchError(format!(
                "JSON line {} is {}, expected one log event object per line",
                i + 1,
                kind_of(v)
            )));
        }
    }
    Ok(values)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One envelope (`{log_id, data}`) or bare log object into an event.
fn envelope_to_event(item: Value, position: usize) -> Result<LogEvent, BatchError> {
    let Value::Object(mut obj) = item else {
        return Err(BatchError(format!(
            "event {position} is {}, expected an object",
            kind_of(&item)
        )));
    };
    let envelope_id = obj.get("log_id").and_then(id_text);
    let data: Map<String, Value> = match obj.remove("data") {
        Some(Value::Object(data)) => data,
        Some(other) => {
            return Err(BatchError(format!(
                "event {position}: `data` is {}, expected the log object",
                kind_of(&other)
            )));
        }
        None => obj,
    };
    let log_id = envelope_id
        .or_else(|| data.get("log_id").and_then(id_text))
        .or_else(|| data.get("_id").and_then(id_text))
        .ok_or_else(|| BatchError(format!("event {position} has no `log_id`")))?;
    match data.get("type") {
        Some(Value::String(t)) if !t.is_empty() => {}
        Some(_) => {
            return Err(BatchError(format!(
                "event {position} (log_id {log_id}): `type` must be a non-empty string"
            )));
        }
        None => {
            return Err(BatchError(format!(
                "event {position} (log_id {log_id}) has no `type`"
            )));
        }
    }
    Ok(LogEvent { log_id, data })
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() && s.len() <= 128 => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
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
}
