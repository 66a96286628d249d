//! Tests of the SARIF renderer: validity against the OASIS SARIF 2.1.0 JSON schema
//! (`testdata/sarif-schema-2.1.0.json`, the schema with `$id`
//! `https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json`
//! as shipped in the `serde-sarif` 0.8.0 crate), GitHub's ingestion rules, and the content.

use serde_json::Value;

use super::RenderOptions;
use super::fixtures::{self, RAW_SECRET};
use super::sarif::render;

const SCHEMA: &str = include_str!("testdata/sarif-schema-2.1.0.json");
const SCHEMA_ID: &str = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

fn sarif(opts: &RenderOptions) -> Value {
    serde_json::from_str(&render(&fixtures::scan_report(), opts)).unwrap()
}

fn validate(instance: &Value) -> Result<(), String> {
    let schema: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource(SCHEMA_ID, schema)
        .map_err(|e| e.to_string())?;
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(SCHEMA_ID, &mut schemas)
        .map_err(|e| e.to_string())?;
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e:#}"))
}

fn result_for<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["runs"][0]["results"]
        .as_array()
        .and_then(|results| results.iter().find(|r| r["ruleId"] == rule))
        .unwrap_or(&Value::Null)
}

#[test]
fn output_is_valid_against_the_sarif_2_1_0_schema() {
    validate(&sarif(&RenderOptions::default())).unwrap();
    let rooted = RenderOptions {
        color: false,
        source_root: Some("tenants/prod".into()),
    };
    validate(&sarif(&rooted)).unwrap();
    let clean: Value = serde_json::from_str(&render(&fixtures::clean_report(), &rooted)).unwrap();
    validate(&clean).unwrap();
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    let mut doc = sarif(&RenderOptions::default());
    doc["version"] = Value::from("2.0.0");
    assert!(validate(&doc).is_err());
    let mut doc = sarif(&RenderOptions::default());
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(validate(&doc).is_err());
}

#[test]
fn every_result_has_what_github_requires() {
    let doc = sarif(&RenderOptions::default());
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), fixtures::scan_report().findings.len());
    for r in results {
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str();
        assert!(
            uri.is_some_and(|u| !u.is_empty() && !u.contains(' ')),
            "{r}"
        );
        assert!(
            r["partialFingerprints"]["authpathFindingId/v1"]
                .as_str()
                .is_some_and(|id| id.len() == 16)
        );
        let rule =
            &doc["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
    }
}

#[test]
fn rules_carry_descriptions_help_and_security_severity() {
    let doc = sarif(&RenderOptions::default());
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "authpath");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let path_rule = rules
        .iter()
        .find(|r| r["id"] == "path.self-signup-metadata-admin-scope")
        .unwrap();
    assert_eq!(path_rule["name"], "PathSelfSignupMetadataAdminScope");
    assert_eq!(
        path_rule["shortDescription"]["text"],
        "Self-signup user can obtain the admin scope"
    );
    assert!(
        path_rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("attack-path")
    );
    assert!(
        path_rule["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Fix path.self-signup")
    );
    assert_eq!(path_rule["properties"]["security-severity"], "9.5");
    assert_eq!(
        path_rule["properties"]["tags"],
        serde_json::json!(["attack-path", "auth0", "security"])
    );
    let scores: Vec<&str> = [
        "code.hardcoded-secret",
        "client.cross-origin-auth",
        "client.hostile-name",
        "tenant.info-note",
    ]
    .iter()
    .filter_map(|id| rules.iter().find(|r| r["id"] == *id))
    .filter_map(|r| r["properties"]["security-severity"].as_str())
    .collect();
    assert_eq!(scores, ["8.0", "5.5", "3.0", "1.0"]);
}

#[test]
fn levels_follow_severity() {
    let doc = sarif(&RenderOptions::default());
    assert_eq!(
        result_for(&doc, "path.self-signup-metadata-admin-scope")["level"],
        "error"
    );
    assert_eq!(result_for(&doc, "code.hardcoded-secret")["level"], "error");
    assert_eq!(
        result_for(&doc, "client.cross-origin-auth")["level"],
        "warning"
    );
    assert_eq!(result_for(&doc, "client.hostile-name")["level"], "note");
    assert_eq!(result_for(&doc, "tenant.info-note")["level"], "note");
}

#[test]
fn evidence_becomes_locations_and_path_steps_related_locations() {
    let opts = RenderOptions {
        color: false,
        source_root: Some("tenants/prod/".into()),
    };
    let doc = sarif(&opts);
    let r = result_for(&doc, "path.self-signup-metadata-admin-scope");
    let primary = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        primary["artifactLocation"]["uri"],
        "tenants/prod/actions/Onboarding%20Profile%20Sync/code.js"
    );
    assert_eq!(primary["region"]["startLine"], 12);
    let related = r["relatedLocations"].as_array().unwrap();
    let messages: Vec<&str> = related
        .iter()
        .filter_map(|l| l["message"]["text"].as_str())
        .collect();
    assert!(
        messages[0]
            .starts_with("Attack path step 1/4: connection Username-Password-Authentication")
    );
    assert!(messages[1].starts_with("Attack path step 3/4: action Onboarding Profile Sync"));
    assert_eq!(
        related.len(),
        3,
        "two steps with evidence plus the second evidence line"
    );
    let ids: Vec<u64> = related.iter().filter_map(|l| l["id"].as_u64()).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert!(
        related[0]["physicalLocation"]["region"].is_null(),
        "evidence without a line has no region"
    );
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("connection Username-Password-Authentication -> user_attribute")
    );
}

#[test]
fn findings_without_evidence_point_at_the_object_file_with_logical_locations() {
    let doc = sarif(&RenderOptions::default());
    let location = &result_for(&doc, "client.cross-origin-auth")["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "clients/Storefront%20SPA.json"
    );
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "client:Storefront SPA"
    );
    let tenant = &result_for(&doc, "tenant.info-note")["locations"][0];
    assert_eq!(
        tenant["physicalLocation"]["artifactLocation"]["uri"],
        "tenant.json"
    );
    // A finding with file evidence gets no logical location.
    assert!(
        result_for(&doc, "code.hardcoded-secret")["locations"][0]["logicalLocations"].is_null()
    );
}

#[test]
fn not_evaluated_rules_and_missing_data_become_notifications() {
    let doc = sarif(&RenderOptions::default());
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0]["descriptor"]["id"], "grant.admin-scopes");
    assert!(
        notes[2]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("log-streams")
    );
    let clean: Value = serde_json::from_str(&render(
        &fixtures::clean_report(),
        &RenderOptions::default(),
    ))
    .unwrap();
    assert!(clean["runs"][0]["invocations"][0]["toolExecutionNotifications"].is_null());
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn output_is_deterministic_and_secret_free() {
    let report = fixtures::scan_report();
    let mut reversed = report.clone();
    reversed.findings.reverse();
    let opts = RenderOptions::default();
    let out = render(&report, &opts);
    assert_eq!(out, render(&reversed, &opts));
    assert!(!out.contains(RAW_SECRET));
    assert!(out.contains("Zx9k****(32 chars)"));
}
