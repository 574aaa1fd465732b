//! Cross-cutting request handling: method override, API key, JSON error bodies, request log.

use std::time::Instant;

use api_model::ErrorBody;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::ApiError;
use crate::state::AppState;

pub const API_KEY_HEADER: &str = "x-octopus-apikey";

/// Octopus.Client sends PUT and DELETE as POST with `X-HTTP-Method-Override`; act as that method.
/// Runs before routing (it wraps the router), so the route for the real method is chosen.
pub fn method_override(mut req: Request) -> Request {
    if req.method() == Method::POST {
        let wanted = req
            .headers()
            .get("x-http-method-override")
            .and_then(|v| v.to_str().ok());
        match wanted.map(|m| m.trim().to_ascii_uppercase()).as_deref() {
            Some("PUT") => *req.method_mut() = Method::PUT,
            Some("DELETE") => *req.method_mut() = Method::DELETE,
            _ => {}
        }
    }
    req
}

/// With `--api-key`, every `/api` request but `GET /api` needs the key in the
/// `X-Octopus-ApiKey` header or the `apikey` query parameter (any case).
pub async fn require_api_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(expected) = state.api_key.as_deref() else {
        return next.run(req).await;
    };
    let is_root = req.method() == Method::GET && matches!(req.uri().path(), "/api" | "/api/");
    let from_header = req
        .headers()
        .get(API_KEY_HEADER)
        .and_then(|v| v.to_str().ok());
    let from_query = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k.eq_ignore_ascii_case("apikey"))
            .map(|(_, v)| v.into_owned())
    });
    let given = from_header.map(str::to_owned).or(from_query);
    if is_root || req.method() == Method::OPTIONS || given.as_deref() == Some(expected) {
        next.run(req).await
    } else {
        ApiError::unauthorized().into_response()
    }
}

/// Every `/api` error carries the Octopus error body, including the ones axum makes itself
/// (405 method not allowed, 413 too large).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.is_success() || status.is_redirection() || is_json {
        return res;
    }
    let message = match status.as_u16() {
        405 => "This method is not supported on this resource.".to_owned(),
        413 => "The request body is too large: the limit is 64 KiB.".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("The request failed.")
            .to_owned(),
    };
    let mut replaced = (status, Json(ErrorBody::new(message))).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        replaced.headers_mut().insert(header::ALLOW, allow.clone());
    }
    replaced
}

/// One line per request. The query string is left out: it may hold an API key.
pub async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    tracing::info!(
        "{method} {path} {} {:.1}ms",
        res.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    res
}

pub fn header_value(s: &'static str) -> HeaderValue {
    HeaderValue::from_static(s)
}
