//! One Auth0 log event as delivered by the HTTP log stream: its `log_id` and the log object
//! (`data`), with typed accessors for the fields the classifier, detections and correlation read.
//! The object is kept as JSON so unknown fields pass through to the stdout line untouched.

use serde_json::{Map, Value};

/// One log event: the envelope's `log_id` and the `data` log object.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub log_id: String,
    pub data: Map<String, Value>,
}

impl LogEvent {
    /// A non-empty string field of the log object.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.data
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The event type code (`s`, `fp`, `sapi`, ...); empty when absent.
    pub fn type_code(&self) -> &str {
        self.str_field("type").unwrap_or("")
    }

    pub fn date(&self) -> Option<&str> {
        self.str_field("date")
    }

    /// Event time in milliseconds since the epoch, when `date` is an RFC 3339 timestamp.
    pub fn date_millis(&self) -> Option<i64> {
        let ts: jiff::Timestamp = self.date()?.parse().ok()?;
        Some(ts.as_millisecond())
    }

    pub fn client_id(&self) -> Option<&str> {
        self.str_field("client_id")
    }

    pub fn client_name(&self) -> Option<&str> {
        self.str_field("client_name")
    }

    pub fn connection(&self) -> Option<&str> {
        self.str_field("connection")
    }

    pub fn connection_id(&self) -> Option<&str> {
        self.str_field("connection_id")
    }

    /// Source IP (`ip`, or `client_ip` on some newer events).
    pub fn ip(&self) -> Option<&str> {
        self.str_field("ip").or_else(|| self.str_field("client_ip"))
    }

    pub fn hostname(&self) -> Option<&str> {
        self.str_field("hostname")
    }

    /// Who the event is about: `user_id`, else `user_name` (failed logins carry only the name).
    pub fn user_key(&self) -> Option<&str> {
        self.str_field("user_id")
            .or_else(|| self.str_field("user_name"))
    }

    /// `details` as an object, when present.
    pub fn details(&self) -> Option<&Map<String, Value>> {
        self.data.get("details").and_then(Value::as_object)
    }

    fn request(&self) -> Option<&Map<String, Value>> {
        self.details()?.get("request")?.as_object()
    }

    /// `details.request.method`, lowercased.
    pub fn request_method(&self) -> Option<String> {
        let m = self.request()?.get("method")?.as_str()?;
        Some(m.to_ascii_lowercase())
    }

    /// `details.request.path` (percent-encoded, with `/api/v2`).
    pub fn request_path(&self) -> Option<&str> {
        self.request()?.get("path")?.as_str()
    }

    /// `details.request.body`.
    pub fn request_body(&self) -> Option<&Value> {
        self.request()?.get("body")
    }

    /// `details.response.body`.
    pub fn response_body(&self) -> Option<&Value> {
        self.details()?.get("response")?.as_object()?.get("body")
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
    let data = json.as_object().cloned().unwrap_or_default();
    let log_id = data
        .get("log_id")
        .and_then(Value::as_str)
        .unwrap_or("900")
        .to_string();
    LogEvent { log_id, data }
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
