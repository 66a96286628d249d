//! Analyzer tests for values decided by a condition rather than copied from data: flags set
//! under a guard, `?:` choices, values pushed into a local array or merged with
//! `Object.assign`, lookup tables indexed by user data, and helpers that are class methods.
//! Each positive case has a clean look-alike that must stay clean.

use super::effects::{Effect, EffectKind, Source};
use super::tests_flow::{action, any_attacker_controlled, claim as access_claim, effect, md, run};

fn app(key: Option<&str>) -> Source {
    Source::AppMetadata {
        key: key.map(Into::into),
    }
}

fn scope(r: &super::CodeReport) -> &Effect {
    effect(r, |k| matches!(k, EffectKind::AddScope { .. }))
}

fn decided_by(e: &Effect, s: &Source) -> bool {
    e.value_sources.contains(s) || e.guard_sources.contains(s)
}

#[test]
fn a_flag_set_under_a_condition_carries_the_condition() {
    let r = action(
        "let isAdmin = false;\nif (event.user.user_metadata.role === 'admin') isAdmin = true;\nif (isAdmin) api.accessToken.addScope('admin');",
    );
    assert!(scope(&r).guard_sources.contains(&md("role")), "{r:#?}");
    // The same shape deciding on app_metadata: no user-writable source appears.
    let r = action(
        "let isAdmin = false;\nif (event.user.app_metadata.role === 'admin') isAdmin = true;\nif (isAdmin) api.accessToken.addScope('admin');",
    );
    let s = scope(&r);
    assert!(s.guard_sources.contains(&app(Some("role"))), "{s:#?}");
    assert!(!any_attacker_controlled(&s.guard_sources));
}

#[test]
fn early_exits_and_else_branches_decide_a_flag_too() {
    let r = action(
        "let tier = 'basic';\nif (!event.user.user_metadata.beta) { tier = 'none'; } else { tier = 'beta'; }\napi.accessToken.setCustomClaim('https://a/tier', tier);",
    );
    let claim = access_claim(&r);
    assert!(claim.value_sources.contains(&md("beta")), "{claim:#?}");
}

#[test]
fn a_variable_bound_inside_the_condition_is_not_decided_by_it() {
    // `label` lives inside the `if`: every reader is already under the condition, so the
    // condition guards the claim but is not its value.
    let r = action(
        "if (event.user.user_metadata.vip) {\n  let label = 'a';\n  label = 'b';\n  api.accessToken.setCustomClaim('https://a/l', label);\n}",
    );
    let claim = access_claim(&r);
    assert!(claim.guard_sources.contains(&md("vip")));
    assert!(!claim.value_sources.contains(&md("vip")), "{claim:#?}");
}

#[test]
fn a_conditional_expression_is_decided_by_its_test() {
    let r = action(
        "api.accessToken.setCustomClaim('https://a/role', event.user.user_metadata.admin ? 'admin' : 'user');",
    );
    let claim = access_claim(&r);
    assert!(claim.value_sources.contains(&md("admin")), "{claim:#?}");
    let r = action(
        "api.accessToken.setCustomClaim('https://a/role', event.user.app_metadata.admin ? 'admin' : 'user');",
    );
    let claim = access_claim(&r);
    assert!(!any_attacker_controlled(&claim.value_sources));
}

#[test]
fn values_pushed_under_a_condition_taint_the_array() {
    let r = action(
        "const scopes = [];\nif (event.user.user_metadata.beta) scopes.push('beta:write');\nscopes.forEach((s) => api.accessToken.addScope(s));",
    );
    assert!(decided_by(scope(&r), &md("beta")), "{r:#?}");
    let r = action(
        "const scopes = [];\nscopes.push(event.request.query.extra);\nfor (const s of scopes) api.accessToken.addScope(s);",
    );
    let s = scope(&r);
    assert!(
        s.value_sources
            .iter()
            .any(|x| matches!(x, Source::RequestQuery { .. })),
        "{s:#?}"
    );
    let r = action(
        "const scopes = [];\nif (event.user.app_metadata.beta) scopes.push('beta:write');\nscopes.forEach((s) => api.accessToken.addScope(s));",
    );
    assert!(!decided_by(scope(&r), &md("beta")));
    assert!(!any_attacker_controlled(&scope(&r).value_sources));
}

#[test]
fn object_assign_merges_known_properties_into_a_local_object() {
    let r = action(
        "const claims = { plan: 'free' };\nObject.assign(claims, { role: event.user.user_metadata.role });\napi.accessToken.setCustomClaim('https://a/role', claims.role);\napi.idToken.setCustomClaim('https://a/plan', claims.plan);",
    );
    let role = access_claim(&r);
    assert!(role.value_sources.contains(&md("role")), "{role:#?}");
    let plan = effect(&r, |k| matches!(k, EffectKind::IdTokenClaim { .. }));
    assert!(plan.value_sources.is_empty(), "{plan:#?}");
}

#[test]
fn a_copy_loop_keeps_each_value_s_own_sources() {
    // Copying changed fields guarded by a comparison against `app_metadata[field]` must not
    // make every copied value depend on the whole of app_metadata.
    let r = action(
        "const changed = {};\nfor (const f of ['plan']) {\n  const v = event.user.user_metadata[f];\n  if (event.user.app_metadata[f] !== v) changed[f] = v;\n}\napi.user.setAppMetadata('plan', changed.plan);",
    );
    let w = effect(&r, |k| matches!(k, EffectKind::SetAppMetadata { .. }));
    assert!(
        w.value_sources
            .iter()
            .any(|s| matches!(s, Source::UserMetadata { .. })),
        "{w:#?}"
    );
    assert!(!w.value_sources.contains(&app(None)), "{w:#?}");
}

#[test]
fn a_lookup_table_indexed_by_user_data_is_decided_by_the_index() {
    let r = action(
        "const map = { admin: 'admin:all', user: 'read' };\napi.accessToken.addScope(map[event.user.user_metadata.role]);",
    );
    assert!(scope(&r).value_sources.contains(&md("role")), "{r:#?}");
    let r = action(
        "const map = { admin: 'admin:all', user: 'read' };\napi.accessToken.addScope(map[event.user.app_metadata.role]);",
    );
    assert!(!any_attacker_controlled(&scope(&r).value_sources));
}

#[test]
fn class_methods_are_analysed_as_helpers() {
    let src = "class Grants {\n  static apply(api, user) {\n    if (user.user_metadata.vip) api.accessToken.addScope('vip');\n  }\n}\nexports.onExecutePostLogin = async (event, api) => {\n  Grants.apply(api, event.user);\n};";
    let r = run(src);
    let s = scope(&r);
    assert!(s.guard_sources.contains(&md("vip")), "{s:#?}");
    assert_eq!(s.line, 3);
    let src = "class Claims {\n  constructor(ns) { this.ns = ns; }\n  role(user) { return user.user_metadata.role; }\n}\nexports.onExecutePostLogin = async (event, api) => {\n  const c = new Claims('https://a/');\n  api.accessToken.setCustomClaim('https://a/role', c.role(event.user));\n};";
    let r = run(src);
    let claim = access_claim(&r);
    assert!(claim.value_sources.contains(&md("role")), "{claim:#?}");
    let src = "const Grants = class {\n  static apply(api, user) {\n    if (user.app_metadata.vip) api.accessToken.addScope('vip');\n  }\n};\nexports.onExecutePostLogin = async (event, api) => {\n  Grants.apply(api, event.user);\n};";
    let r = run(src);
    let s = scope(&r);
    assert!(s.guard_sources.contains(&app(Some("vip"))), "{s:#?}");
    assert!(!any_attacker_controlled(&s.guard_sources));
}

fn scopes_added(r: &super::CodeReport) -> Vec<Option<String>> {
    r.effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::AddScope { scope } => Some(scope.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_loop_over_constant_scopes_adds_each_scope_by_name() {
    let r = action(
        "const ADMIN = ['admin:orders', 'admin:users'];\nif (event.user.user_metadata.is_admin) {\n  for (const s of ADMIN) api.accessToken.addScope(s);\n}\nconst extra = [];\nif (event.user.user_metadata.beta) extra.push('beta:write');\nextra.forEach((s) => api.accessToken.addScope(s));",
    );
    let scopes = scopes_added(&r);
    for name in ["admin:orders", "admin:users", "beta:write"] {
        assert!(scopes.contains(&Some(name.to_string())), "{scopes:?}");
    }
    let admin = effect(
        &r,
        |k| matches!(k, EffectKind::AddScope { scope: Some(s) } if s == "admin:users"),
    );
    assert!(admin.guard_sources.contains(&md("is_admin")), "{admin:#?}");
    let beta = effect(
        &r,
        |k| matches!(k, EffectKind::AddScope { scope: Some(s) } if s == "beta:write"),
    );
    assert!(decided_by(beta, &md("beta")), "{beta:#?}");
}

#[test]
fn an_unknown_element_of_a_local_array_is_any_element() {
    let r = action(
        "const picks = [event.user.user_metadata.role, 'viewer'];\napi.accessToken.setCustomClaim('https://a/r', picks[event.stats.logins_count % 2]);",
    );
    let claim = access_claim(&r);
    assert!(claim.value_sources.contains(&md("role")), "{claim:#?}");
    // A loop over the user's own list still runs once for the unknown element.
    let r = action(
        "for (const s of event.user.user_metadata.scopes || []) api.accessToken.addScope(s);",
    );
    assert_eq!(scopes_added(&r), [None]);
    assert!(
        scope(&r)
            .value_sources
            .iter()
            .any(|s| matches!(s, Source::UserMetadata { .. }))
    );
}
