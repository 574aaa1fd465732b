//! The console on a server that answers exactly as the documented Octopus API does
//! (`--api octopus`: no usage, test or bulk routes, `proxyIds` ignored, no ETags): the same
//! figures and actions, each checked through the API against the data behind them. (Two admins
//! without ETags: tests/two_admins.rs.)

#![cfg(not(target_arch = "wasm32"))]

mod browser;
#[path = "../mock-server/tests/real_parts/mod.rs"]
mod real_parts;

use std::collections::BTreeMap;

use browser::Browser;
use mock_server::{ApiMode, Seed};
use real_parts::{Squid, Tentacle, PASSWORD, USER};
use reqwest::Method;
use serde_json::{json, Value};

const PROXIES: &str = "/app/Spaces-1/infrastructure/proxies";
const TARGETS: &str = "/app/Spaces-1/infrastructure/machines";
const WORKERS: &str = "/app/Spaces-1/infrastructure/workers";

async fn start(name: &str) -> Browser {
    let b = Browser::start_with(name, Seed::Demo, None, ApiMode::Octopus).await;
    // The front is what the issue describes: no extension link, and no proxyIds filter.
    let root = b.api_get("/api").await;
    assert!(!root["Links"]
        .as_object()
        .unwrap()
        .contains_key("ProxyUsage"));
    b
}

/// Every machine of a fleet as stored: (id, name, proxy id or "" for none, style).
async fn fleet(b: &Browser, collection: &str) -> Vec<(String, String, String, String)> {
    let all = b.api_get(&format!("/api/Spaces-1/{collection}/all")).await;
    all.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (
                text(&m["Id"]),
                text(&m["Name"]),
                text(&m["Endpoint"]["ProxyId"]),
                text(&m["Endpoint"]["CommunicationStyle"]),
            )
        })
        .collect()
}

/// The names of a fleet's machines that use `proxy` ("Direct": none, and not a Polling
/// Tentacle), sorted.
async fn names_using(b: &Browser, collection: &str, proxy: &str) -> Vec<String> {
    let mut names: Vec<String> = fleet(b, collection)
        .await
        .into_iter()
        .filter(|(_, _, p, style)| match proxy {
            "Direct" => p.is_empty() && style != "TentacleActive",
            _ => p == proxy,
        })
        .map(|(_, name, _, _)| name)
        .collect();
    names.sort();
    names
}

/// The rows' names of the table on screen, sorted.
async fn row_names(b: &Browser) -> Vec<String> {
    let names = b
        .js("return [...document.querySelectorAll('tbody tr td[data-label=Name]')].map(c => c.textContent)")
        .await;
    let mut names: Vec<String> = serde_json::from_value(names).unwrap();
    names.sort();
    names
}

/// Creates `n` SSH deployment targets named `{prefix}-00`… that use `proxy`.
async fn targets_using(b: &Browser, prefix: &str, n: usize, proxy: &str) {
    for i in 0..n {
        let (status, m) = b
            .api(
                Method::POST,
                "/api/Spaces-1/machines",
                Some(json!({"Name": format!("{prefix}-{i:02}"), "EnvironmentIds": ["Environments-1"],
                    "Roles": ["db"], "Endpoint": {"CommunicationStyle": "Ssh", "Host": format!("{prefix}-{i}.example.com"),
                    "Port": 22, "AccountId": "Accounts-1", "ProxyId": proxy}})),
            )
            .await;
        assert_eq!(status, 201, "{m}");
    }
}

#[tokio::test]
async fn counts_and_used_by_are_the_machines_that_use_each_proxy() {
    let b = start("octopus-usage").await;
    // Through the front, the list ignores proxyIds: the whole list, as Octopus answers.
    let ignored = b.api_get("/api/Spaces-1/machines?proxyIds=Proxies-4").await;
    assert!(ignored["TotalResults"].as_i64().unwrap() > 0);

    b.open(PROXIES).await;
    b.wait_for_text("tbody", "Lab gateway").await;
    let mut truth = BTreeMap::new();
    for (id, name) in [
        ("Proxies-1", "Squid in the DMZ"),
        ("Proxies-2", "Corporate egress"),
        ("Proxies-3", "Sydney branch office"),
        ("Proxies-4", "Lab gateway (IPv6)"),
    ] {
        let n = names_using(&b, "machines", id).await.len()
            + names_using(&b, "workers", id).await.len();
        let words = match n {
            0 => "Not used".to_owned(),
            1 => "1 machine".to_owned(),
            n => format!("{n} machines"),
        };
        truth.insert(name.to_owned(), words);
    }
    assert_eq!(truth["Squid in the DMZ"], "5 machines");
    b.wait_for_text("tbody", "5 machines").await;
    let shown = b
        .js("return Object.fromEntries([...document.querySelectorAll('tbody tr')].map(r =>
                [r.querySelector('[data-label=Name]').textContent, r.querySelector('[data-label=\"Used by\"]').textContent]))")
        .await;
    let shown: BTreeMap<String, String> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown, truth);
    b.screenshot("counts").await;

    // A used proxy's Used by: its targets and workers, nothing else.
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.wait_for_text("[data-testid=used-by] h2", "Used by 5 machines")
        .await;
    let listed = |fleet: &'static str| {
        let b = &b;
        async move {
            let names = b
                .js(&format!("return [...document.querySelectorAll('[data-testid=used-by] [data-testid={fleet}] a')].map(a => a.textContent)"))
                .await;
            let mut names: Vec<String> = serde_json::from_value(names).unwrap();
            names.sort();
            names
        }
    };
    assert_eq!(
        listed("machines").await,
        names_using(&b, "machines", "Proxies-1").await
    );
    assert_eq!(
        listed("workers").await,
        names_using(&b, "workers", "Proxies-1").await
    );
    // An unused one: nobody, and its delete is a plain delete.
    b.open(&format!("{PROXIES}/Proxies-4")).await;
    b.wait_for_text(
        "[data-testid=used-by]",
        "No deployment target or worker connects through this proxy.",
    )
    .await;
    b.click_text("button", "Delete").await;
    b.wait_for_text(
        "dialog[open] h2",
        "Delete proxy \u{201c}Lab gateway (IPv6)\u{201d}?",
    )
    .await;
    b.finish().await;
}

#[tokio::test]
async fn the_lists_filter_by_proxy_and_by_direct_and_page_in_the_console() {
    let b = start("octopus-filter").await;
    targets_using(&b, "db-bulk", 33, "Proxies-2").await;
    let through = names_using(&b, "machines", "Proxies-2").await;
    assert_eq!(through.len(), 35);

    b.open(&format!("{TARGETS}?proxy=Proxies-2")).await;
    b.wait_for_text("[data-testid=showing]", "of 35").await;
    let first = row_names(&b).await;
    assert_eq!(first.len(), 30);
    b.open(&format!("{TARGETS}?proxy=Proxies-2&page=2")).await;
    b.wait_for_text("[data-testid=showing]", "31–35 of 35")
        .await;
    let second = row_names(&b).await;
    let mut shown = [first, second].concat();
    shown.sort();
    assert_eq!(shown, through);
    b.screenshot("page-2").await;

    b.open(&format!("{TARGETS}?proxy=Direct")).await;
    b.wait_for_text("tbody", "web-dev-01").await;
    assert_eq!(
        row_names(&b).await,
        names_using(&b, "machines", "Direct").await
    );
    // With another filter the server applies: both hold.
    b.open(&format!("{TARGETS}?proxy=Proxies-1&style=Ssh"))
        .await;
    b.wait_for_text("tbody", "bastion-prod").await;
    assert_eq!(row_names(&b).await, ["bastion-prod"]);

    b.open(&format!("{WORKERS}?proxy=Proxies-1")).await;
    b.wait_for_text("tbody", "worker-linux-01").await;
    assert_eq!(
        row_names(&b).await,
        names_using(&b, "workers", "Proxies-1").await
    );
    b.finish().await;
}

#[tokio::test]
async fn change_the_connection_of_two_targets_one_by_one() {
    let b = start("octopus-bulk-two").await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "db-prod-01").await;
    for name in ["web-dev-01", "db-prod-01"] {
        b.click(&format!("input[aria-label='Select {name}']")).await;
    }
    b.choose("#bulk-connection", "Proxies-3").await;
    b.click("#bulk-connect").await;
    let summary = b
        .wait_for_text(
            "[data-testid=connect-summary]",
            "2 targets will connect through Sydney branch office.",
        )
        .await;
    assert!(
        summary.contains("changed one at a time"),
        "the confirmation says it is not all or nothing: {summary}"
    );
    b.screenshot("confirm").await;
    b.click_text("dialog[open] .dialog-actions button", "Change connection")
        .await;
    let report = b
        .wait_for_text(
            "[data-testid=connect-report]",
            "2 targets now connect through Sydney branch office.",
        )
        .await;
    assert!(
        report.contains("db-prod-01: was through Corporate egress"),
        "{report}"
    );
    assert!(report.contains("web-dev-01: was direct"), "{report}");
    for id in ["Machines-1", "Machines-8"] {
        let m = b.api_get(&format!("/api/Spaces-1/machines/{id}")).await;
        assert_eq!(m["Endpoint"]["ProxyId"], "Proxies-3", "{id}");
    }
    // Nothing else moved.
    assert_eq!(names_using(&b, "machines", "Proxies-3").await.len(), 4);
    b.finish().await;
}

#[tokio::test]
async fn change_every_matching_target_across_pages() {
    let b = start("octopus-bulk-all").await;
    targets_using(&b, "db-bulk", 33, "Proxies-2").await;
    b.open(&format!("{TARGETS}?proxy=Proxies-2")).await;
    b.wait_for_text("[data-testid=showing]", "of 35").await;
    b.click("#select-all").await;
    b.click("#select-matching").await;
    b.wait_for_text(
        "[data-testid=select-matching]",
        "All 35 matching are selected.",
    )
    .await;
    b.choose("#bulk-connection", "Direct").await;
    b.click("#bulk-connect").await;
    b.wait_for_text(
        "[data-testid=connect-summary]",
        "35 targets will connect directly.",
    )
    .await;
    b.click_text("dialog[open] .dialog-actions button", "Change connection")
        .await;
    b.wait_for_text(
        "[data-testid=connect-report]",
        "35 targets now connect directly.",
    )
    .await;
    assert!(names_using(&b, "machines", "Proxies-2").await.is_empty());
    let direct = names_using(&b, "machines", "Direct").await;
    assert_eq!(
        direct.iter().filter(|n| n.starts_with("db-bulk")).count(),
        33
    );
    // The list follows: nothing uses the proxy any more.
    b.wait_for_text("[data-testid=empty]", "No deployment targets match")
        .await;
    b.finish().await;
}

#[tokio::test]
async fn a_failure_in_the_middle_stops_the_rest_and_the_report_says_what_changed() {
    let b = start("octopus-bulk-failure").await;
    targets_using(&b, "db-bulk", 10, "Proxies-2").await;
    let ids: BTreeMap<String, String> = fleet(&b, "machines")
        .await
        .into_iter()
        .map(|(id, name, _, _)| (name, id))
        .collect();
    b.open(&format!("{TARGETS}?proxy=Proxies-2")).await;
    b.wait_for_text("[data-testid=showing]", "of 12").await;
    b.click("#select-all").await;
    b.choose("#bulk-connection", "Direct").await;
    // The second machine in the list's order cannot be read or written.
    let failing = &ids["db-bulk-01"];
    b.intercept(&format!("/machines/{failing}"), 0, Some(500))
        .await;
    b.click("#bulk-connect").await;
    b.click_text("dialog[open] .dialog-actions button", "Change connection")
        .await;
    let report = b
        .wait_for_text("[data-testid=connect-report]", "Stopped after a failure")
        .await;
    b.screenshot("failure").await;
    assert!(
        report.contains("db-bulk-01: not changed: The server answered 500"),
        "{report}"
    );
    let changed: Vec<&str> = report
        .lines()
        .filter_map(|l| l.strip_suffix(": was through Corporate egress"))
        .collect();
    assert!(!changed.is_empty(), "{report}");
    // Exactly those the report names as changed are direct; the rest still use the proxy,
    // and some were never started.
    let mut direct_now: Vec<String> = names_using(&b, "machines", "Direct")
        .await
        .into_iter()
        .filter(|n| n.starts_with("db-"))
        .collect();
    direct_now.sort();
    let mut expected: Vec<String> = changed.iter().map(|s| s.trim().to_owned()).collect();
    expected.sort();
    assert_eq!(direct_now, expected, "{report}");
    let left = names_using(&b, "machines", "Proxies-2").await;
    assert_eq!(left.len() + expected.len(), 12, "{report}");
    assert!(
        left.len() > 1,
        "a failure stops those not yet started: {left:?}"
    );
    assert!(report.contains("Not changed: "), "{report}");
    b.finish().await;
}

#[tokio::test]
async fn move_a_used_proxys_targets_and_workers_then_delete_it() {
    let b = start("octopus-move-delete").await;
    let targets = names_using(&b, "machines", "Proxies-1").await;
    let workers = names_using(&b, "workers", "Proxies-1").await;
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.click_text("button", "Delete").await;
    b.wait_for_text("dialog[open]", "moved one at a time").await;
    b.wait_for_text("#delete-move-to", "Corporate egress").await;
    b.choose("#delete-move-to", "Proxies-2").await;
    b.click_text("dialog[open] button", "Move 5 machines and delete")
        .await;
    b.wait_for_url("the list", |u| u == PROXIES).await;
    let (status, _) = b
        .api(Method::GET, "/api/Spaces-1/proxies/Proxies-1", None)
        .await;
    assert_eq!(status, 404);
    let moved = names_using(&b, "machines", "Proxies-2").await;
    assert!(targets.iter().all(|t| moved.contains(t)), "{moved:?}");
    assert_eq!(names_using(&b, "workers", "Proxies-2").await, workers);
    b.finish().await;
}

#[tokio::test]
async fn a_failed_move_leaves_the_proxy_in_place() {
    let b = start("octopus-move-failure").await;
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    // A worker cannot be written: the targets move, the workers stop, the proxy stays.
    b.intercept("/workers/Workers-2", 0, Some(500)).await;
    b.click_text("button", "Delete").await;
    b.wait_for_text("#delete-move-to", "Corporate egress").await;
    b.choose("#delete-move-to", "Direct").await;
    b.click_text("dialog[open] button", "Move 5 machines and delete")
        .await;
    let error = b
        .wait_for_text("[data-testid=delete-error]", "The proxy was not deleted.")
        .await;
    assert!(error.contains("worker-linux-01: not changed"), "{error}");
    let (status, _) = b
        .api(Method::GET, "/api/Spaces-1/proxies/Proxies-1", None)
        .await;
    assert_eq!(status, 200);
    assert!(names_using(&b, "machines", "Proxies-1").await.is_empty());
    assert!(names_using(&b, "workers", "Proxies-1")
        .await
        .contains(&"worker-linux-01".to_owned()));
    b.finish().await;
}

#[tokio::test]
async fn test_the_saved_proxy_through_discovery_and_a_real_squid() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let b = start("octopus-proxy-test").await;
    let proxy = b
        .create_proxy(json!({"Name": "Squid under test", "Host": "127.0.0.1", "Port": squid.port,
            "ProxyType": "HTTP", "Username": USER, "Password": {"HasValue": true, "NewValue": PASSWORD}}))
        .await;
    let id = proxy["Id"].as_str().unwrap();
    let (status, _) = b
        .api(Method::POST, "/api/Spaces-1/machines",
            Some(json!({"Name": "web-through-squid", "EnvironmentIds": ["Environments-1"], "Roles": ["web"],
                "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": format!("https://127.0.0.1:{}/", tentacle.port),
                    "Thumbprint": tentacle.thumbprint, "ProxyId": id}})))
        .await;
    assert_eq!(status, 201);
    b.open(&format!("{PROXIES}/{id}")).await;
    b.wait_for_text("[data-testid=proxy-test]", "as it is saved")
        .await;
    assert_eq!(b.value("#test-port").await, tentacle.port.to_string());
    b.click("#test-proxy").await;
    let report = b
        .wait_for_text(
            "[data-testid=proxy-test-report]",
            &format!("The saved proxy reached 127.0.0.1:{}", tentacle.port),
        )
        .await;
    assert!(report.contains(&tentacle.thumbprint), "{report}");
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", tentacle.port))
        .await;
    b.screenshot("passed").await;
    // Nothing listens there: the server's reason, never a 404.
    let nobody = real_parts::free_port();
    b.fill("#test-port", &nobody.to_string()).await;
    b.click("#test-proxy").await;
    let report = b
        .wait_for_text(
            "[data-testid=proxy-test-report] .check-report[data-tone=failed]",
            "",
        )
        .await;
    assert!(!report.contains("not found"), "{report}");
    // An unsaved edit of the proxy: it must be saved first.
    b.fill("#proxy-port", "3999").await;
    b.click("#test-proxy").await;
    b.wait_for_text("[data-testid=proxy-test-report]", "Save the proxy first")
        .await;
    b.finish().await;
}
