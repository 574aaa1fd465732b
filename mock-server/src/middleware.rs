//! Cross-cutting request handling: method override, who is calling (the API key), JSON error bodies, closing a
//! connection whose request body was left unread, security headers, request log.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use api_model::ErrorBody;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body::{Frame, SizeHint};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::access::{self, Caller};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ApiMode;

pub const API_KEY_HEADER: &str = "x-octopus-apikey";

/// The API key, kept as a digest and compared in constant time: how long a wrong key took to
/// refuse says nothing about how much of it was right, nor how long the real one is.
#[derive(Clone)]
pub struct ApiKey([u8; 32]);

impl ApiKey {
    pub fn new(key: &str) -> Self {
        Self(Sha256::digest(key.as_bytes()).into())
    }

    fn matches(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        self.0.ct_eq(&given).into()
    }
}

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

/// The method whose rule a request follows: HEAD stands for GET, and OPTIONS (a CORS preflight)
/// for the method it asks about, GET when it names none.
fn stands_for(req: &Request) -> Method {
    match *req.method() {
        Method::HEAD => Method::GET,
        Method::OPTIONS => req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|v| Method::from_bytes(v.as_bytes()).ok())
            .unwrap_or(Method::GET),
        ref m => m.clone(),
    }
}

/// Who is calling, for every `/api` request but `GET /api` (and its HEAD and OPTIONS), put in
/// the request for the routes to check ([`Caller`]). The key comes in the `X-Octopus-ApiKey`
/// header or the `apikey` query parameter (any case): the `--api-key` key is the administrator's,
/// any other is looked up among the users' keys. Without a key, the caller is the administrator
/// while no key exists at all (the plain demo), and refused with 401 once one does.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_root = stands_for(&req) == Method::GET && matches!(req.uri().path(), "/api" | "/api/");
    if is_root {
        return next.run(req).await;
    }
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
    let server_key = state.api_key.clone();
    let caller = match given {
        Some(key) if server_key.as_ref().is_some_and(|k| k.matches(&key)) => {
            Ok(Some(Caller::administrator()))
        }
        Some(key) => state.db.read(move |c| access::caller_by_key(c, &key)).await,
        None if server_key.is_some() => Ok(None),
        None => {
            state
                .db
                .read(|c| Ok((!access::any_key(c)?).then(Caller::administrator)))
                .await
        }
    };
    match caller {
        Ok(Some(caller)) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Ok(None) => ApiError::unauthorized().into_response(),
        Err(e) => e.into_response(),
    }
}

/// In the Octopus mode there is no optimistic concurrency: `If-Match` is not read and no `ETag`
/// is sent. (The extension routes are not routed, `routes::api`; `proxyIds` is not read,
/// `routes::machines`.)
pub async fn no_etags_in_octopus_mode(
    State(api): State<ApiMode>,
    mut req: Request,
    next: Next,
) -> Response {
    if api != ApiMode::Octopus {
        return next.run(req).await;
    }
    req.headers_mut().remove(header::IF_MATCH);
    let mut res = next.run(req).await;
    res.headers_mut().remove(header::ETAG);
    res
}

/// Every error carries the Octopus error body, including the ones axum and tower-http make
/// themselves (404, 405, 413, …), which come without one.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.is_success() || status.is_redirection() || status.is_informational() || is_json {
        return res;
    }
    let message = match status.as_u16() {
        404 => "The resource you requested was not found.".to_owned(),
        405 => "This method is not supported on this resource.".to_owned(),
        408 => "The request took too long: its body did not arrive, or its answer was not ready, \
                within the server's request timeout."
            .to_owned(),
        413 => return ApiError::too_large().into_response(),
        _ => format!(
            "{} {}.",
            status.as_u16(),
            status.canonical_reason().unwrap_or("The request failed")
        ),
    };
    let mut replaced = (status, Json(ErrorBody::new(message))).into_response();
    for name in [header::ALLOW, header::CONNECTION] {
        if let Some(value) = res.headers().get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

/// When a request's body was not read to its end (a 405, 413 or 415 answered before reading),
/// the rest of it is still on the connection: say `Connection: close` and close it, rather than
/// drop a keep-alive connection the client believes it can use again.
pub async fn close_if_body_unread(req: Request, next: Next) -> Response {
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|len| len.trim() != "0");
    if !has_body {
        return next.run(req).await;
    }
    let read_to_end = Arc::new(AtomicBool::new(false));
    let req = req.map(|inner| {
        Body::new(Watched {
            inner,
            read_to_end: read_to_end.clone(),
        })
    });
    let mut res = next.run(req).await;
    if !read_to_end.load(Ordering::Acquire) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// A request body that records whether it was read to its end.
struct Watched {
    inner: Body,
    read_to_end: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read_to_end.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The console runs under this policy without a violation: its own scripts and styles only,
/// WebAssembly compiled from its own files, no frames, no plugins, requests to its own origin.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Everything that is not a page (API answers, scripts, styles, the wasm, images) may load
/// nothing and be framed by nobody if opened on its own: a policy only governs documents, so
/// the console's longer one would buy nothing there (and cost ~250 bytes on every answer).
pub const NOT_A_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Security headers on everything served, API answers and console files alike.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let not_modified = res.status() == StatusCode::NOT_MODIFIED;
    let headers = res.headers_mut();
    let page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = match page {
        true => CONTENT_SECURITY_POLICY,
        false => NOT_A_PAGE_POLICY,
    };
    // A 304 has no body and no type, and its headers replace the cached answer's: it must not
    // carry a policy at all, or a revalidated page would get the not-a-page one (and no script).
    if !not_modified {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    res
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_matches_only_itself() {
        let key = ApiKey::new("API-SECRET");
        assert!(key.matches("API-SECRET"));
        assert!(!key.matches("API-SECRE"));
        assert!(!key.matches("API-SECRET "));
        assert!(!key.matches(""));
    }

    #[test]
    fn head_and_options_follow_the_method_they_stand_for() {
        let req = |m: Method, acrm: Option<&str>| {
            let mut b = Request::builder().method(m).uri("/api");
            if let Some(a) = acrm {
                b = b.header(header::ACCESS_CONTROL_REQUEST_METHOD, a);
            }
            b.body(Body::empty()).unwrap()
        };
        assert_eq!(stands_for(&req(Method::HEAD, None)), Method::GET);
        assert_eq!(stands_for(&req(Method::OPTIONS, None)), Method::GET);
        assert_eq!(
            stands_for(&req(Method::OPTIONS, Some("DELETE"))),
            Method::DELETE
        );
        assert_eq!(stands_for(&req(Method::PUT, None)), Method::PUT);
    }
}
