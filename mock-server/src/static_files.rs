//! The built console under `/app/`, as the real server serves its portal: files from `--static DIR`,
//! client-side routes falling back to `index.html`, hashed assets cached for a year and
//! `index.html` never cached. Each file goes out as its `.br` or `.gz` twin when the browser takes
//! that encoding and the build wrote one (the precompress tool): compressed once, not per request.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;
use crate::middleware::header_value;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/app/") }))
        .route("/app", get(|| async { Redirect::permanent("/app/") }))
        .route("/app/", get(serve))
        .route("/app/{*path}", get(serve))
}

async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let Some(dir) = state.static_dir.clone() else {
        return ApiError::not_found(
            "The console is not served here: start mock-server with --static DIR (the trunk build output).",
        )
        .into_response();
    };
    let path = req
        .uri()
        .path()
        .strip_prefix("/app")
        .unwrap_or("/")
        .to_owned();
    let (mut parts, body) = req.into_parts();
    parts.uri = Uri::builder()
        .path_and_query(path.as_str())
        .build()
        .unwrap_or_default();
    let file_req = Request::from_parts(parts.clone(), body);
    let mut res = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(file_req)
        .await
        .map(|r| r.map(Body::new))
        .into_response();
    if res.status() == StatusCode::NOT_FOUND && is_client_route(&path) {
        let index_req = Request::from_parts(parts, Body::empty());
        res = ServeFile::new(dir.join("index.html"))
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(index_req)
            .await
            .map(|r| r.map(Body::new))
            .into_response();
    }
    if res.status().is_success() {
        let policy = cache_control(&path, &res);
        res.headers_mut()
            .insert(header::CACHE_CONTROL, header_value(policy));
        // The same address answers differently by Accept-Encoding: caches must keep them apart.
        res.headers_mut()
            .insert(header::VARY, header_value("Accept-Encoding"));
    }
    res
}

/// A path without a file extension is one of the console's own routes; a missing file is a 404.
fn is_client_route(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or_default().contains('.')
}

fn cache_control(path: &str, res: &Response) -> &'static str {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !is_html && is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// trunk names assets `name-<hex hash>.ext` (and `name-<hash>_bg.wasm`).
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_trunk_hashed_names() {
        assert!(is_hashed("/proxy-console-3f2a9c1d0b4e5f61.js"));
        assert!(is_hashed("/proxy-console-3f2a9c1d0b4e5f61_bg.wasm"));
        assert!(is_hashed("/main-0123abcd.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/proxy-console.js"));
    }

    #[test]
    fn only_extensionless_paths_fall_back() {
        assert!(is_client_route("/Spaces-1/infrastructure/proxies"));
        assert!(!is_client_route("/missing-1234.js"));
    }
}
