//! Infrastructure › Workers in the browser: the same list and settings form as deployment
//! targets, with worker pools in place of environments. The real console against the real mock
//! server, each test with its own database and port; what the console saved is checked through
//! the API.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use reqwest::Method;
use serde_json::{json, Value};

const LIST: &str = "/app/Spaces-1/infrastructure/workers";

async fn endpoint(b: &Browser, id: &str) -> Value {
    b.api_get(&format!("/api/Spaces-1/workers/{id}")).await["Endpoint"].clone()
}

async fn save_and_wait(b: &Browser) {
    b.click("button[type=submit]").await;
    b.wait_for_text("[data-testid=toast]", "Worker \u{201c}")
        .await;
    b.wait_for_url("the list", |u| u == LIST).await;
}

/// The text of a column's cell in the row that names `name`.
async fn cell(b: &Browser, name: &str, column: &str) -> Value {
    b.js(&format!(
        "return [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('{name}'))\
         .querySelector('[data-label=\"{column}\"]').textContent"
    ))
    .await
}

#[tokio::test]
async fn a_worker_through_a_proxy_and_back() {
    let b = Browser::start("workers-proxy", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "worker-linux-01").await;
    b.wait_for_text("nav a[aria-current=page]", "Workers").await;
    assert_eq!(
        cell(&b, "worker-linux-01", "Worker pools").await,
        "Linux workers (DMZ)"
    );
    assert_eq!(
        cell(&b, "worker-linux-01", "Connection").await,
        "Squid in the DMZ"
    );
    assert_eq!(cell(&b, "worker-win-01", "Connection").await, "Direct");
    assert_eq!(
        cell(&b, "worker-poll-01", "Connection").await,
        "Set on the Tentacle"
    );
    assert_eq!(
        b.js("return [...document.querySelectorAll('thead th')].map(h => h.textContent).join('|')")
            .await,
        "|Name|Communication|Worker pools|Health|Connection",
        "workers have pools and no roles"
    );
    b.screenshot("list").await;

    b.click_text("td a", "worker-win-01").await;
    b.wait_for_url("the worker", |u| u.ends_with("/workers/Workers-1"))
        .await;
    b.wait_for_text("main h1", "worker-win-01").await;
    b.wait_for_text("#target-pools", "Worker pools").await;
    assert_eq!(
        b.js("return document.querySelector('#target-roles').closest('[hidden]') !== null")
            .await,
        true,
        "no roles on a worker"
    );
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-2").await;
    b.screenshot("form").await;
    save_and_wait(&b).await;
    let saved = b.api_get("/api/Spaces-1/workers/Workers-1").await;
    assert_eq!(saved["Endpoint"]["ProxyId"], "Proxies-2");
    assert_eq!(saved["WorkerPoolIds"], json!(["WorkerPools-1"]));
    assert!(
        saved.get("Roles").is_none() && saved.get("EnvironmentIds").is_none(),
        "{saved}"
    );
    assert_eq!(
        cell(&b, "worker-win-01", "Connection").await,
        "Corporate egress"
    );

    // The proxy's page lists it among its workers, linking back to its settings.
    b.open("/app/Spaces-1/infrastructure/proxies/Proxies-2")
        .await;
    let used = b
        .wait_for_text(
            "[data-testid=used-by] [data-testid=workers]",
            "worker-win-01",
        )
        .await;
    assert!(!used.contains("worker-linux"), "{used}");
    b.click_text("[data-testid=workers] a", "worker-win-01")
        .await;
    b.wait_for_url("the worker", |u| u.ends_with("/workers/Workers-1"))
        .await;
    b.wait_for_text("main h1", "worker-win-01").await;
    assert_eq!(b.value("#target-proxy").await, "Proxies-2");
    b.click("input[name=target-connection][value=direct]").await;
    save_and_wait(&b).await;
    assert_eq!(endpoint(&b, "Workers-1").await["ProxyId"], Value::Null);
    b.finish().await;
}

#[tokio::test]
async fn add_an_ssh_worker_to_a_pool() {
    let b = Browser::start("workers-add", Seed::Demo, None).await;
    b.open(LIST).await;
    b.click_text("a.button", "Add worker").await;
    b.wait_for_url("the add form", |u| u.ends_with("/workers/new"))
        .await;
    b.wait_for_text("main h1", "Add worker").await;
    // Save at once: the pool rule shows with the others.
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "#target-pools-error",
        "Worker pools are required: choose at least one.",
    )
    .await;
    b.fill("#target-name", "worker-linux-03").await;
    b.click("input[name=target-pools][value=WorkerPools-3]")
        .await;
    b.click("input[name=target-style][value=Ssh]").await;
    b.fill("#target-host", "worker-linux-03.dmz.example.com")
        .await;
    b.choose("#target-account", "Accounts-1").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-1").await;
    b.screenshot("add").await;
    save_and_wait(&b).await;
    let created = b
        .api_get("/api/Spaces-1/workers?partialName=worker-linux-03")
        .await;
    let w = &created["Items"][0];
    assert_eq!(w["WorkerPoolIds"], json!(["WorkerPools-3"]));
    assert!(w.get("Roles").is_none(), "{w}");
    assert_eq!(w["Endpoint"]["CommunicationStyle"], "Ssh");
    assert_eq!(w["Endpoint"]["ProxyId"], "Proxies-1");
    b.finish().await;
}

#[tokio::test]
async fn change_the_connection_of_every_filtered_worker_across_pages() {
    let b = Browser::start("workers-bulk-all", Seed::Demo, None).await;
    // 35 more SSH workers and one Polling Tentacle in the DMZ pool: 38 there, over two pages.
    for n in 1..=35 {
        let (status, body) = b
            .api(
                Method::POST,
                "/api/Spaces-1/workers",
                Some(json!({"Name": format!("dmz-{n:02}"), "WorkerPoolIds": ["WorkerPools-3"],
                    "Endpoint": {"CommunicationStyle": "Ssh", "Host": format!("dmz-{n:02}"), "Port": 22,
                        "AccountId": "Accounts-1"}})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = b
        .api(
            Method::POST,
            "/api/Spaces-1/workers",
            Some(json!({"Name": "dmz-polling", "WorkerPoolIds": ["WorkerPools-3"],
                "Endpoint": {"CommunicationStyle": "TentacleActive", "Uri": "poll://dmzpoll/", "Thumbprint": "AB"}})),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    b.open(&format!("{LIST}?pool=WorkerPools-3")).await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–30 of 38")
        .await;
    // On a phone the rows are cards and the table's head is hidden, but not its "select every
    // row" box: a person can reach it (WebDriver refuses to click what is not shown).
    b.client.set_window_size(375, 800).await.unwrap();
    let shown = b
        .js("const r = document.querySelector('#select-all').getBoundingClientRect(); return r.width > 0 && r.height > 0")
        .await;
    assert_eq!(shown, true);
    b.click("#select-all").await;
    b.wait_for_text("#bulk-connect", "30 selected").await;
    b.wait_for_text(
        "[data-testid=select-matching]",
        "All 30 on this page are selected.",
    )
    .await;
    b.screenshot("phone").await;
    b.client.set_window_size(1280, 800).await.unwrap();
    // The server unreachable while every match is asked for: the list's report says so, and the
    // page's selection stays as it was; then it works.
    b.intercept("take=2147483647", 0, Some(0)).await;
    b.click("#select-matching").await;
    b.wait_for_text("[data-testid=bulk-report]", "could not be reached")
        .await;
    b.wait_for_text("#bulk-connect", "30 selected").await;
    b.stop_intercepting().await;
    b.click("#select-matching").await;
    b.wait_for_text(
        "[data-testid=select-matching]",
        "All 38 matching are selected.",
    )
    .await;
    b.wait_for_text("#bulk-connect", "38 selected").await;
    // The button replaced itself: focus is on its replacement, not lost to the page.
    assert_eq!(
        b.js("return document.activeElement.id").await,
        "clear-selection"
    );
    b.choose("#bulk-connection", "Proxies-3").await;
    b.click("#bulk-connect").await;
    let summary = b
        .wait_for_text(
            "[data-testid=connect-summary]",
            "37 workers will connect through Sydney branch office.",
        )
        .await;
    assert!(summary.contains("Skipped: dmz-polling"), "{summary}");
    b.screenshot("confirm").await;
    b.click_text("dialog[open] .dialog-actions button", "Change connection")
        .await;
    let report = b
        .wait_for_text(
            "[data-testid=connect-report]",
            "37 workers now connect through Sydney branch office.",
        )
        .await;
    // The first 20 by name, then how many more: a change of thousands stays readable.
    assert!(report.contains("dmz-01: was direct"), "{report}");
    assert!(report.contains("…and 17 more"), "{report}");
    // That their health is from before the move, then the 20 and the line of how many more.
    assert!(
        report.contains("health was last checked on the old connection"),
        "{report}"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('[data-testid=connect-report] li').length")
            .await,
        22
    );
    b.wait_for_text("#check-moved", "Check health of the 37 workers moved")
        .await;
    // Every worker of the pool moved, on both pages; the other pool's were left alone.
    let all = b.api_get("/api/Spaces-1/workers/all").await;
    for w in all.as_array().unwrap() {
        let (name, proxy) = (w["Name"].as_str().unwrap(), &w["Endpoint"]["ProxyId"]);
        let in_dmz = w["WorkerPoolIds"] == json!(["WorkerPools-3"]);
        let polling = w["Endpoint"]["CommunicationStyle"] == "TentacleActive";
        match (in_dmz, polling) {
            (true, false) => assert_eq!(proxy, "Proxies-3", "{name}"),
            _ => assert!(proxy.is_null(), "{name}: {proxy}"),
        }
    }
    b.wait_for_text("#bulk-connect", "0 selected").await;
    b.screenshot("done").await;
    b.finish().await;
}
