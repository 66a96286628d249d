//! The nesting pre-scan that runs before swc sees the text: a linear pass bounding bracket
//! depth and the estimated AST depth of operator chains, so neither swc's recursion nor dropping
//! the AST can exhaust the stack.

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

/// Linear scan that bounds bracket depth and the estimated AST depth of operator chains
/// (`a+a+...`, `!!!...`, `a()()()`, `a.b.c...`, else-if chains), so neither swc's recursion
/// nor dropping the AST can exhaust the stack.
pub fn check_nesting(text: &str) -> Result<(), ParseError> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Level> = vec![Level::default()];
    let mut score: u32 = 1;
    let mut prev_sig = b' ';
    let mut in_template = false;
    let mut i = 0;
    let line_at = |i: usize| LineTable::new(text).line_of(i);
    while let Some(&b) = bytes.get(i) {
        if in_template {
            match b {
                b'\\' => i += 1,
                b'`' => in_template = false,
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    i += 1;
                    in_template = false;
                    stack.push(Level {
                        template: true,
                        ..Level::default()
                    });
                    score += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr(bytes, i, b'\n');
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(bytes.len(), |p| i + p + 4);
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(bytes, i, b);
                prev_sig = b'a';
                continue;
            }
            b'`' => in_template = true,
            b'(' | b'[' | b'{' => {
                if matches!(prev_sig, b')' | b']' | b'}') && b != b'{' {
                    bump(&mut stack, &mut score, false);
                }
                stack.push(Level::default());
                score += 1;
                if stack.len() > MAX_BRACKET_DEPTH {
                    return Err(ParseError::TooDeep { line: line_at(i) });
                }
            }
            b')' | b']' | b'}' if stack.len() > 1 => {
                if let Some(level) = stack.pop() {
                    score = score.saturating_sub(level.ops + level.elses + 1);
                    if level.template && b == b'}' {
                        in_template = true;
                    }
                }
            }
            b';' | b',' => {
                if let Some(level) = stack.last_mut() {
                    score = score.saturating_sub(level.ops);
                    level.ops = 0;
                }
            }
            b'.' | b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'!' | b'~' | b'?' | b':'
            | b'=' | b'<' | b'>' | b'/' => bump(&mut stack, &mut score, false),
            b if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let end = bytes
                    .iter()
                    .skip(i)
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$'))
                    .map_or(bytes.len(), |p| i + p);
                match text.get(i..end).unwrap_or("") {
                    "else" => bump(&mut stack, &mut score, true),
                    "typeof" | "new" | "await" | "void" | "delete" | "yield" | "in"
                    | "instanceof" | "if" | "for" | "while" | "with" | "do" => {
                        bump(&mut stack, &mut score, false)
                    }
                    _ => {}
                }
                prev_sig = b'a';
                i = end;
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            prev_sig = b;
        }
        if score > MAX_DEPTH_SCORE {
            return Err(ParseError::ChainTooLong { line: line_at(i) });
        }
        i += 1;
    }
    Ok(())
}

fn bump(stack: &mut [Level], score: &mut u32, is_else: bool) {
    if let Some(level) = stack.last_mut() {
        if is_else {
            level.elses += 1;
        } else {
            level.ops += 1;
        }
        *score += 1;
    }
}

fn memchr(bytes: &[u8], from: usize, needle: u8) -> usize {
    bytes
        .iter()
        .skip(from)
        .position(|c| *c == needle)
        .map_or(bytes.len(), |p| from + p)
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
