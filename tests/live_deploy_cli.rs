//! Proof against a real client: the pinned Auth0 Deploy CLI (`e2e/auth0-sim/deploy-cli`)
//! exports the example tenant from the emulator, and scanning that export offline gives the
//! same findings as `authpath scan --tenant` against the emulator. Needs `node`/`npm` (and
//! registry access on the first run to install the pinned package into a git-ignored
//! `node_modules/`).

mod live_support;

use live_support::*;

#[test]
fn deploy_cli_export_from_the_emulator_scans_like_the_live_tenant() {
    let sim = Sim::start(&repo().join("examples/tenants/acme"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deploy-cli-export");
    let script = repo().join("e2e/auth0-sim/deploy-cli/run-export.sh");
    let status = std::process::Command::new("bash")
        .arg(&script)
        .args([DOMAIN, &sim.base, CLIENT_ID, CLIENT_SECRET])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run the Deploy CLI");
    assert!(
        status.success(),
        "Deploy CLI export against the emulator failed"
    );
    assert!(out.join("clients").is_dir() && out.join("actions").is_dir());
    let (live, _) = live_ids(&sim.base);
    assert!(!live.is_empty());
    assert_eq!(offline_ids(&out), live);
}
