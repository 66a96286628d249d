//! `auth0-sim generate`: the same seed writes the same bytes, and the synthetic export loads
//! with the export reader and scans (with findings from its risky Actions and clients).

mod live_support;

use std::collections::BTreeMap;
use std::path::Path;

use live_support::*;

fn generate(out: &Path, seed: &str) {
    let status = std::process::Command::new(sim_binary())
        .args([
            "generate",
            "--clients",
            "60",
            "--actions",
            "20",
            "--seed",
            seed,
            "--out",
        ])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run auth0-sim generate");
    assert!(status.success());
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_and_the_export_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    generate(&a, "11");
    generate(&b, "11");
    generate(&c, "12");
    let fa = files(&a);
    assert!(fa.len() > 60 + 2 * 20);
    assert_eq!(fa, files(&b), "same seed, same bytes");
    assert_ne!(fa, files(&c), "another seed, another tenant");

    let snap = authpath::tenant::load_export(&a, &authpath::tenant::KeywordMap::default())
        .expect("the synthetic export loads");
    assert_eq!(snap.clients.len(), 60);
    assert_eq!(snap.actions.len(), 20);
    assert!(snap.actions.iter().all(|x| x.code.is_some()));
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let out = authpath::checks::scan(&snap, "2025-01-01T00:00:00Z");
    assert!(
        out.code.len() >= 20,
        "every action is analysed: {}",
        out.code.len()
    );
    assert!(!out.report.findings.is_empty());
}
