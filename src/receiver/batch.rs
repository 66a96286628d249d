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
#[path = "batch_tests.rs"]
mod tests;
