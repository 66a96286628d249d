//! Loads the same small tenant written in both Deploy CLI formats and checks every resource
//! family, name resolution, aliases, keyword markers and format equality.

use std::path::{Path, PathBuf};

use authpath::tenant::{
    DataKind, ExportFormat, KeywordMap, SnapshotSource, TenantSnapshot, load_export,
};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tenant")
        .join(name)
}

fn keywords() -> KeywordMap {
    KeywordMap::from_file(&fixture("keywords.json")).expect("keywords")
}

fn load(name: &str) -> TenantSnapshot {
    load_export(&fixture(name), &keywords()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Serialized snapshot without what legitimately differs between formats (source, warnings'
/// files, code paths).
fn comparable(s: &TenantSnapshot) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("path");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(s).expect("serialize");
    if let Some(m) = v.as_object_mut() {
        m.remove("source");
        m.remove("warnings");
    }
    strip(&mut v);
    v
}

#[test]
fn both_formats_give_equal_snapshots() {
    let dir = load("dir");
    let yaml = load("yaml");
    pretty_assertions::assert_eq!(comparable(&dir), comparable(&yaml));
    assert!(matches!(
        dir.source,
        SnapshotSource::Export {
            format: ExportFormat::Directory,
            ..
        }
    ));
    assert!(matches!(
        yaml.source,
        SnapshotSource::Export {
            format: ExportFormat::Yaml,
            ..
        }
    ));
    let yaml_file = load_export(&fixture("yaml/tenant.yaml"), &keywords()).expect("yaml file");
    assert_eq!(comparable(&yaml_file), comparable(&yaml));
}

#[test]
fn every_family_is_present_and_typed() {
    for name in ["dir", "yaml"] {
        let s = load(name);
        assert_eq!(s.tenant, "Acme Test");
        assert_eq!(s.domain.as_deref(), Some("acme-test.eu.auth0.com"));
        let absent = [DataKind::NetworkAcls, DataKind::EventStreams];
        for kind in DataKind::ALL.into_iter().filter(|k| !absent.contains(k)) {
            assert!(s.has(kind), "{name}: {kind:?} missing");
        }
        assert!(!s.has(DataKind::NetworkAcls), "{name}");
        assert_eq!(s.settings.session_lifetime_hours(), 720.0);
        assert_eq!(
            s.settings.flags.enable_dynamic_client_registration,
            Some(true)
        );
        assert_eq!(
            s.settings.flags.extra.get("universal_login"),
            Some(&Value::Bool(true))
        );

        let admin = s.client("Admin Portal").expect("admin client");
        assert_eq!(
            admin.cross_origin_authentication,
            Some(true),
            "{name}: alias"
        );
        assert!(admin.allowed_logout_urls.is_empty());
        assert_eq!(
            admin.web_origins,
            vec!["https://admin.acme.example", "https://ops.acme.example"]
        );
        assert_eq!(
            admin.callbacks,
            vec!["https://admin.acme.example/callback", "##EXTRA_CALLBACKS##"]
        );
        let page = admin.custom_login_page.as_ref().expect("login page");
        assert!(page.text.contains("Login for acme.example"), "{name}");
        assert_eq!(
            admin
                .refresh_token
                .as_ref()
                .and_then(|r| r.rotation_type.as_deref()),
            Some("rotating")
        );
        let worker = s.client("Backend Worker").expect("worker");
        assert!(worker.is_m2m());
        assert!(
            worker.oidc_logout.is_some(),
            "{name}: oidc_backchannel_logout alias"
        );

        let grants: Vec<_> = s.grants_of("Backend Worker").collect();
        assert_eq!(grants.len(), 2);
        assert!(grants.iter().any(|g| s.is_management_api(&g.audience)));
        let orders = s
            .resource_server_by_identifier("https://orders.acme.example")
            .expect("api");
        assert!(orders.has_scope("admin:orders"));

        let users = s.connection("Users").expect("db");
        assert!(users.is_database() && users.signup_enabled());
        assert_eq!(
            users.enabled_clients,
            vec!["Admin Portal", "Backend Worker"]
        );
        assert_eq!(users.options.password_policy.as_deref(), Some("low"));
        let login = users.custom_scripts.get("login").expect("login script");
        assert!(login.text.contains("legacy.acme.example"));
        assert_eq!(
            users.options.raw["customScripts"]["login"].as_str(),
            Some(login.text.as_str())
        );
        let partner = s.connection("Partner OAuth").expect("oauth2");
        assert!(
            partner
                .fetch_user_profile
                .as_ref()
                .is_some_and(|p| p.text.contains("ctx.sub"))
        );
        let google = s.connection("google-oauth2").expect("google");
        assert_eq!(
            google.options.client_secret.as_deref(),
            Some("##CONNECTIONS_GOOGLE_OAUTH2_SECRET##")
        );

        let action = s.action("Grant Admin").expect("action");
        assert!(action.deployed);
        assert_eq!(action.secrets, vec!["API_KEY"]);
        assert_eq!(action.supported_triggers, vec!["post-login"]);
        let code = action.code.as_ref().expect("action code");
        assert_eq!(code.path, "actions/Grant Admin/code.js");
        assert!(code.text.contains("https://acme.example/role"));
        assert_eq!(
            s.bound_triggers_of("Grant Admin"),
            vec![("post-login".to_string(), 0)]
        );
        assert!(
            s.triggers
                .get("credentials-exchange")
                .is_some_and(Vec::is_empty)
        );

        assert!(
            s.rules[0]
                .script
                .as_ref()
                .is_some_and(|r| r.text.contains("callback(null, user"))
        );
        assert_eq!(s.rules[0].order, Some(1));
        let hook = &s.hooks[0];
        assert_eq!(hook.secrets, vec!["TOKEN"]);
        assert!(hook.script.is_some());
        assert_eq!(s.roles[0].permissions[0].permission_name, "admin:orders");
        assert_eq!(s.organizations[0].connections[0].name, "Users");
        assert_eq!(s.log_streams[0].sink.splunk_port.as_deref(), Some("8088"));
        assert_eq!(s.log_streams[0].sink.splunk_secure, Some(false));
        let ap = &s.attack_protection;
        assert_eq!(
            ap.brute_force.as_ref().and_then(|b| b.max_attempts),
            Some(10)
        );
        assert_eq!(
            ap.breached_password.as_ref().and_then(|b| b.enabled),
            Some(false)
        );
        assert!(ap.bot_detection.is_none());
        assert_eq!(s.guardian.enabled_factors(), vec!["otp"]);
        assert!(s.guardian.policies.is_empty());
        assert_eq!(s.guardian.phone_selected_provider.as_deref(), Some("auth0"));
        assert_eq!(
            s.email_provider.as_ref().map(|e| e.name.as_str()),
            Some("smtp")
        );
        let tpl = &s.email_templates[0];
        assert_eq!(
            tpl.result_url.as_deref(),
            Some("https://acme.example/verified")
        );
        assert!(
            tpl.body
                .as_ref()
                .is_some_and(|b| b.text.contains("@@password@@"))
        );
        assert_eq!(
            s.custom_domains[0].custom_client_ip_header.as_deref(),
            Some("x-forwarded-for")
        );
        assert!(s.is_management_api("https://login.acme.example/api/v2/"));
        assert_eq!(
            s.prompts.as_ref().and_then(|p| p.identifier_first),
            Some(true)
        );
    }
}

#[test]
fn unresolved_markers_are_warnings_with_file_and_line() {
    let s = load("dir");
    let w = s
        .warnings
        .iter()
        .find(|w| w.message.contains("##EXTRA_CALLBACKS##"))
        .expect("warning for EXTRA_CALLBACKS");
    assert_eq!(w.file, "clients/Admin Portal.json");
    assert_eq!(w.line, Some(6));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.file == "emails/provider.json" && w.message.contains("##SMTP_USER##"))
    );
    assert!(
        !s.warnings.iter().any(|w| w.message.contains("password")),
        "liquid variable is not a marker"
    );
    let y = load("yaml");
    assert!(
        y.warnings
            .iter()
            .any(|w| w.file == "tenant.yaml" && w.line == Some(19))
    );
}

#[test]
fn without_keywords_markers_stay_visible_and_parsing_succeeds() {
    let s = load_export(&fixture("dir"), &KeywordMap::new()).expect("loads without keywords");
    let admin = s.client("Admin Portal").expect("admin");
    assert!(
        admin.web_origins.is_empty(),
        "unresolved @@ADMIN_ORIGINS@@ reads as absent"
    );
    assert_eq!(admin.callbacks[0], "https://admin.##APP_DOMAIN##/callback");
    assert_eq!(s.domain, None);
    let y = load_export(&fixture("yaml"), &KeywordMap::new()).expect("yaml loads without keywords");
    assert_eq!(y.client("Admin Portal").map(|c| c.callbacks.len()), Some(2));
}
