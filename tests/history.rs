//! A document's history on its page, in the browser: the real console against the real mock
//! server's audit trail.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use reqwest::Method;

const PROXY: &str = "/app/Spaces-1/infrastructure/proxies/Proxies-1";

#[tokio::test]
async fn a_rename_and_a_password_change_are_in_the_proxys_history_without_the_password() {
    let b = Browser::start("history-proxy", Seed::Demo, None).await;
    b.open(PROXY).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.fill("#proxy-name", "Squid at the edge").await;
    b.click("#password-change").await;
    b.fill("#proxy-password", "s3cret-history-pw").await;
    b.click("form.form button[type=submit]").await;
    b.wait_for_url("the list", |u| u.ends_with("/proxies"))
        .await;

    b.open(PROXY).await;
    let history = b
        .wait_for_text(
            "[data-testid=history]",
            "Name: Squid in the DMZ \u{2192} Squid at the edge",
        )
        .await;
    assert!(history.contains("Password changed"), "{history}");
    assert!(history.contains("by admin"), "{history}");
    assert!(!history.contains("s3cret"), "{history}");
    let page = b.js("return document.documentElement.outerHTML").await;
    assert!(!page.as_str().unwrap().contains("s3cret"));
    b.screenshot("").await;
    b.finish().await;
}

#[tokio::test]
async fn a_targets_history_names_its_connection_in_words() {
    let b = Browser::start("history-target", Seed::Demo, None).await;
    let (status, _) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines/proxy",
            Some(serde_json::json!({"Ids": ["Machines-1"], "ProxyId": "Proxies-1"})),
        )
        .await;
    assert_eq!(status, 200);
    b.open("/app/Spaces-1/infrastructure/machines/Machines-1")
        .await;
    b.wait_for_text(
        "[data-testid=history]",
        "Connection: Direct \u{2192} Squid in the DMZ",
    )
    .await;
    b.finish().await;
}

const ADMIN_KEY: &str = "API-ADMINISTRATOR0000000000000";

/// Waits until no `css` element holds `text` any more (the list has followed its filters).
async fn gone_text(b: &Browser, css: &str, text: &str) {
    let script = format!(
        "return ![...document.querySelectorAll({css:?})].some(e => e.innerText.includes({text:?}))"
    );
    b.wait_until(&format!("`{css}` without {text:?}"), &script)
        .await;
}

#[tokio::test]
async fn the_audit_list_filters_by_user_and_change_and_keeps_a_deleted_proxys_history() {
    let b = Browser::start("history-audit", Seed::Demo, Some(ADMIN_KEY)).await;
    let db = b.db_path.to_str().unwrap().to_owned();
    let grant = mock_server::Grant {
        role: api_model::permissions::Role::SpaceManager,
        space_id: "Spaces-1".into(),
        environment_ids: vec![],
    };
    let priya = mock_server::add_user(&db, "priya", &grant).unwrap();
    // Priya adds a proxy and deletes it; the administrator renames another.
    let http = reqwest::Client::new();
    let as_priya = |m: Method, path: &str| {
        http.request(m, format!("{}{path}", b.base))
            .header("X-Octopus-ApiKey", &priya)
    };
    let made: serde_json::Value = as_priya(Method::POST, "/api/Spaces-1/proxies")
        .json(&serde_json::json!({"Name": "Short-lived", "Host": "tmp.example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["Id"].as_str().unwrap().to_owned();
    let gone = as_priya(Method::DELETE, &format!("/api/Spaces-1/proxies/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    let mut squid = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    squid["Name"] = "Squid renamed".into();
    b.api(Method::PUT, "/api/Spaces-1/proxies/Proxies-1", Some(squid))
        .await;

    b.open("/app/Spaces-1/infrastructure/audit").await;
    b.find("dialog[open] #api-key-input").await;
    b.fill("#api-key-input", ADMIN_KEY).await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.wait_for_text("table tbody", "Squid renamed").await;
    let rows = "return [...document.querySelectorAll('table tbody tr')].map(r => r.innerText)";

    // By user: only Priya's two changes.
    b.choose("#user", "Users-2").await;
    b.wait_for_url("the user filter", |u| u.contains("user=Users-2"))
        .await;
    gone_text(&b, "table tbody", "Squid renamed").await;
    let shown: Vec<String> = serde_json::from_value(b.js(rows).await).unwrap();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown.iter().all(|r| r.contains("by priya")), "{shown:?}");

    // And by change: the deletion alone, which links to the proxy's history.
    b.choose("#change", "Deleted").await;
    b.wait_for_url("the change filter", |u| u.contains("change=Deleted"))
        .await;
    gone_text(&b, "table tbody", "was created").await;
    b.wait_for_text("table tbody a", "Short-lived was deleted (see its history)")
        .await;
    b.click_text(
        "table tbody a",
        "Proxy Short-lived was deleted (see its history)",
    )
    .await;
    b.wait_for_url("the item's history", |u| u.contains(&format!("item={id}")))
        .await;
    b.wait_for_text("table tbody", "Short-lived was created")
        .await;

    // By day, in the person's time zone: nothing up to yesterday's end; today from and to.
    let day = |back: i32| {
        format!("const d = new Date(); d.setDate(d.getDate() - {back}); return d.toLocaleDateString('en-CA')")
    };
    let today = b.js(&day(0)).await.as_str().unwrap().to_owned();
    let yesterday = b.js(&day(1)).await.as_str().unwrap().to_owned();
    set_day(&b, "to", &yesterday).await;
    b.wait_for_url("the To day", |u| u.contains(&format!("to={yesterday}")))
        .await;
    b.wait_for_text("[data-testid=empty]", "No changes match")
        .await;
    set_day(&b, "to", &today).await;
    set_day(&b, "from", &today).await;
    b.wait_for_url("both days", |u| {
        u.contains(&format!("from={today}")) && u.contains(&format!("to={today}"))
    })
    .await;
    b.wait_for_text("table tbody", "Short-lived was created")
        .await;
    b.screenshot("").await;
    // A day the address cannot mean is no filter, not an error.
    b.open(&format!(
        "/app/Spaces-1/infrastructure/audit?item={id}&from=2026-02-30&to=someday"
    ))
    .await;
    b.wait_for_text("table tbody", "Short-lived was created")
        .await;
    b.finish().await;
}

/// Chooses a day in a date filter as a person does (the input's change event).
async fn set_day(b: &Browser, id: &str, day: &str) {
    b.find(&format!("#{id}")).await;
    b.js(&format!(
        "const i = document.getElementById({id:?}); i.value = {day:?}; \
         i.dispatchEvent(new Event('change', {{bubbles: true}}))"
    ))
    .await;
}

#[tokio::test]
async fn history_and_audit_work_on_the_documented_octopus_api_alone() {
    let b = Browser::start_with(
        "history-octopus",
        Seed::Demo,
        None,
        mock_server::ApiMode::Octopus,
    )
    .await;
    let mut squid = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    squid["Port"] = 8080.into();
    let (status, _) = b
        .api(Method::PUT, "/api/Spaces-1/proxies/Proxies-1", Some(squid))
        .await;
    assert_eq!(status, 200);
    b.open(PROXY).await;
    b.wait_for_text("[data-testid=history]", "Port: 3128 \u{2192} 8080")
        .await;
    b.open("/app/Spaces-1/infrastructure/audit").await;
    b.wait_for_text("table tbody", "Proxy Squid in the DMZ was modified")
        .await;
    b.finish().await;
}
