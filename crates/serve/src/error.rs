//! JSON errors: every failure the API returns is `{"error": "..."}` with a 4xx/5xx status.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// An error with its HTTP status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!("{message}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
    }
}

impl<E: Into<anyhow::Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::internal(format!("{:#}", e.into()))
    }
}

pub fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, &self.message)
    }
}

/// Turns every error response that is not JSON yet (extractor rejections, 413 from the body
/// limit, 408 from the timeout, 405...) into `{"error": "..."}`.
pub async fn jsonify_errors(req: Request<Body>, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match (status, text.is_empty()) {
        (StatusCode::PAYLOAD_TOO_LARGE, _) => {
            "request body too large (see --body-limit)".to_string()
        }
        (StatusCode::REQUEST_TIMEOUT, _) => "request timed out".to_string(),
        (_, false) => text,
        (_, true) => status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .to_string(),
    };
    let mut out = json_error(status, &message);
    for (k, v) in parts.headers.iter() {
        if k == header::ALLOW || k == header::WWW_AUTHENTICATE {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}
