//! Hostile input: names that collide only in the database's eyes, searches and skips at the
//! limits, secrets sent in the wrong shape, parameters that must not travel into links, and the
//! answers the HTTP layer makes itself. Never a 500, always the Octopus error body.

mod common;

use std::time::Duration;

use common::*;
use mock_server::{Config, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn listening(name: &str) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["web"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web:10933/", "Thumbprint": "AB12"}})
}

/// Creates with `first`, then tries `second` by create and (where the kind has updates) by
/// renaming another item: the replies to those attempts.
async fn create_then_collide(api: &Api, path: &str, first: Value, second: Value) -> Vec<Reply> {
    let made = api.post(path, first).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let created = api.post(path, second.clone()).await;
    let mut replies = vec![created];
    if !path.ends_with("environments") {
        // Rename an existing, differently named item to the colliding name.
        let mut other = second.clone();
        other["Name"] = json!(format!("other {}", unique_suffix()));
        let other = api.post(path, other).await;
        assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
        let mut renamed = other.json();
        renamed["Name"] = second["Name"].clone();
        let self_link = renamed["Links"]["Self"].as_str().unwrap().to_owned();
        replies.push(api.put(&self_link, renamed).await);
    }
    replies
}

fn unique_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{n:x}")
}

/// For each kind with a unique name (proxies, environments, targets): its collection, a body
/// named `first` and one named `second`.
fn name_pairs(first: &str, second: &str) -> [(&'static str, Value, Value); 3] {
    let proxy = |name: &str| json!({"Name": name, "Host": "h.example.com"});
    let env = |name: &str| json!({"Name": name});
    [
        ("/api/Spaces-1/proxies", proxy(first), proxy(second)),
        ("/api/Spaces-1/environments", env(first), env(second)),
        (
            "/api/Spaces-1/machines",
            listening(first),
            listening(second),
        ),
    ]
}

#[tokio::test]
async fn names_with_a_nul_or_other_control_characters_are_a_clear_400_everywhere() {
    let api = start_with(config(Seed::Demo)).await;
    for (path, first, second) in name_pairs("x", "x\u{0}b") {
        for r in create_then_collide(&api, path, first, second).await {
            assert_error(&r, StatusCode::BAD_REQUEST);
            assert!(
                r.errors()
                    .iter()
                    .any(|e| e.starts_with("Name must not contain control characters")),
                "{path}: {}",
                r.text
            );
            assert!(!r.text.contains("UNIQUE") && !r.text.contains("constraint"));
        }
    }
}

#[tokio::test]
async fn names_equal_ignoring_unicode_case_are_one_name_for_every_kind() {
    let api = start_with(config(Seed::Demo)).await;
    for (path, first, second) in name_pairs("Ärger", " äRGER ") {
        for r in create_then_collide(&api, path, first, second).await {
            assert_error(&r, StatusCode::BAD_REQUEST);
            assert!(r.errors()[0].contains("already used"), "{path}: {}", r.text);
        }
    }
}

#[tokio::test]
async fn searches_longer_than_any_name_are_a_400_not_a_database_error() {
    let api = start_with(config(Seed::Demo)).await;
    let long = "%".repeat(50_000);
    for list in ["proxies", "machines", "environments", "accounts"] {
        for param in ["partialName", "name"] {
            let r = api
                .get(&format!("/api/Spaces-1/{list}?{param}={long}"))
                .await;
            assert_error(&r, StatusCode::BAD_REQUEST);
            assert!(r.message().contains("200 characters"), "{}", r.message());
        }
    }
    let r = api
        .get(&format!("/api/spaces?partialName={}", "a".repeat(201)))
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    // The longest a name can be is still a search.
    let r = api
        .get(&format!(
            "/api/Spaces-1/proxies?partialName={}",
            "a".repeat(200)
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn the_largest_skip_pages_past_the_end_without_a_negative_link() {
    let api = start_with(config(Seed::Demo)).await;
    for list in ["proxies", "machines", "environments"] {
        let r = api
            .get(&format!(
                "/api/Spaces-1/{list}?skip=9223372036854775807&take=2147483647"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let page = r.json();
        assert_eq!(page["Items"], json!([]));
        assert!(
            page["Links"].get("Page.Next").is_none(),
            "{}",
            page["Links"]
        );
        assert!(!r.text.contains("skip=-"), "{}", page["Links"]);
    }
}

#[tokio::test]
async fn a_password_in_the_wrong_shape_is_never_repeated_back() {
    let api = start().await;
    let secret = "hunter2-Zq9";
    let bodies = [
        json!({"Name": "n", "Host": "h", "Password": secret}),
        json!({"Name": "n", "Host": "h", "Password": {"NewValue": [secret]}}),
        json!({"Name": "n", "Host": "h", "Password": {"NewValue": {"v": secret}}}),
        json!({"Name": "n", "Host": "h", "Password": {"HasValue": secret}}),
        json!({"Name": "n", "Host": "h", "Port": secret}),
        json!({"Name": "n", "Host": "h", "ProxyType": [secret]}),
    ];
    let proxy = api.create_proxy("kept", "k.example.com").await;
    let item = proxy["Links"]["Self"].as_str().unwrap().to_owned();
    for body in bodies {
        for r in [
            api.post("/api/Spaces-1/proxies", body.clone()).await,
            api.put(&item, body.clone()).await,
        ] {
            assert_error(&r, StatusCode::BAD_REQUEST);
            assert!(!r.text.contains("hunter2"), "{body} -> {}", r.text);
        }
    }
    let machine =
        json!({"Name": "m", "EnvironmentIds": secret, "Endpoint": {"CommunicationStyle": secret}});
    let r = api.post("/api/Spaces-1/machines", machine).await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(!r.text.contains("hunter2"), "{}", r.text);
}

#[tokio::test]
async fn the_api_key_and_unknown_parameters_never_go_into_links() {
    let api = start_with(Config {
        api_key: Some("API-TOPSECRET".into()),
        ..config(Seed::Demo)
    })
    .await;
    for path in [
        "/api/Spaces-1/proxies?take=1&apikey=API-TOPSECRET&color=red",
        "/api/Spaces-1/machines?take=1&ApiKey=API-TOPSECRET&color=red&roles=web",
        "/api/Spaces-1/environments?take=1&apikey=API-TOPSECRET&color=red",
        "/api/spaces?take=1&apikey=API-TOPSECRET&color=red",
    ] {
        let r = api.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        let links = r.json()["Links"].to_string();
        assert!(!links.contains("TOPSECRET"), "{path}: {links}");
        assert!(!links.to_lowercase().contains("apikey"), "{path}: {links}");
        assert!(!links.contains("color"), "{path}: {links}");
        if path.contains("roles=web") {
            assert!(links.contains("roles=web"), "its own filter stays: {links}");
        }
    }
}

/// Sends raw bytes on a fresh connection and reads the whole answer (the server closes it or the
/// read times out).
async fn raw(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let (mut s, mut w) = TcpStream::connect(addr).await.unwrap().into_split();
    // Written alongside the reading: the server may answer and close before reading it all.
    let request = request.to_vec();
    let writer = tokio::spawn(async move {
        let _ = w.write_all(&request).await;
        w
    });
    let mut out = vec![];
    let mut buf = [0u8; 8192];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
        // One answer is all we want: stop at the end of its body.
        if let Some((head, body)) = String::from_utf8_lossy(&out).split_once("\r\n\r\n") {
            let len = head.to_ascii_lowercase().lines().find_map(|l| {
                l.strip_prefix("content-length: ")
                    .map(|n| n.trim().parse::<usize>().unwrap_or(0))
            });
            if len.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    writer.abort();
    String::from_utf8_lossy(&out).into_owned()
}

fn assert_json_error(answer: &str, status: u16) {
    let (head, body) = answer.split_once("\r\n\r\n").expect(answer);
    assert!(
        head.starts_with(&format!("HTTP/1.1 {status}")),
        "wanted {status}: {head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(!v["ErrorMessage"].as_str().unwrap().is_empty(), "{body}");
}

#[tokio::test]
async fn every_layer_answers_errors_with_the_json_body() {
    let api = start().await;
    // 414: 10,000 ids, a request line over what hyper reads.
    let ids: Vec<String> = (1..=10_000).map(|i| format!("Proxies-{i}")).collect();
    let long = format!(
        "GET /api/proxies?ids={} HTTP/1.1\r\nHost: x\r\n\r\n",
        ids.join(",")
    );
    let answer = raw(&api.base, long.as_bytes()).await;
    assert_json_error(&answer, 414);
    // 400 from hyper: not HTTP at all.
    assert_json_error(&raw(&api.base, b"HELLO THERE\r\n\r\n").await, 400);
    // 415: a body that is not JSON.
    let r = api
        .http
        .post(format!("{}/api/proxies", api.base))
        .header("Content-Type", "text/plain")
        .body("Name=n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    // 413 whatever the content type claims.
    for ct in ["application/json", "text/plain", "application/octet-stream"] {
        let r = api
            .http
            .post(format!("{}/api/proxies", api.base))
            .header("Content-Type", ct)
            .body(vec![b'x'; mock_server::BODY_LIMIT + 1])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{ct}");
        let text = r.text().await.unwrap();
        assert!(text.contains("64 KiB"), "{ct}: {text}");
    }
    // 404 and 405 of the router, and a missing console file.
    for (method, path, status) in [
        (Method::GET, "/api/no/such/route", StatusCode::NOT_FOUND),
        (
            Method::PATCH,
            "/api/proxies",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (Method::GET, "/nothing-here", StatusCode::NOT_FOUND),
    ] {
        assert_error(&api.send(method, path, None).await, status);
    }
}

#[tokio::test]
async fn an_unread_body_closes_the_connection_and_says_so() {
    let api = start().await;
    // Larger than hyper takes in at once, so the server really leaves most of it unread.
    let body = "x".repeat(4 << 20);
    for (content_type, method, path, status) in [
        ("text/plain", "POST", "/api/proxies", 413),
        ("text/plain", "POST", "/api/proxies", 415),
        ("application/json", "PATCH", "/api/proxies", 405),
    ] {
        let body = if status == 413 { body.as_str() } else { "{}" };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let answer = raw(&api.base, request.as_bytes()).await;
        assert_json_error(&answer, status);
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        if status == 415 {
            // The body was small and read whole: the connection may stay open.
            assert!(!head.contains("connection: close"), "{head}");
        } else {
            assert!(head.contains("connection: close"), "{status}: {head}");
        }
    }
    // And a client that reuses its connections carries on after each of them.
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let r = http
            .patch(format!("{}/api/proxies", api.base))
            .header("Content-Type", "application/json")
            .body("{\"a\":1}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        let ok = http.get(format!("{}/api", api.base)).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn head_and_options_need_the_key_exactly_when_their_method_does() {
    let api = start_with(Config {
        api_key: Some("API-SECRET".into()),
        ..config(Seed::None)
    })
    .await;
    let send = |method: Method, path: &str, acrm: Option<&str>| {
        let mut req = api.http.request(method, format!("{}{path}", api.base));
        if let Some(m) = acrm {
            req = req.header("Access-Control-Request-Method", m);
        }
        req.send()
    };
    assert_eq!(
        send(Method::HEAD, "/api", None).await.unwrap().status(),
        StatusCode::OK,
        "HEAD /api is open like GET /api"
    );
    for (method, path, acrm) in [
        (Method::HEAD, "/api/proxies", None),
        (Method::OPTIONS, "/api/proxies", None),
        (Method::OPTIONS, "/api/proxies", Some("POST")),
        (Method::OPTIONS, "/api", Some("DELETE")),
    ] {
        let r = send(method.clone(), path, acrm).await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} {acrm:?}"
        );
    }
    // OPTIONS /api stands for GET /api: no key needed (the route itself has no OPTIONS).
    let r = send(Method::OPTIONS, "/api", None).await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn everything_served_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>c</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.js"), "start();").unwrap();
    let api = common::start_with(mock_server::Config {
        static_dir: Some(dir.path().into()),
        ..common::config(mock_server::Seed::None)
    })
    .await;
    // Pages get the console's policy; anything else one that allows nothing.
    for (path, policy) in [
        ("/api", mock_server::NOT_A_PAGE_POLICY),
        ("/api/proxies", mock_server::NOT_A_PAGE_POLICY),
        ("/api/nowhere", mock_server::NOT_A_PAGE_POLICY),
        ("/app/", mock_server::CONTENT_SECURITY_POLICY),
        (
            "/app/Spaces-1/infrastructure/proxies",
            mock_server::CONTENT_SECURITY_POLICY,
        ),
    ] {
        let r = api.get(path).await;
        let h = &r.headers;
        assert_eq!(h["content-security-policy"], policy, "{path}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
    // Revalidating a cached page (a reload, a second visit): the 304's headers replace the
    // cached answer's, so it carries no policy and the page keeps its own.
    let page = api.get("/app/Spaces-1/infrastructure/proxies").await;
    let modified = page.headers["last-modified"].to_str().unwrap().to_owned();
    let again = reqwest::Client::new()
        .get(format!("{}/app/Spaces-1/infrastructure/proxies", api.base))
        .header("If-Modified-Since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(
        again.headers().get("content-security-policy").is_none(),
        "a 304 must not replace the page's policy: {:?}",
        again.headers()
    );
}
