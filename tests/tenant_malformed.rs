//! Malformed exports: every error names the right file and line, nothing panics, and problems
//! that should not stop a scan (missing code files) are warnings.

use std::path::Path;

use authpath::tenant::{KeywordMap, TenantError, load_export};

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn error_of(files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    match load_export(dir.path(), &KeywordMap::new()) {
        Ok(_) => panic!(
            "expected an error for {:?}",
            files.iter().map(|f| f.0).collect::<Vec<_>>()
        ),
        Err(e) => e.to_string(),
    }
}

#[test]
fn truncated_json_names_file_and_line() {
    let e = error_of(&[
        ("tenant.json", b"{}"),
        (
            "clients/Admin.json",
            b"{\n  \"name\": \"Admin\",\n  \"callbacks\": [\n",
        ),
    ]);
    assert!(e.starts_with("clients/Admin.json:4:"), "{e}");
    assert!(e.contains("EOF"), "{e}");
}

#[test]
fn wrong_type_names_file_line_and_field() {
    let e = error_of(&[(
        "clients/Admin.json",
        b"{\n  \"name\": \"Admin\",\n  \"app_type\": \"spa\",\n  \"callbacks\": \"https://admin.example/cb\"\n}",
    )]);
    assert!(e.starts_with("clients/Admin.json:4:"), "{e}");
    assert!(e.contains("expected a list for \"callbacks\""), "{e}");
    let e = error_of(&[("grants/g.json", b"[1, 2]")]);
    assert!(e.starts_with("grants/g.json:1:"), "{e}");
    assert!(e.contains("expected an object"), "{e}");
    let e = error_of(&[(
        "database-connections/db/database.json",
        b"{\"name\": \"db\",\n \"options\": {\n \"mfa\": {\"active\": \"maybe\"}}}",
    )]);
    assert!(
        e.starts_with("database-connections/db/database.json:"),
        "{e}"
    );
    assert!(e.contains("options.mfa.active"), "{e}");
}

#[test]
fn binary_garbage_is_named() {
    let e = error_of(&[
        ("tenant.json", b"{}"),
        ("rules/r.json", &[0x7b, 0x0a, 0x0a, 0xc3, 0x28, 0x00, 0xff]),
    ]);
    assert!(e.starts_with("rules/r.json:3: not UTF-8"), "{e}");
    let e = error_of(&[("actions/a.json", b"\x00\x01\x02garbage")]);
    assert!(e.starts_with("actions/a.json:1:"), "{e}");
}

#[test]
fn yaml_with_tabs_names_line() {
    let e = error_of(&[("tenant.yaml", b"clients:\n  - name: A\n\t  app_type: spa\n")]);
    assert!(e.starts_with("tenant.yaml:3:"), "{e}");
}

#[test]
fn yaml_type_error_names_line_and_path() {
    let e = error_of(&[(
        "tenant.yaml",
        b"tenant:\n  friendly_name: X\nclients:\n  - name: A\n    grant_types: implicit\n",
    )]);
    assert!(e.starts_with("tenant.yaml:5:"), "{e}");
    assert!(e.contains("clients[0].grant_types"), "{e}");
    let e = error_of(&[("tenant.yaml", b"- just\n- a list\n")]);
    assert!(e.starts_with("tenant.yaml:1:1: expected a mapping"), "{e}");
}

#[test]
fn missing_code_files_are_warnings_not_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "actions/A.json",
        br#"{"name": "A", "code": "./actions/A/code.js", "deployed": true}"#,
    );
    write(
        dir.path(),
        "rules/R.json",
        br#"{"name": "R", "script": "./R.js"}"#,
    );
    let s = load_export(dir.path(), &KeywordMap::new()).expect("loads");
    assert!(s.actions[0].code.is_none());
    assert!(s.rules[0].script.is_none());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.file == "actions/A.json" && w.message.contains("not found"))
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.file == "rules/R.json" && w.message.contains("./R.js"))
    );
}

#[test]
fn a_directory_that_is_not_an_export_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "README.md", b"hello");
    let err = load_export(dir.path(), &KeywordMap::new()).expect_err("not an export");
    assert!(matches!(err, TenantError::NotAnExport { .. }));
    assert!(
        err.to_string().contains("not an Auth0 Deploy CLI export"),
        "{err}"
    );
    let err = load_export(&dir.path().join("missing"), &KeywordMap::new()).expect_err("missing");
    assert!(err.to_string().contains("no such file"), "{err}");
    let err = load_export(&dir.path().join("README.md"), &KeywordMap::new()).expect_err("file");
    assert!(matches!(err, TenantError::NotAnExport { .. }));
}

/// Truncating or corrupting fixture files anywhere gives a value or an error, never a panic.
#[test]
fn corrupted_fixtures_never_panic() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tenant");
    let sources: Vec<(&str, Vec<u8>)> = [
        ("clients/Admin Portal.json", "dir/clients/Admin Portal.json"),
        (
            "database-connections/Users/database.json",
            "dir/database-connections/Users/database.json",
        ),
        ("tenant.yaml", "yaml/tenant.yaml"),
    ]
    .iter()
    .map(|(rel, src)| (*rel, std::fs::read(fixtures.join(src)).expect("fixture")))
    .collect();
    for (rel, bytes) in &sources {
        let step = (bytes.len() / 25).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            for variant in 0..3u8 {
                let dir = tempfile::tempdir().expect("tempdir");
                let mut data = bytes.clone();
                match variant {
                    0 => data.truncate(cut),
                    1 => {
                        if let Some(b) = data.get_mut(cut) {
                            *b = b'#';
                        }
                    }
                    _ => data.insert(cut, b'\t'),
                }
                write(dir.path(), rel, &data);
                if !rel.ends_with(".yaml") {
                    write(dir.path(), "tenant.json", b"{}");
                }
                let result =
                    std::panic::catch_unwind(|| load_export(dir.path(), &KeywordMap::new()));
                assert!(result.is_ok(), "panic on {rel} variant {variant} at {cut}");
                if let Ok(Err(e)) = result {
                    assert!(
                        e.to_string().starts_with(rel),
                        "{rel}: error names another file: {e}"
                    );
                }
            }
        }
    }
}
