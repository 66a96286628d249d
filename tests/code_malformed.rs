//! Malformed and hostile inputs through `authpath::code::analyze`: it must always return, and
//! flag code it cannot analyse as `code.unanalysable-code`.

use authpath::code::{CodeHint, CodeReport, analyze};

const ACTION: &str = r#"const axios = require('axios');
const { ManagementClient } = require('auth0');

/** Adds roles and a tier claim. */
exports.onExecutePostLogin = async (event, api) => {
  const ns = 'https://app.example.com/';
  const md = event.user.user_metadata || {};
  if (event.transaction?.prompt === 'none') { return; }
  if (!event.user.email_verified) { api.access.deny('verify your e-mail'); return; }
  const mgmt = new ManagementClient({ domain: event.secrets.DOMAIN, clientId: event.secrets.CID, clientSecret: event.secrets.SECRET });
  const { data } = await axios.get(`https://crm.example.com/users/${encodeURIComponent(event.user.email)}`, {
    headers: { Authorization: `Bearer ${event.secrets.CRM_TOKEN}` },
    timeout: 2000,
  });
  switch (data.plan) {
    case 'gold': api.accessToken.addScope('read:gold'); break;
    default: break;
  }
  for (const r of event.authorization?.roles ?? []) {
    api.accessToken.setCustomClaim(`${ns}role_${r}`, true);
  }
  api.idToken.setCustomClaim(ns + 'tier', md.tier ? md.tier.toLowerCase() : 'free');
  await mgmt.users.update({ id: event.user.user_id }, { app_metadata: { synced: Date.now() } });
  if (/bot|crawler/i.test(event.request.user_agent)) api.multifactor.enable('any', { allowRememberBrowser: false });
};
"#;

fn run(src: &str) -> CodeReport {
    analyze(src, "fuzz.js", &CodeHint::default())
}

fn assert_unanalysable(src: &str) {
    let r = run(src);
    assert!(r.parse_error.is_some(), "expected a parse error");
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "code.unanalysable-code")
    );
}

#[test]
fn the_real_action_is_analysed() {
    let r = run(ACTION);
    assert!(r.parse_error.is_none(), "{:?}", r.parse_error);
    assert!(r.effects.len() >= 6, "{:#?}", r.effects);
}

#[test]
fn deep_nesting_is_refused() {
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{", "}"),
        ("f(", ")"),
        ("`${", "}`"),
    ] {
        let src = format!("x = {}1{};", open.repeat(100_000), close.repeat(100_000));
        assert_unanalysable(&src);
    }
    assert_unanalysable(&format!("x = {}a;", "!".repeat(100_000)));
    assert_unanalysable(&format!("x = a{};", ".b".repeat(100_000)));
    assert_unanalysable(&format!("x = {}1;", "a + ".repeat(100_000)));
    assert_unanalysable(&format!("x = {}1;", "a => ".repeat(100_000)));
    assert_unanalysable(&format!("{}x;", "if (a) ".repeat(100_000)));
    assert_unanalysable(&("if (a) {} else ".repeat(100_000) + "{}"));
}

#[test]
fn bounded_but_deep_inputs_do_not_overflow() {
    let src = format!(
        "exports.onExecutePostLogin = async (event, api) => {{ x = {}event.user.user_metadata.a{}; api.accessToken.addScope(x); }};",
        "(".repeat(250),
        ")".repeat(250)
    );
    let r = run(&src);
    assert!(r.parse_error.is_none(), "{:?}", r.parse_error);
    let src = format!("x = {}a;", "!".repeat(2900));
    run(&src);
    let src = format!("x = {}1;", "a + ".repeat(1400));
    run(&src);
}

#[test]
fn odd_inputs_return() {
    let huge = format!("const s = '{}';", "a".repeat(1_000_000));
    assert!(run(&huge).parse_error.is_none());
    assert_unanalysable(&"a".repeat(3 * 1024 * 1024));
    let cases = [
        "",
        "\u{feff}",
        "\u{feff}exports.onExecutePostLogin = async (event, api) => {};",
        "const s = '\\uD800\\uDC00\\uD800';",
        "const s = \"\\u{110000}\";",
        "const r = /[(/;",
        "const r = /(a|b)+[)]/gi.test(event.user.email);",
        "const el = <div>{event.user.email}</div>;",
        "const x: number = 1; interface A { b: string }",
        "enum E { A }",
        "\u{0}\u{1}\u{2}\u{7f}\u{fffd}",
        "function (user, context, callback) {",
        "function (accessToken, ctx, cb) { cb(null, { email_verified: true",
        "exports.onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim(",
        "`${`${`${",
        "/* unterminated",
        "'unterminated",
        "#!/usr/bin/env node\nconsole.log(1)",
        "class A { #p = 1; static { this.x = 1; } }",
        "label: for (;;) { break label; }",
        "with (a) { b(); }",
        "import x from 'y'; export default function (user, context, callback) { callback(); }",
        "async function* g() { yield* other(); for await (const x of y) {} }",
        "new.target; import.meta; a?.[b]?.(c);",
        "(function f() { f(); })(); function g(){ return g(g()); } g();",
        "const f = (a) => f(a); f(event);",
    ];
    for c in cases {
        run(c);
    }
    let binary: String = (0u32..4096)
        .filter_map(|i| char::from_u32((i * 7919) % 0x2FFF))
        .collect();
    run(&binary);
}

/// Found by the fuzzer: this input trips a debug assertion inside swc's regexp lexer. Builds
/// with debug assertions (tests, `cargo run`) panic inside the parser; the analyzer turns that
/// into a parse error like any other, and release builds report swc's own message.
#[test]
fn a_parser_panic_is_a_parse_error() {
    // The second one was also found by the fuzzer: a database script whose parse panics and
    // is then retried wrapped in parentheses.
    let script = "function login(email, password, callback) {\n  const mysql = require('\u{00}\n=======\n\n\n\n=====\n\n\n\n=======\u{00}\u{00}\u{00}\u{00}%{@=//\n///\n//\n///u\n\n////\u{00}\u{00}\u{00}\u{00}%{@=//\n//%\u{0b}//\n///u\u{00}\u{00}\u{00}\u{00}\u{00}\u{0c}\u{00}<$?$nction\u{0e}//\n//\n/sert\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}\u{0c}f*/O/voPostCha////\u{00}\u{00}\u{00}\u{00}%{@=//\n//%\u{0b}//\n///u\u{00}\u{00}\u{00}\u{00}\u{00}\u{0c}\u{00}<$?$n(in(1in[sctiile`);\n  });\n}\n";
    for src in ["=======\n/", "exports.x = 1;\n=======\n/", script] {
        assert_unanalysable(src);
    }
    // The analyzer keeps working on this thread afterwards.
    let r = run(ACTION);
    assert!(r.parse_error.is_none(), "{:?}", r.parse_error);
}

#[test]
fn every_prefix_of_a_real_action() {
    let mut unanalysable = 0;
    for (i, _) in ACTION.char_indices() {
        let r = run(&ACTION[..i]);
        if r.parse_error.is_some() {
            unanalysable += 1;
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.rule == "code.unanalysable-code")
            );
        }
    }
    assert!(unanalysable > 0);
}

/// Deterministic xorshift generator (no external seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn seeded_random_mutations_of_real_actions() {
    let tokens = [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "`",
        "'",
        "\"",
        "/",
        "*",
        "\\",
        "${",
        "=>",
        ";",
        ",",
        ".",
        "?.",
        "\n",
        "event.user.user_metadata",
        "api.accessToken.addScope(",
        "if (",
        "return",
        "await",
        "\u{feff}",
        "\u{2028}",
        "\\u{D800}",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let base: Vec<char> = ACTION.chars().collect();
    for _ in 0..3000 {
        let mut chars = base.clone();
        for _ in 0..1 + rng.below(6) {
            let pos = rng.below(chars.len() + 1).min(chars.len());
            match rng.below(4) {
                0 if pos < chars.len() => {
                    let end = (pos + 1 + rng.below(40)).min(chars.len());
                    chars.drain(pos..end);
                }
                1 => {
                    let t = tokens[rng.below(tokens.len())];
                    for (k, c) in t.chars().enumerate() {
                        chars.insert(pos + k, c);
                    }
                }
                2 if chars.len() > 1 => {
                    let from = rng.below(chars.len());
                    let len = rng.below(60).min(chars.len() - from);
                    let piece: Vec<char> = chars[from..from + len].to_vec();
                    for (k, c) in piece.into_iter().enumerate() {
                        chars.insert(pos + k, c);
                    }
                }
                _ => {
                    if pos < chars.len() {
                        chars[pos] = char::from_u32((rng.next() % 0x80) as u32).unwrap_or('x');
                    }
                }
            }
        }
        let src: String = chars.into_iter().collect();
        let r = run(&src);
        if r.parse_error.is_some() {
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.rule == "code.unanalysable-code")
            );
        }
    }
}
