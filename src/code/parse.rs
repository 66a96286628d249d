//! swc setup: the size limit and the [`super::nesting`] guard before swc sees the text, the
//! parse itself (with the `function (user, context, callback) {...}` wrapping that Rules and
//! profile scripts need), and the byte-offset -> line table.

use swc_common::{BytePos, Span, Spanned};
use swc_ecma_ast::{EsVersion, Program};
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax, lexer::Lexer};
use thiserror::Error;

/// Largest input the analyzer accepts (Auth0 limits Action code to far less).
pub const MAX_SOURCE_BYTES: usize = 2 * 1024 * 1024;
/// Deepest bracket nesting (`(`, `[`, `{`, `${`) accepted before parsing.
pub const MAX_BRACKET_DEPTH: usize = 256;
/// Bound on the estimated AST depth (brackets plus operator / chain tokens along one path).
pub const MAX_DEPTH_SCORE: u32 = 3000;

/// Why a piece of code could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("code is {0} bytes, above the {MAX_SOURCE_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("nesting deeper than {MAX_BRACKET_DEPTH} levels")]
    TooDeep { line: u32 },
    #[error("expression chain too long to analyse safely")]
    ChainTooLong { line: u32 },
    #[error("{message}")]
    Syntax { message: String, line: u32 },
    /// swc itself panicked (an internal assertion); the text is not parsed again, wrapped or
    /// otherwise, after that.
    #[error("the JavaScript parser failed on this input")]
    ParserFailed,
}

impl ParseError {
    /// 1-based line of the problem, where known.
    pub fn line(&self) -> Option<u32> {
        match self {
            ParseError::TooLarge(_) | ParseError::ParserFailed => None,
            ParseError::TooDeep { line }
            | ParseError::ChainTooLong { line }
            | ParseError::Syntax { line, .. } => Some(*line),
        }
    }
}

/// Byte offset -> 1-based line.
#[derive(Debug, Clone)]
pub struct LineTable {
    starts: Vec<usize>,
}

impl LineTable {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 24 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineTable { starts }
    }

    /// Line of a byte offset (offsets past the end give the last line).
    pub fn line_of(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|s| *s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }
}

/// A parsed program with the exact text swc saw (possibly wrapped) and its line table.
pub struct Parsed {
    pub program: Program,
    pub text: String,
    pub lines: LineTable,
}

impl Parsed {
    /// Byte range of a span inside `text` (spans start at `BytePos(1)`).
    pub fn range(&self, span: Span) -> Option<std::ops::Range<usize>> {
        span_range(span, self.text.len())
    }
}

/// Byte range of a span in a text of `len` bytes parsed with [`START`].
pub fn span_range(span: Span, len: usize) -> Option<std::ops::Range<usize>> {
    let lo = usize::try_from(span.lo.0.checked_sub(START)?).ok()?;
    let hi = usize::try_from(span.hi.0.checked_sub(START)?).ok()?;
    (lo <= hi && hi <= len).then_some(lo..hi)
}

/// First byte position given to swc (0 is swc's dummy position).
pub const START: u32 = 1;

/// Parses `source` as a script or module. Refuses oversized or too deeply nested inputs before
/// swc sees them. Anonymous top-level functions (Rules, profile scripts) are parsed as
/// expressions.
pub fn parse(source: &str) -> Result<Parsed, ParseError> {
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    if body.len() > MAX_SOURCE_BYTES {
        return Err(ParseError::TooLarge(body.len()));
    }
    super::nesting::check_nesting(body)?;
    match parse_text(body) {
        Ok(program) => Ok(finish(program, body.to_string())),
        Err(first) if first != ParseError::ParserFailed && starts_with_function(body) => {
            let wrapped = format!("({body}\n)");
            parse_text(&wrapped)
                .map(|p| finish(p, wrapped))
                .map_err(|_| first)
        }
        Err(e) => Err(e),
    }
}

/// Stack the parse and the analysis run on: swc's parser recurses per nesting level (several
/// kB per level in debug builds), so even bounded inputs need more than a 2 MB thread stack.
const ANALYSIS_STACK: usize = 64 * 1024 * 1024;

/// Runs `f` on a stack of at least `ANALYSIS_STACK` bytes (allocated only when the current
/// stack has less than half of it left). Parsing, analysis and dropping the AST happen inside.
pub fn with_analysis_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(ANALYSIS_STACK / 2, ANALYSIS_STACK, f)
}

/// Parses without analysis, with exactly the setup `analyze` uses: the size limit, the
/// nesting pre-scan, swc, the line table (authpath's parse stage, for the benchmark).
pub fn parse_only(source: &str) -> bool {
    with_analysis_stack(|| parse(source).is_ok())
}

/// swc alone, configured as [`parse`] configures it, on text swc can take as it is: no size
/// limit, no nesting pre-scan, no line table (the benchmark's baseline). Only for trusted text:
/// without the pre-scan, deep nesting can exhaust the stack. Public only for the benchmark,
/// hence hidden from the documentation.
#[doc(hidden)]
pub fn swc_parse_only(source: &str) -> bool {
    with_analysis_stack(|| parse_text(source).is_ok())
}

fn finish(program: Program, text: String) -> Parsed {
    let lines = LineTable::new(&text);
    Parsed {
        program,
        text,
        lines,
    }
}

fn parse_text(text: &str) -> Result<Program, ParseError> {
    let len = u32::try_from(text.len()).map_err(|_| ParseError::TooLarge(text.len()))?;
    let input = StringInput::new(text, BytePos(START), BytePos(START + len));
    let syntax = Syntax::Es(EsSyntax {
        allow_return_outside_function: true,
        ..Default::default()
    });
    let lexer = Lexer::new(syntax, EsVersion::latest(), input, None);
    let mut parser = Parser::new_from(lexer);
    // swc has internal assertions that some malformed inputs trip (`=======\n/` fails a
    // debug assertion in its regexp lexer); a parser panic is this input's parse error, not
    // the end of the scan, and the text is not handed to swc again.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse_program()))
        .map_err(|_| ParseError::ParserFailed)?;
    parsed.map_err(|e| {
        let lines = LineTable::new(text);
        let line = span_range(e.span(), text.len()).map_or(1, |r| lines.line_of(r.start));
        ParseError::Syntax {
            message: e.kind().msg().into_owned(),
            line,
        }
    })
}

fn starts_with_function(text: &str) -> bool {
    let code = skip_trivia(text);
    code.starts_with("function") || code.starts_with("async function")
}

/// The text after leading whitespace and comments.
fn skip_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix("//") {
            text = rest.find('\n').map_or("", |i| rest.get(i..).unwrap_or(""));
        } else if let Some(rest) = trimmed.strip_prefix("/*") {
            text = rest
                .find("*/")
                .map_or("", |i| rest.get(i + 2..).unwrap_or(""));
        } else {
            return trimmed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_table_maps_offsets() {
        let t = LineTable::new("a\nbc\n\nd");
        assert_eq!(t.line_of(0), 1);
        assert_eq!(t.line_of(2), 2);
        assert_eq!(t.line_of(5), 3);
        assert_eq!(t.line_of(6), 4);
        assert_eq!(t.line_of(999), 4);
    }

    #[test]
    fn parses_action_and_anonymous_rule() {
        assert!(parse("exports.onExecutePostLogin = async (event, api) => {};").is_ok());
        let rule =
            "// rule\nfunction (user, context, callback) {\n  callback(null, user, context);\n}";
        let parsed = parse(rule).map_err(|e| e.to_string());
        assert!(parsed.is_ok(), "{parsed:?}", parsed = parsed.err());
    }

    #[test]
    fn syntax_error_has_message_and_line() {
        let err = parse("const a = 1;\nconst = ;\n").err();
        assert!(
            matches!(err, Some(ParseError::Syntax { line: 2, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        assert!(matches!(parse(&deep), Err(ParseError::TooDeep { line: 1 })));
        let chain = format!("x = {}a;", "!".repeat(100_000));
        assert!(matches!(
            parse(&chain),
            Err(ParseError::ChainTooLong { .. })
        ));
        let calls = format!("x = a{};", "()".repeat(100_000));
        assert!(matches!(
            parse(&calls),
            Err(ParseError::ChainTooLong { .. })
        ));
        let elses = "if (a) {} else ".repeat(50_000) + "{}";
        assert!(matches!(
            parse(&elses),
            Err(ParseError::ChainTooLong { .. })
        ));
    }

    #[test]
    fn realistic_nesting_and_long_statement_lists_pass() {
        let nested = format!("x = {}1{};", "(".repeat(250), ")".repeat(250));
        assert!(with_analysis_stack(|| parse(&nested).is_ok()));
        let many = "if (a) { b(); }\nc = d + e;\n".repeat(2000);
        assert!(parse(&many).is_ok());
        let tpl = "const s = `a ${ `b ${ c } d` } e`;";
        assert!(parse(tpl).is_ok());
    }

    #[test]
    fn a_parser_panic_is_its_own_error_and_not_retried_wrapped() {
        // Starts like an anonymous function, so a plain syntax error would be retried wrapped.
        let err = parse("function f() {}\n=======\n/").err();
        if cfg!(debug_assertions) {
            // swc's regexp lexer asserts on this input in builds with debug assertions.
            assert_eq!(err, Some(ParseError::ParserFailed));
            assert_eq!(ParseError::ParserFailed.line(), None);
        } else {
            assert!(matches!(err, Some(ParseError::Syntax { .. })), "{err:?}");
        }
    }

    #[test]
    fn bom_and_size_limit() {
        assert!(parse("\u{feff}const a = 1;").is_ok());
        let big = "a".repeat(MAX_SOURCE_BYTES + 1);
        assert!(matches!(parse(&big), Err(ParseError::TooLarge(_))));
    }
}
