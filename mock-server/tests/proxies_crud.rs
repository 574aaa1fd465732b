//! Proxy create, read, update and delete, the password rules, and the scoped/unscoped twins.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn create_returns_201_with_the_full_resource() {
    let api = start().await;
    let r = api
        .post(
            "/api/Spaces-1/proxies",
            json!({"Name": "  Squid ", "Host": " squid.example.com ", "Port": 3128, "ProxyType": "HTTP", "Username": "octo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let p = r.json();
    assert_eq!(p["Id"], "Proxies-1");
    assert_eq!(p["SpaceId"], "Spaces-1");
    assert_eq!(p["Name"], "Squid", "name is trimmed");
    assert_eq!(p["Host"], "squid.example.com", "host is trimmed");
    assert_eq!(p["Port"], 3128);
    assert_eq!(p["ProxyType"], "HTTP");
    assert_eq!(p["Username"], "octo");
    assert_eq!(p["Password"], json!({"HasValue": false}));
    assert_eq!(p["Links"]["Self"], "/api/Spaces-1/proxies/Proxies-1");
    assert!(p["LastModifiedOn"].as_str().unwrap().ends_with('Z'));
    assert_eq!(r.headers["location"], "/api/Spaces-1/proxies/Proxies-1");
    assert_eq!(api.get("/api/Spaces-1/proxies/Proxies-1").await.json(), p);
}

#[tokio::test]
async fn port_and_type_default_to_80_and_http() {
    let api = start().await;
    let p = api
        .post("/api/proxies", json!({"Name": "Plain", "Host": "10.0.0.1"}))
        .await
        .json();
    assert_eq!(
        (p["Port"].as_i64(), p["ProxyType"].as_str()),
        (Some(80), Some("HTTP"))
    );
    let p = api
        .post(
            "/api/proxies",
            json!({"Name": "Nulls", "Host": "h", "Port": null, "ProxyType": null}),
        )
        .await
        .json();
    assert_eq!(
        (p["Port"].as_i64(), p["ProxyType"].as_str()),
        (Some(80), Some("HTTP"))
    );
}

#[tokio::test]
async fn update_returns_200_and_ignores_read_only_fields() {
    let api = start().await;
    let mut p = api.create_proxy("Squid", "old.example.com").await;
    p["Host"] = json!("new.example.com");
    p["Id"] = json!("Proxies-999");
    p["SpaceId"] = json!("Spaces-7");
    let self_link = p["Links"]["Self"].as_str().unwrap().to_owned();
    let r = api.put(&self_link, p).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let updated = r.json();
    assert_eq!(updated["Host"], "new.example.com");
    assert_eq!(updated["Id"], "Proxies-1");
    assert_eq!(updated["SpaceId"], "Spaces-1");
    assert_eq!(api.get(&self_link).await.json(), updated);
}

#[tokio::test]
async fn delete_removes_and_then_404s() {
    let api = start().await;
    let p = api.create_proxy("Gone soon", "h.example.com").await;
    let self_link = p["Links"]["Self"].as_str().unwrap();
    let r = api.delete(self_link).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_error(&api.get(self_link).await, StatusCode::NOT_FOUND);
    assert_error(&api.delete(self_link).await, StatusCode::NOT_FOUND);
    assert_error(&api.put(self_link, p.clone()).await, StatusCode::NOT_FOUND);
    // Ids are never reused.
    assert_eq!(
        api.create_proxy("Next", "n.example.com").await["Id"],
        "Proxies-2"
    );
}

#[tokio::test]
async fn unscoped_routes_are_the_default_space() {
    let api = start_with(config(Seed::Demo)).await;
    let scoped = api.get("/api/Spaces-1/proxies").await.json();
    let unscoped = api.get("/api/proxies").await.json();
    assert_eq!(scoped["Items"], unscoped["Items"]);
    let created = api
        .post(
            "/api/proxies",
            json!({"Name": "Via twin", "Host": "twin.example.com"}),
        )
        .await
        .json();
    assert_eq!(created["SpaceId"], "Spaces-1");
    let id = created["Id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/api/proxies/{id}")).await.json(), created);
    assert_eq!(
        api.delete(&format!("/api/proxies/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn spaces_do_not_see_each_others_proxies() {
    let api = start_with(config(Seed::Demo)).await;
    let other = api.get("/api/Spaces-2/proxies/all").await.json();
    let id = other[0]["Id"].as_str().unwrap();
    assert_error(
        &api.get(&format!("/api/Spaces-1/proxies/{id}")).await,
        StatusCode::NOT_FOUND,
    );
    assert_error(
        &api.delete(&format!("/api/proxies/{id}")).await,
        StatusCode::NOT_FOUND,
    );
    // The same name may exist in two spaces.
    let r = api
        .post(
            "/api/Spaces-1/proxies",
            json!({"Name": "Platform squid", "Host": "h"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let api = start().await;
    for id in ["Proxies-1", "Proxies-0", "Spaces-1", "nonsense"] {
        assert_error(
            &api.get(&format!("/api/Spaces-1/proxies/{id}")).await,
            StatusCode::NOT_FOUND,
        );
    }
}

/// The password is write-only: reads carry only HasValue, and the secret is in no response.
#[tokio::test]
async fn password_follows_the_sensitive_value_rules() {
    let api = start().await;
    let secret = "correct-horse-battery";
    let r = api
        .post("/api/proxies", json!({"Name": "Auth", "Host": "h", "Username": "u", "Password": {"HasValue": true, "NewValue": secret}}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(
        !r.text.contains(secret),
        "create response leaks the password"
    );
    let p = r.json();
    assert_eq!(p["Password"], json!({"HasValue": true}));
    let link = p["Links"]["Self"].as_str().unwrap().to_owned();
    let has_value = |v: &serde_json::Value| v["Password"]["HasValue"].as_bool().unwrap();

    // Password absent: kept.
    let mut body = p.clone();
    body.as_object_mut().unwrap().remove("Password");
    assert!(has_value(&api.put(&link, body).await.json()));
    // HasValue true without NewValue (a client echoing what it read): kept.
    assert!(has_value(&api.put(&link, p.clone()).await.json()));
    // HasValue false: cleared.
    let mut clear = p.clone();
    clear["Password"] = json!({"HasValue": false});
    assert!(!has_value(&api.put(&link, clear).await.json()));
    // NewValue: set again.
    let mut set = p.clone();
    set["Password"] = json!({"HasValue": true, "NewValue": "another"});
    let r = api.put(&link, set).await;
    assert!(has_value(&r.json()));
    assert!(!r.text.contains("another"));
    // An empty NewValue clears rather than storing an empty secret.
    let mut empty = p.clone();
    empty["Password"] = json!({"HasValue": true, "NewValue": ""});
    assert!(!has_value(&api.put(&link, empty).await.json()));

    for path in ["/api/proxies", "/api/proxies/all", link.as_str()] {
        let text = api.get(path).await.text;
        assert!(
            !text.contains(secret) && !text.contains("another") && !text.contains("NewValue"),
            "{path}: {text}"
        );
    }
}
