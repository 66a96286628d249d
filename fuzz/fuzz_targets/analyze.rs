//! Fuzz target: `authpath::code::analyze` on arbitrary UTF-8 must return (never panic, never
//! overflow the stack), and must not put a detected secret in its output unmasked.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

/// libFuzzer's panic hook aborts on every panic, even one that is caught. `analyze` catches
/// panics inside swc's parser (it has internal assertions that some malformed inputs trip in
/// builds with debug assertions, which fuzz builds have) and reports a parse error, so those
/// go on to unwind; any other panic still aborts and is a crash.
fn let_parser_panics_unwind() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info.location().is_some_and(|l| {
                l.file().contains("/swc_ecma_parser-") || l.file().contains("/swc_ecma_lexer-")
            });
            if !in_parser {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_parser_panics_unwind();
    if let Ok(source) = std::str::from_utf8(data) {
        let report =
            authpath::code::analyze(source, "fuzz.js", &authpath::code::CodeHint::default());
        if report.parse_error.is_some() {
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.rule == "code.unanalysable-code")
            );
        }
    }
});
