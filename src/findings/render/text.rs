//! Plain-text helpers of the terminal renderers: control-character neutralising, word wrapping
//! and optional ANSI styles per severity.

use anstyle::{AnsiColor, Style};

use crate::findings::model::Severity;

/// Width the table renderers wrap prose to (fits an 80-120 column terminal with the indent).
pub const WRAP_WIDTH: usize = 96;

/// Replaces control characters (escape sequences, newlines, tabs) in tenant-supplied text with
/// a visible `\u{..}` form, so names cannot move the cursor, recolour or forge report lines.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Wraps `text` (cleaned of control characters) to [`WRAP_WIDTH`], every line prefixed with
/// `indent`, each line ending in a newline.
pub fn wrapped(text: &str, indent: &str) -> String {
    let cleaned = clean(text);
    let options = textwrap::Options::new(WRAP_WIDTH)
        .initial_indent(indent)
        .subsequent_indent(indent)
        .break_words(true);
    let mut out = String::new();
    for line in textwrap::wrap(&cleaned, options) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// ANSI styling that is a no-op when colours are off.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub color: bool,
}

impl Painter {
    /// `text` in `style`, or `text` unchanged when colours are off.
    pub fn paint(self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }

    /// `text` in the colour of a severity.
    pub fn severity(self, severity: Severity, text: &str) -> String {
        self.paint(severity_style(severity), text)
    }
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Critical => AnsiColor::BrightMagenta,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
        Severity::Info => AnsiColor::BrightBlack,
    };
    let style = Style::new().fg_color(Some(color.into()));
    if severity >= Severity::High {
        style.bold()
    } else {
        style
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_neutralises_escape_sequences_and_newlines() {
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        assert_eq!(clean("plain name – ok"), "plain name – ok");
    }

    #[test]
    fn wrapped_keeps_lines_within_the_width_and_indents_them() {
        let text = "word ".repeat(60);
        let out = wrapped(&text, "    ");
        assert!(out.lines().count() > 2);
        for line in out.lines() {
            assert!(line.starts_with("    "));
            assert!(line.chars().count() <= WRAP_WIDTH);
        }
        assert_eq!(out.matches("word").count(), 60);
    }

    #[test]
    fn painter_adds_codes_only_with_colour() {
        let on = Painter { color: true }.severity(Severity::High, "HIGH");
        let off = Painter { color: false }.severity(Severity::High, "HIGH");
        assert!(on.contains('\u{1b}'));
        assert!(on.contains("HIGH"));
        assert_eq!(off, "HIGH");
    }
}
