//! Bad bodies, the method override, the API key and method errors: always an Octopus error
//! body, never a 500.

mod common;

use common::*;
use mock_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn raw_post(api: &Api, content_type: Option<&str>, body: Vec<u8>) -> Reply {
    let mut req = api
        .http
        .post(format!("{}/api/proxies", api.base))
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    let res = req.send().await.unwrap();
    Reply {
        status: res.status(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap(),
    }
}

#[tokio::test]
async fn bad_bodies_get_a_4xx_error_body_and_store_nothing() {
    let api = start().await;
    let json_ct = Some("application/json");
    let cases: Vec<(Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
        (
            json_ct,
            b"{\"Name\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "not valid",
        ),
        (
            json_ct,
            b"[1,2]".to_vec(),
            StatusCode::BAD_REQUEST,
            "not valid",
        ),
        (
            json_ct,
            br#"{"Name":"n","Host":"h","Port":"eighty"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "Port",
        ),
        (
            json_ct,
            br#"{"Name":"n","Host":"h","Port":99999999999}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "Port",
        ),
        (
            json_ct,
            br#"{"Name":["n"],"Host":"h"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "Name",
        ),
        (
            json_ct,
            br#"{"Name":"n","Host":"h","Password":"plain"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "Password",
        ),
        (
            json_ct,
            b"".to_vec(),
            StatusCode::BAD_REQUEST,
            "No request body",
        ),
        (
            Some("text/plain"),
            br#"{"Name":"n","Host":"h"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            None,
            br#"{"Name":"n","Host":"h"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            json_ct,
            vec![b' '; mock_server::BODY_LIMIT + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "64 KiB",
        ),
    ];
    for (ct, body, status, expected) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let r = raw_post(&api, ct, body).await;
        assert_error(&r, status);
        let all = format!("{} {:?}", r.message(), r.errors());
        assert!(
            all.contains(expected),
            "{ct:?} {shown}: wanted \"{expected}\" in {all}"
        );
    }
    assert_eq!(api.proxy_count().await, 0);
    // A JSON media type with parameters is fine.
    let ok = raw_post(
        &api,
        Some("application/json; charset=utf-8"),
        br#"{"Name":"n","Host":"h"}"#.to_vec(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
}

#[tokio::test]
async fn a_large_but_allowed_body_is_accepted() {
    let api = start().await;
    let mut body = json!({"Name": "n", "Host": "h"}).to_string().into_bytes();
    body.truncate(body.len() - 1);
    body.extend(format!(",\"Padding\":\"{}\"}}", "x".repeat(60_000)).into_bytes());
    assert_eq!(
        raw_post(&api, Some("application/json"), body).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn post_with_method_override_acts_as_put_and_delete() {
    let api = start().await;
    let mut p = api.create_proxy("Override", "before.example.com").await;
    let url = format!("{}{}", api.base, p["Links"]["Self"].as_str().unwrap());
    p["Host"] = json!("after.example.com");
    let res = api
        .http
        .post(&url)
        .header("X-HTTP-Method-Override", "PUT")
        .json(&p)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        api.get(p["Links"]["Self"].as_str().unwrap()).await.json()["Host"],
        "after.example.com"
    );
    let res = api
        .http
        .post(&url)
        .header("X-HTTP-Method-Override", "delete")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(api.proxy_count().await, 0);
}

#[tokio::test]
async fn wrong_method_is_405_with_an_error_body() {
    let api = start().await;
    let r = api.send(Method::DELETE, "/api/proxies", None).await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED);
    let r = api.send(Method::PATCH, "/api", None).await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn api_key_guards_everything_but_the_root() {
    let mut api = start_with(Config {
        api_key: Some("API-SECRET".into()),
        ..config(mock_server::Seed::Demo)
    })
    .await;
    assert_eq!(
        api.get("/api").await.status,
        StatusCode::OK,
        "GET /api stays open"
    );
    for path in [
        "/api/spaces",
        "/api/Spaces-1",
        "/api/proxies",
        "/api/Spaces-1/proxies/all",
        "/api/nowhere",
    ] {
        assert_error(&api.get(path).await, StatusCode::UNAUTHORIZED);
    }
    assert_error(
        &api.post("/api/proxies", json!({"Name": "n", "Host": "h"}))
            .await,
        StatusCode::UNAUTHORIZED,
    );
    assert_error(
        &api.get("/api/proxies?apikey=wrong").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(
        api.get("/api/proxies?apikey=API-SECRET").await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/api/proxies?ApiKey=API-SECRET").await.status,
        StatusCode::OK
    );
    api.key = Some("API-SECRET".into());
    assert_eq!(api.get("/api/proxies").await.status, StatusCode::OK);
    assert_eq!(
        api.post("/api/proxies", json!({"Name": "n", "Host": "h"}))
            .await
            .status,
        StatusCode::CREATED
    );
    api.key = Some("API-WRONG".into());
    assert_error(&api.get("/api/proxies").await, StatusCode::UNAUTHORIZED);
}
