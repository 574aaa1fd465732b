//! Each validation rule answers 400 with its own message and stores nothing.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Posts `body` and checks the 400, the summary, that `expected` is among the errors, and that
/// nothing was stored.
async fn rejected(api: &Api, body: Value, expected: &str) {
    let before = api.proxy_count().await;
    let r = api.post("/api/Spaces-1/proxies", body.clone()).await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert_eq!(r.message(), mock_server::VALIDATION_SUMMARY);
    assert!(
        r.errors().iter().any(|e| e.contains(expected)),
        "{body}: wanted \"{expected}\" in {:?}",
        r.errors()
    );
    assert_eq!(api.proxy_count().await, before, "{body} was stored");
}

fn proxy(name: &str, host: &str) -> Value {
    json!({"Name": name, "Host": host, "Port": 8080})
}

#[tokio::test]
async fn name_rules() {
    let api = start().await;
    rejected(&api, json!({"Host": "h"}), "Name is required.").await;
    rejected(&api, proxy("   ", "h"), "Name is required.").await;
    rejected(
        &api,
        proxy(&"n".repeat(201), "h"),
        "Name must be 200 characters or fewer.",
    )
    .await;
    api.create_proxy(&"n".repeat(200), "h").await;
}

#[tokio::test]
async fn names_are_unique_in_the_space_ignoring_case() {
    let api = start().await;
    let first = api.create_proxy("Squid", "a.example.com").await;
    rejected(
        &api,
        proxy("SQUID", "b.example.com"),
        "Name \"SQUID\" is already used",
    )
    .await;
    rejected(&api, proxy("  squid ", "b.example.com"), "already used").await;
    // Renaming another proxy onto the name is refused too; keeping one's own name is fine.
    let mut second = api.create_proxy("Other", "c.example.com").await;
    second["Name"] = json!("squid");
    let r = api
        .put(second["Links"]["Self"].as_str().unwrap(), second.clone())
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(r.errors()[0].contains("already used"));
    assert_eq!(
        api.get(second["Links"]["Self"].as_str().unwrap())
            .await
            .json()["Name"],
        "Other"
    );
    let r = api
        .put(first["Links"]["Self"].as_str().unwrap(), first.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn host_rules() {
    let api = start().await;
    rejected(&api, json!({"Name": "n"}), "Host is required.").await;
    rejected(
        &api,
        proxy("n", "http://proxy.example.com"),
        "must not include a scheme",
    )
    .await;
    rejected(
        &api,
        proxy("n", "proxy.example.com:3128"),
        "must not include a port",
    )
    .await;
    rejected(
        &api,
        proxy("n", "proxy.example.com/path"),
        "must not include a path",
    )
    .await;
    rejected(&api, proxy("n", "my proxy"), "must not contain spaces").await;
    rejected(&api, proxy("n", "300.1.1.1"), "must be a host name").await;
    rejected(
        &api,
        proxy("n", &format!("{}.com", "a".repeat(252))),
        "255 characters",
    )
    .await;
    for (i, ok) in ["10.1.2.3", "fe80::1", "proxy-1.corp.example.com"]
        .iter()
        .enumerate()
    {
        api.create_proxy(&format!("ok {i}"), ok).await;
    }
}

#[tokio::test]
async fn port_rules() {
    let api = start().await;
    rejected(
        &api,
        json!({"Name": "n", "Host": "h", "Port": 0}),
        "Port must be a whole number from 1 to 65535.",
    )
    .await;
    rejected(
        &api,
        json!({"Name": "n", "Host": "h", "Port": 65536}),
        "Port must be",
    )
    .await;
    rejected(
        &api,
        json!({"Name": "n", "Host": "h", "Port": -5}),
        "Port must be",
    )
    .await;
    let r = api
        .post(
            "/api/proxies",
            json!({"Name": "edge", "Host": "h", "Port": 65535}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn only_http_proxies() {
    let api = start().await;
    for t in ["SOCKS5", "SOCKS4", "https", ""] {
        rejected(
            &api,
            json!({"Name": "n", "Host": "h", "ProxyType": t}),
            "only HTTP proxies are supported",
        )
        .await;
    }
}

#[tokio::test]
async fn username_rule() {
    let api = start().await;
    rejected(
        &api,
        json!({"Name": "n", "Host": "h", "Username": "u".repeat(201)}),
        "Username must be 200 characters or fewer.",
    )
    .await;
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let api = start().await;
    let r = api.post("/api/proxies", json!({"Name": "", "Host": "", "Port": 0, "ProxyType": "SOCKS5", "Username": "u".repeat(300)})).await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert_eq!(r.errors().len(), 5, "{:?}", r.errors());
}

#[tokio::test]
async fn a_rejected_update_changes_nothing() {
    let api = start().await;
    let p = api.create_proxy("Keep", "keep.example.com").await;
    let mut bad = p.clone();
    bad["Host"] = json!("http://x");
    bad["Port"] = json!(1);
    assert_error(
        &api.put(p["Links"]["Self"].as_str().unwrap(), bad).await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(
        api.get(p["Links"]["Self"].as_str().unwrap()).await.json(),
        p
    );
}
