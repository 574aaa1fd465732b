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

/// A GET with this `Accept-Encoding` (none: no header), answered as bytes, undecoded.
async fn fetch_encoded(
    api: &Api,
    path: &str,
    accept: Option<&str>,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = api.http.get(format!("{}{path}", api.base));
    if let Some(accept) = accept {
        req = req.header("Accept-Encoding", accept);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    (res.headers().clone(), res.bytes().await.unwrap().to_vec())
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        Some("br") => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        Some("gzip") => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        None => return body.to_vec(),
        Some(other) => panic!("unexpected encoding {other}"),
    };
    out
}

#[tokio::test]
async fn the_console_goes_out_precompressed_by_accept_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let index = format!(
        "<!doctype html><title>console</title>{}",
        "<p>shell</p>".repeat(50)
    );
    let script = "console.log('the console glue');\n".repeat(400);
    std::fs::write(dir.path().join("index.html"), &index).unwrap();
    std::fs::write(dir.path().join("app-0123456789abcdef.js"), &script).unwrap();
    std::fs::write(dir.path().join("tiny.css"), "a{}").unwrap();
    // The build's own step: the precompress tool on the directory.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_precompress"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    for twin in [
        "index.html.br",
        "index.html.gz",
        "app-0123456789abcdef.js.br",
        "app-0123456789abcdef.js.gz",
    ] {
        assert!(dir.path().join(twin).exists(), "{twin} written");
    }
    assert!(
        !dir.path().join("tiny.css.br").exists(),
        "a tiny file is left as it is"
    );

    let api = start_with(mock_server::Config {
        static_dir: Some(dir.path().into()),
        ..config(Seed::None)
    })
    .await;
    for (path, original) in [
        ("/app/app-0123456789abcdef.js", script.as_bytes()),
        ("/app/", index.as_bytes()),
        ("/app/Spaces-1/infrastructure/proxies", index.as_bytes()),
    ] {
        for (accept, expected) in [
            (Some("gzip, deflate, br, zstd"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (Some("identity"), None),
            (None, None),
        ] {
            let (headers, body) = fetch_encoded(&api, path, accept).await;
            let encoding = headers.get("content-encoding").map(|v| v.to_str().unwrap());
            assert_eq!(encoding, expected, "{path} with {accept:?}");
            assert_eq!(decode(encoding, &body), original, "{path} with {accept:?}");
            assert!(
                body.len() < original.len() || expected.is_none(),
                "{path}: smaller"
            );
            let vary = headers
                .get("vary")
                .map(|v| v.to_str().unwrap().to_ascii_lowercase());
            assert!(
                vary.is_some_and(|v| v.contains("accept-encoding")),
                "{path}: Vary"
            );
        }
    }
}

#[tokio::test]
async fn api_answers_are_compressed_on_the_fly_unless_tiny() {
    let api = start_with(config(Seed::Demo)).await;
    let page = "/api/Spaces-1/machines?take=30";
    let (_, plain) = fetch_encoded(&api, page, None).await;
    assert!(plain.len() > mock_server::COMPRESS_ABOVE as usize);
    for (accept, expected) in [("br", "br"), ("gzip", "gzip")] {
        let (headers, body) = fetch_encoded(&api, page, Some(accept)).await;
        assert_eq!(headers["content-encoding"], expected);
        assert!(
            body.len() * 3 < plain.len(),
            "{accept}: {} of {}",
            body.len(),
            plain.len()
        );
        let decoded: serde_json::Value =
            serde_json::from_slice(&decode(Some(expected), &body)).unwrap();
        assert_eq!(
            decoded,
            serde_json::from_slice::<serde_json::Value>(&plain).unwrap()
        );
    }
    // So is the console's first small answer (the API root, under 1 KB).
    let (_, plain) = fetch_encoded(&api, "/api", None).await;
    let (headers, body) = fetch_encoded(&api, "/api", Some("br")).await;
    assert_eq!(headers["content-encoding"], "br");
    assert!(
        body.len() * 2 < plain.len(),
        "{} of {}",
        body.len(),
        plain.len()
    );
    // A tiny answer goes as it is.
    let (headers, body) = fetch_encoded(
        &api,
        "/api/Spaces-1/proxies/usage?ids=Proxies-1",
        Some("br, gzip"),
    )
    .await;
    assert!(body.len() < mock_server::COMPRESS_ABOVE as usize);
    assert!(headers.get("content-encoding").is_none());
}
