//! The nesting pre-scan that runs before swc sees the text: a linear pass bounding bracket
//! depth and the estimated AST depth of operator chains, so neither swc's recursion nor dropping
//! the AST can exhaust the stack.
//!
//! The pass classifies each byte through one table of bit flags, tested most frequent class
//! first; words are skipped through a second table, template text and comments in inner loops.

use super::parse::{LineTable, MAX_BRACKET_DEPTH, MAX_DEPTH_SCORE, ParseError};

/// One bracket level of the pre-scan.
#[derive(Default)]
struct Level {
    /// Operator / chain tokens since the last `;` or `,` on this level.
    ops: u32,
    /// `else` keywords on this level (else-if chains nest).
    elses: u32,
    /// This level was opened by `${` inside a template literal.
    template: bool,
}

/// What a byte means to the pre-scan: one bit per class, so the scan tests classes with bit
/// masks instead of a `match` that compiles to a jump table (an indirect branch per byte
/// mispredicts often, and trains the predictor away from swc's lexer, which runs next).
type Class = u16;
/// Whitespace: leaves the previous significant byte as it is.
const SPACE: Class = 1;
/// Digits, non-ASCII bytes and punctuation that neither nests nor chains.
const OTHER: Class = 1 << 1;
/// A letter, `_` or `$`: the start of a word.
const WORD: Class = 1 << 2;
/// An operator or chain token (`.`, `+`, `=`, `?`, ...).
const OP: Class = 1 << 3;
const OPEN: Class = 1 << 4;
const CLOSE: Class = 1 << 5;
/// `;` and `,` end an operator chain.
const SEPARATOR: Class = 1 << 6;
const QUOTE: Class = 1 << 7;
const BACKTICK: Class = 1 << 8;
const SLASH: Class = 1 << 9;

const fn class_table() -> [Class; 256] {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => SPACE,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => WORD,
            b'.' | b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'!' | b'~' | b'?' | b':'
            | b'=' | b'<' | b'>' => OP,
            b'(' | b'[' | b'{' => OPEN,
            b')' | b']' | b'}' => CLOSE,
            b';' | b',' => SEPARATOR,
            b'\'' | b'"' => QUOTE,
            b'`' => BACKTICK,
            b'/' => SLASH,
            _ => OTHER,
        };
        b += 1;
    }
    table
}

static CLASS: [Class; 256] = class_table();

const fn word_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    table
}

/// Bytes that continue a word (letters, digits, `_`, `$`).
static WORD_BYTE: [bool; 256] = word_table();

/// End of the word starting at `start`.
fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while bytes.get(i).is_some_and(|b| WORD_BYTE[usize::from(*b)]) {
        i += 1;
    }
    i
}

/// Where a template literal's text that starts at `start` ends: the position after its closing
/// backtick or after a `${` (then `true`), or the end of the text.
fn template_text_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'`' => return (i + 1, false),
            b'$' if bytes.get(i + 1) == Some(&b'{') => return (i + 2, true),
            _ => i += 1,
        }
    }
    (bytes.len(), false)
}

/// Words that add a level to the estimated AST depth: unary / relational keywords and the
/// heads of nested statements.
fn nests(word: &[u8]) -> bool {
    matches!(
        word,
        b"typeof"
            | b"new"
            | b"await"
            | b"void"
            | b"delete"
            | b"yield"
            | b"in"
            | b"instanceof"
            | b"if"
            | b"for"
            | b"while"
            | b"with"
            | b"do"
    )
}

/// The scan's running state.
struct Scan {
    stack: Vec<Level>,
    score: u32,
    /// The last significant byte was `)`, `]` or `}` (a following `(` or `[` chains).
    after_close: bool,
}

impl Scan {
    fn bump(&mut self, is_else: bool) {
        if let Some(level) = self.stack.last_mut() {
            if is_else {
                level.elses += 1;
            } else {
                level.ops += 1;
            }
            self.score += 1;
        }
    }

    fn open(&mut self, template: bool) {
        self.stack.push(Level {
            template,
            ..Level::default()
        });
        self.score += 1;
    }
}

/// Linear scan that bounds bracket depth and the estimated AST depth of operator chains
/// (`a+a+...`, `!!!...`, `a()()()`, `a.b.c...`, else-if chains), so neither swc's recursion
/// nor dropping the AST can exhaust the stack.
pub fn check_nesting(text: &str) -> Result<(), ParseError> {
    let bytes = text.as_bytes();
    let mut scan = Scan {
        stack: vec![Level::default()],
        score: 1,
        after_close: false,
    };
    let mut i = 0;
    let line_at = |i: usize| LineTable::new(text).line_of(i);
    // Inside a template literal's text, skip to its end or to its next `${`.
    let template_text = |scan: &mut Scan, from: usize| {
        let (end, substitution) = template_text_end(bytes, from);
        if substitution {
            scan.open(true);
        }
        end
    };
    while let Some(&b) = bytes.get(i) {
        let class = CLASS[usize::from(b)];
        // Tested most frequent first, with plain conditional branches: a jump table per byte
        // trains the indirect-branch predictor away from swc's lexer, which runs right after.
        if class & WORD != 0 {
            let end = word_end(bytes, i);
            let word = bytes.get(i..end).unwrap_or_default();
            if word == b"else" {
                scan.bump(true);
            } else if nests(word) {
                scan.bump(false);
            }
            scan.after_close = false;
            i = end;
        } else if class & SPACE != 0 {
            i += 1;
            continue;
        } else if class & OP != 0 || (class & SLASH != 0 && !starts_comment(bytes, i)) {
            // A `/` that starts no comment is a division or a regular expression: either way
            // one chain token.
            scan.bump(false);
            scan.after_close = false;
            i += 1;
        } else if class & OTHER != 0 {
            scan.after_close = false;
            i += 1;
            continue;
        } else if class & OPEN != 0 {
            if scan.after_close && b != b'{' {
                scan.bump(false);
            }
            scan.open(false);
            scan.after_close = false;
            i += 1;
        } else if class & CLOSE != 0 {
            scan.after_close = true;
            i += 1;
            if scan.stack.len() > 1
                && let Some(level) = scan.stack.pop()
            {
                scan.score = scan.score.saturating_sub(level.ops + level.elses + 1);
                if level.template && b == b'}' {
                    i = template_text(&mut scan, i);
                }
            }
        } else if class & SEPARATOR != 0 {
            if let Some(level) = scan.stack.last_mut() {
                scan.score = scan.score.saturating_sub(level.ops);
                level.ops = 0;
            }
            scan.after_close = false;
            i += 1;
        } else if class & QUOTE != 0 {
            i = skip_string(bytes, i, b);
            scan.after_close = false;
            continue;
        } else if class & BACKTICK != 0 {
            scan.after_close = false;
            i = template_text(&mut scan, i + 1);
        } else if bytes.get(i + 1) == Some(&b'/') {
            i = bytes
                .get(i..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(bytes.len(), |p| i + p);
            continue;
        } else {
            // The only class left: a `/*` comment.
            i = bytes
                .get(i + 2..)
                .and_then(|r| memchr::memmem::find(r, b"*/"))
                .map_or(bytes.len(), |p| i + p + 4);
            continue;
        }
        // Both checks follow the byte (or `${`) that raised the level or the score, at `i - 1`.
        if scan.stack.len() > MAX_BRACKET_DEPTH {
            return Err(ParseError::TooDeep {
                line: line_at(i - 1),
            });
        }
        if scan.score > MAX_DEPTH_SCORE {
            return Err(ParseError::ChainTooLong {
                line: line_at(i - 1),
            });
        }
    }
    Ok(())
}

/// A `//` or `/*` comment starts at `i`.
fn starts_comment(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i + 1), Some(b'/' | b'*'))
}

/// Skips a `'`/`"` string starting at `start`; unterminated strings end at the newline.
fn skip_string(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(open: &str, close: &str, n: usize) -> String {
        format!("x = {}1{};", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn brackets_in_strings_comments_and_template_text_do_not_nest() {
        let many = "(".repeat(MAX_BRACKET_DEPTH * 2);
        for text in [
            format!("const s = '{many}';"),
            format!("const s = \"{many}\";"),
            format!("// {many}\nx = 1;"),
            format!("/* {many} */ x = 1;"),
            format!("const s = `{many}`;"),
        ] {
            assert_eq!(check_nesting(&text), Ok(()), "{text}");
        }
    }

    #[test]
    fn template_substitutions_nest_like_brackets() {
        let n = MAX_BRACKET_DEPTH + 1;
        let nested = format!("x = {}1{};", "`${".repeat(n), "}`".repeat(n));
        assert!(matches!(
            check_nesting(&nested),
            Err(ParseError::TooDeep { .. })
        ));
        let flat = "x = `${a}${b}`;\n".repeat(MAX_BRACKET_DEPTH * 2);
        assert_eq!(check_nesting(&flat), Ok(()));
    }

    #[test]
    fn the_error_names_the_line_where_the_limit_is_crossed() {
        let text = format!("a = 1;\nb = 2;\n{}", deep("[", "]", MAX_BRACKET_DEPTH + 5));
        assert_eq!(check_nesting(&text), Err(ParseError::TooDeep { line: 3 }));
        let chain = format!(
            "a = 1;\n\nb = {}c;",
            "!".repeat(MAX_DEPTH_SCORE as usize + 5)
        );
        assert_eq!(
            check_nesting(&chain),
            Err(ParseError::ChainTooLong { line: 3 })
        );
    }

    #[test]
    fn only_keyword_words_count() {
        // `elsewhere`, `newt` and `format` are words, not the keywords they start with.
        let words = "elsewhere newt format ".repeat(MAX_DEPTH_SCORE as usize);
        assert_eq!(check_nesting(&format!("x = {words};")), Ok(()));
        let keywords = "typeof ".repeat(MAX_DEPTH_SCORE as usize + 1);
        assert!(matches!(
            check_nesting(&format!("x = {keywords}a;")),
            Err(ParseError::ChainTooLong { .. })
        ));
    }
}
