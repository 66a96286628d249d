//! Unresolved keyword markers: find them, warn about each, and replace the ones standing
//! outside a string with a placeholder that parses (a list item becomes the marker as a
//! string, a whole value becomes `null`).

use serde_json::Value;

use super::{Replaced, TextKind, UNRESOLVED_MARKER};
use crate::tenant::model::{LoadWarning, WarningEffect};

/// Where an unresolved marker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A list item: becomes the marker as a string.
    Item,
    /// A whole value: becomes `null`.
    Value,
    /// Inside a string or scalar: left as it is.
    Inside,
}

pub(super) fn neutralise_unresolved(text: &str, kind: TextKind, file: &str) -> Replaced {
    let mut out = String::with_capacity(text.len());
    let mut warnings: Vec<LoadWarning> = Vec::new();
    let mut last = 0;
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    for m in UNRESOLVED_MARKER.find_iter(text) {
        newlines += text[counted_to..m.start()].matches('\n').count();
        counted_to = m.start();
        let line = u32::try_from(newlines + 1).ok();
        let marker = m.as_str();
        if !warnings
            .iter()
            .any(|w| w.line == line && w.message.contains(marker))
        {
            warnings.push(LoadWarning {
                file: file.to_string(),
                line,
                message: format!(
                    "unresolved keyword marker {marker} (no value given in --keywords)"
                ),
                effect: WarningEffect::ValueMasked,
            });
        }
        if kind == TextKind::Code || m.start() < last {
            continue;
        }
        let (start, end) = quoted_span(text, m.start(), m.end(), marker, kind);
        match slot(text, start, end, kind) {
            Slot::Inside => {}
            Slot::Item => {
                out.push_str(&text[last..start]);
                out.push_str(&Value::String(marker.to_string()).to_string());
                last = end;
            }
            Slot::Value => {
                out.push_str(&text[last..start]);
                out.push_str("null");
                last = end;
            }
        }
    }
    out.push_str(&text[last..]);
    Replaced {
        text: out,
        warnings,
    }
}

/// Widens an `@@KEY@@` marker over the quotes that wrap it exactly (they are consumed).
fn quoted_span(
    text: &str,
    start: usize,
    end: usize,
    marker: &str,
    kind: TextKind,
) -> (usize, usize) {
    if !marker.starts_with("@@") || start == 0 {
        return (start, end);
    }
    let before = text.as_bytes().get(start - 1).copied();
    let after = text.as_bytes().get(end).copied();
    let quote_ok = |q: u8| q == b'"' || (kind == TextKind::Yaml && q == b'\'');
    match (before, after) {
        (Some(b), Some(a)) if b == a && quote_ok(b) && !inside_string(text, start - 1, kind) => {
            (start - 1, end + 1)
        }
        _ => (start, end),
    }
}

/// Whether byte offset `pos` lies inside a quoted string of its line.
fn inside_string(text: &str, pos: usize, kind: TextKind) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut prev_sig: Option<char> = None;
    let mut prev_char: Option<char> = None;
    for ch in text[line_start..pos].chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' && q == '"' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None => {
                let opens = match kind {
                    TextKind::Json => ch == '"',
                    TextKind::Yaml => {
                        (ch == '"' || ch == '\'')
                            && prev_char.is_none_or(char::is_whitespace)
                            && prev_sig.is_none_or(|p| ":-[{,?".contains(p))
                            || (ch == '"' || ch == '\'')
                                && matches!(prev_char, Some('[' | '{' | ','))
                    }
                    TextKind::Code => false,
                };
                if opens {
                    quote = Some(ch);
                }
            }
        }
        if !ch.is_whitespace() {
            prev_sig = Some(ch);
        }
        prev_char = Some(ch);
    }
    quote.is_some()
}

fn slot(text: &str, start: usize, end: usize, kind: TextKind) -> Slot {
    if inside_string(text, start, kind) {
        return Slot::Inside;
    }
    let before = &text[..start];
    let trimmed = before.trim_end();
    let spaced = trimmed.len() < before.len();
    let prev = trimmed.chars().next_back();
    let rest = text[end..].trim_start_matches([' ', '\t']);
    let next_ok = rest.is_empty() || rest.starts_with([',', ']', '}', '\n', '\r', '#']);
    if !next_ok {
        return Slot::Inside;
    }
    match (prev, kind) {
        (None, _) => Slot::Value,
        (Some('[' | ','), _) => Slot::Item,
        (Some('-'), TextKind::Yaml) if spaced => Slot::Item,
        (Some(':'), TextKind::Json) => Slot::Value,
        (Some(':'), TextKind::Yaml) if spaced => Slot::Value,
        _ => Slot::Inside,
    }
}
