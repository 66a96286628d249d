//! Text -> JSON value -> typed model, with errors that name the file, the line and column of the
//! offending value, and the field path. Both formats go through `serde_json::Value`, so the
//! typed pass is the same for JSON and YAML; the location of a type error is found afterwards
//! by walking the original text to the offending value.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;

use crate::tenant::error::{Result, TenantError};

/// Data syntax of an export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Json,
    Yaml,
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Renders `clients[3].callbacks`.
pub(crate) fn path_text(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

static LOCATION_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(,)? at line \d+,? column \d+$").unwrap_or_else(|_| unreachable!())
});
static INVALID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^invalid (?:type|value): (.*), expected (.*)$").unwrap_or_else(|_| unreachable!())
});
static STRUCT_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"struct \w+|a map").unwrap_or_else(|_| unreachable!()));

/// Strips serde's own location suffix and words the message for people.
pub(crate) fn clean_message(raw: &str) -> String {
    let text = LOCATION_SUFFIX.replace(raw.trim(), "").to_string();
    let text = text.replace("a sequence", "a list");
    STRUCT_NAME.replace_all(&text, "an object").to_string()
}

fn with_path(message: &str, path: &[Seg]) -> String {
    let p = path_text(path);
    if p.is_empty() {
        return message.to_string();
    }
    match INVALID.captures(message) {
        Some(c) => format!("expected {} for \"{p}\", found {}", &c[2], &c[1]),
        None => format!("{message} (at \"{p}\")"),
    }
}

fn to_u32(n: usize) -> Option<u32> {
    u32::try_from(n).ok()
}

/// Parses `text` into a JSON value; syntax errors carry the exact line and column.
pub(crate) fn parse_value(text: &str, syntax: Syntax, file: &str) -> Result<Value> {
    match syntax {
        Syntax::Json => serde_json::from_str(text).map_err(|e| TenantError::Parse {
            file: file.to_string(),
            line: to_u32(e.line()).filter(|l| *l > 0),
            column: to_u32(e.column().max(1)).filter(|_| e.line() > 0),
            message: clean_message(&e.to_string()),
        }),
        Syntax::Yaml => {
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_norway::from_str(text).map_err(|e| {
                let loc = e.location();
                TenantError::Parse {
                    file: file.to_string(),
                    line: loc.as_ref().and_then(|l| to_u32(l.line())),
                    column: loc.as_ref().and_then(|l| to_u32(l.column())),
                    message: clean_message(&e.to_string()),
                }
            })
        }
    }
}

/// Deserializes `value` (found at `base` inside `text`) into `T`. A type error names the
/// field path and points at the offending value's line and column in `text`.
pub(crate) fn typed<T: DeserializeOwned>(
    value: &Value,
    text: &str,
    syntax: Syntax,
    file: &str,
    base: &[Seg],
) -> Result<T> {
    let mut cleaned = value.clone();
    drop_null_members(&mut cleaned);
    let value = &cleaned;
    let err = match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut path: Vec<Seg> = err
        .path()
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
            _ => None,
        })
        .collect();
    let message = clean_message(&err.into_inner().to_string());
    refine::<T>(value, &mut path, &message);
    let full: Vec<Seg> = base.iter().cloned().chain(path.iter().cloned()).collect();
    let (line, column) = locate(text, syntax, &full);
    Err(TenantError::Parse {
        file: file.to_string(),
        line,
        column,
        message: with_path(&message, &full),
    })
}

/// Removes object members whose value is `null`: for Auth0 data, null and absent both mean
/// "unset", and this way every typed field (strings and structs included) accepts null.
fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

fn get<'v>(root: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(root, |node, seg| match (seg, node) {
        (Seg::Key(k), Value::Object(m)) => m.get(k),
        (Seg::Index(i), Value::Array(a)) => a.get(*i),
        _ => None,
    })
}

fn get_mut<'v>(root: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |node, seg| match (seg, node) {
        (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
        (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

/// serde loses the path inside structs that keep unknown fields (`flatten`); find the field
/// by removing members one at a time until the error goes away or changes.
fn refine<T: DeserializeOwned>(root: &Value, path: &mut Vec<Seg>, message: &str) {
    const MAX_DEPTH: usize = 32;
    for _ in 0..MAX_DEPTH {
        let members: Vec<Seg> = match get(root, path) {
            Some(Value::Object(m)) => m.keys().map(|k| Seg::Key(k.clone())).collect(),
            Some(Value::Array(a)) => (0..a.len()).map(Seg::Index).collect(),
            _ => return,
        };
        let culprit = members.into_iter().find(|member| {
            let mut trial = root.clone();
            let Some(parent) = get_mut(&mut trial, path) else {
                return false;
            };
            match (parent, member) {
                (Value::Object(m), Seg::Key(k)) => {
                    m.remove(k);
                }
                (Value::Array(a), Seg::Index(i)) if *i < a.len() => {
                    a.remove(*i);
                }
                _ => return false,
            }
            match serde_json::from_value::<T>(trial) {
                Ok(_) => true,
                Err(e) => clean_message(&e.to_string()) != message,
            }
        });
        match culprit {
            Some(seg) => path.push(seg),
            None => return,
        }
    }
}

const FOUND: &str = "authpath-probe-found";

/// Line and column of the value at `path` in `text`.
fn locate(text: &str, syntax: Syntax, path: &[Seg]) -> (Option<u32>, Option<u32>) {
    match syntax {
        Syntax::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            match (Probe { path }).deserialize(&mut de) {
                Err(e) if e.to_string().contains(FOUND) => {
                    (to_u32(e.line()), to_u32(e.column().max(1)))
                }
                _ => (None, None),
            }
        }
        Syntax::Yaml => {
            let de = serde_norway::Deserializer::from_str(text);
            match (Probe { path }).deserialize(de) {
                Err(e) if e.to_string().contains(FOUND) => {
                    let loc = e.location();
                    (
                        loc.as_ref().and_then(|l| to_u32(l.line())),
                        loc.and_then(|l| to_u32(l.column())),
                    )
                }
                _ => (None, None),
            }
        }
    }
}

/// Walks a document along `path` and fails on purpose at the target, so the deserializer
/// reports the target's position.
struct Probe<'p> {
    path: &'p [Seg],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Probe<'_> {
    fn here<E: de::Error>(&self) -> std::result::Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<(), E> {
        self.here()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let Some((Seg::Index(target), rest)) = self.path.split_first() else {
            return self.here();
        };
        let mut index = 0;
        loop {
            if index == *target {
                seq.next_element_seed(Probe { path: rest })?;
                return Ok(());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let Some((Seg::Key(target), rest)) = self.path.split_first() else {
            return self.here();
        };
        while let Some(key) = map.next_key::<Value>()? {
            let matches = match &key {
                Value::String(s) => s == target,
                Value::Number(n) => n.to_string() == target.as_str(),
                Value::Bool(b) => b.to_string() == target.as_str(),
                _ => false,
            };
            if matches {
                map.next_value_seed(Probe { path: rest })?;
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::model::Client;

    #[test]
    fn json_type_error_names_field_line_and_column() {
        let text = "{\n  \"name\": \"Admin\",\n  \"callbacks\": \"https://x\"\n}";
        let v = parse_value(text, Syntax::Json, "clients/Admin.json").unwrap();
        let err = typed::<Client>(&v, text, Syntax::Json, "clients/Admin.json", &[]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("clients/Admin.json:3:"), "{msg}");
        assert!(msg.contains("expected a list for \"callbacks\""), "{msg}");
    }

    #[test]
    fn nested_type_error_is_refined() {
        let text = "{\"name\": \"A\",\n \"refresh_token\": {\n  \"leeway\": \"soon\"}}";
        let v = parse_value(text, Syntax::Json, "c.json").unwrap();
        let err = typed::<Client>(&v, text, Syntax::Json, "c.json", &[])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.json:3:"), "{err}");
        assert!(err.contains("refresh_token.leeway"), "{err}");
    }

    #[test]
    fn yaml_type_error_points_into_the_yaml() {
        let text = "clients:\n  - name: A\n  - name: B\n    callbacks: 42\n";
        let v = parse_value(text, Syntax::Yaml, "tenant.yaml").unwrap();
        let clients = v.get("clients").cloned().unwrap_or(Value::Null);
        let err = typed::<Vec<Client>>(
            &clients,
            text,
            Syntax::Yaml,
            "tenant.yaml",
            &[Seg::Key("clients".into())],
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("tenant.yaml:4:"), "{err}");
        assert!(err.contains("clients[1].callbacks"), "{err}");
    }

    #[test]
    fn null_members_read_as_absent() {
        let text = r#"{"name": null, "jwt_configuration": null, "callbacks": null, "refresh_token": {"leeway": null}}"#;
        let v = parse_value(text, Syntax::Json, "c.json").unwrap();
        let c = typed::<Client>(&v, text, Syntax::Json, "c.json", &[]).unwrap();
        assert_eq!(c.name, "");
        assert!(c.jwt_configuration.is_none());
        assert_eq!(c.refresh_token.and_then(|r| r.leeway), None);
        let text = r#"{"sink": null, "name": "s"}"#;
        let v = parse_value(text, Syntax::Json, "l.json").unwrap();
        assert!(
            typed::<crate::tenant::model::LogStream>(&v, text, Syntax::Json, "l.json", &[]).is_ok()
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_value("{\n \"a\": 1,\n", Syntax::Json, "t.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.json:3:"), "{err}");
        let err = parse_value("a:\n\t- b\n", Syntax::Yaml, "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.yaml:2:"), "{err}");
    }
}
