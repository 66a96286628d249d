//! One pass over a log object's text that keeps only what the classifier, detections and
//! correlation read: the top-level string fields (as byte ranges of the text, so no copy unless a
//! value has escapes), the ids, and from `details` the request method, path and body, the response
//! body and `accessedSecrets`. Everything else is skipped without allocating. A repeated key keeps
//! its last value, as a `serde_json::Map` would.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::json_seeds::{IdSeed, KeySeed, ObjectReader, ObjectSeed, StrSeed, StrValue};

/// The top-level string fields the receiver reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Type,
    Date,
    ClientId,
    ClientName,
    Connection,
    ConnectionId,
    Ip,
    ClientIp,
    Hostname,
    UserId,
    UserName,
    Audience,
    Description,
}

const FIELD_COUNT: usize = 13;

impl Field {
    fn of_key(key: &str) -> Option<Field> {
        Some(match key {
            "type" => Field::Type,
            "date" => Field::Date,
            "client_id" => Field::ClientId,
            "client_name" => Field::ClientName,
            "connection" => Field::Connection,
            "connection_id" => Field::ConnectionId,
            "ip" => Field::Ip,
            "client_ip" => Field::ClientIp,
            "hostname" => Field::Hostname,
            "user_id" => Field::UserId,
            "user_name" => Field::UserName,
            "audience" => Field::Audience,
            "description" => Field::Description,
            _ => return None,
        })
    }
}

/// Where a string value lives: a range of the log object's text, or of `unescaped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
    unescaped: bool,
}

/// The fields of one log object, read once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFields {
    spans: [Option<Span>; FIELD_COUNT],
    /// Decoded copies of the few string values that had escapes.
    unescaped: String,
    /// Whether `type` is present at all (with any value).
    pub has_type: bool,
    /// `log_id` and `_id` of the log object as ids (non-empty strings up to 128 bytes, or numbers).
    pub log_id: Option<String>,
    pub underscore_id: Option<String>,
    /// `details`, when it is an object.
    pub details: Option<Box<Details>>,
}

/// The parts of `details` the receiver reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    /// `details.request`, when it is an object.
    pub request: Option<Request>,
    /// `details.response.body`, when `response` is an object.
    pub response_body: Option<Value>,
    pub accessed_secrets: Option<Value>,
}

/// `details.request`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub method: Option<String>,
    pub path: Option<String>,
    pub body: Option<Value>,
}

impl EventFields {
    /// Reads the fields of `text`, a JSON object (already validated by the batch parser).
    pub fn parse(text: &str) -> Result<EventFields, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let fields = de.deserialize_map(FieldsVisitor { text })?;
        de.end()?;
        Ok(fields)
    }

    /// A non-empty string field, resolved against the text the fields were read from.
    pub fn get<'a>(&'a self, text: &'a str, field: Field) -> Option<&'a str> {
        let span = self.spans[field as usize]?;
        let source = if span.unescaped {
            &self.unescaped
        } else {
            text
        };
        source.get(span.start as usize..span.end as usize)
    }

    fn set(&mut self, text: &str, field: Field, value: Option<StrValue<'_>>) {
        self.spans[field as usize] = match value {
            Some(StrValue::Borrowed(s)) if !s.is_empty() => {
                let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
                let end = start + s.len();
                let inside = text
                    .get(start..end)
                    .is_some_and(|t| t.as_ptr() == s.as_ptr());
                if inside {
                    span(start, end, false)
                } else {
                    self.push_unescaped(s)
                }
            }
            Some(StrValue::Owned(s)) if !s.is_empty() => self.push_unescaped(&s),
            _ => None,
        };
    }

    fn push_unescaped(&mut self, s: &str) -> Option<Span> {
        let start = self.unescaped.len();
        self.unescaped.push_str(s);
        span(start, self.unescaped.len(), true)
    }
}

fn span(start: usize, end: usize, unescaped: bool) -> Option<Span> {
    Some(Span {
        start: u32::try_from(start).ok()?,
        end: u32::try_from(end).ok()?,
        unescaped,
    })
}

struct FieldsVisitor<'t> {
    text: &'t str,
}

enum TopKey {
    Str(Field),
    LogId,
    UnderscoreId,
    Details,
    Other,
}

impl<'de> Visitor<'de> for FieldsVisitor<'de> {
    type Value = EventFields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventFields, A::Error> {
        let mut out = EventFields::default();
        let key_of = |k: &str| match k {
            "log_id" => TopKey::LogId,
            "_id" => TopKey::UnderscoreId,
            "details" => TopKey::Details,
            other => Field::of_key(other).map_or(TopKey::Other, TopKey::Str),
        };
        while let Some(key) = map.next_key_seed(KeySeed(key_of))? {
            match key {
                TopKey::Str(field) => {
                    let value = map.next_value_seed(StrSeed)?;
                    out.has_type |= field == Field::Type;
                    out.set(self.text, field, value);
                }
                TopKey::LogId => out.log_id = map.next_value_seed(IdSeed)?,
                TopKey::UnderscoreId => out.underscore_id = map.next_value_seed(IdSeed)?,
                TopKey::Details => {
                    out.details = map
                        .next_value_seed(ObjectSeed::<Details>::new())?
                        .map(Box::new);
                }
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

impl ObjectReader for Details {
    type Out = Details;

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Details, A::Error> {
        let mut out = Details::default();
        let key_of = |k: &str| match k {
            "request" => 1u8,
            "response" => 2,
            "accessedSecrets" => 3,
            _ => 0,
        };
        while let Some(key) = map.next_key_seed(KeySeed(key_of))? {
            match key {
                1 => out.request = map.next_value_seed(ObjectSeed::<Request>::new())?,
                2 => {
                    out.response_body = map
                        .next_value_seed(ObjectSeed::<ResponseBody>::new())?
                        .flatten();
                }
                3 => out.accessed_secrets = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

impl ObjectReader for Request {
    type Out = Request;

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Request, A::Error> {
        let mut out = Request::default();
        let key_of = |k: &str| match k {
            "method" => 1u8,
            "path" => 2,
            "body" => 3,
            _ => 0,
        };
        while let Some(key) = map.next_key_seed(KeySeed(key_of))? {
            match key {
                1 => out.method = map.next_value_seed(StrSeed)?.map(StrValue::into_owned),
                2 => out.path = map.next_value_seed(StrSeed)?.map(StrValue::into_owned),
                3 => out.body = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// `details.response`: only its `body`.
struct ResponseBody;

impl ObjectReader for ResponseBody {
    type Out = Option<Value>;

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Value>, A::Error> {
        let mut body = None;
        while let Some(key) = map.next_key_seed(KeySeed(|k: &str| k == "body"))? {
            if key {
                body = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(body)
    }
}
