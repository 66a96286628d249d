//! `authpath receiver --standalone` as a process: listens on a loopback port, writes one JSON
//! line per event on stdout with tokens masked, never echoes its own token, drains on SIGTERM.
#![cfg(unix)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "cli-test-token-abcdef0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A standalone receiver process on a free loopback port, and its token file's directory.
struct Receiver {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Receiver {
    /// Starts `authpath receiver --standalone` with `extra` flags and waits for `/healthz`.
    async fn start(extra: &[&str]) -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_authpath"))
            .args([
                "receiver",
                "--standalone",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("--token-file")
            .arg(&token_file)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}/");
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..200 {
            if http.get(format!("{url}healthz")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(up, "receiver did not come up");
        Receiver {
            child,
            url,
            _dir: dir,
        }
    }

    /// Posts `body` with `token`; returns the status code.
    async fn post(&self, token: &str, body: &str) -> u16 {
        reqwest::Client::new()
            .post(&self.url)
            .header("authorization", token)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Sends SIGTERM, checks the process drained and exited cleanly; returns (stdout, stderr).
    fn stop(mut self) -> (String, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let mut stdout = String::new();
        let mut stderr = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (stdout, stderr)
    }
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn standalone_receiver_writes_masked_json_lines_and_drains_on_sigterm() {
    let receiver = Receiver::start(&[]).await;
    let body = r#"{"log_id":"90020260101000000000000000000000000000000000000000000001","data":{"type":"sapi","date":"2026-01-01T00:00:00Z","details":{"request":{"method":"post","path":"/api/v2/clients","headers":{"authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2ln"},"body":{"name":"Storefront","grant_types":["implicit"]}},"response":{"body":{"client_id":"c1","client_secret":"Zx9kQ2mN7pL4rT8vW1yB6cD3fG5hJ0kM","name":"Storefront"}}}}}"#;
    assert_eq!(receiver.post("Bearer wrong", body).await, 401);
    assert_eq!(receiver.post(TOKEN, body).await, 200);
    let (stdout, stderr) = receiver.stop();
    let lines = json_lines(&stdout);
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

/// The tenant takeover pattern as Auth0 logs it: an owner invitation for a personal mailbox,
/// then two tenant member deletions (dashboard `sapi` events named only by `description`).
#[tokio::test]
async fn owner_invitation_then_member_deletions_is_a_takeover_detection() {
    let receiver =
        Receiver::start(&["--member-deletions", "2", "--takeover-window-secs", "600"]).await;
    let event = |n: u32, minute: u32, description: &str, body: &str| {
        format!(
            r#"{{"log_id":"9002026010100000000000000000000000000000000000000000000{n}","data":{{"type":"sapi","date":"2026-01-01T00:{minute:02}:00Z","description":"{description}","client_id":"dashboard","details":{{"request":{{"method":"post","path":"/api/tenants/members","body":{body}}}}}}}}}"#
        )
    };
    let batch = format!(
        "[{},{},{}]",
        event(
            1,
            0,
            "Create tenant invitations for a given client",
            r#"{"owners":["mallory@gmail.com"],"roles":["owner"]}"#
        ),
        event(2, 3, "Delete tenant member", "{}"),
        event(3, 4, "Delete tenant member", "{}"),
    );
    assert_eq!(receiver.post(TOKEN, &batch).await, 200);
    let (stdout, _) = receiver.stop();
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 3, "{stdout}");
    let raised: Vec<(usize, &serde_json::Value)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            l["detections"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |d| (i, d))
        })
        .collect();
    assert_eq!(raised.len(), 1, "{stdout}");
    let (line, detection) = raised[0];
    assert_eq!(line, 2, "raised by the second deletion");
    assert_eq!(detection["id"], "tenant-takeover-risk");
    assert_eq!(detection["severity"], "high");
    assert!(
        detection["summary"].as_str().unwrap().contains("gmail.com"),
        "{detection}"
    );
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
