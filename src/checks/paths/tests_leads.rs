//! Tests of attack paths with a step through code authpath does not analyse: a whole user
//! object passed into an npm module's function makes the path a lead (medium, said so), while
//! the same path over a key the code reads itself stays critical.

use super::privilege::SIGNUP_METADATA_LAUNDERED;
use super::test_support::Tenant;
use crate::findings::Severity;

const GRANT_ON_TYPE: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.account_type === 'staff') {
    api.accessToken.addScope('admin:orders');
  }
};"#;

fn tenant(copy: &str) -> Tenant {
    Tenant::new()
        .client("Storefront", "spa")
        .database("Users", true, &["Storefront"])
        .action("Copy Type", copy, true, true)
        .action("Grant Admin", GRANT_ON_TYPE, true, true)
        .api(
            "Orders API",
            "https://api.example/orders",
            &["admin:orders"],
            true,
        )
}

fn copy_through(argument: &str) -> String {
    format!(
        "const profile = require('@acme/profile');\nexports.onExecutePostLogin = async (event, api) => {{\n  api.user.setAppMetadata('account_type', profile.accountType({argument}));\n}};"
    )
}

#[test]
fn a_whole_user_through_a_module_function_makes_the_path_a_lead() {
    let findings = tenant(&copy_through("event.user")).run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Medium);
    assert!(
        f.description.contains("lead, not a proven flow"),
        "{}",
        f.description
    );
    assert!(
        f.path
            .iter()
            .any(|s| s.edge == "may flow into (through `@acme/profile.accountType`)"),
        "{:#?}",
        f.path
    );
}

#[test]
fn a_key_read_by_the_code_keeps_the_path_critical() {
    let findings = tenant(&copy_through("event.user.user_metadata.account_type"))
        .run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::Critical);
    assert!(!findings[0].description.contains("lead"));
}

#[test]
fn a_whole_metadata_object_read_next_to_a_module_call_keeps_the_path_critical() {
    // The code reads the whole user_metadata object itself; the module call beside it is a
    // lead, but it must not turn the proven flow into one.
    let findings = tenant(&copy_through("event.user) || (event.user.user_metadata"))
        .run(&SIGNUP_METADATA_LAUNDERED);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::Critical, "{findings:#?}");
    assert!(!findings[0].description.contains("lead"));
}
