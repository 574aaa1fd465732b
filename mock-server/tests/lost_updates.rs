//! Two admins, one resource: every single-resource answer has an ETag; a PUT or DELETE whose
//! If-Match no longer matches answers 412 and changes nothing; without If-Match writes behave as
//! they always did (the official clients never send it).

mod common;

use common::*;
use mock_server::Seed;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Tagged {
    etag: String,
    body: Value,
}

async fn send_if_match(
    api: &Api,
    method: Method,
    path: &str,
    etag: &str,
    body: Option<&Value>,
) -> Reply {
    let mut req = api
        .http
        .request(method, format!("{}{path}", api.base))
        .header("If-Match", etag);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    Reply {
        status: res.status(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap(),
    }
}

async fn load(api: &Api, path: &str) -> Tagged {
    let r = api.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    Tagged {
        etag: r.headers["etag"].to_str().unwrap().to_owned(),
        body: r.json(),
    }
}

/// Tab A and tab B load `path`; B saves `b_change`; A then saves `a_change` with its stale ETag
/// and gets 412 with nothing lost; A reloads and saves with the fresh ETag.
async fn two_admins(api: &Api, path: &str, b_change: (&str, Value), a_change: (&str, Value)) {
    let tab_a = load(api, path).await;
    let tab_b = load(api, path).await;
    assert_eq!(tab_a.etag, tab_b.etag, "the same resource, the same tag");
    assert!(tab_a.etag.starts_with('"') && tab_a.etag.len() > 10);

    let mut b = tab_b.body.clone();
    b[b_change.0] = b_change.1.clone();
    let saved = send_if_match(api, Method::PUT, path, &tab_b.etag, Some(&b)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let fresh = saved.headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(fresh, tab_a.etag, "a change makes a new tag");
    assert_eq!(
        load(api, path).await.etag,
        fresh,
        "PUT answers the tag GET gives"
    );

    let mut a = tab_a.body.clone();
    a[a_change.0] = a_change.1.clone();
    let refused = send_if_match(api, Method::PUT, path, &tab_a.etag, Some(&a)).await;
    assert_error(&refused, StatusCode::PRECONDITION_FAILED);
    assert!(refused.message().contains("changed since you loaded it"));
    let stored = load(api, path).await.body;
    assert_eq!(stored[b_change.0], b_change.1, "B's change is kept");
    assert_ne!(
        stored[a_change.0], a_change.1,
        "A's stale write did nothing"
    );

    let gone = send_if_match(api, Method::DELETE, path, &tab_a.etag, None).await;
    assert_error(&gone, StatusCode::PRECONDITION_FAILED);
    assert_eq!(api.get(path).await.status, StatusCode::OK, "not deleted");

    let mut again = stored.clone();
    again[a_change.0] = a_change.1.clone();
    let ok = send_if_match(api, Method::PUT, path, &fresh, Some(&again)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(load(api, path).await.body[a_change.0], a_change.1);
}

#[tokio::test]
async fn a_stale_proxy_write_is_refused_and_a_fresh_one_goes_through() {
    let api = start().await;
    let p = api.create_proxy("Shared", "squid.example.com").await;
    let path = p["Links"]["Self"].as_str().unwrap().to_owned();
    two_admins(
        &api,
        &path,
        ("Port", json!(8080)),
        ("Name", json!("Shared (renamed)")),
    )
    .await;
}

#[tokio::test]
async fn a_stale_target_write_is_refused_and_a_fresh_one_goes_through() {
    let api = start_with(config(Seed::Demo)).await;
    two_admins(
        &api,
        "/api/Spaces-1/machines/Machines-1",
        ("Roles", json!(["web", "api"])),
        ("Name", json!("renamed target")),
    )
    .await;
}

#[tokio::test]
async fn without_if_match_writes_are_as_before_and_star_matches_anything() {
    let api = start().await;
    let p = api.create_proxy("Plain", "a.example.com").await;
    let path = p["Links"]["Self"].as_str().unwrap().to_owned();
    let mut body = p.clone();
    body["Port"] = json!(3129);
    assert_eq!(api.put(&path, body.clone()).await.status, StatusCode::OK);
    body["Port"] = json!(3130);
    assert_eq!(api.put(&path, body.clone()).await.status, StatusCode::OK);
    let star = send_if_match(&api, Method::PUT, &path, "*", Some(&body)).await;
    assert_eq!(star.status, StatusCode::OK);
    let weak = format!("W/{}", load(&api, &path).await.etag);
    let r = send_if_match(&api, Method::PUT, &path, &weak, Some(&body)).await;
    assert_error(&r, StatusCode::PRECONDITION_FAILED);
    let etag = load(&api, &path).await.etag;
    let r = send_if_match(&api, Method::DELETE, &path, &etag, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_error(&api.get(&path).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn created_and_read_resources_carry_their_tag() {
    let api = start_with(config(Seed::Demo)).await;
    let created = api
        .post("/api/Spaces-1/proxies", json!({"Name": "n", "Host": "h"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let path = created.json()["Links"]["Self"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["etag"], load(&api, &path).await.etag);
    for path in [
        "/api/Spaces-1/machines/Machines-2",
        "/api/Spaces-1/environments/Environments-1",
        "/api/Spaces-1/accounts/Accounts-1",
        "/api/spaces/Spaces-1",
    ] {
        assert!(api.get(path).await.headers.contains_key("etag"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_many_racing_creates_of_one_name_exactly_one_wins() {
    let api = start().await;
    for round in 0..5 {
        let name = format!("Raced {round}");
        let mut racers = vec![];
        for i in 0..16 {
            let (http, base) = (api.http.clone(), api.base.clone());
            // The same name in other cases: one name to the rules.
            let name = if i % 2 == 0 {
                name.clone()
            } else {
                name.to_uppercase()
            };
            racers.push(tokio::spawn(async move {
                http.post(format!("{base}/api/Spaces-1/proxies"))
                    .json(&json!({"Name": name, "Host": "r.example.com"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut statuses = vec![];
        for r in racers {
            statuses.push(r.await.unwrap());
        }
        let won = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(won, 1, "round {round}: {statuses:?}");
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::BAD_REQUEST));
    }
}
