//! Analyzer tests: sources, data flow (aliases, destructuring, spread, templates, optional
//! chaining, string methods, helpers) and guards, on small Actions, Rules and Hooks.

use super::effects::{CodeKind, Effect, EffectKind, Source};
use super::{CodeHint, CodeReport, analyze};

pub fn run(src: &str) -> CodeReport {
    analyze(src, "t.js", &CodeHint::default())
}

pub fn action(body: &str) -> CodeReport {
    run(&format!(
        "exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};"
    ))
}

pub fn rule(body: &str) -> CodeReport {
    run(&format!(
        "function (user, context, callback) {{\n{body}\n}}"
    ))
}

pub fn effect(r: &CodeReport, pred: impl Fn(&EffectKind) -> bool) -> &Effect {
    r.effects
        .iter()
        .find(|e| pred(&e.kind))
        .unwrap_or_else(|| panic!("no such effect in {:#?}", r.effects))
}

/// Does any of these sources come from someone who is not the tenant?
pub fn any_attacker_controlled(sources: &super::source_list::SourceList) -> bool {
    sources.iter().any(Source::is_attacker_controlled)
}

pub fn claim(r: &CodeReport) -> &Effect {
    effect(r, |k| matches!(k, EffectKind::AccessTokenClaim { .. }))
}

pub fn md(key: &str) -> Source {
    Source::UserMetadata {
        key: Some(key.into()),
    }
}

#[test]
fn direct_and_aliased_sources() {
    let r = action(
        "const u = event.user;\napi.accessToken.setCustomClaim('https://a/r', u.user_metadata.role);",
    );
    assert!(claim(&r).value_sources.contains(&md("role")));
    assert_eq!(claim(&r).line, 3);
    assert!(r.reads_user_metadata.contains("role"));
}

#[test]
fn destructuring_and_renames() {
    let r = action(
        "const { user_metadata: m } = event.user;\nconst { tier = 'free' } = m;\napi.accessToken.setCustomClaim('https://a/t', tier);",
    );
    assert!(claim(&r).value_sources.contains(&md("tier")));
}

#[test]
fn optional_chaining_templates_spread_and_string_methods() {
    let r = action(
        "const r = event.user?.user_metadata?.role;\nconst v = `role:${r.toLowerCase().split(',')[0]}`;\nconst o = { ...event.request.query };\napi.accessToken.setCustomClaim('https://a/x', v);\napi.idToken.setCustomClaim('https://a/y', o);",
    );
    assert!(claim(&r).value_sources.contains(&md("role")));
    let id = effect(&r, |k| matches!(k, EffectKind::IdTokenClaim { .. }));
    assert!(
        id.value_sources
            .contains(&Source::RequestQuery { key: None })
    );
}

#[test]
fn reassignment_replaces_and_conditional_assignment_joins() {
    let r = action(
        "let v = event.user.user_metadata.a;\nv = 'fixed';\napi.accessToken.setCustomClaim('https://a/x', v);",
    );
    assert!(claim(&r).value_sources.is_empty(), "{:?}", claim(&r));
    let r = action(
        "let v = 'x';\nif (event.stats) { v = event.user.user_metadata.a; }\napi.accessToken.setCustomClaim('https://a/x', v);",
    );
    assert!(claim(&r).value_sources.contains(&md("a")));
}

#[test]
fn helper_functions_propagate_taint_and_sinks() {
    let r = run(
        "function pick(u) { return u.user_metadata.level; }\nfunction give(api, v) { api.accessToken.addScope(v); }\nexports.onExecutePostLogin = async (event, api) => {\n  give(api, pick(event.user));\n};",
    );
    let s = effect(&r, |k| matches!(k, EffectKind::AddScope { .. }));
    assert!(s.value_sources.contains(&md("level")));
    assert_eq!(s.line, 2);
}

#[test]
fn callbacks_of_array_methods_see_elements() {
    let r = action(
        "event.authorization.roles.forEach(r => api.accessToken.addScope(`read:${r}`));\n(event.user.user_metadata.groups || []).forEach(g => api.accessToken.addScope(g));",
    );
    let scopes: Vec<&Effect> = r
        .effects
        .iter()
        .filter(|e| matches!(e.kind, EffectKind::AddScope { .. }))
        .collect();
    assert_eq!(scopes.len(), 2);
    assert!(
        scopes
            .iter()
            .any(|e| e.value_sources.contains(&Source::Roles))
    );
    assert!(
        scopes
            .iter()
            .any(|e| e.value_sources.contains(&Source::UserMetadata {
                key: Some("groups".into())
            }))
    );
}

#[test]
fn request_prompt_secrets_client_connection() {
    let r = action(
        "if (event.transaction.prompt !== 'none' && event.client.client_id === 'abc' && event.connection.name === 'db') { api.multifactor.enable('any'); }\nconst k = event.secrets.API_KEY;",
    );
    let mfa = effect(&r, |k| matches!(k, EffectKind::RequireMfa));
    for s in [
        Source::Prompt,
        Source::ClientId,
        Source::Connection,
        Source::Literal {
            value: "none".into(),
        },
    ] {
        assert!(mfa.guard_sources.contains(&s), "{s:?}");
    }
    assert!(r.secret_names.contains("API_KEY"));
}

#[test]
fn guards_if_ternary_short_circuit_switch_and_early_exit() {
    let r = action("event.request.query.x && api.accessToken.addScope('a');");
    assert!(
        effect(&r, |k| matches!(k, EffectKind::AddScope { .. }))
            .guard_sources
            .contains(&Source::RequestQuery {
                key: Some("x".into())
            })
    );
    let r =
        action("event.request.user_agent.includes('bot') ? null : api.multifactor.enable('any');");
    assert!(
        effect(&r, |k| matches!(k, EffectKind::RequireMfa))
            .guard_sources
            .contains(&Source::RequestOther {
                field: "user_agent".into()
            })
    );
    let r = action(
        "switch (event.user.user_metadata.plan) { case 'pro': api.accessToken.addScope('pro'); }",
    );
    assert!(
        effect(&r, |k| matches!(k, EffectKind::AddScope { .. }))
            .guard_sources
            .contains(&md("plan"))
    );
    let r =
        action("if (event.user.user_metadata.trusted) { return; }\napi.multifactor.enable('any');");
    assert!(
        effect(&r, |k| matches!(k, EffectKind::RequireMfa))
            .guard_sources
            .contains(&md("trusted"))
    );
    let r = action(
        "if (!event.authorization.roles.includes('admin')) { api.access.deny('no'); }\napi.accessToken.addScope('admin');",
    );
    let s = effect(&r, |k| matches!(k, EffectKind::AddScope { .. }));
    assert!(s.guard_sources.contains(&Source::Roles));
    let r = action("api.accessToken.addScope('a');");
    assert!(
        effect(&r, |k| matches!(k, EffectKind::AddScope { .. }))
            .guard_sources
            .is_empty()
    );
}

#[test]
fn email_verified_guard_forms() {
    let r = action(
        "if (!event.user.email_verified) { return; }\nif (event.user.email.endsWith('@acme.com')) api.accessToken.addScope('admin');",
    );
    assert!(effect(&r, |k| matches!(k, EffectKind::AddScope { .. })).guarded_by_email_verified);
    let r = action(
        "if (event.user.email_verified && event.user.email === 'a@b.co') api.accessToken.addScope('admin');",
    );
    assert!(effect(&r, |k| matches!(k, EffectKind::AddScope { .. })).guarded_by_email_verified);
    let r = action("if (!event.user.email_verified) { api.accessToken.addScope('admin'); }");
    assert!(!effect(&r, |k| matches!(k, EffectKind::AddScope { .. })).guarded_by_email_verified);
    let r =
        action("const ok = event.user.email_verified;\nok && api.accessToken.addScope('admin');");
    assert!(effect(&r, |k| matches!(k, EffectKind::AddScope { .. })).guarded_by_email_verified);
}

#[test]
fn rules_sources_and_sinks() {
    let r = rule(
        "const ns = 'https://a/';\nif (context.request.query.prompt === 'none') return callback(null, user, context);\ncontext.accessToken[ns + 'plan'] = user.user_metadata.plan;\ncontext.idToken['https://a/k'] = configuration.KEY;\ncontext.accessToken.scope = 'read write';\ncontext.multifactor = { provider: 'any' };\ncontext.redirect = { url: context.request.query.next };\ncallback(null, user, context);",
    );
    assert_eq!(r.kind, CodeKind::Rule);
    let c = claim(&r);
    assert_eq!(
        c.kind,
        EffectKind::AccessTokenClaim {
            name: Some("https://a/plan".into())
        }
    );
    assert!(c.value_sources.contains(&md("plan")));
    assert!(c.guard_sources.contains(&Source::Prompt));
    assert!(r.secret_names.contains("KEY"));
    assert!(r.effects.iter().any(|e| e.kind
        == EffectKind::AddScope {
            scope: Some("write".into())
        }));
    assert!(r.effects.iter().any(|e| e.kind == EffectKind::RequireMfa));
    let red = effect(&r, |k| matches!(k, EffectKind::Redirect { .. }));
    assert!(red.value_sources.contains(&Source::RequestQuery {
        key: Some("next".into())
    }));
}

#[test]
fn rules_app_metadata_write_needs_update_call() {
    let r = rule(
        "user.app_metadata.role = context.request.body.role;\nauth0.users.updateAppMetadata(user.user_id, user.app_metadata).then(() => callback(null, user, context));",
    );
    let w = effect(&r, |k| matches!(k, EffectKind::SetAppMetadata { .. }));
    assert_eq!(
        w.kind,
        EffectKind::SetAppMetadata {
            key: Some("role".into())
        }
    );
    assert_eq!(w.line, 2);
    assert!(w.value_sources.contains(&Source::RequestBody {
        key: Some("role".into())
    }));
    let r = rule("user.app_metadata.role = 'x';\ncallback(null, user, context);");
    assert!(
        !r.effects
            .iter()
            .any(|e| matches!(e.kind, EffectKind::SetAppMetadata { .. }))
    );
}

#[test]
fn rules_deny_via_callback() {
    let r = rule(
        "if (user.user_metadata.blocked) { return callback(new UnauthorizedError('no')); }\ncallback(null, user, context);",
    );
    let d = effect(&r, |k| matches!(k, EffectKind::DenyAccess));
    assert!(d.guard_sources.contains(&md("blocked")));
}

#[test]
fn hooks_credentials_exchange_and_secrets() {
    let r = run(
        "module.exports = function (client, scope, audience, context, cb) {\n  var access_token = {};\n  access_token['https://a/c'] = context.body.extra;\n  access_token.scope = scope;\n  var k = context.webtask.secrets.KEY;\n  cb(null, access_token);\n};",
    );
    assert_eq!(
        (r.kind, r.trigger.as_str()),
        (CodeKind::Hook, "credentials-exchange")
    );
    let c = claim(&r);
    assert!(c.value_sources.contains(&Source::RequestBody {
        key: Some("extra".into())
    }));
    assert!(
        r.effects
            .iter()
            .any(|e| matches!(e.kind, EffectKind::AddScope { .. }))
    );
    assert!(r.secret_names.contains("KEY"));
}

#[test]
fn esm_exports_are_entries() {
    let r = run(
        "export const onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim('https://a/x', event.user.user_metadata.a); };",
    );
    assert!(claim(&r).value_sources.contains(&md("a")));
    let r = run(
        "async function onExecutePostLogin(event, api) { api.access.deny('x'); }\nexports.onExecutePostLogin = onExecutePostLogin;",
    );
    assert!(r.effects.iter().any(|e| e.kind == EffectKind::DenyAccess));
}

#[test]
fn hint_wins_over_inference() {
    let hint = CodeHint {
        kind: Some(CodeKind::Rule),
        trigger: Some("login_success".into()),
    };
    let r = analyze(
        "exports.onExecutePostLogin = async () => {};",
        "x.js",
        &hint,
    );
    assert_eq!(
        (r.kind, r.trigger.as_str()),
        (CodeKind::Rule, "login_success")
    );
}

/// A local helper counts as an `email_verified` check only when every truthy return asserts it.
#[test]
fn verification_helpers_guard_like_the_check_they_return() {
    let domain_scope =
        "if (event.user.email.split('@')[1] === 'acme.com') api.accessToken.addScope('staff');";
    let unverified = |r: &CodeReport| {
        r.findings
            .iter()
            .any(|f| f.rule == "code.unverified-email-trust")
    };
    for helper in [
        "function isVerified(u) { return u.email_verified === true; }",
        "const isVerified = (u) => u && u.email_verified;",
        "function isVerified(u) { if (!u.email_verified) return false; return true; }",
        "function isVerified(u) { if (u.blocked) return null; return !!u.email_verified; }",
    ] {
        let r = run(&format!(
            "{helper}\nexports.onExecutePostLogin = async (event, api) => {{\n  if (!isVerified(event.user)) return;\n  {domain_scope}\n}};"
        ));
        assert!(!unverified(&r), "{helper}: {:?}", r.findings);
    }
    for helper in [
        "function isVerified(u) { return u.email_verified || u.email.endsWith('@acme.com'); }",
        "function isVerified(u) { if (u.email_verified) return true; return u.app_metadata.trusted; }",
        "function isVerified(u) { return true; }",
    ] {
        let r = run(&format!(
            "{helper}\nexports.onExecutePostLogin = async (event, api) => {{\n  if (!isVerified(event.user)) return;\n  {domain_scope}\n}};"
        ));
        assert!(unverified(&r), "{helper} is not a check: {:?}", r.findings);
    }
}

/// `f.bind(x)` is `f`; `f.call(x, ...args)` calls `f` with the rest of the arguments.
#[test]
fn bound_and_called_functions_reach_their_sinks() {
    let r = action(
        "const set = api.accessToken.setCustomClaim.bind(api.accessToken);\nset('https://a/r', event.user.user_metadata.role);",
    );
    assert!(claim(&r).value_sources.contains(&md("role")), "{r:#?}");
    let r = action(
        "api.accessToken.setCustomClaim.call(api.accessToken, 'https://a/r', event.user.user_metadata.role);",
    );
    let c = claim(&r);
    assert!(c.value_sources.contains(&md("role")), "{c:#?}");
    assert_eq!(
        c.kind,
        EffectKind::AccessTokenClaim {
            name: Some("https://a/r".into())
        },
        "the claim name is the first argument after thisArg"
    );
    let r = action(
        "function grant(name, v) { api.accessToken.setCustomClaim(name, v); }\ngrant.call(null, 'https://a/p', event.user.app_metadata.plan);",
    );
    assert!(
        !claim(&r)
            .value_sources
            .iter()
            .any(Source::is_attacker_controlled),
        "{r:#?}"
    );
}
