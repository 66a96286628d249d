//! Tests of [`super`] (`pod.rs`), kept in their own file.

use super::*;

#[test]
fn mount_paths_are_rewritten_only_at_path_boundaries() {
    let mounts = vec![(
        "/etc/creds".to_string(),
        PathBuf::from("/tmp/pod/etc/creds"),
    )];
    assert_eq!(
        rewrite("/etc/creds/token", &mounts),
        "/tmp/pod/etc/creds/token"
    );
    assert_eq!(rewrite("/etc/creds", &mounts), "/tmp/pod/etc/creds");
    assert_eq!(rewrite("/etc/credsx/token", &mounts), "/etc/credsx/token");
    assert_eq!(
        rewrite("--flag=/etc/creds/x", &mounts),
        "--flag=/tmp/pod/etc/creds/x"
    );
    assert_eq!(rewrite("--flag=/etc/other", &mounts), "--flag=/etc/other");
}

#[test]
fn existing_host_paths_below_a_mount_are_kept() {
    let host = tempfile_dir();
    let mount = host
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mounts = vec![(mount.clone(), PathBuf::from("/pod/tmp"))];
    let existing = host.display().to_string();
    assert_eq!(rewrite(&existing, &mounts), existing);
    let missing = format!("{mount}/authpath-not-there-{}", std::process::id());
    assert_eq!(
        rewrite(&missing, &mounts),
        missing.replacen(&mount, "/pod/tmp", 1)
    );
    assert_eq!(rewrite(&mount, &mounts), "/pod/tmp");
    let _ = std::fs::remove_dir(&host);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authpath-agent-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn only_containers_of_the_project_image_are_picked() {
    let template: PodTemplateSpec = serde_json::from_value(serde_json::json!({
        "spec": {"containers": [
            {"name": "sidecar", "image": "busybox:1"},
            {"name": "main", "image": "ghcr.io/example/authpath:0.1.0"}
        ]}
    }))
    .unwrap();
    assert_eq!(
        project_container(&template, "authpath").map(|c| c.name.as_str()),
        Some("main")
    );
    assert!(project_container(&template, "other-image").is_none());
}
