//! The HTTP front: `POST /` (and `/logs`) ingest batches behind the token check and the body
//! limit; `GET /healthz`, `/readyz` and `/metrics` are open. Status codes: 200 accepted (also for
//! an all-duplicate batch), 400 malformed (the body says what is wrong), 401 wrong token, 413 body
//! or batch too large, 503 queue full or shutting down (Auth0 retries).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::auth::Token;
use super::batch::parse_batch;
use super::metrics::Metrics;
use super::queue::{Admission, IngestQueue};

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    pub queue: Arc<IngestQueue>,
    pub token: Arc<Token>,
    pub metrics: Arc<Metrics>,
}

/// The receiver's routes.
pub fn router(state: AppState, body_limit: usize) -> Router {
    let ingest = Router::new()
        .route("/", post(ingest))
        .route("/logs", post(ingest))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(DefaultBodyLimit::max(body_limit));
    Router::new()
        .merge(ingest)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_responses,
        ))
        .with_state(state)
}

async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| state.token.matches(v));
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            "missing or wrong Authorization token\n",
        )
            .into_response();
    }
    next.run(req).await
}

async fn count_responses(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    state.metrics.response(resp.status().as_u16());
    resp
}

async fn ingest(State(state): State<AppState>, body: Bytes) -> Response {
    if state.queue.is_full() {
        return retry_later("queue full, retry later\n");
    }
    let events = match parse_batch(&body) {
        Ok(events) => events,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
    };
    let outcome = state.queue.admit(events);
    state.metrics.queue_depth.set(state.queue.depth() as i64);
    match outcome {
        Admission::Accepted {
            accepted,
            duplicates,
        } => {
            state.metrics.duplicates.inc_by(duplicates as u64);
            let body = serde_json::json!({"accepted": accepted, "duplicates": duplicates});
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Admission::Full => retry_later("queue full, retry later\n"),
        Admission::Closed => retry_later("shutting down, retry later\n"),
        Admission::TooLarge { events, capacity } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("batch of {events} new events exceeds the queue capacity of {capacity}\n"),
        )
            .into_response(),
    }
}

fn retry_later(msg: &'static str) -> Response {
    let mut resp = (StatusCode::SERVICE_UNAVAILABLE, msg).into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    resp
}

async fn ready(State(state): State<AppState>) -> Response {
    if state.queue.is_closed() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        (StatusCode::OK, "ready\n").into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    state.metrics.queue_depth.set(state.queue.depth() as i64);
    let mut resp = state.metrics.encode().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}
