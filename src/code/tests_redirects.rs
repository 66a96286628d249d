//! Analyzer tests: a redirect whose URL the surrounding conditions compare with constants (an
//! allow-list, an exact URL, a prefix that pins the host, the origin) is not an open redirect;
//! a check that leaves the host open, a check of another value, or a check that another
//! condition can skip still is.

use super::tests_flow::{action, rule};

/// The lines of the open-redirect findings.
fn open_redirects(r: &super::CodeReport) -> Vec<u32> {
    r.findings
        .iter()
        .filter(|f| f.rule == "code.open-redirect")
        .map(|f| f.line)
        .collect()
}

/// One Action body with the checked redirect on line 4 (the wrapper is line 1).
fn checked(setup: &str, condition: &str) -> super::CodeReport {
    action(&format!(
        "{setup}\nconst rt = event.request.query.return_to;\nif ({condition}) api.redirect.sendUserTo(rt);"
    ))
}

const LIST: &str =
    "const ALLOWED = ['https://app.example.com/home', 'https://app.example.com/billing'];";

#[test]
fn checks_against_constants_make_the_redirect_safe() {
    for (setup, condition) in [
        (LIST, "ALLOWED.includes(rt)"),
        (LIST, "ALLOWED.indexOf(rt) !== -1"),
        (LIST, "ALLOWED.indexOf(rt) > -1"),
        ("", "['https://a.example/x', '/home'].includes(rt)"),
        ("", "rt === 'https://app.example.com/home'"),
        ("const HOME = '/home';", "HOME === rt"),
        ("", "rt.startsWith('https://app.example.com/')"),
        ("", "rt && rt.startsWith('/account/')"),
        ("", "new URL(rt).origin === 'https://app.example.com'"),
        (
            "const PREFIXES = ['https://app.example.com/', '/account/'];",
            "PREFIXES.some((p) => rt.startsWith(p))",
        ),
        (
            "",
            "['https://a.example/'].some(function (p) { return rt.startsWith(p); })",
        ),
        (
            "const HOSTS = ['app.example.com'];",
            "HOSTS.includes(new URL(rt).hostname)",
        ),
    ] {
        let r = checked(setup, condition);
        assert_eq!(
            open_redirects(&r),
            Vec::<u32>::new(),
            "{condition}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn checks_that_leave_the_host_open_or_can_be_skipped_do_not_count() {
    for (setup, condition) in [
        // `https://app.example.com.evil.example` passes this prefix.
        ("", "rt.startsWith('https://app.example.com')"),
        ("", "rt.startsWith('/')"),
        ("", "rt.includes('app.example.com')"),
        // Either side of `||` may be the one that held.
        (LIST, "ALLOWED.includes(rt) || event.request.query.force"),
        (LIST, "!ALLOWED.includes(rt)"),
        (LIST, "ALLOWED.indexOf(rt) === -1"),
        // The list holds request data, or the check is on another value.
        (
            "const LIST2 = [event.request.query.other];",
            "LIST2.includes(rt)",
        ),
        (LIST, "ALLOWED.includes(event.request.query.next)"),
        ("", "rt === event.request.query.expected"),
        // One prefix leaves the host open, or the callback checks something else.
        (
            "const PREFIXES = ['https://app.example.com/', 'https://evil'];",
            "PREFIXES.some((p) => rt.startsWith(p))",
        ),
        (
            "const PREFIXES = ['https://app.example.com/'];",
            "PREFIXES.some((p) => event.request.query.other.startsWith(p))",
        ),
        (
            "const PREFIXES = ['https://app.example.com/'];",
            "PREFIXES.some((p) => rt.startsWith('https://'))",
        ),
    ] {
        let r = checked(setup, condition);
        assert_eq!(
            open_redirects(&r),
            vec![4],
            "{condition}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn an_early_exit_on_a_failed_check_covers_the_rest_of_the_block() {
    let r = action(&format!(
        "{LIST}\nconst q = event.request.query || {{}};\nif (!ALLOWED.includes(q.next)) return;\napi.redirect.sendUserTo(q.next);\napi.redirect.sendUserTo(q.other);"
    ));
    assert_eq!(open_redirects(&r), vec![6], "{:#?}", r.findings);
    let r = action(&format!(
        "{LIST}\nconst q = event.request.query;\nif (ALLOWED.indexOf(q.next) === -1) {{ api.access.deny('bad'); return; }}\napi.redirect.sendUserTo(q.next);"
    ));
    assert_eq!(open_redirects(&r), Vec::<u32>::new(), "{:#?}", r.findings);
}

#[test]
fn a_value_replaced_after_the_check_is_not_checked() {
    let r = action(&format!(
        "{LIST}\nlet rt = event.request.query.a;\nif (ALLOWED.includes(rt)) {{\n  rt = event.request.query.b;\n  api.redirect.sendUserTo(rt);\n}}"
    ));
    assert_eq!(open_redirects(&r), vec![6], "{:#?}", r.findings);
}

#[test]
fn rules_redirects_are_checked_the_same_way() {
    let r = rule(
        "const ALLOWED = ['https://app.example.com/welcome'];\nconst next = context.request.query.next;\nif (ALLOWED.includes(next)) {\n  context.redirect = { url: next };\n}\nif (next.startsWith('https://app.example.com')) {\n  context.redirect = { url: next };\n}\nreturn callback(null, user, context);",
    );
    assert_eq!(open_redirects(&r), vec![8], "{:#?}", r.findings);
}

#[test]
fn query_options_count_as_part_of_the_redirect() {
    let prefix =
        "const PREFIX = 'https://shop.acme.example/';\nconst rt = event.request.query.return_to;";
    let r = action(&format!(
        "{prefix}\nif (rt && rt.startsWith(PREFIX)) api.redirect.sendUserTo('https://terms.acme.example/', {{ query: {{ return_to: rt }} }});"
    ));
    assert_eq!(open_redirects(&r), Vec::<u32>::new(), "{:#?}", r.findings);
    let r = action(&format!(
        "{prefix}\napi.redirect.sendUserTo('https://terms.acme.example/', {{ query: {{ return_to: rt }} }});"
    ));
    assert_eq!(open_redirects(&r), vec![4], "{:#?}", r.findings);
    // The client id is not the caller's to choose: it needs no check.
    let r = action(
        "const rt = event.request.query.return_to;\nif (rt === '/home') api.redirect.sendUserTo(rt, { query: { client: event.client.client_id } });",
    );
    assert_eq!(open_redirects(&r), Vec::<u32>::new(), "{:#?}", r.findings);
}

#[test]
fn a_url_object_checked_by_its_origin_checks_its_input() {
    let r = action(
        "const next = event.request.query.next;\nconst u = new URL(next, 'https://app.example.com');\nif (u.origin === 'https://app.example.com') api.redirect.sendUserTo(u.href);\nif (u.hostname === 'app.example.com') api.redirect.sendUserTo(next);\nif (u.pathname === '/home') api.redirect.sendUserTo(u.href);\nif (u.hostname.endsWith('example.com')) api.redirect.sendUserTo(next);",
    );
    assert_eq!(open_redirects(&r), vec![6, 7], "{:#?}", r.findings);
}

#[test]
fn the_finding_names_the_prefix_that_leaves_the_host_open() {
    let r = checked("", "rt.startsWith('https://app.example.com')");
    let f = r.findings.iter().find(|f| f.rule == "code.open-redirect");
    let message = f.map(|f| f.message.as_str()).unwrap_or_default();
    assert!(
        message.contains("`startsWith('https://app.example.com')` leaves the host open")
            && message.contains("`https://app.example.com.evil.example` passes it"),
        "{message}"
    );
    let r = checked("", "rt.startsWith('/')");
    let message = r
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<String>();
    assert!(message.contains("`//evil.example` passes it"), "{message}");
    // A check of something else is no prefix check of the URL.
    let r = checked(
        "",
        "event.request.query.other.startsWith('https://app.example.com')",
    );
    let message = r
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<String>();
    assert!(!message.contains("leaves the host open"), "{message}");
}

#[test]
fn a_local_validator_that_checks_its_argument_counts() {
    let validator = |body: &str| {
        action(&format!(
            "{LIST}\nconst rt = event.request.query.return_to;\nif (isAllowed(rt)) api.redirect.sendUserTo(rt);\nfunction isAllowed(url) {{\n{body}\n}}"
        ))
    };
    for body in [
        "return ALLOWED.includes(url);",
        "if (!url) return false;\nreturn url.startsWith('https://app.example.com/');",
        "if (!ALLOWED.includes(url)) return false;\nreturn true;",
    ] {
        let r = validator(body);
        assert_eq!(
            open_redirects(&r),
            Vec::<u32>::new(),
            "{body}: {:#?}",
            r.findings
        );
    }
    for body in [
        // One truthy return checks nothing.
        "if (url.length < 5) return true;\nreturn ALLOWED.includes(url);",
        "return url.startsWith('https://app.example.com');",
        "return true;",
    ] {
        let r = validator(body);
        assert_eq!(open_redirects(&r), vec![4], "{body}: {:#?}", r.findings);
    }
}
