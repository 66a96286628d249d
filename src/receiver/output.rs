//! The stdout record: one JSON line per classified event, for existing log pipelines. It carries
//! the event (tokens masked), its classification, the detections it raised and the open findings
//! it touched; nothing about the user beyond what the event already holds. An event with nothing
//! to mask (and already in the form `serde_json` writes, see [`super::raw_scan::is_verbatim`]) is
//! copied as delivered; any other is parsed and written through [`MaskedEvent`].

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::classify::Classified;
use super::correlate::FindingRef;
use super::detect::Detection;
use super::event::LogEvent;
use super::mask::MaskedEvent;

/// A cloneable in-memory writer, for tests and benchmarks that read the stdout lines back.
#[derive(Debug, Clone, Default)]
pub struct SharedOutput(Arc<Mutex<Vec<u8>>>);

impl SharedOutput {
    /// Everything written so far.
    pub fn contents(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut b) => {
                b.extend_from_slice(buf);
                Ok(buf.len())
            }
            Err(_) => Err(std::io::Error::other("output buffer poisoned")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize)]
struct Line<'a> {
    log_id: &'a str,
    #[serde(rename = "type")]
    type_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(flatten)]
    classified: &'a Classified,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    detections: &'a [Detection],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<&'a str>,
    event: EventJson<'a>,
}

/// The `event` member: the delivered text, or the masked copy.
enum EventJson<'a> {
    Verbatim(&'a RawValue),
    Masked(&'a Map<String, Value>),
}

impl Serialize for EventJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EventJson::Verbatim(raw) => raw.serialize(s),
            EventJson::Masked(map) => MaskedEvent(map).serialize(s),
        }
    }
}

/// Writes one event's line (with the trailing newline).
pub fn write_line(
    out: &mut dyn Write,
    event: &LogEvent,
    classified: &Classified,
    detections: &[Detection],
    findings: &[FindingRef],
) -> std::io::Result<()> {
    let parsed;
    let event_json = if event.is_verbatim() {
        EventJson::Verbatim(event.raw())
    } else {
        parsed = event.data();
        EventJson::Masked(&parsed)
    };
    let line = Line {
        log_id: &event.log_id,
        type_code: event.type_code(),
        date: event.date(),
        classified,
        detections,
        findings: findings.iter().map(|f| f.name.as_str()).collect(),
        event: event_json,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;
    use crate::receiver::classify::classify;
    use crate::receiver::detect::DetectionKind;
    use crate::receiver::event::event_from;
    use serde_json::{Value, json};

    #[test]
    fn one_json_line_with_classification_and_masked_event() {
        let e = event_from(
            json!({"log_id": "901", "type": "sapi", "date": "2026-01-01T00:00:00Z",
            "details": {"request": {"method": "patch", "path": "/api/v2/clients/c1",
                "body": {"client_secret": "Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM"}}}}),
        );
        let c = classify(&e);
        let d = vec![Detection::new(
            DetectionKind::CodeChanged,
            Severity::Medium,
            "x",
        )];
        let f = vec![FindingRef {
            name: "web-finding".into(),
            rule: "r".into(),
        }];
        let mut buf = Vec::new();
        write_line(&mut buf, &e, &c, &d, &f).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.matches('\n').count(), 1);
        assert!(!text.contains("Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["category"], "config-change");
        assert_eq!(v["change"]["resource"], "client");
        assert_eq!(v["detections"][0]["id"], "code-changed");
        assert_eq!(v["findings"][0], "web-finding");
        assert_eq!(v["log_id"], "901");
    }

    #[test]
    fn quiet_event_has_no_empty_lists() {
        let e = event_from(json!({"log_id": "902", "type": "s"}));
        let mut buf = Vec::new();
        write_line(&mut buf, &e, &classify(&e), &[], &[]).unwrap();
        let v: Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["category"], "login-success");
        assert!(
            v.get("detections").is_none()
                && v.get("findings").is_none()
                && v.get("change").is_none()
        );
    }

    /// The line as the masking serializer alone would write it (the reference for both paths).
    fn reference_line(e: &LogEvent) -> Value {
        let c = classify(e);
        let mut v: Value = serde_json::to_value(&c).unwrap();
        v["log_id"] = json!(e.log_id);
        v["type"] = json!(e.type_code());
        if let Some(d) = e.date() {
            v["date"] = json!(d);
        }
        v["event"] = serde_json::to_value(MaskedEvent(&e.data())).unwrap();
        v
    }

    #[test]
    fn delivered_text_and_masked_copy_give_the_same_line() {
        let body = concat!(
            r#"[{"log_id":"1","data":{"type":"s","log_id":"1","ip":"1.2.3.4","details":{"n":[1,true,null]}}},"#,
            r#"{"log_id":"2","data":{"type":"s","note":"Bearer abcdefghijklmnopqrstuvwxyz"}},"#,
            r#"{"log_id":"3","data":{"type":"sapi","details":{"request":{"body":{"client_secret":"Zx9kQ2mN7pL4rT8vW1y"}}}}},"#,
            "{\"log_id\":\"4\",\"data\":{\n  \"type\": \"fp\",\n  \"ratio\": 1.50, \"p\": \"a\\/b\"}}]"
        );
        let events = crate::receiver::batch::parse_batch(body.as_bytes()).unwrap();
        let verbatim: Vec<bool> = events.iter().map(LogEvent::is_verbatim).collect();
        assert_eq!(verbatim, vec![true, false, false, false]);
        for e in &events {
            let mut buf = Vec::new();
            write_line(&mut buf, e, &classify(e), &[], &[]).unwrap();
            let text = String::from_utf8(buf).unwrap();
            assert_eq!(text.matches('\n').count(), 1, "{text}");
            assert!(
                !text.contains("abcdefghijklmnopqrstuvwxyz")
                    && !text.contains("Zx9kQ2mN7pL4rT8vW1y")
            );
            let line: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(line, reference_line(e), "{text}");
        }
    }
}
