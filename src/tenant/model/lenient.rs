//! Lenient serde helpers for the type surprises real tenants and exports contain: `null` where a
//! list or map is expected, numbers sent as strings (`splunkPort`), booleans sent as strings and
//! ids that are sometimes strings and sometimes integers.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Deserializes `null` as `T::default()`; any other value must have `T`'s shape.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A scalar that may arrive as a string or a number (`"8088"` or `8088`); kept as its text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// `Option<String>` from a string, a number or a boolean (`null`/absent gives `None`).
pub fn opt_string_or_number<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Scalar>::deserialize(deserializer)?.map(Scalar::into_text))
}

/// A scalar, with a string that is exactly one unresolved keyword marker read as absent.
fn scalar_or_marker<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Scalar>, D::Error> {
    Ok(Option::<Scalar>::deserialize(deserializer)?
        .filter(|s| !matches!(s, Scalar::Text(t) if crate::tenant::keywords::is_marker(t))))
}

/// `Option<bool>` from a boolean or the strings `"true"`/`"false"` (any case). A string that is
/// one unresolved keyword marker (`"##ENABLED##"`) reads as absent.
pub fn opt_lenient_bool<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: Deserializer<'de>,
{
    match scalar_or_marker(deserializer)? {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(Scalar::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(de::Error::custom(format!(
                "expected a boolean, found \"{s}\""
            ))),
        },
        Some(Scalar::Int(i)) => Err(de::Error::custom(format!("expected a boolean, found {i}"))),
        Some(Scalar::Float(f)) => Err(de::Error::custom(format!("expected a boolean, found {f}"))),
    }
}

/// `Option<f64>` from a number or a numeric string (`"168"`); a marker string reads as absent.
pub fn opt_lenient_f64<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    match scalar_or_marker(deserializer)? {
        None => Ok(None),
        Some(Scalar::Int(i)) => Ok(Some(i as f64)),
        Some(Scalar::Float(f)) => Ok(Some(f)),
        Some(Scalar::Text(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a number, found \"{s}\""))),
        Some(Scalar::Bool(b)) => Err(de::Error::custom(format!("expected a number, found {b}"))),
    }
}

/// `Option<i64>` from an integer, an integral float or a numeric string; a marker string reads
/// as absent.
pub fn opt_lenient_i64<'de, D>(deserializer: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    match scalar_or_marker(deserializer)? {
        None => Ok(None),
        Some(Scalar::Int(i)) => Ok(Some(i)),
        Some(Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Some(Scalar::Text(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected an integer, found \"{s}\""))),
        Some(other) => Err(de::Error::custom(format!(
            "expected an integer, found {}",
            other.into_text()
        ))),
    }
}

/// An identifier that may be a string or an integer (e.g. `identities[].user_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StringOrInt {
    /// Textual form.
    Text(String),
    /// Integer form (GitHub user ids, for example).
    Int(i64),
}

impl std::fmt::Display for StringOrInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StringOrInt::Text(s) => f.write_str(s),
            StringOrInt::Int(i) => write!(f, "{i}"),
        }
    }
}

/// Extra (unknown) fields kept verbatim on every model struct.
pub type Extra = serde_json::Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Default)]
    struct Probe {
        #[serde(default, deserialize_with = "null_as_default")]
        list: Vec<String>,
        #[serde(default, deserialize_with = "opt_string_or_number")]
        port: Option<String>,
        #[serde(default, deserialize_with = "opt_lenient_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "opt_lenient_f64")]
        hours: Option<f64>,
        #[serde(default, deserialize_with = "opt_lenient_i64")]
        count: Option<i64>,
    }

    fn probe(text: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn null_list_is_empty_and_absent_is_empty() {
        assert!(probe(r#"{"list": null}"#).unwrap().list.is_empty());
        assert!(probe("{}").unwrap().list.is_empty());
        assert_eq!(probe(r#"{"list": ["a"]}"#).unwrap().list, vec!["a"]);
    }

    #[test]
    fn string_list_rejects_a_bare_string() {
        assert!(probe(r#"{"list": "a"}"#).is_err());
    }

    #[test]
    fn port_accepts_string_and_number() {
        assert_eq!(
            probe(r#"{"port": "8088"}"#).unwrap().port.as_deref(),
            Some("8088")
        );
        assert_eq!(
            probe(r#"{"port": 8088}"#).unwrap().port.as_deref(),
            Some("8088")
        );
        assert_eq!(probe("{}").unwrap().port, None);
    }

    #[test]
    fn lenient_bool_and_numbers() {
        assert_eq!(probe(r#"{"flag": "TRUE"}"#).unwrap().flag, Some(true));
        assert_eq!(probe(r#"{"flag": false}"#).unwrap().flag, Some(false));
        assert!(probe(r#"{"flag": "yes please"}"#).is_err());
        assert_eq!(probe(r###"{"flag": "##ENABLED##"}"###).unwrap().flag, None);
        assert_eq!(probe(r#"{"count": "@@COUNT@@"}"#).unwrap().count, None);
        assert_eq!(probe(r#"{"hours": "1.5"}"#).unwrap().hours, Some(1.5));
        assert_eq!(probe(r#"{"hours": 72}"#).unwrap().hours, Some(72.0));
        assert!(probe(r#"{"hours": "many"}"#).is_err());
        assert_eq!(probe(r#"{"count": "10"}"#).unwrap().count, Some(10));
        assert_eq!(probe(r#"{"count": 10.0}"#).unwrap().count, Some(10));
        assert!(probe(r#"{"count": 1.5}"#).is_err());
    }

    #[test]
    fn string_or_int_reads_both() {
        let a: StringOrInt = serde_json::from_str("123").unwrap();
        let b: StringOrInt = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(a.to_string(), "123");
        assert_eq!(b.to_string(), "abc");
    }
}
