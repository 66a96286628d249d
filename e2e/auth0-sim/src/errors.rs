//! Error responses in the Management API's shape (`statusCode`, `error`, `message`,
//! `errorCode`, and `attributes` on 401s) and the OAuth shape of the token endpoint.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answer of the emulated API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    fn mgmt(status: StatusCode, message: &str, code: Option<&str>) -> Self {
        let mut body = json!({
            "statusCode": status.as_u16(),
            "error": status.canonical_reason().unwrap_or(""),
            "message": message,
        });
        if let (Some(code), Some(m)) = (code, body.as_object_mut()) {
            m.insert("errorCode".into(), json!(code));
        }
        ApiError { status, body }
    }

    /// 400 with `errorCode`.
    pub fn bad_request(message: &str, code: &str) -> Self {
        Self::mgmt(StatusCode::BAD_REQUEST, message, Some(code))
    }

    /// 400 for a bad query string.
    pub fn bad_query(message: &str) -> Self {
        Self::bad_request(message, "invalid_query_string")
    }

    /// 401 with `attributes.error`, as the API sends for bad or expired tokens.
    pub fn unauthorized(message: &str) -> Self {
        let mut e = Self::mgmt(StatusCode::UNAUTHORIZED, message, None);
        if let Some(m) = e.body.as_object_mut() {
            m.insert("attributes".into(), json!({"error": message}));
        }
        e
    }

    /// 403 `insufficient_scope`, naming the scopes in the API's comma-separated form.
    pub fn insufficient_scope(all_of: bool, scopes: &[&str]) -> Self {
        let how = if all_of { "all of" } else { "any of" };
        Self::mgmt(
            StatusCode::FORBIDDEN,
            &format!("Insufficient scope, expected {how}: {}", scopes.join(",")),
            Some("insufficient_scope"),
        )
    }

    /// 404 with an optional `errorCode`.
    pub fn not_found(message: &str, code: Option<&str>) -> Self {
        Self::mgmt(StatusCode::NOT_FOUND, message, code)
    }

    /// 429 `too_many_requests`.
    pub fn too_many_requests() -> Self {
        Self::mgmt(
            StatusCode::TOO_MANY_REQUESTS,
            "Global limit has been reached",
            Some("too_many_requests"),
        )
    }

    /// A 5xx injected as a fault.
    pub fn server_error(status: StatusCode) -> Self {
        Self::mgmt(
            status,
            "Internal error (injected by auth0-sim)",
            Some("server_error"),
        )
    }

    /// An OAuth-style error of `/oauth/token`.
    pub fn oauth(status: StatusCode, error: &str, description: &str) -> Self {
        ApiError {
            status,
            body: json!({"error": error, "error_description": description}),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_the_reference() {
        let e = ApiError::insufficient_scope(true, &["read:users", "read:roles"]);
        assert_eq!(e.status, StatusCode::FORBIDDEN);
        assert_eq!(
            e.body["message"],
            "Insufficient scope, expected all of: read:users,read:roles"
        );
        assert_eq!(e.body["errorCode"], "insufficient_scope");
        let u = ApiError::unauthorized("Invalid token");
        assert_eq!(u.body["attributes"]["error"], "Invalid token");
        assert_eq!(u.body["statusCode"], 401);
        assert!(
            ApiError::not_found("The role does not exist.", None)
                .body
                .get("errorCode")
                .is_none()
        );
        assert_eq!(
            ApiError::too_many_requests().body["error"],
            "Too Many Requests"
        );
    }
}
