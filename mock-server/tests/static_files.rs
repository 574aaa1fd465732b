//! The console is served under /app/ with SPA fallback and cache headers; /api never falls back.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::{redirect::Policy, StatusCode};

const HASHED: &str = "proxy-console-0123456789abcdef_bg.wasm";

async fn serving() -> (Api, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>console</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join(HASHED), b"\0asm").unwrap();
    std::fs::write(dir.path().join("robots.txt"), "plain").unwrap();
    let mut api = start_with(mock_server::Config {
        static_dir: Some(dir.path().into()),
        ..config(Seed::None)
    })
    .await;
    api.http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    (api, dir)
}

#[tokio::test]
async fn index_and_client_routes_get_index_html_uncached() {
    let (api, _dir) = serving().await;
    for path in [
        "/app/",
        "/app/Spaces-1/infrastructure/proxies",
        "/app/Spaces-1/infrastructure/proxies/Proxies-3",
    ] {
        let r = api.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.text.contains("<title>console</title>"), "{path}");
        assert_eq!(r.headers["cache-control"], "no-cache", "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_long_and_missing_files_404() {
    let (api, _dir) = serving().await;
    let r = api.get(&format!("/app/{HASHED}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(r.headers["content-type"], "application/wasm");
    assert_eq!(
        api.get("/app/robots.txt").await.headers["cache-control"],
        "no-cache"
    );
    assert_eq!(
        api.get("/app/proxy-console-ffffffffffffffff.js")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn root_and_bare_app_redirect_to_the_console() {
    let (api, _dir) = serving().await;
    for path in ["/", "/app"] {
        let r = api.get(path).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers["location"], "/app/");
    }
}

#[tokio::test]
async fn api_paths_never_fall_back_to_the_console() {
    let (api, _dir) = serving().await;
    let r = api.get("/api/no/such/route").await;
    assert_error(&r, StatusCode::NOT_FOUND);
    assert!(!r.text.contains("<title>"));
}

#[tokio::test]
async fn without_static_dir_the_console_route_says_how_to_serve_it() {
    let api = start().await;
    let r = api.get("/app/").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("--static"));
}
