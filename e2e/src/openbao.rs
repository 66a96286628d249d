//! A small HTTP client for the OpenBao dev server (Vault-compatible API), enough for tests to
//! configure auth roles and log in. The operator itself talks to OpenBao through `vaultrs`.

use serde_json::Value;

use crate::error::E2eError;

/// OpenBao at `addr`, authenticated with `token` for administrative calls.
#[derive(Debug, Clone)]
pub struct OpenBao {
    addr: String,
    token: String,
    http: reqwest::Client,
}

impl OpenBao {
    /// A client for `addr` (`http://127.0.0.1:<port>`) using `token`.
    pub fn new(addr: &str, token: &str) -> OpenBao {
        OpenBao {
            addr: addr.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// The server address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `PUT/POST /v1/<path>` with the admin token; returns the JSON body (`null` for 204).
    pub async fn write(&self, path: &str, body: &Value) -> Result<Value, E2eError> {
        let request = self
            .http
            .post(self.url(path))
            .header("X-Vault-Token", &self.token)
            .json(body);
        Self::send(path, request).await
    }

    /// `GET /v1/<path>` with the admin token.
    pub async fn read(&self, path: &str) -> Result<Value, E2eError> {
        let request = self
            .http
            .get(self.url(path))
            .header("X-Vault-Token", &self.token);
        Self::send(path, request).await
    }

    /// Logs in at `auth/<mount>/login` without a token; returns the `auth.client_token`.
    pub async fn login(&self, mount: &str, body: &Value) -> Result<String, E2eError> {
        let path = format!("auth/{mount}/login");
        let request = self.http.post(self.url(&path)).json(body);
        let response = Self::send(&path, request).await?;
        response
            .pointer("/auth/client_token")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| E2eError::OpenBao {
                path,
                status: 200,
                body: "no auth.client_token in the response".to_string(),
            })
    }

    /// Kubernetes-auth login with a service-account JWT for `role`.
    pub async fn login_kubernetes(&self, role: &str, jwt: &str) -> Result<String, E2eError> {
        self.login(
            "kubernetes",
            &serde_json::json!({ "role": role, "jwt": jwt }),
        )
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{}", self.addr, path.trim_start_matches('/'))
    }

    async fn send(path: &str, request: reqwest::RequestBuilder) -> Result<Value, E2eError> {
        let response = request.send().await?;
        let status = response.status();
        let body = response.text().await?;
        if !status.is_success() {
            return Err(E2eError::OpenBao {
                path: path.to_string(),
                status: status.as_u16(),
                body,
            });
        }
        if body.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&body).map_err(|e| E2eError::OpenBao {
            path: path.to_string(),
            status: status.as_u16(),
            body: format!("invalid JSON: {e}"),
        })
    }
}
