//! The paged proxy list: envelope, sorting, paging edges, partialName, ids, and /all.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

fn names(page: &Value) -> Vec<String> {
    page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap().to_owned())
        .collect()
}

async fn with_proxies(names: &[&str]) -> Api {
    let api = start().await;
    for (i, name) in names.iter().enumerate() {
        api.create_proxy(name, &format!("p{i}.example.com")).await;
    }
    api
}

#[tokio::test]
async fn envelope_has_every_field_and_link() {
    let api = with_proxies(&["a", "b", "c", "d", "e"]).await;
    let page = api.get("/api/Spaces-1/proxies?skip=2&take=2").await.json();
    assert_eq!(page["ItemType"], "Proxy");
    assert_eq!(page["TotalResults"], 5);
    assert_eq!(page["ItemsPerPage"], 2);
    assert_eq!(page["NumberOfPages"], 3);
    assert_eq!(page["LastPageNumber"], 2);
    assert_eq!(page["IsStale"], false);
    assert_eq!(names(&page), ["c", "d"]);
    let links = &page["Links"];
    let base = "/api/Spaces-1/proxies";
    assert_eq!(links["Self"], format!("{base}?skip=2&take=2"));
    assert_eq!(
        links["Template"],
        format!("{base}{{?skip,take,ids,partialName}}")
    );
    assert_eq!(links["Page.All"], format!("{base}?skip=0&take=2147483647"));
    assert_eq!(links["Page.Current"], format!("{base}?skip=2&take=2"));
    assert_eq!(links["Page.Next"], format!("{base}?skip=4&take=2"));
    assert_eq!(links["Page.Last"], format!("{base}?skip=4&take=2"));
}

#[tokio::test]
async fn default_page_is_30_and_page_next_disappears_on_the_last_page() {
    let names: Vec<String> = (0..31).map(|i| format!("Proxy {i:02}")).collect();
    let api = with_proxies(&names.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let first = api.get("/api/proxies").await.json();
    assert_eq!(first["ItemsPerPage"], 30);
    assert_eq!(first["Items"].as_array().unwrap().len(), 30);
    let next = first["Links"]["Page.Next"].as_str().unwrap();
    let last = api.get(next).await.json();
    assert_eq!(self::names(&last), ["Proxy 30"]);
    assert!(
        last["Links"].get("Page.Next").is_none(),
        "{}",
        last["Links"]
    );
}

#[tokio::test]
async fn following_page_next_visits_every_item_once() {
    let names: Vec<String> = (0..7).map(|i| format!("n{i}")).collect();
    let api = with_proxies(&names.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let mut seen = vec![];
    let mut next = Some("/api/proxies?take=3".to_owned());
    while let Some(link) = next {
        assert!(
            seen.len() <= names.len(),
            "Page.Next kept going past the last page: {link}"
        );
        let page = api.get(&link).await.json();
        seen.extend(self::names(&page));
        next = page["Links"]
            .get("Page.Next")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    assert_eq!(seen, names);
}

#[tokio::test]
async fn sorted_by_name_ignoring_case() {
    let api = with_proxies(&["beta", "Alpha", "gamma", "Delta"]).await;
    assert_eq!(
        names(&api.get("/api/proxies").await.json()),
        ["Alpha", "beta", "Delta", "gamma"]
    );
    let all = api.get("/api/proxies/all").await.json();
    let all_names: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(all_names, ["Alpha", "beta", "Delta", "gamma"]);
}

#[tokio::test]
async fn paging_edges() {
    let api = with_proxies(&["a", "b", "c"]).await;
    let past_end = api.get("/api/proxies?skip=10&take=2").await.json();
    assert_eq!(past_end["TotalResults"], 3);
    assert!(past_end["Items"].as_array().unwrap().is_empty());
    assert!(past_end["Links"].get("Page.Next").is_none());
    let take_zero = api.get("/api/proxies?take=0").await.json();
    assert_eq!(take_zero["TotalResults"], 3);
    assert_eq!(take_zero["ItemsPerPage"], 0);
    assert!(take_zero["Items"].as_array().unwrap().is_empty());
    assert!(take_zero["Links"].get("Page.Next").is_none());
    let empty = start().await.get("/api/proxies").await.json();
    assert_eq!(
        (
            empty["TotalResults"].as_i64(),
            empty["NumberOfPages"].as_i64(),
            empty["LastPageNumber"].as_i64()
        ),
        (Some(0), Some(1), Some(0))
    );
    for bad in ["skip=-1", "take=abc", "skip=1.5"] {
        assert_error(
            &api.get(&format!("/api/proxies?{bad}")).await,
            StatusCode::BAD_REQUEST,
        );
    }
}

#[tokio::test]
async fn partial_name_matches_substrings_ignoring_case_and_stays_in_links() {
    let api = with_proxies(&["Squid DMZ", "squid lab", "Corporate", "100%_literal"]).await;
    let page = api
        .get("/api/proxies?partialName=SQUID&take=1")
        .await
        .json();
    assert_eq!(page["TotalResults"], 2);
    assert_eq!(
        page["Links"]["Page.Next"],
        "/api/Spaces-1/proxies?skip=1&take=1&partialName=SQUID"
    );
    let next = api
        .get(page["Links"]["Page.Next"].as_str().unwrap())
        .await
        .json();
    assert_eq!(names(&next), ["squid lab"]);
    // LIKE wildcards in the search text are literal.
    assert_eq!(
        names(&api.get("/api/proxies?partialName=%25_").await.json()),
        ["100%_literal"]
    );
    assert_eq!(
        api.get("/api/proxies?partialName=nothing").await.json()["TotalResults"],
        0
    );
}

#[tokio::test]
async fn ids_filter_accepts_lists_and_repeats() {
    let api = with_proxies(&["a", "b", "c", "d"]).await;
    assert_eq!(
        names(&api.get("/api/proxies?ids=Proxies-1,Proxies-3").await.json()),
        ["a", "c"]
    );
    assert_eq!(
        names(
            &api.get("/api/proxies?ids=Proxies-2&ids=Proxies-4")
                .await
                .json()
        ),
        ["b", "d"]
    );
    assert_eq!(
        api.get("/api/proxies?ids=Proxies-99,bogus").await.json()["TotalResults"],
        0
    );
    assert_eq!(
        api.get("/api/proxies?ids=").await.json()["TotalResults"],
        4,
        "empty ids means no filter"
    );
}

#[tokio::test]
async fn all_is_a_bare_array() {
    let api = with_proxies(&["a", "b"]).await;
    let all = api.get("/api/Spaces-1/proxies/all").await.json();
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["Links"]["Self"], "/api/Spaces-1/proxies/Proxies-1");
}
