//! `authpath receiver --standalone` as a process: listens on a loopback port, writes one JSON
//! line per event on stdout with tokens masked, never echoes its own token, drains on SIGTERM.
#![cfg(unix)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "cli-test-token-abcdef0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn standalone_receiver_writes_masked_json_lines_and_drains_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_authpath"))
        .args([
            "receiver",
            "--standalone",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--token-file")
        .arg(&token_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/");
    let mut up = false;
    for _ in 0..200 {
        if http.get(format!("{url}healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(up, "receiver did not come up");
    let body = r#"{"log_id":"90020260101000000000000000000000000000000000000000000001","data":{"type":"sapi","date":"2026-01-01T00:00:00Z","details":{"request":{"method":"post","path":"/api/v2/clients","headers":{"authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2ln"},"body":{"name":"Storefront","grant_types":["implicit"]}},"response":{"body":{"client_id":"c1","client_secret":"Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM","name":"Storefront"}}}}}"#;
    let wrong = http
        .post(&url)
        .header("authorization", "Bearer wrong")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let ok = http
        .post(&url)
        .header("authorization", TOKEN)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["change"]["resource"], "client");
    assert_eq!(
        lines[0]["detections"][0]["id"],
        "insecure-grant-type-enabled"
    );
    for text in [&stdout, &stderr] {
        assert!(!text.contains(TOKEN));
        assert!(!text.contains("Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM"));
        assert!(!text.contains("c2lnbmF0dXJlc2ln"));
    }
}

#[test]
fn cluster_mode_without_crd_types_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_authpath"))
        .args(["receiver", "--listen", "127.0.0.1:0", "--token-file"])
        .arg(&token_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--standalone"));
}
