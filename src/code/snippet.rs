//! Effect texts: the source text of a statement with every run of whitespace collapsed to one
//! space, at most 200 characters. Runs of plain ASCII (with the single spaces between words,
//! which collapse to themselves) are found eight bytes at a time and copied as slices; anything
//! else goes through the `char` path.

use swc_common::Span;

use super::parse::span_range;

/// Appends the one space that stands for a run of whitespace; true when `max` is reached.
fn push_space(out: &mut String, chars: &mut usize, max: usize) -> bool {
    out.push(' ');
    *chars += 1;
    *chars == max
}

/// End of the run of printable ASCII (`!`..=`~` and DEL) starting at `i`, eight bytes at a time.
fn plain_ascii_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // High bit of a byte set when it is < 0x21 (borrow) or >= 0x80; bytes above the first
        // such byte may be marked falsely, so only the lowest mark is used.
        let marks = (w.wrapping_sub(ONES * 0x21) | w) & HIGH;
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|b| *b > b' ' && *b < 0x80) {
        i += 1;
    }
    i
}

/// End of the run starting at `i` that the output keeps byte for byte: printable ASCII, and
/// single spaces between two printable ASCII characters (a one-space run collapses to itself).
fn kept_run_end(bytes: &[u8], i: usize) -> usize {
    let mut end = plain_ascii_end(bytes, i);
    while end > i
        && bytes.get(end) == Some(&b' ')
        && bytes.get(end + 1).is_some_and(|b| *b > b' ' && *b < 0x80)
    {
        end = plain_ascii_end(bytes, end + 1);
    }
    end
}

/// The source text of a span, whitespace collapsed, at most 200 characters.
pub fn snippet(text: &str, span: Span) -> String {
    let raw = span_range(span, text.len())
        .and_then(|r| text.get(r))
        .unwrap_or("");
    // One pass: runs of whitespace become one space (none at either end), at most 200 chars.
    // Runs of plain ASCII are found byte-wise and copied as slices; anything else (control
    // bytes, non-ASCII) goes through the `char` path.
    const MAX: usize = 200;
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len().min(256));
    let mut chars = 0;
    let mut space_pending = false;
    let mut i = 0;
    while chars < MAX {
        let end = kept_run_end(bytes, i);
        if end > i {
            if std::mem::take(&mut space_pending) && push_space(&mut out, &mut chars, MAX) {
                break;
            }
            let take = (end - i).min(MAX - chars);
            out.push_str(raw.get(i..i + take).unwrap_or(""));
            chars += take;
            i += take;
            continue;
        }
        if bytes
            .get(i)
            .is_some_and(|b| matches!(b, b'\t'..=b'\r' | b' '))
        {
            i += 1;
            while bytes
                .get(i)
                .is_some_and(|b| matches!(b, b'\t'..=b'\r' | b' '))
            {
                i += 1;
            }
            space_pending = !out.is_empty();
            continue;
        }
        let Some(c) = raw.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space_pending = !out.is_empty();
            continue;
        }
        if std::mem::take(&mut space_pending) && push_space(&mut out, &mut chars, MAX) {
            break;
        }
        out.push(c);
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::parse::START;
    use swc_common::BytePos;

    #[test]
    fn plain_ascii_end_matches_the_byte_by_byte_definition() {
        let naive = |b: &[u8], mut i: usize| {
            while b.get(i).is_some_and(|c| *c > b' ' && *c < 0x80) {
                i += 1;
            }
            i
        };
        let mut seed: u64 = 0xabcdef;
        for _ in 0..5000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|k| {
                    let r = seed.rotate_left((k * 7) as u32 % 64) as u8;
                    // Mostly printable ASCII, sometimes a space, control or high byte.
                    match r % 16 {
                        0 => b' ',
                        1 => r % 0x21,
                        2 => 0x80 | r,
                        _ => 0x21 + r % 0x5f,
                    }
                })
                .collect();
            for start in 0..=len {
                assert_eq!(
                    plain_ascii_end(&bytes, start),
                    naive(&bytes, start),
                    "{bytes:?} @ {start}"
                );
            }
        }
    }

    #[test]
    fn snippet_collapses_whitespace() {
        let text = "foo(\n   1,\n 2)";
        let span = Span::new(BytePos(START), BytePos(START + text.len() as u32));
        assert_eq!(snippet(text, span), "foo( 1, 2)");
    }

    /// The straightforward definition: words joined by one space, first 200 characters.
    fn collapsed(raw: &str) -> String {
        raw.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(200)
            .collect()
    }

    #[test]
    fn snippet_is_the_first_200_characters_of_the_collapsed_text() {
        let long_word = format!("  a {}", "é".repeat(300));
        let many_words = "ab\t\n  cd ".repeat(80);
        let boundary = format!("{} {}", "x".repeat(200), "y");
        let just_under = format!("{}  z", "x".repeat(198));
        for text in [
            "",
            "   ",
            " lead and trail \n",
            long_word.as_str(),
            many_words.as_str(),
            boundary.as_str(),
            just_under.as_str(),
        ] {
            let span = Span::new(BytePos(START), BytePos(START + text.len() as u32));
            let got = snippet(text, span);
            assert_eq!(got, collapsed(text), "{text:?}");
            assert!(got.chars().count() <= 200);
        }
        // Seeded random texts: over ASCII, control, non-ASCII and Unicode spaces (the `char`
        // path), then over ASCII only, with controls and every ASCII space (the eight-byte runs).
        let mixed = [
            'a', 'Z', ' ', '\t', '\n', '\u{b}', '\u{1}', 'é', '\u{2003}', '\u{a0}', '字',
        ];
        let ascii = [
            'a', 'Z', '(', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1}', '\u{1f}',
        ];
        let mut seed: u64 = 0x5eed;
        for alphabet in [&mixed, &ascii] {
            for _ in 0..2000 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let len = (seed % 420) as usize;
                let text: String = (0..len)
                    .map(|k| {
                        let r =
                            seed.rotate_left(k as u32 % 64) ^ (k as u64).wrapping_mul(0x9e37_79b9);
                        alphabet[(r % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let span = Span::new(BytePos(START), BytePos(START + text.len() as u32));
                assert_eq!(snippet(&text, span), collapsed(&text), "{text:?}");
            }
        }
        let wide = "x".repeat(300);
        let span = Span::new(BytePos(START), BytePos(START + 300));
        assert_eq!(snippet(&wide, span).len(), 200);
    }
}
