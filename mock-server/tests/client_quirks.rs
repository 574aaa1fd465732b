//! What real Octopus clients rely on that is easy to get wrong: routes whose fixed words are
//! matched ignoring case (Octoterra calls `/api/Spaces-1/Proxies`), and an endpoint without
//! `ProxyId` (the Go client's `omitempty`) read as Direct.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn listening(name: &str) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["web"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web:10933/", "Thumbprint": "AB12"}})
}

#[tokio::test]
async fn routes_match_their_fixed_words_in_any_case() {
    let api = start_with(config(Seed::Demo)).await;
    let page = api.get("/api/Spaces-1/Proxies").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.json()["Items"]
        .as_array()
        .is_some_and(|i| !i.is_empty()));
    let all = api.get("/API/Spaces-1/PROXIES/ALL?take=1").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert!(all.json().as_array().is_some());
    assert_eq!(
        api.get("/api/Spaces-1/Machines?Take=1").await.json()["Items"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the query keeps working (its names already ignore case)"
    );
    assert_eq!(
        api.get("/Api").await.json()["Application"],
        "Octopus Deploy"
    );
    assert_eq!(
        api.get("/api/SPACES/Spaces-1").await.json()["Id"],
        "Spaces-1"
    );
    // Writes too, and the id keeps its own spelling.
    let created = api
        .post(
            "/api/Spaces-1/Proxies",
            json!({"Name": "Mixed case", "Host": "mixed.example.com", "Port": 8080, "ProxyType": "HTTP"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["Id"].as_str().unwrap().to_owned();
    let mut proxy = api.get(&format!("/api/Spaces-1/PROXIES/{id}")).await.json();
    assert_eq!(proxy["Name"], "Mixed case");
    proxy["Port"] = json!(8081);
    let updated = api.put(&format!("/api/Spaces-1/Proxies/{id}"), proxy).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.json()["Port"], 8081);
    // A word that is not a route stays unknown.
    assert_error(
        &api.get("/api/Spaces-1/Proxiez").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn an_api_key_is_needed_whatever_the_case_of_the_path() {
    let mut with_key = config(Seed::Demo);
    with_key.api_key = Some("API-CASEKEY00000000000000000000".into());
    let mut api = start_with(with_key).await;
    for path in ["/API/Spaces-1/Proxies", "/api/Spaces-1/MACHINES"] {
        assert_eq!(
            api.get(path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    // The root stays open in any case, as `GET /api` is.
    assert_eq!(api.get("/API").await.status, StatusCode::OK);
    api.key = Some("API-CASEKEY00000000000000000000".into());
    assert_eq!(
        api.get("/API/Spaces-1/Proxies").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_endpoint_without_proxy_id_is_direct_on_create_and_on_update() {
    let api = start_with(config(Seed::Demo)).await;
    let created = api
        .post("/api/Spaces-1/machines", listening("go-client-01"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["Id"].as_str().unwrap().to_owned();
    // Read back as Octopus writes it: ProxyId present, null.
    let stored = api
        .get(&format!("/api/Spaces-1/machines/{id}"))
        .await
        .json();
    assert_eq!(stored["Endpoint"]["ProxyId"], Value::Null);
    assert!(
        stored["Endpoint"]
            .as_object()
            .unwrap()
            .contains_key("ProxyId"),
        "{stored}"
    );
    let direct = api
        .get("/api/Spaces-1/machines?proxyIds=Direct&partialName=go-client")
        .await
        .json();
    assert_eq!(direct["TotalResults"], 1);

    // Through a proxy, then updated by a client that leaves ProxyId out: Direct again.
    let mut through = stored.clone();
    through["Endpoint"]["ProxyId"] = json!("Proxies-1");
    let r = api
        .put(&format!("/api/Spaces-1/machines/{id}"), through)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let usage = |v: Value| v["Proxies-1"].as_i64().unwrap();
    let used = usage(
        api.get("/api/Spaces-1/proxies/usage?ids=Proxies-1")
            .await
            .json(),
    );
    let mut omitted = r.json();
    omitted["Endpoint"]
        .as_object_mut()
        .unwrap()
        .remove("ProxyId");
    let r = api
        .send(
            Method::PUT,
            &format!("/api/Spaces-1/machines/{id}"),
            Some(omitted),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["Endpoint"]["ProxyId"], Value::Null);
    assert_eq!(
        usage(
            api.get("/api/Spaces-1/proxies/usage?ids=Proxies-1")
                .await
                .json()
        ),
        used - 1
    );
    let direct = api
        .get("/api/Spaces-1/machines?proxyIds=Direct&partialName=go-client")
        .await
        .json();
    assert_eq!(direct["TotalResults"], 1);
}
