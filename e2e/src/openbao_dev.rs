//! A private OpenBao dev server for tests that break it (seal it, stop it) without touching the
//! plane's shared one: same binary, loopback only, a port picked free at run time, a random root
//! token. Killed on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::error::E2eError;
use crate::openbao::OpenBao;
use crate::plane::ControlPlane;

/// A running private dev server.
pub struct DevOpenBao {
    child: Option<Child>,
    addr: String,
    root_token: String,
    log: PathBuf,
}

impl Drop for DevOpenBao {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> Result<u16, E2eError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|source| E2eError::Io {
        path: PathBuf::from("127.0.0.1:0"),
        source,
    })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| E2eError::Io {
            path: PathBuf::from("127.0.0.1:0"),
            source,
        })
}

impl DevOpenBao {
    /// Starts `bao server -dev` with its home and log under `dir`; returns once it answers.
    pub async fn start(plane: &ControlPlane, dir: &Path) -> Result<DevOpenBao, E2eError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| E2eError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let port = free_port()?;
        let root_token = format!("root-dev-{port}-{}", std::process::id());
        let log = dir.join("openbao.log");
        let out = std::fs::File::create(&log).map_err(io(&log))?;
        let err = out.try_clone().map_err(io(&log))?;
        let child = Command::new(&plane.bao)
            .args(["server", "-dev", "-dev-no-store-token"])
            .arg(format!("-dev-root-token-id={root_token}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .env("HOME", dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|source| E2eError::Spawn {
                program: plane.bao.clone(),
                source,
            })?;
        let server = DevOpenBao {
            child: Some(child),
            addr: format!("http://127.0.0.1:{port}"),
            root_token,
            log,
        };
        server
            .wait_until(|health| health["sealed"] == false)
            .await?;
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The root token of this server.
    pub fn root_token(&self) -> &str {
        &self.root_token
    }

    /// A client with the root token.
    pub fn client(&self) -> OpenBao {
        OpenBao::new(&self.addr, &self.root_token)
    }

    /// Seals the server (`PUT sys/seal`): every later request answers 503 until [`Self::unseal`].
    pub async fn seal(&self) -> Result<(), E2eError> {
        self.client().write("sys/seal", &json!({})).await?;
        self.wait_until(|health| health["sealed"] == true).await
    }

    /// Unseals it with the dev server's single unseal key (read from its log).
    pub async fn unseal(&self) -> Result<(), E2eError> {
        let text = std::fs::read_to_string(&self.log).map_err(|source| E2eError::Io {
            path: self.log.clone(),
            source,
        })?;
        let key = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Unseal Key: "))
            .ok_or_else(|| E2eError::Timeout("no unseal key in the dev server's log".into()))?
            .trim()
            .to_string();
        self.client()
            .write("sys/unseal", &json!({ "key": key }))
            .await?;
        self.wait_until(|health| health["sealed"] == false && health["standby"] == false)
            .await
    }

    /// Stops the server (SIGKILL): its address then refuses connections.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Polls `sys/health` (which answers with a body whatever the state) until `done` holds.
    async fn wait_until(&self, done: impl Fn(&serde_json::Value) -> bool) -> Result<(), E2eError> {
        let http = reqwest::Client::new();
        let url = format!(
            "{}/v1/sys/health?standbyok=true&sealedcode=200&uninitcode=200",
            self.addr
        );
        let mut last = String::new();
        for _ in 0..120 {
            match http.get(&url).send().await {
                Ok(response) => match response.json::<serde_json::Value>().await {
                    Ok(health) if done(&health) => return Ok(()),
                    Ok(health) => last = health.to_string(),
                    Err(e) => last = e.to_string(),
                },
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Err(E2eError::Timeout(format!(
            "private OpenBao at {}: {last}",
            self.addr
        )))
    }
}
