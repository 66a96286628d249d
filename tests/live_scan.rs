//! Live scan against the auth0-sim emulator serving the example tenant: same findings as the
//! offline scan of the export; narrowed scopes are reported, not fatal; a rate-limited,
//! faulty emulator still gives the same findings and no 429 the pacing could have avoided.

mod live_support;

use live_support::*;

fn acme() -> std::path::PathBuf {
    repo().join("examples/tenants/acme")
}

#[test]
fn live_scan_equals_offline_scan_of_the_example_tenant() {
    let sim = Sim::start(&acme(), &[]);
    let (live, stderr) = live_ids(&sim.base);
    let offline = offline_ids(&acme());
    assert!(!offline.is_empty(), "the example tenant has findings");
    assert_eq!(live, offline);
    assert!(!stderr.contains(CLIENT_SECRET), "secret printed");
    let stats = sim.stats();
    assert_eq!(stats["rate_limited"], 0);
    assert!(
        stats["requests"]["GET /api/v2/clients"]
            .as_u64()
            .unwrap_or(0)
            >= 1
    );
}

#[test]
fn export_then_offline_scan_equals_live_scan() {
    let sim = Sim::start(&acme(), &[]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let (code, _, err) = authpath(
        &["export", "--tenant", DOMAIN, "--out", out.to_str().unwrap()],
        &sim.base,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.join("clients/Acme Backend Sync.json").is_file());
    let client = std::fs::read_to_string(out.join("clients/Acme Backend Sync.json")).unwrap();
    assert!(
        !client.contains("\"client_secret\":"),
        "client secrets must not be exported"
    );
    let conn = std::fs::read_to_string(out.join("connections/contoso-entra.json")).unwrap();
    assert!(conn.contains("##CONNECTIONS_WAAD_SECRET##"));
    let (live, _) = live_ids(&sim.base);
    assert_eq!(offline_ids(&out), live);
}

#[test]
fn narrowed_scopes_skip_data_and_say_so() {
    let sim = Sim::start(
        &acme(),
        &[
            "--scopes",
            "read:clients,read:client_grants,read:resource_servers,read:connections,read:actions",
        ],
    );
    let (code, out, err) = authpath(&["scan", "--tenant", DOMAIN, "--format", "json"], &sim.base);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("skipped rules: the token lacks read:rules"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let missing = v.to_string();
    assert!(
        missing.contains("rules not read: the token lacks read:rules"),
        "{missing}"
    );
    let stats = sim.stats();
    assert!(
        stats["requests"].get("GET /api/v2/rules").is_none(),
        "no request for data the token cannot read"
    );
    assert_eq!(stats["statuses"].get("403"), None, "no 403 provoked");
}

#[test]
fn paced_scan_of_a_rate_limited_faulty_tenant_gets_the_same_findings_without_429s() {
    let offline = offline_ids(&acme());
    let sim = Sim::start(&acme(), &["--rps", "20", "--burst", "3"]);
    let (live, _) = live_ids(&sim.base);
    assert_eq!(live, offline);
    assert_eq!(
        sim.stats()["rate_limited"],
        0,
        "pacing from the headers avoids every 429"
    );
    drop(sim);
    let faulty = Sim::start(
        &acme(),
        &[
            "--error-rate",
            "0.15",
            "--drop-rate",
            "0.1",
            "--fault-seed",
            "7",
        ],
    );
    // Dropped connections stall until the request timeout: keep it short so the test is fast.
    let (live, _) = live_ids_with(&faulty.base, &["--request-timeout", "2"]);
    assert_eq!(live, offline);
    let stats = faulty.stats();
    assert!(
        stats["injected_errors"].as_u64().unwrap_or(0) + stats["dropped"].as_u64().unwrap_or(0) > 0,
        "faults were injected"
    );
}

#[test]
fn wrong_credentials_fail_with_usage_exit_and_no_secret() {
    let sim = Sim::start(&acme(), &[]);
    let out = std::process::Command::new(authpath_bin())
        .args(["scan", "--tenant", DOMAIN, "--api-base", &sim.base])
        .env("AUTH0_CLIENT_ID", CLIENT_ID)
        .env("AUTH0_CLIENT_SECRET", "wrong-secret-value-123456")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("access_denied"), "{err}");
    assert!(!err.contains("wrong-secret-value-123456"));
}

#[test]
fn a_deployed_version_that_differs_from_the_draft_is_scanned_and_exported() {
    // The example tenant, with the deployed version of one bound action differing from its
    // clean draft: the deployed code copies user_metadata into app_metadata.
    let dir = tempfile::tempdir().unwrap();
    let tenant = dir.path().join("acme");
    copy_dir(&acme(), &tenant);
    let running = "exports.onExecutePostLogin = async (event, api) => {\n  api.user.setAppMetadata('role', event.user.user_metadata.role);\n};\n";
    std::fs::write(
        tenant.join("actions/Add Namespaced Roles/deployed.js"),
        running,
    )
    .unwrap();
    let sim = Sim::start(&tenant, &[]);
    let out = dir.path().join("export");
    let (code, _, err) = authpath(
        &["export", "--tenant", DOMAIN, "--out", out.to_str().unwrap()],
        &sim.base,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("actions/Add Namespaced Roles/deployed.js")).unwrap(),
        running
    );
    let (live, _) = live_ids(&sim.base);
    assert_eq!(offline_ids(&out), live);
    let baseline = offline_ids(&acme());
    assert!(
        live.iter().any(|id| !baseline.contains(id)),
        "the deployed code's metadata copy is reported"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}
