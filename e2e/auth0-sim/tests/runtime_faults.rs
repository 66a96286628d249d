//! `/__sim/faults` over HTTP: API requests pass until the count set at run time, then fail with
//! the chosen 5xx; the endpoint reports what it counted and clears on `DELETE`; bad settings are
//! refused with a 400.

use std::collections::BTreeSet;
use std::time::Duration;

use auth0_sim::auth::ClientConfig;
use auth0_sim::{Faults, SimConfig, router};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tower::ServiceExt;

fn app() -> axum::Router {
    router(SimConfig {
        tenants: Vec::new(),
        client: ClientConfig {
            client_id: "id".into(),
            client_secret: "secret".into(),
            scopes: BTreeSet::new(),
            lifetime: Duration::from_secs(60),
        },
        rps: 1000.0,
        burst: 1000,
        faults: Faults::default(),
    })
}

async fn call(app: &axum::Router, method: Method, path: &str, body: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn api_requests_fail_after_the_count_until_cleared() {
    let app = app();
    // Without a token an API request is a 401: it passed the fault layer.
    assert_eq!(
        call(&app, Method::GET, "/api/v2/clients", "").await.0,
        StatusCode::UNAUTHORIZED
    );
    let set = r#"{"failAfter": 1, "status": 502}"#;
    assert_eq!(
        call(&app, Method::POST, "/__sim/faults", set).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::GET, "/api/v2/clients", "").await.0,
        StatusCode::UNAUTHORIZED
    );
    for _ in 0..2 {
        let (status, body) = call(&app, Method::GET, "/api/v2/roles", "").await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert!(body.contains("injected by auth0-sim"), "{body}");
    }
    let (status, shown) = call(&app, Method::GET, "/__sim/faults", "").await;
    assert_eq!(status, StatusCode::OK);
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(shown["apiRequests"], 3);
    assert_eq!(shown["settings"]["failAfter"], 1);
    let (_, stats) = call(&app, Method::GET, "/__sim/stats", "").await;
    let stats: serde_json::Value = serde_json::from_str(&stats).expect("json");
    assert_eq!(stats["injected_errors"], 2);

    assert_eq!(
        call(&app, Method::DELETE, "/__sim/faults", "").await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::GET, "/api/v2/clients", "").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bad_fault_settings_are_refused() {
    let app = app();
    for body in [
        r#"{"status": 404, "failAfter": 0}"#,
        r#"{"failAfterr": 1}"#,
        "not json",
    ] {
        let (status, text) = call(&app, Method::POST, "/__sim/faults", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
    }
    assert_eq!(
        call(&app, Method::GET, "/api/v2/clients", "").await.0,
        StatusCode::UNAUTHORIZED
    );
}
