//! The paced Management API client: bearer token (fetched and renewed through
//! [`super::token`]), rate-limit headers read on every response, 429s waited out, 5xx,
//! timeouts and dropped connections retried with capped backoff, a client-side `--max-rps` and
//! a run deadline. Counts requests and 429s for the run summary.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::Value;

use super::error::{LiveError, Result};
use super::pacing::{Pacer, RateHeaders, backoff, wait_after_429};
use super::token::{Credentials, Endpoints, Token, decode_token};

/// Tuning of the client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Client-side cap on requests per second.
    pub max_rps: Option<f64>,
    /// Give up when the run takes longer than this.
    pub deadline: Option<Duration>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Scopes to ask for (empty: whatever the grant gives).
    pub request_scopes: Vec<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_rps: None,
            deadline: None,
            timeout: Duration::from_secs(30),
            request_scopes: Vec::new(),
        }
    }
}

/// Request counters of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Management API requests sent (retries included).
    pub requests: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Retries after 5xx, timeouts and dropped connections.
    pub retries: u64,
    /// Token requests.
    pub token_requests: u64,
}

/// Attempts for 5xx / network failures before giving up.
const MAX_FAULT_RETRIES: u32 = 6;
/// 429s tolerated for one request before giving up.
const MAX_429_RETRIES: u32 = 20;

fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

fn header_u64(h: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// A Management API client for one tenant.
pub struct ApiClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    creds: Credentials,
    opts: ClientOptions,
    token: Option<Token>,
    pacer: Pacer,
    started: Instant,
    pub counters: Counters,
}

impl ApiClient {
    /// A client; no request is made yet.
    pub fn new(endpoints: Endpoints, creds: Credentials, opts: ClientOptions) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .user_agent(concat!("authpath/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LiveError::Network {
                what: "building the HTTP client".into(),
                attempts: 0,
                message: e.to_string(),
            })?;
        Ok(ApiClient {
            http,
            pacer: Pacer::new(opts.max_rps),
            endpoints,
            creds,
            opts,
            token: None,
            started: Instant::now(),
            counters: Counters::default(),
        })
    }

    /// The tenant's endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The client id the reader authenticates with.
    pub fn client_id(&self) -> &str {
        &self.creds.client_id
    }

    fn check_deadline(&self, what: &str) -> Result<()> {
        match self.opts.deadline {
            Some(d) if self.started.elapsed() > d => Err(LiveError::Deadline {
                seconds: d.as_secs(),
                what: what.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// The current token, fetched or renewed when needed.
    pub async fn token(&mut self) -> Result<&Token> {
        let fresh = self
            .token
            .as_ref()
            .is_some_and(|t| Instant::now() < t.refresh_at);
        if !fresh {
            let mut form = vec![
                ("grant_type", "client_credentials".to_string()),
                ("client_id", self.creds.client_id.clone()),
                ("client_secret", self.creds.client_secret.clone()),
                ("audience", self.endpoints.audience.clone()),
            ];
            if !self.opts.request_scopes.is_empty() {
                form.push(("scope", self.opts.request_scopes.join(" ")));
            }
            let url = self.endpoints.token_url.clone();
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter())
                .finish();
            let mut attempt = 0;
            let (status, body) = loop {
                self.counters.token_requests += 1;
                let request = self
                    .http
                    .post(url.clone())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body.clone());
                match request.send().await {
                    Ok(r) if r.status().is_server_error() && attempt < MAX_FAULT_RETRIES => {}
                    Ok(r) => {
                        let status = r.status().as_u16();
                        match r.text().await {
                            Ok(body) => break (status, body),
                            Err(_) if attempt < MAX_FAULT_RETRIES => {}
                            Err(e) => return Err(network("token request", attempt, &e)),
                        }
                    }
                    Err(_) if attempt < MAX_FAULT_RETRIES => {}
                    Err(e) => return Err(network("token request", attempt, &e)),
                }
                attempt += 1;
                tokio::time::sleep(backoff(attempt, rand::random())).await;
            };
            self.token = Some(decode_token(status, &body, url.as_str(), Instant::now())?);
        }
        self.token.as_ref().ok_or_else(|| LiveError::Token {
            url: self.endpoints.token_url.to_string(),
            status: 0,
            error: "no token".into(),
        })
    }

    /// `GET /api/v2/{path}` (path may carry a query). 2xx bodies are returned as JSON; other
    /// statuses become [`LiveError::Http`] after the retries the status allows.
    pub async fn get(&mut self, path: &str) -> Result<Value> {
        let url = self
            .endpoints
            .api_root
            .join(path)
            .map_err(|e| LiveError::BadBase {
                url: path.to_string(),
                reason: e.to_string(),
            })?;
        let (mut faults, mut limited, mut renewed) = (0u32, 0u32, false);
        loop {
            self.check_deadline(path)?;
            let wait = self.pacer.wait_before_next(epoch_now());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let bearer = self.token().await?.value.clone();
            self.pacer.sent(epoch_now());
            self.counters.requests += 1;
            let sent = self.http.get(url.clone()).bearer_auth(bearer).send().await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    self.retry_fault(&mut faults, |n| network(path, n, &e))
                        .await?;
                    continue;
                }
            };
            let h = response.headers();
            let rate = RateHeaders {
                limit: header_u64(h, "x-ratelimit-limit"),
                remaining: header_u64(h, "x-ratelimit-remaining"),
                reset: header_u64(h, "x-ratelimit-reset"),
            };
            let retry_after = header_u64(h, "retry-after");
            self.pacer.observe(rate, epoch_now());
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                self.counters.rate_limited += 1;
                limited += 1;
                if limited > MAX_429_RETRIES {
                    return Err(http_error(path, status, "rate limited too often"));
                }
                tokio::time::sleep(wait_after_429(
                    retry_after,
                    rate.reset,
                    epoch_now(),
                    rand::random(),
                ))
                .await;
                continue;
            }
            let body = response.text().await;
            let body = match body {
                Ok(b) => b,
                Err(e) => {
                    self.retry_fault(&mut faults, |n| network(path, n, &e))
                        .await?;
                    continue;
                }
            };
            if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
                self.retry_fault(&mut faults, |_| {
                    http_error(path, status, &message_of(&body))
                })
                .await?;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED && !renewed {
                renewed = true;
                self.token = None;
                continue;
            }
            if !status.is_success() {
                return Err(http_error(path, status, &message_of(&body)));
            }
            return serde_json::from_str(&body).map_err(|e| LiveError::Shape {
                path: path.to_string(),
                reason: format!("not JSON: {e}"),
            });
        }
    }

    /// Counts one transient fault (network error, 5xx, 408): past [`MAX_FAULT_RETRIES`] the
    /// error `give_up` builds from the attempt count, otherwise a backoff wait before the retry.
    async fn retry_fault(
        &mut self,
        faults: &mut u32,
        give_up: impl FnOnce(u32) -> LiveError,
    ) -> Result<()> {
        *faults += 1;
        if *faults > MAX_FAULT_RETRIES {
            return Err(give_up(*faults));
        }
        self.counters.retries += 1;
        tokio::time::sleep(backoff(*faults, rand::random())).await;
        Ok(())
    }
}

fn network(what: &str, attempts: u32, e: &reqwest::Error) -> LiveError {
    LiveError::Network {
        what: what.to_string(),
        attempts,
        message: e.to_string(),
    }
}

fn http_error(path: &str, status: StatusCode, message: &str) -> LiveError {
    LiveError::Http {
        path: path.to_string(),
        status: status.as_u16(),
        message: message.to_string(),
    }
}

/// The `message` (and `errorCode`) of a Management API error body.
fn message_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let msg = v.get("message").and_then(Value::as_str).unwrap_or("");
    match v.get("errorCode").and_then(Value::as_str) {
        Some(code) => format!("{msg} ({code})"),
        None if msg.is_empty() => format!("{} bytes", body.len()),
        None => msg.to_string(),
    }
}
