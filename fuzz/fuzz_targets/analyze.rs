//! Fuzz target: `authpath::code::analyze` on arbitrary UTF-8 must return (never panic, never
//! overflow the stack), and must not put a detected secret in its output unmasked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
