//! Deploy CLI keyword markers: `##KEY##` (literal replacement) and `@@KEY@@`
//! (`JSON.stringify` replacement, surrounding quotes consumed), applied to the raw text of
//! JSON/YAML and code files before parsing. Markers left unresolved never break parsing: one
//! standing outside a string becomes a harmless placeholder, one inside a string stays, and
//! each is reported as a [`LoadWarning`].

use std::path::Path;
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::{Captures, Regex};
use serde_json::Value;

mod unresolved;

use super::error::{Result, TenantError};
use super::model::LoadWarning;
use unresolved::neutralise_unresolved;

/// The syntax of a text the markers are applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A JSON file.
    Json,
    /// A YAML file.
    Yaml,
    /// JavaScript, HTML or other text that is not parsed as data.
    Code,
}

/// Keyword values: KEY -> value, from `--keywords FILE` (a JSON or YAML object).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeywordMap {
    entries: IndexMap<String, Value>,
}

/// Text after marker replacement, with the warnings it produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    /// The text to parse.
    pub text: String,
    /// One warning per unresolved marker and line.
    pub warnings: Vec<LoadWarning>,
}

static STRINGIFY_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(["']?)@@([A-Za-z0-9_]+)@@(["']?)"#).unwrap_or_else(|_| unreachable!())
});
static LITERAL_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"##([A-Za-z0-9_]+)##").unwrap_or_else(|_| unreachable!()));
pub(super) static UNRESOLVED_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"##[A-Z0-9_]+##|@@[A-Z0-9_]+@@").unwrap_or_else(|_| unreachable!())
});

/// Whether `s` is exactly one uppercase keyword marker (an unresolved placeholder value).
pub fn is_marker(s: &str) -> bool {
    UNRESOLVED_MARKER
        .find(s)
        .is_some_and(|m| m.start() == 0 && m.end() == s.len())
}

impl KeywordMap {
    /// An empty map (every marker stays unresolved).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a JSON or YAML object of KEY -> value.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bad = |message: String| TenantError::Keywords {
            path: path.to_path_buf(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(json_err) => serde_norway::from_str(&text).map_err(|yaml_err| {
                let is_json = path.extension().is_some_and(|e| e == "json");
                bad(if is_json {
                    json_err.to_string()
                } else {
                    yaml_err.to_string()
                })
            })?,
        };
        Self::from_value(value).map_err(bad)
    }

    /// Builds a map from a JSON object.
    pub fn from_value(value: Value) -> std::result::Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Self {
                entries: map.into_iter().collect(),
            }),
            Value::Null => Ok(Self::new()),
            other => Err(format!(
                "expected an object of KEY: value, found {}",
                kind_of(&other)
            )),
        }
    }

    /// Adds or replaces one keyword.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        self.entries.insert(key.into(), value);
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// Whether no keyword is defined.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Applies the markers to `text` (`file` names it in warnings): `@@KEY@@` first, then
    /// `##KEY##`, then unresolved markers are neutralised.
    pub fn apply(&self, text: &str, kind: TextKind, file: &str) -> Replaced {
        let stringified = STRINGIFY_MARKER.replace_all(text, |c: &Captures| {
            let whole = c.get(0).map_or("", |m| m.as_str());
            let (open, key, close) = (&c[1], &c[2], &c[3]);
            match self.entries.get(key) {
                None => whole.to_string(),
                Some(v) if !open.is_empty() && open == close => v.to_string(),
                Some(v) => format!("{open}{v}{close}"),
            }
        });
        let literal = LITERAL_MARKER.replace_all(&stringified, |c: &Captures| {
            match self.entries.get(&c[1]) {
                Some(v) => literal_text(v),
                None => c.get(0).map_or(String::new(), |m| m.as_str().to_string()),
            }
        });
        neutralise_unresolved(&literal, kind, file)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `String(value)` as JavaScript would write it for `##KEY##`.
fn literal_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(literal_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map() -> KeywordMap {
        KeywordMap::from_value(json!({
            "ORIGINS": ["https://a.example", "https://b.example"],
            "DOMAIN": "acme.example.com",
            "PORT": 8088,
            "lower": "x"
        }))
        .unwrap()
    }

    #[test]
    fn stringify_marker_consumes_quotes() {
        let r = map().apply(
            r#"{"web_origins": "@@ORIGINS@@", "n": @@PORT@@}"#,
            TextKind::Json,
            "f.json",
        );
        assert_eq!(
            r.text,
            r#"{"web_origins": ["https://a.example","https://b.example"], "n": 8088}"#
        );
        assert!(r.warnings.is_empty());
        let r = map().apply("web_origins: '@@ORIGINS@@'\n", TextKind::Yaml, "t.yaml");
        assert_eq!(
            r.text,
            "web_origins: [\"https://a.example\",\"https://b.example\"]\n"
        );
    }

    #[test]
    fn literal_marker_replaces_text_everywhere() {
        let r = map().apply(
            r#"{"cb": "https://##DOMAIN##/cb"}"#,
            TextKind::Json,
            "f.json",
        );
        assert_eq!(r.text, r#"{"cb": "https://acme.example.com/cb"}"#);
        let r = map().apply("const d = '##DOMAIN##';", TextKind::Code, "a.js");
        assert_eq!(r.text, "const d = 'acme.example.com';");
    }

    #[test]
    fn lowercase_liquid_variables_are_not_markers() {
        let r = KeywordMap::new().apply("<p>@@password@@ {{ user }}</p>", TextKind::Code, "e.html");
        assert_eq!(r.text, "<p>@@password@@ {{ user }}</p>");
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn unresolved_array_splice_becomes_a_string_item() {
        let text = "{\n  \"web_origins\": [ \"https://a\", ##GLOBAL_WEB_ORIGINS## ]\n}";
        let r = KeywordMap::new().apply(text, TextKind::Json, "clients/Web.json");
        let v: Value = serde_json::from_str(&r.text).unwrap();
        assert_eq!(
            v["web_origins"],
            json!(["https://a", "##GLOBAL_WEB_ORIGINS##"])
        );
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].line, Some(2));
        assert_eq!(r.warnings[0].file, "clients/Web.json");
    }

    #[test]
    fn unresolved_value_markers_become_null_in_json_and_yaml() {
        let r = KeywordMap::new().apply(
            r#"{"callbacks": "@@CALLBACKS@@", "x": ##X##}"#,
            TextKind::Json,
            "f",
        );
        let v: Value = serde_json::from_str(&r.text).unwrap();
        assert_eq!(v, json!({"callbacks": null, "x": null}));
        let yaml = "clients:\n  - name: Web\n    web_origins: [ 'https://a', ##ORIGINS## ]\n    callbacks: @@CB@@\n    list:\n      - ##ITEM##\n";
        let r = KeywordMap::new().apply(yaml, TextKind::Yaml, "tenant.yaml");
        let v: Value = serde_norway::from_str(&r.text).unwrap();
        assert_eq!(
            v["clients"][0]["web_origins"],
            json!(["https://a", "##ORIGINS##"])
        );
        assert_eq!(v["clients"][0]["callbacks"], Value::Null);
        assert_eq!(v["clients"][0]["list"], json!(["##ITEM##"]));
        assert_eq!(r.warnings.len(), 3);
    }

    #[test]
    fn unresolved_markers_inside_strings_stay() {
        let text = r#"{"cb": "https://##DOMAIN2##/cb", "s": "a, ##X## ]"}"#;
        let r = KeywordMap::new().apply(text, TextKind::Json, "f");
        assert_eq!(r.text, text);
        assert_eq!(r.warnings.len(), 2);
        let yaml = "url: https://##DOMAIN2##/cb\nq: \"x ##Y##\"\n";
        let r = KeywordMap::new().apply(yaml, TextKind::Yaml, "t.yaml");
        assert_eq!(r.text, yaml);
    }

    #[test]
    fn is_marker_matches_whole_markers_only() {
        assert!(is_marker("##A_B##"));
        assert!(is_marker("@@X1@@"));
        assert!(!is_marker("x ##A##"));
        assert!(!is_marker("@@password@@"));
    }

    #[test]
    fn keywords_file_json_or_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let j = dir.path().join("k.json");
        std::fs::write(&j, r#"{"A": "1"}"#).unwrap();
        assert_eq!(
            KeywordMap::from_file(&j).unwrap().get("A"),
            Some(&json!("1"))
        );
        let y = dir.path().join("k.yaml");
        std::fs::write(&y, "A: 1\nB: [x]\n").unwrap();
        assert_eq!(
            KeywordMap::from_file(&y).unwrap().get("B"),
            Some(&json!(["x"]))
        );
        let bad = dir.path().join("bad.yaml");
        std::fs::write(&bad, "- 1\n- 2\n").unwrap();
        let err = KeywordMap::from_file(&bad).unwrap_err().to_string();
        assert!(
            err.contains("bad.yaml") && err.contains("expected an object"),
            "{err}"
        );
    }
}
