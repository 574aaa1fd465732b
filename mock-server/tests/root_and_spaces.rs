//! The root document, spaces, and navigating by the links they hand out.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn root_document_describes_the_server_and_its_links() {
    let api = start().await;
    let r = api.get("/api").await;
    assert_eq!(r.status, StatusCode::OK);
    let root = r.json();
    assert_eq!(root["Application"], "Octopus Deploy");
    assert_eq!(root["Version"], mock_server::SERVER_VERSION);
    assert_eq!(root["ApiVersion"], "3.0.0");
    assert_eq!(root["InstallationId"].as_str().unwrap().len(), 36);
    let links = &root["Links"];
    assert_eq!(links["Self"], "/api");
    assert_eq!(links["SpaceHome"], "/api/{spaceId}");
    assert_eq!(
        links["Spaces"],
        "/api/spaces{/id}{?skip,ids,take,partialName}"
    );
    assert_eq!(
        links["Proxies"],
        "/api/Spaces-1/proxies{/id}{?skip,take,ids,partialName}"
    );
}

#[tokio::test]
async fn spaces_are_paged_and_link_to_their_home() {
    let api = start_with(config(Seed::Demo)).await;
    let page = api.get("/api/spaces").await.json();
    assert_eq!(page["ItemType"], "Space");
    assert_eq!(page["TotalResults"], 2);
    let names: Vec<_> = page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Default", "Platform Engineering"]);
    for space in page["Items"].as_array().unwrap() {
        let id = space["Id"].as_str().unwrap();
        assert_eq!(space["Links"]["Self"], format!("/api/spaces/{id}"));
        assert_eq!(space["Links"]["SpaceHome"], format!("/api/{id}"));
        assert_eq!(api.get(&format!("/api/spaces/{id}")).await.json(), *space);
    }
    assert_eq!(page["Items"][0]["IsDefault"], true);
    let filtered = api.get("/api/spaces?partialName=platform").await.json();
    assert_eq!(filtered["TotalResults"], 1);
    assert_error(
        &api.get("/api/spaces/Spaces-99").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn a_client_can_reach_proxies_by_following_links_only() {
    let api = start_with(config(Seed::Demo)).await;
    let root = api.get("/api").await.json();
    let spaces_template = root["Links"]["Spaces"].as_str().unwrap();
    let spaces = api
        .get(spaces_template.split('{').next().unwrap())
        .await
        .json();
    let second = &spaces["Items"][1];
    let home = second["Links"]["SpaceHome"].as_str().unwrap();
    let space_root = api.get(home).await.json();
    assert_eq!(space_root["Id"], second["Id"]);
    let proxies_template = space_root["Links"]["Proxies"].as_str().unwrap();
    assert_eq!(
        proxies_template,
        format!(
            "/api/{}/proxies{{/id}}{{?skip,take,ids,partialName}}",
            second["Id"].as_str().unwrap()
        )
    );
    let proxies = api
        .get(proxies_template.split('{').next().unwrap())
        .await
        .json();
    assert_eq!(proxies["Items"][0]["Name"], "Platform squid");
    assert_eq!(proxies["Items"][0]["SpaceId"], second["Id"]);
}

#[tokio::test]
async fn unknown_spaces_and_routes_are_404_with_an_error_body() {
    let api = start().await;
    assert_error(&api.get("/api/Spaces-42").await, StatusCode::NOT_FOUND);
    assert_error(
        &api.get("/api/Spaces-42/proxies").await,
        StatusCode::NOT_FOUND,
    );
    assert_error(
        &api.get("/api/not-a-space/proxies/all").await,
        StatusCode::NOT_FOUND,
    );
    assert_error(
        &api.post("/api/Spaces-42/proxies", json!({"Name": "x", "Host": "h"}))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_error(
        &api.get("/api/Spaces-1/nothing/here").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn demo_seed_never_touches_a_database_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data.db").to_str().unwrap().to_owned();
    let api = start_with(mock_server::Config {
        db: db.clone(),
        ..config(Seed::None)
    })
    .await;
    api.create_proxy("Mine", "mine.example.com").await;
    api.stop().await;
    let api = start_with(mock_server::Config {
        db,
        ..config(Seed::Demo)
    })
    .await;
    let all = api.get("/api/proxies/all").await.json();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(api.get("/api/spaces").await.json()["TotalResults"], 1);
}
