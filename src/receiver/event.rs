//! One Auth0 log event as delivered by the HTTP log stream: its `log_id` and the log object
//! (`data`). The object is kept as the text it was delivered in (unknown fields pass through to
//! the stdout line untouched) and read once into the few fields the classifier, detections and
//! correlation use ([`EventFields`]), so no JSON map is built per event.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::event_fields::{EventFields, Field};
use super::raw_scan::is_verbatim;

/// One log event: the envelope's `log_id` and the `data` log object.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub log_id: String,
    raw: Box<RawValue>,
    fields: EventFields,
    verbatim: bool,
}

impl PartialEq for LogEvent {
    fn eq(&self, other: &Self) -> bool {
        self.log_id == other.log_id && self.raw.get() == other.raw.get()
    }
}

impl LogEvent {
    /// An event from its log object's text and the fields read from that same text.
    pub fn new(log_id: String, raw: &RawValue, fields: EventFields) -> LogEvent {
        LogEvent {
            log_id,
            verbatim: is_verbatim(raw.get()),
            raw: raw.to_owned(),
            fields,
        }
    }

    /// The log object as delivered.
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }

    /// Whether [`Self::raw`] is exactly what the masked copy of the object serializes to, so the
    /// stdout line can carry it as it is.
    pub fn is_verbatim(&self) -> bool {
        self.verbatim
    }

    /// Whether the log object has a `type` key at all (with any value).
    pub fn has_type(&self) -> bool {
        self.fields.has_type
    }

    /// The log object as a JSON map (a full parse: only for events that need masking).
    pub fn data(&self) -> Map<String, Value> {
        serde_json::from_str(self.raw.get()).unwrap_or_default()
    }

    /// A non-empty string field of the log object.
    pub fn str_field(&self, field: Field) -> Option<&str> {
        self.fields.get(self.raw.get(), field)
    }

    /// The event type code (`s`, `fp`, `sapi`, ...); empty when absent.
    pub fn type_code(&self) -> &str {
        self.str_field(Field::Type).unwrap_or("")
    }

    pub fn date(&self) -> Option<&str> {
        self.str_field(Field::Date)
    }

    /// Event time in milliseconds since the epoch, when `date` is an RFC 3339 timestamp.
    pub fn date_millis(&self) -> Option<i64> {
        let ts: jiff::Timestamp = self.date()?.parse().ok()?;
        Some(ts.as_millisecond())
    }

    pub fn client_id(&self) -> Option<&str> {
        self.str_field(Field::ClientId)
    }

    pub fn client_name(&self) -> Option<&str> {
        self.str_field(Field::ClientName)
    }

    pub fn connection(&self) -> Option<&str> {
        self.str_field(Field::Connection)
    }

    pub fn connection_id(&self) -> Option<&str> {
        self.str_field(Field::ConnectionId)
    }

    /// Source IP (`ip`, or `client_ip` on some newer events).
    pub fn ip(&self) -> Option<&str> {
        self.str_field(Field::Ip)
            .or_else(|| self.str_field(Field::ClientIp))
    }

    pub fn hostname(&self) -> Option<&str> {
        self.str_field(Field::Hostname)
    }

    /// The event's `description` (the only name some dashboard events have).
    pub fn description(&self) -> Option<&str> {
        self.str_field(Field::Description)
    }

    /// The event's `user_id` (for a dashboard change, the admin who made it).
    pub fn user_id(&self) -> Option<&str> {
        self.str_field(Field::UserId)
    }

    /// Who the event is about: `user_id`, else `user_name` (failed logins carry only the name).
    pub fn user_key(&self) -> Option<&str> {
        self.user_id().or_else(|| self.str_field(Field::UserName))
    }

    /// `details.accessedSecrets`, when `details` is an object.
    pub fn accessed_secrets(&self) -> Option<&Value> {
        self.fields.details.as_ref()?.accessed_secrets.as_ref()
    }

    fn request(&self) -> Option<&super::event_fields::Request> {
        self.fields.details.as_ref()?.request.as_ref()
    }

    /// `details.request.method`, lowercased.
    pub fn request_method(&self) -> Option<String> {
        let m = self.request()?.method.as_deref()?;
        Some(m.to_ascii_lowercase())
    }

    /// `details.request.path` (percent-encoded, with `/api/v2`).
    pub fn request_path(&self) -> Option<&str> {
        self.request()?.path.as_deref()
    }

    /// `details.request.body`.
    pub fn request_body(&self) -> Option<&Value> {
        self.request()?.body.as_ref()
    }

    /// `details.response.body`.
    pub fn response_body(&self) -> Option<&Value> {
        self.fields.details.as_ref()?.response_body.as_ref()
    }

    /// A field this change set: from the request body when there is one (fields it does not
    /// name were not changed), else from the response body.
    pub fn changed_field(&self, key: &str) -> Option<&Value> {
        match self.request_body() {
            Some(body @ (Value::Object(_) | Value::Array(_))) => body.get(key),
            _ => self.response_body().and_then(|b| b.get(key)),
        }
    }

    /// A field of the object after the change: the response body first, then the request body.
    pub fn resulting_field(&self, key: &str) -> Option<&Value> {
        self.response_body()
            .and_then(|b| b.get(key))
            .or_else(|| self.request_body().and_then(|b| b.get(key)))
    }
}

#[cfg(test)]
pub(crate) fn event_from(json: Value) -> LogEvent {
    let text = json.to_string();
    let raw = RawValue::from_string(text).unwrap_or_else(|e| panic!("{e}"));
    let fields = EventFields::parse(raw.get()).unwrap_or_else(|e| panic!("{e}"));
    let log_id = json
        .get("log_id")
        .and_then(Value::as_str)
        .unwrap_or("900")
        .to_string();
    LogEvent::new(log_id, &raw, fields)
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_sapi_request_and_prefers_request_body_for_changes() {
        let e = event_from(json!({"type": "sapi", "details": {
            "request": {"method": "PATCH", "path": "/api/v2/clients/abc", "body": {"name": "new"}},
            "response": {"body": {"name": "new", "grant_types": ["implicit"]}, "statusCode": 200}}}));
        assert_eq!(e.request_method().as_deref(), Some("patch"));
        assert_eq!(e.request_path(), Some("/api/v2/clients/abc"));
        assert_eq!(e.changed_field("name"), Some(&json!("new")));
        assert_eq!(
            e.changed_field("grant_types"),
            None,
            "not set by this change"
        );
        assert_eq!(e.resulting_field("grant_types"), Some(&json!(["implicit"])));
        let no_body = event_from(json!({"type": "sapi", "details": {
            "response": {"body": {"enabled": false}}}}));
        assert_eq!(no_body.changed_field("enabled"), Some(&json!(false)));
    }

    #[test]
    fn empty_strings_count_as_absent() {
        let e = event_from(
            json!({"type": "s", "user_id": "", "user_name": "dev@test.com", "client_name": ""}),
        );
        assert_eq!(e.user_key(), Some("dev@test.com"));
        assert_eq!(e.client_name(), None);
    }

    #[test]
    fn parses_dates_and_tolerates_garbage() {
        let e = event_from(json!({"date": "2021-11-04T00:15:10.706Z"}));
        assert_eq!(e.date_millis(), Some(1_635_984_910_706));
        assert_eq!(event_from(json!({"date": "yesterday"})).date_millis(), None);
        assert_eq!(event_from(json!({"date": 5})).date_millis(), None);
    }
}
