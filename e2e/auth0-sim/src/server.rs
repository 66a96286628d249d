//! The HTTP server: `/oauth/token`, `/api/v2/*` (read endpoints), `/__sim/stats`,
//! `/__sim/faults`; a middleware applies latency, the rate limiter (headers on every response,
//! 429s), injected 5xx (random, or every request after a count set at run time) and dropped
//! connections, and counts every request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::auth::{ClientConfig, IssuedToken, issue, parse_form, token_params, validate};
use crate::errors::ApiError;
use crate::faults::{FaultState, RuntimeFaults};
use crate::limiter::{Bucket, Verdict};
use crate::paging::Query;
use crate::routes;
use crate::stats::Stats;
use crate::store::Tenant;

/// Fault injection settings.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Share of API requests answered with a 5xx (0.0..=1.0).
    pub error_rate: f64,
    /// Share of API requests whose connection is dropped mid-response.
    pub drop_rate: f64,
    /// Added latency per request.
    pub latency: Duration,
    /// Seed of the fault dice.
    pub seed: u64,
}

/// Everything the server needs.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub tenants: Vec<Tenant>,
    pub client: ClientConfig,
    /// Sustained requests per second of the Management API bucket.
    pub rps: f64,
    /// Bucket size.
    pub burst: u64,
    pub faults: Faults,
}

struct Sim {
    cfg: SimConfig,
    tokens: Mutex<HashMap<String, IssuedToken>>,
    buckets: Mutex<Vec<Bucket>>,
    stats: Mutex<Stats>,
    dice: Mutex<StdRng>,
    runtime_faults: Mutex<FaultState>,
}

type Shared = Arc<Sim>;

/// A running emulator.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Resolves when the server stops.
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Builds the router for `cfg`.
pub fn router(cfg: SimConfig) -> Router {
    let buckets = cfg
        .tenants
        .iter()
        .map(|_| Bucket::new(cfg.rps, cfg.burst))
        .collect::<Vec<_>>();
    let buckets = if buckets.is_empty() {
        vec![Bucket::new(cfg.rps, cfg.burst)]
    } else {
        buckets
    };
    let sim = Arc::new(Sim {
        dice: Mutex::new(StdRng::seed_from_u64(cfg.faults.seed)),
        cfg,
        tokens: Mutex::new(HashMap::new()),
        buckets: Mutex::new(buckets),
        stats: Mutex::new(Stats::default()),
        runtime_faults: Mutex::new(FaultState::default()),
    });
    Router::new()
        .route("/oauth/token", post(token))
        .route("/api/v2/{*path}", any(api))
        .route("/__sim/stats", get(stats))
        .route("/__sim/stats/reset", post(reset_stats))
        .route(
            "/__sim/faults",
            get(show_faults).post(set_faults).delete(clear_faults),
        )
        .fallback(|| async { ApiError::not_found("Not Found", None) })
        .layer(middleware::from_fn_with_state(sim.clone(), guard))
        .with_state(sim)
}

/// Binds `addr` and serves `cfg` in the background.
pub async fn spawn(cfg: SimConfig, addr: SocketAddr) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = router(cfg);
    let handle = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Running { addr, handle })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn token(State(sim): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let params = token_params(&body, is_json);
    match issue(&params, &sim.cfg.client, &sim.cfg.tenants) {
        Ok((token, issued, body)) => {
            lock(&sim.tokens).insert(token, issued);
            lock(&sim.stats).tokens_issued += 1;
            axum::Json(body).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn api(
    State(sim): State<Shared>,
    method: Method,
    headers: HeaderMap,
    req: Request,
) -> Response {
    if method != Method::GET {
        return ApiError::not_found("Not Found (auth0-sim serves read endpoints only)", None)
            .into_response();
    }
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let issued = {
        let tokens = lock(&sim.tokens);
        match validate(auth, &tokens) {
            Ok(t) => t.clone(),
            Err(e) => return e.into_response(),
        }
    };
    let path = req.uri().path().trim_start_matches("/api/v2/").to_string();
    let segs_owned: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse_form(s)
                .first()
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        })
        .collect();
    let segs: Vec<&str> = segs_owned.iter().map(String::as_str).collect();
    let query = Query(parse_form(req.uri().query().unwrap_or("")));
    let Some(tenant) = sim.cfg.tenants.get(issued.tenant) else {
        return ApiError::unauthorized("Invalid token").into_response();
    };
    match routes::get(tenant, &issued.scopes, &segs, &query).1 {
        Ok(body) => axum::Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn stats(State(sim): State<Shared>) -> Response {
    axum::Json(json!(lock(&sim.stats).clone())).into_response()
}

async fn reset_stats(State(sim): State<Shared>) -> Response {
    *lock(&sim.stats) = Stats::default();
    StatusCode::NO_CONTENT.into_response()
}

async fn show_faults(State(sim): State<Shared>) -> Response {
    axum::Json(json!(lock(&sim.runtime_faults).clone())).into_response()
}

async fn set_faults(State(sim): State<Shared>, body: Bytes) -> Response {
    let settings = match serde_json::from_slice::<RuntimeFaults>(&body)
        .map_err(|e| e.to_string())
        .and_then(|f| f.validate().map(|()| f))
    {
        Ok(settings) => settings,
        Err(message) => {
            return ApiError::bad_request(&message, "invalid_body").into_response();
        }
    };
    lock(&sim.runtime_faults).set(settings);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(sim): State<Shared>) -> Response {
    lock(&sim.runtime_faults).set(RuntimeFaults::default());
    StatusCode::NO_CONTENT.into_response()
}

fn bucket_index(sim: &Sim, headers: &HeaderMap) -> usize {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    if let Some(t) = token.and_then(|t| lock(&sim.tokens).get(t).map(|i| i.tenant)) {
        return t;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    sim.cfg
        .tenants
        .iter()
        .position(|t| t.domain == host)
        .unwrap_or(0)
}

fn set_rate_headers(headers: &mut HeaderMap, v: &Verdict) {
    for (name, value) in [
        ("x-ratelimit-limit", v.limit),
        ("x-ratelimit-remaining", v.remaining),
        ("x-ratelimit-reset", v.reset),
    ] {
        if let Ok(h) = HeaderValue::from_str(&value.to_string()) {
            headers.insert(name, h);
        }
    }
}

fn query_of(uri: &axum::http::Uri) -> String {
    format!("{}?{}", uri.path(), uri.query().unwrap_or(""))
}

/// A body that fails after a few bytes: the client sees the connection drop mid-response.
fn dropped_body() -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"clients\":[")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "auth0-sim: dropped connection",
        )),
    ];
    Body::from_stream(futures::stream::iter(chunks))
}

async fn guard(State(sim): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let uri = req.uri().clone();
    if path.starts_with("/__sim/") {
        return next.run(req).await;
    }
    let endpoint = match path.strip_prefix("/api/v2/") {
        Some(rest) => {
            let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            format!("{} {}", req.method(), routes::template(&segs))
        }
        None => format!("{} {path}", req.method()),
    };
    let is_api = path.starts_with("/api/v2/");
    let (latency, forced) = {
        let mut runtime = lock(&sim.runtime_faults);
        let forced = if is_api {
            runtime.on_api_request()
        } else {
            None
        };
        (sim.cfg.faults.latency + runtime.latency(), forced)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let idx = bucket_index(&sim, req.headers());
    let verdict = {
        let mut buckets = lock(&sim.buckets);
        match buckets.get_mut(idx) {
            Some(b) => b.check(Instant::now(), is_api),
            None => Verdict {
                allowed: true,
                limit: sim.cfg.burst,
                remaining: sim.cfg.burst,
                reset: 0,
                retry_after: 0,
            },
        }
    };
    let (error_roll, drop_roll) = {
        let mut dice = lock(&sim.dice);
        (dice.random::<f64>(), dice.random::<f64>())
    };
    let mut response = if let Some(status) = forced {
        lock(&sim.stats).injected_errors += 1;
        ApiError::server_error(status).into_response()
    } else if !verdict.allowed {
        let mut r = ApiError::too_many_requests().into_response();
        if let Ok(h) = HeaderValue::from_str(&verdict.retry_after.max(1).to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, h);
        }
        r
    } else if is_api && error_roll < sim.cfg.faults.error_rate {
        lock(&sim.stats).injected_errors += 1;
        let status = if error_roll < sim.cfg.faults.error_rate / 2.0 {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        ApiError::server_error(status).into_response()
    } else if is_api && drop_roll < sim.cfg.faults.drop_rate {
        lock(&sim.stats).dropped += 1;
        let mut r = Response::new(dropped_body());
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        r
    } else {
        next.run(req).await
    };
    set_rate_headers(response.headers_mut(), &verdict);
    if std::env::var_os("AUTH0_SIM_TRACE").is_some() {
        eprintln!(
            "auth0-sim: {} {} -> {}",
            endpoint,
            query_of(&uri),
            response.status().as_u16()
        );
    }
    lock(&sim.stats).record(&endpoint, response.status().as_u16());
    response
}
