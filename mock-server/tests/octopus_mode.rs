//! `--api octopus`: the server answers as the documented Octopus API does and nothing more (the
//! extension routes 404 with the error body, `proxyIds` is ignored, no ETag, `If-Match` ignored,
//! no extension links); the default mode advertises each extension in the root documents.

mod common;

use common::*;
use mock_server::{ApiMode, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The link names the default mode adds for its extensions.
const EXTENSION_LINKS: [&str; 4] = ["ProxyUsage", "ProxyTest", "MachinesProxy", "WorkersProxy"];

async fn start_in(api: ApiMode) -> Api {
    start_with(mock_server::Config {
        api,
        ..config(Seed::Demo)
    })
    .await
}

fn links(doc: &Value) -> serde_json::Map<String, Value> {
    doc["Links"].as_object().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_octopus_mode_has_no_extension_links() {
    let api = start_in(ApiMode::Octopus).await;
    for path in ["/api", "/api/Spaces-1"] {
        let doc = api.get(path).await.json();
        let links = links(&doc);
        for name in EXTENSION_LINKS {
            assert!(!links.contains_key(name), "{path} links {name}: {doc}");
        }
        for list in ["Machines", "Workers"] {
            let template = links[list].as_str().unwrap();
            assert!(!template.contains("proxyIds"), "{path} {list}: {template}");
        }
        assert!(links.contains_key("Proxies"), "{doc}");
    }
}

#[tokio::test]
async fn the_default_mode_advertises_each_extension_and_each_link_works() {
    let api = start_in(ApiMode::Extended).await;
    let root = api.get("/api").await.json();
    let space = api.get("/api/Spaces-1").await.json();
    for doc in [&root, &space] {
        let links = links(doc);
        for name in EXTENSION_LINKS {
            assert!(links.contains_key(name), "no {name}: {doc}");
        }
        for list in ["Machines", "Workers"] {
            assert!(links[list].as_str().unwrap().contains("proxyIds"), "{doc}");
        }
    }
    let link = |name: &str| {
        let template = links(&space)[name].as_str().unwrap().to_owned();
        template.split('{').next().unwrap().to_owned()
    };
    assert_eq!(link("ProxyUsage"), "/api/Spaces-1/proxies/usage");
    let usage = api.get(&link("ProxyUsage")).await;
    assert_eq!(usage.status, StatusCode::OK, "{}", usage.text);
    assert!(usage.json()["Proxies-1"].is_number(), "{}", usage.text);
    let test = api
        .post(
            &link("ProxyTest"),
            json!({"Proxy": {"Host": "", "Port": 3128}, "Host": "", "Port": 10933}),
        )
        .await;
    assert_error(&test, StatusCode::BAD_REQUEST);
    for name in ["MachinesProxy", "WorkersProxy"] {
        let change = api.post(&link(name), json!({"Ids": []})).await;
        assert_error(&change, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn in_the_octopus_mode_the_extension_routes_are_not_found() {
    let api = start_in(ApiMode::Octopus).await;
    let calls = [
        (Method::GET, "/api/Spaces-1/proxies/usage"),
        (Method::GET, "/api/proxies/usage?ids=Proxies-1"),
        (Method::POST, "/api/Spaces-1/proxies/test"),
        (Method::POST, "/api/proxies/test"),
        (Method::POST, "/api/Spaces-1/machines/proxy"),
        (Method::POST, "/api/Spaces-1/workers/proxy"),
        (Method::GET, "/api/openapi.json"),
    ];
    for (method, path) in calls {
        let body =
            (method == Method::POST).then(|| json!({"Ids": ["Machines-1"], "ProxyId": null}));
        let r = api.send(method.clone(), path, body).await;
        assert_error(&r, StatusCode::NOT_FOUND);
        assert!(!r.message().is_empty(), "{method} {path}: {}", r.text);
    }
    // Nothing was changed by the refused bulk change.
    let machine = api.get("/api/Spaces-1/machines/Machines-1").await.json();
    assert_eq!(machine["Id"], "Machines-1");
}

#[tokio::test]
async fn in_the_octopus_mode_the_proxy_filter_is_ignored() {
    let strict = start_in(ApiMode::Octopus).await;
    let extended = start_in(ApiMode::Extended).await;
    let total = |r: Reply| r.json()["TotalResults"].as_i64().unwrap();
    for list in ["machines", "workers"] {
        let all = total(strict.get(&format!("/api/Spaces-1/{list}")).await);
        for filter in [
            "proxyIds=Proxies-1",
            "proxyIds=Direct",
            "PROXYIDS=Proxies-1",
        ] {
            let path = format!("/api/Spaces-1/{list}?{filter}");
            let filtered = strict.get(&path).await;
            assert!(
                !filtered.text.contains("proxyIds"),
                "the paging links do not carry an unknown parameter: {}",
                filtered.text
            );
            assert_eq!(total(filtered), all, "{path}");
            assert!(
                total(extended.get(&path).await) < all,
                "the default mode filters {path}"
            );
        }
    }
}

#[tokio::test]
async fn in_the_octopus_mode_there_are_no_etags_and_if_match_is_ignored() {
    let api = start_in(ApiMode::Octopus).await;
    let proxy = api.get("/api/Spaces-1/proxies/Proxies-1").await;
    assert_eq!(proxy.status, StatusCode::OK);
    assert!(proxy.headers.get("etag").is_none(), "{:?}", proxy.headers);
    let mut body = proxy.json();
    body["Port"] = json!(3129);
    let stale = api
        .http
        .put(format!("{}/api/Spaces-1/proxies/Proxies-1", api.base))
        .header("If-Match", "\"not-the-current-one\"")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK, "If-Match is ignored");
    assert!(stale.headers().get("etag").is_none());
    assert_eq!(
        api.get("/api/Spaces-1/proxies/Proxies-1").await.json()["Port"],
        3129
    );
    let deleted = api
        .http
        .delete(format!("{}/api/Spaces-1/proxies/Proxies-4", api.base))
        .header("If-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_ne!(deleted.status(), StatusCode::PRECONDITION_FAILED);
}
