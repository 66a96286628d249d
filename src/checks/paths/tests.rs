//! Tests of every attack-path rule: each path is found on a small tenant, and a near miss that
//! differs in one link is not.

use serde_json::json;

use super::m2m::LEAKED_M2M_SECRET;
use super::privilege::{EMAIL_VERIFIED_TRUST, SIGNUP_METADATA_DIRECT, SIGNUP_METADATA_LAUNDERED};
use super::signup::{HIDDEN_SIGNUP_INTERNAL_APP, RBAC_OFF_SELF_GRANT};
use super::test_support::Tenant;
use crate::findings::{ObjectKind, Severity};

const COPY_TYPE: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  const { account_type } = event.user.user_metadata || {};
  if (account_type) {
    api.user.setAppMetadata('account_type', account_type);
  }
};"#;

const SCOPE_ON_TYPE: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.account_type === 'staff') {
    api.accessToken.addScope('admin:orders');
  }
};"#;

const SCOPE_ON_ROLES: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  if ((event.authorization?.roles || []).includes('admin')) {
    api.accessToken.addScope('admin:orders');
  }
};"#;

fn laundering_tenant(signup_open: bool, deployed: bool, second: &str) -> Tenant {
    Tenant::new()
        .client("Storefront", "spa")
        .database("Users", signup_open, &["Storefront"])
        .action("Copy Type", COPY_TYPE, deployed, true)
        .action("Grant Admin", second, true, true)
        .api(
            "Orders API",
            "https://api.example/orders",
            &["read:orders", "admin:orders"],
            true,
        )
}

#[test]
fn laundered_metadata_path_reaches_the_api() {
    let findings = laundering_tenant(true, true, SCOPE_ON_TYPE).run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Critical);
    let names: Vec<&str> = f.path.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Users",
            "user_metadata.account_type",
            "Copy Type",
            "app_metadata.account_type",
            "Grant Admin",
            "admin:orders",
            "Orders API"
        ]
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.file == "actions/Copy Type/code.js" && e.line.is_some())
    );
    assert!(
        f.objects
            .iter()
            .any(|o| o.kind == ObjectKind::ResourceServer)
    );
}

#[test]
fn laundered_path_is_found_through_a_flag_set_under_the_condition() {
    // The grant decides on a local flag, not on app_metadata directly.
    let via_flag = r#"
exports.onExecutePostLogin = async (event, api) => {
  let isStaff = false;
  if (event.user.app_metadata.account_type === 'staff') {
    isStaff = true;
  }
  if (isStaff) api.accessToken.addScope('admin:orders');
};"#;
    let findings = laundering_tenant(true, true, via_flag).run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::Critical);
    assert!(
        findings[0]
            .path
            .iter()
            .any(|s| s.name == "app_metadata.account_type")
    );
    let on_roles = via_flag.replace(
        "event.user.app_metadata.account_type === 'staff'",
        "(event.authorization?.roles || []).includes('staff')",
    );
    assert!(
        laundering_tenant(true, true, &on_roles)
            .run(&SIGNUP_METADATA_LAUNDERED)
            .is_empty()
    );
}

#[test]
fn laundered_path_is_found_through_a_loop_over_constant_scopes() {
    let via_array = r#"
exports.onExecutePostLogin = async (event, api) => {
  const STAFF_SCOPES = ['read:orders', 'admin:orders'];
  if (event.user.app_metadata.account_type === 'staff') {
    STAFF_SCOPES.forEach((s) => api.accessToken.addScope(s));
  }
};"#;
    let findings = laundering_tenant(true, true, via_array).run(&SIGNUP_METADATA_LAUNDERED);
    // One path per scope the API trusts, each named.
    let mut reached: Vec<&str> = findings
        .iter()
        .filter_map(|f| f.path.iter().find(|s| s.kind == ObjectKind::Scope))
        .map(|s| s.name.as_str())
        .collect();
    reached.sort_unstable();
    assert_eq!(reached, ["admin:orders", "read:orders"], "{findings:#?}");
}

#[test]
fn closed_signup_or_role_based_scope_is_no_path() {
    assert!(
        laundering_tenant(false, true, SCOPE_ON_TYPE)
            .run(&SIGNUP_METADATA_LAUNDERED)
            .is_empty()
    );
    assert!(
        laundering_tenant(true, true, SCOPE_ON_ROLES)
            .run(&SIGNUP_METADATA_LAUNDERED)
            .is_empty()
    );
}

#[test]
fn undeployed_link_makes_the_path_latent_and_low() {
    let findings = laundering_tenant(true, false, SCOPE_ON_TYPE).run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Low);
    assert!(findings[0].description.contains("not deployed"));
}

#[test]
fn finding_ids_are_stable_across_runs() {
    let a = laundering_tenant(true, true, SCOPE_ON_TYPE).run(&SIGNUP_METADATA_LAUNDERED);
    let b = laundering_tenant(true, true, SCOPE_ON_TYPE).run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(a[0].id, b[0].id);
}

#[test]
fn direct_metadata_scope_is_its_own_rule() {
    let direct = r#"exports.onExecutePostLogin = async (event, api) => {
      if (event.user.user_metadata.role === 'admin') { api.accessToken.addScope('admin:orders'); }
    };"#;
    let t = Tenant::new()
        .client("Storefront", "spa")
        .database("Users", true, &["Storefront"])
        .action("Role From Profile", direct, true, true)
        .api(
            "Orders API",
            "https://api.example/orders",
            &["admin:orders"],
            true,
        );
    let found = t.run(&SIGNUP_METADATA_DIRECT);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(t.run(&SIGNUP_METADATA_LAUNDERED).is_empty());
}

const DOMAIN_SCOPE: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email_verified && event.user.email.endsWith('@acme.example')) {
    api.accessToken.addScope('write:orders');
  }
};"#;

fn email_tenant(trust: &str) -> Tenant {
    Tenant::new()
        .client("Partner Hub", "regular_web")
        .connection(
            "contoso",
            "waad",
            json!({"should_trust_email_verified_connection": trust}),
            &["Partner Hub"],
        )
        .action("Partner Domain Access", DOMAIN_SCOPE, true, true)
        .api(
            "Orders API",
            "https://api.example/orders",
            &["write:orders"],
            true,
        )
}

#[test]
fn trusted_idp_email_reaches_the_scope() {
    let found = email_tenant("always_set_emails_as_verified").run(&EMAIL_VERIFIED_TRUST);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].path.first().map(|s| s.name.as_str()),
        Some("contoso")
    );
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn idp_email_not_trusted_is_no_path() {
    assert!(
        email_tenant("never_set_emails_as_verified")
            .run(&EMAIL_VERIFIED_TRUST)
            .is_empty()
    );
}

#[test]
fn forged_email_verified_in_profile_script_is_a_path() {
    let script = r#"function fetchUserProfile(accessToken, context, callback) {
      request.get({ url: 'https://partner.example/me', headers: { Authorization: 'Bearer ' + accessToken } },
        function (err, resp, body) {
          const p = JSON.parse(body);
          callback(null, { user_id: p.id, email: p.email, email_verified: true });
        });
    }"#;
    let t = Tenant::new()
        .client("Partner Hub", "regular_web")
        .connection("partner-oauth", "oauth2", json!({}), &["Partner Hub"])
        .profile_script("partner-oauth", script)
        .action("Partner Domain Access", DOMAIN_SCOPE, true, true)
        .api(
            "Orders API",
            "https://api.example/orders",
            &["write:orders"],
            true,
        );
    let found = t.run(&EMAIL_VERIFIED_TRUST);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .evidence
            .iter()
            .any(|e| e.file == "connections/partner-oauth.json")
    );
}

const LEAKY: &str = r#"
const { ManagementClient } = require('auth0');
exports.onExecutePostLogin = async (event, api) => {
  const management = new ManagementClient({
    domain: 'acme.eu.auth0.com',
    clientId: 'Q0x1bmZ4c2R3ZWlvdXJ0eXVpb3Bhc2RmZ2hq',
    clientSecret: 'h7Gk2Lp9Qz4Xv8Nw3Rt6Yb1Mc5Df0Sa7Je2Ku9Io4Pl8Zx3Cv6Bn1Mq5Wr0Et7Y',
  });
  await management.users.update({ id: event.user.user_id }, { app_metadata: { synced: true } });
};"#;

fn leak_tenant(scopes: &[&str], client_id: &str) -> Tenant {
    Tenant::new()
        .m2m_with_id("Backend Sync", client_id)
        .grant("Backend Sync", "https://acme.eu.auth0.com/api/v2/", scopes)
        .action("CRM Sync", LEAKY, true, true)
}

#[test]
fn leaked_secret_of_takeover_client_is_critical() {
    let found = leak_tenant(
        &["read:users", "update:actions"],
        "Q0x1bmZ4c2R3ZWlvdXJ0eXVpb3Bhc2RmZ2hq",
    )
    .run(&LEAKED_M2M_SECRET);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    let text = serde_json::to_string(&found[0]).unwrap_or_default();
    assert!(
        !text.contains("h7Gk2Lp9Qz4Xv8Nw3Rt6Yb1Mc5Df0Sa7Je2Ku9Io4Pl8Zx3Cv6Bn1Mq5Wr0Et7Y"),
        "secret leaked into the finding"
    );
}

#[test]
fn leaked_secret_of_read_only_users_client_is_high() {
    let found = leak_tenant(&["read:users"], "Q0x1bmZ4c2R3ZWlvdXJ0eXVpb3Bhc2RmZ2hq")
        .run(&LEAKED_M2M_SECRET);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn secret_of_another_client_or_config_only_grant_is_no_path() {
    assert!(
        leak_tenant(&["update:actions"], "SomeOtherClientIdSomeOtherClientId")
            .run(&LEAKED_M2M_SECRET)
            .is_empty()
    );
    assert!(
        leak_tenant(&["read:stats"], "Q0x1bmZ4c2R3ZWlvdXJ0eXVpb3Bhc2RmZ2hq")
            .run(&LEAKED_M2M_SECRET)
            .is_empty()
    );
}

#[test]
fn rbac_off_api_reachable_by_signup_is_a_self_grant() {
    let t = Tenant::new()
        .client("Storefront", "spa")
        .database("Users", true, &["Storefront"])
        .api(
            "Admin API",
            "https://admin.example",
            &["read:reports", "admin:write"],
            false,
        );
    let found = t.run(&RBAC_OFF_SELF_GRANT);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(found[0].description.contains("admin:write"));
    let rbac_on = Tenant::new()
        .client("Storefront", "spa")
        .database("Users", true, &["Storefront"])
        .api("Admin API", "https://admin.example", &["admin:write"], true);
    assert!(rbac_on.run(&RBAC_OFF_SELF_GRANT).is_empty());
}

#[test]
fn signup_into_internal_app_is_flagged_only_for_internal_apps() {
    let t = Tenant::new()
        .client("Storefront", "spa")
        .client("Acme Admin Portal", "regular_web")
        .database("Users", true, &["Storefront", "Acme Admin Portal"]);
    let found = t.run(&HIDDEN_SIGNUP_INTERNAL_APP);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .objects
            .iter()
            .any(|o| o.name == "Acme Admin Portal")
    );
    let closed = Tenant::new()
        .client("Acme Admin Portal", "regular_web")
        .database("Staff", false, &["Acme Admin Portal"]);
    assert!(closed.run(&HIDDEN_SIGNUP_INTERNAL_APP).is_empty());
}

#[test]
fn self_service_metadata_edit_through_the_management_api_is_a_path() {
    let direct = r#"exports.onExecutePostLogin = async (event, api) => {
      if (event.user.user_metadata.role === 'admin') { api.accessToken.addScope('admin:orders'); }
    };"#;
    let t = |policy: &str| {
        let policy = policy.to_string();
        Tenant::new()
            .client("Storefront", "spa")
            .database("Users", false, &["Storefront"])
            .action("Role From Profile", direct, true, true)
            .api("Orders API", "https://api.example/orders", &["admin:orders"], true)
            .with(move |b| {
                b.api(json!({"name": "Auth0 Management API", "identifier": "https://acme.eu.auth0.com/api/v2/",
                    "is_system": true, "subject_type_authorization": {"user": {"policy": policy}}}))
            })
    };
    let found = t("allow_all").run(&SIGNUP_METADATA_DIRECT);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path[0].kind, ObjectKind::ManagementApi);
    assert!(
        t("require_client_grant")
            .run(&SIGNUP_METADATA_DIRECT)
            .is_empty()
    );
}
