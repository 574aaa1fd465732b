//! Infrastructure › Proxies in the browser: the real console against the real mock server.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use reqwest::Method;
use serde_json::json;

const LIST: &str = "/app/Spaces-1/infrastructure/proxies";

#[tokio::test]
async fn create_a_proxy_and_see_it_in_the_list() {
    let b = Browser::start("proxies-create", Seed::None, None).await;
    b.open(LIST).await;
    b.wait_for_text("[data-testid=empty]", "No proxies yet")
        .await;
    b.click_text("a.button", "Add proxy").await;
    b.wait_for_url("the new-proxy form", |u| u.ends_with("/proxies/new"))
        .await;
    b.fill("#proxy-name", "Squid in the lab").await;
    b.fill("#proxy-host", "squid.lab.example.com").await;
    b.fill("#proxy-port", "3128").await;
    b.fill("#proxy-username", "lab-user").await;
    b.fill("#proxy-password", "s3cret-pw").await;
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Squid in the lab\u{201d} saved",
    )
    .await;
    b.wait_for_url("the list", |u| u == LIST).await;
    let row = b.wait_for_text("table tbody", "Squid in the lab").await;
    assert!(
        row.contains("squid.lab.example.com")
            && row.contains("3128")
            && row.contains("Username and password"),
        "{row}"
    );
    let stored = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    assert_eq!(stored["Host"], "squid.lab.example.com");
    assert_eq!(stored["Password"]["HasValue"], true);
    let storage = b
        .js("return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + location.href")
        .await;
    assert!(
        !storage.to_string().contains("s3cret-pw"),
        "the password must not be kept anywhere: {storage}"
    );
    b.finish().await;
}

#[tokio::test]
async fn edit_the_host_and_the_password_stays_set() {
    let b = Browser::start("proxies-edit", Seed::None, None).await;
    let p = b
        .create_proxy(
            json!({"Name": "Corp", "Host": "old.example.com", "Password": {"NewValue": "pw"}}),
        )
        .await;
    b.open(&format!("{LIST}/{}", p["Id"].as_str().unwrap()))
        .await;
    b.wait_for_text("[data-testid=password-state]", "A password is set.")
        .await;
    b.fill("#proxy-host", "new.example.com").await;
    b.click("button[type=submit]").await;
    b.wait_for_text("[data-testid=toast]", "saved").await;
    let stored = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    assert_eq!(stored["Host"], "new.example.com");
    assert_eq!(
        stored["Password"]["HasValue"], true,
        "saving without touching the password keeps it"
    );
    b.finish().await;
}

#[tokio::test]
async fn change_and_remove_the_password() {
    let b = Browser::start("proxies-password", Seed::None, None).await;
    b.create_proxy(json!({"Name": "Auth", "Host": "auth.example.com"}))
        .await;
    let edit = format!("{LIST}/Proxies-1");
    b.open(&edit).await;
    b.wait_for_text("[data-testid=password-state]", "No password is set.")
        .await;
    b.click_text("button", "Set a password").await;
    b.fill("#proxy-password", "first-secret").await;
    b.click("button[type=submit]").await;
    b.wait_for_url("the list", |u| u == LIST).await;
    assert_eq!(
        b.api_get("/api/Spaces-1/proxies/Proxies-1").await["Password"]["HasValue"],
        true
    );

    b.open(&edit).await;
    b.wait_for_text("[data-testid=password-state]", "A password is set.")
        .await;
    let page = b.client.source().await.unwrap();
    assert!(
        !page.contains("first-secret"),
        "the stored password is never in the page"
    );
    b.click_text("button", "Remove password").await;
    b.wait_for_text("[data-testid=password-state]", "will be removed")
        .await;
    b.click("button[type=submit]").await;
    b.wait_for_url("the list", |u| u == LIST).await;
    assert_eq!(
        b.api_get("/api/Spaces-1/proxies/Proxies-1").await["Password"]["HasValue"],
        false
    );
    b.finish().await;
}

#[tokio::test]
async fn validation_errors_show_on_their_fields_and_nothing_is_stored() {
    let b = Browser::start("proxies-validation", Seed::None, None).await;
    b.create_proxy(json!({"Name": "Taken", "Host": "taken.example.com"}))
        .await;
    b.open(&format!("{LIST}/new")).await;
    // After a blur, a field is checked as it is typed.
    b.fill("#proxy-host", "http://proxy.example.com").await;
    b.click("#proxy-port").await;
    b.wait_for_text("#proxy-host-error", "must not include a scheme")
        .await;
    assert_eq!(
        b.attr("#proxy-host", "aria-invalid").await.as_deref(),
        Some("true")
    );
    let described = b.attr("#proxy-host", "aria-describedby").await.unwrap();
    assert!(described.contains("proxy-host-error"), "{described}");
    b.fill("#proxy-port", "70000").await;
    // Submit checks everything and focuses the first invalid field.
    b.click("button[type=submit]").await;
    b.wait_for_text("#proxy-name-error", "Name is required.")
        .await;
    b.wait_for_text(
        "#proxy-port-error",
        "Port must be a whole number from 1 to 65535.",
    )
    .await;
    let focused = b.js("return document.activeElement.id").await;
    assert_eq!(focused, "proxy-name");
    // Fixed locally, the server's own rule (unique names) is shown on the Name field.
    b.fill("#proxy-name", "TAKEN").await;
    b.fill("#proxy-host", "proxy.example.com").await;
    b.fill("#proxy-port", "8080").await;
    b.click("button[type=submit]").await;
    b.wait_for_text("#proxy-name-error", "already used by another proxy")
        .await;
    assert_eq!(b.proxy_names().await, ["Taken"], "nothing new was stored");
    // What was typed is still there.
    assert_eq!(b.value("#proxy-host").await, "proxy.example.com");
    b.finish().await;
}

#[tokio::test]
async fn search_and_paging_over_60_proxies_survive_reload_and_back() {
    let b = Browser::start("proxies-paging", Seed::None, None).await;
    for i in 1..=60 {
        b.create_proxy(
            json!({"Name": format!("Proxy {i:02}"), "Host": format!("p{i}.example.com")}),
        )
        .await;
    }
    b.open(LIST).await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–30 of 60")
        .await;
    b.click("a[rel=next]").await;
    b.wait_for_url("page 2", |u| u.ends_with("?page=2")).await;
    b.wait_for_text("[data-testid=showing]", "Showing 31–60 of 60")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_for_text("[data-testid=showing]", "Showing 31–60 of 60")
        .await;
    b.wait_for_text("table tbody tr:first-child", "Proxy 31")
        .await;
    b.client.back().await.unwrap();
    b.wait_for_text("[data-testid=showing]", "Showing 1–30 of 60")
        .await;

    b.fill("#proxy-search", "proxy 1").await;
    b.wait_for_url("the search in the address", |u| u.contains("q=proxy+1"))
        .await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–10 of 10")
        .await;
    b.client.refresh().await.unwrap();
    b.wait_for_text("[data-testid=showing]", "Showing 1–10 of 10")
        .await;
    assert_eq!(b.value("#proxy-search").await, "proxy 1");
    b.fill("#proxy-search", "nothing like this").await;
    b.wait_for_text("[data-testid=empty]", "No proxies match")
        .await;
    b.finish().await;
}

#[tokio::test]
async fn deep_link_to_an_edit_page() {
    let b = Browser::start("proxies-deep-link", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Proxies-2")).await;
    b.wait_for_text("main h1", "Corporate egress").await;
    assert_eq!(b.value("#proxy-host").await, "proxy.corp.example.com");
    b.open(&format!("{LIST}/Proxies-999")).await;
    b.wait_for_text("[data-testid=missing]", "This proxy does not exist")
        .await;
    b.finish().await;
}

#[tokio::test]
async fn delete_asks_first_and_cancel_keeps_the_proxy() {
    let b = Browser::start("proxies-delete", Seed::None, None).await;
    b.create_proxy(json!({"Name": "Doomed", "Host": "d.example.com"}))
        .await;
    b.open(&format!("{LIST}/Proxies-1")).await;
    b.wait_for_text("main h1", "Doomed").await;
    b.click_text("button.danger", "Delete").await;
    b.wait_for_text("dialog[open] h2", "Delete proxy \u{201c}Doomed\u{201d}?")
        .await;
    assert_eq!(
        b.attr("dialog[open]", "role").await.as_deref(),
        Some("alertdialog")
    );
    assert_eq!(
        b.js("return document.activeElement.textContent.trim()")
            .await,
        "Cancel",
        "starts on Cancel"
    );
    b.click_text("dialog[open] button", "Cancel").await;
    b.wait_gone("dialog[open]").await;
    assert_eq!(b.proxy_names().await, ["Doomed"]);
    // Escape cancels too.
    b.click_text("button.danger", "Delete").await;
    b.find("dialog[open]").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    b.wait_gone("dialog[open]").await;
    assert_eq!(b.proxy_names().await, ["Doomed"]);

    b.click_text("button.danger", "Delete").await;
    b.click_text("dialog[open] button", "Delete Doomed").await;
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Doomed\u{201d} deleted",
    )
    .await;
    b.wait_for_url("the list", |u| u == LIST).await;
    assert!(b.proxy_names().await.is_empty());
    b.finish().await;
}

#[tokio::test]
async fn leaving_with_unsaved_changes_asks_first() {
    let b = Browser::start("proxies-unsaved", Seed::None, None).await;
    b.open(&format!("{LIST}/new")).await;
    b.fill("#proxy-name", "Half typed").await;
    b.click_text("nav a", "Proxies").await;
    b.wait_for_text("dialog[open]", "unsaved changes").await;
    b.click_text("dialog[open] button", "Keep editing").await;
    b.wait_gone("dialog[open]").await;
    assert!(b
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/proxies/new"));
    assert_eq!(b.value("#proxy-name").await, "Half typed");
    b.click_text("nav a", "Proxies").await;
    b.click_text("dialog[open] button", "Leave").await;
    b.wait_for_url("the list", |u| u == LIST).await;

    // The browser's Back button asks too, in the console's own dialog.
    b.click_text("a.button", "Add proxy").await;
    b.fill("#proxy-name", "Typed again").await;
    b.js("history.back(); return true;").await;
    b.wait_for_text("dialog[open] h2", "Leave without saving?")
        .await;
    b.click_text("dialog[open] button", "Keep editing").await;
    b.wait_gone("dialog[open]").await;
    assert!(b
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/proxies/new"));
    assert_eq!(b.value("#proxy-name").await, "Typed again");
    b.js("history.back(); return true;").await;
    b.wait_for_text("dialog[open] h2", "Leave without saving?")
        .await;
    b.click_text("dialog[open] button", "Leave").await;
    b.wait_for_url("the list", |u| u == LIST).await;
    b.finish().await;
}

#[tokio::test]
async fn a_server_error_is_shown_and_the_typed_input_kept() {
    let b = Browser::start("proxies-server-error", Seed::None, None).await;
    // Make the real database refuse writes, as a failing server would.
    let db = rusqlite::Connection::open(&b.db_path).unwrap();
    db.execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON proxies BEGIN SELECT RAISE(FAIL, 'the disk is full'); END;")
        .unwrap();
    b.open(&format!("{LIST}/new")).await;
    b.fill("#proxy-name", "Will fail").await;
    b.fill("#proxy-host", "fail.example.com").await;
    b.click("button[type=submit]").await;
    b.wait_for_text("[data-testid=form-error]", "The server answered 500")
        .await;
    // The answer points to the server log; the database's own words stay there.
    let shown = b
        .wait_for_text("[data-testid=form-error]", "the server log has the details")
        .await;
    assert!(!shown.contains("disk is full"), "{shown}");
    assert_eq!(b.value("#proxy-name").await, "Will fail");
    assert_eq!(b.value("#proxy-host").await, "fail.example.com");
    assert!(b
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/proxies/new"));
    b.finish().await;
}

#[tokio::test]
async fn asks_for_the_api_key_then_works() {
    let b = Browser::start("proxies-api-key", Seed::Demo, Some("API-BROWSERTEST")).await;
    b.open(LIST).await;
    b.find("dialog[open] #api-key-input").await;
    b.fill("#api-key-input", "API-BROWSERTEST").await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    let url = b.client.current_url().await.unwrap();
    assert!(
        !url.as_str().contains("API-BROWSERTEST"),
        "the key is not in the address"
    );
    assert_eq!(
        b.js("return localStorage.length").await,
        0,
        "nothing in localStorage"
    );
    b.screenshot("").await;
    b.click_text("button", "Forget API key").await;
    b.find("dialog[open] #api-key-input").await;
    b.finish().await;
}

#[tokio::test]
async fn names_are_text_never_markup() {
    let b = Browser::start("proxies-xss", Seed::None, None).await;
    let name = "<img src=x onerror=alert(1)>";
    b.create_proxy(json!({"Name": name, "Host": "xss.example.com"}))
        .await;
    b.open(LIST).await;
    let cell = b.wait_for_text("table tbody td a", "<img").await;
    assert_eq!(cell, name);
    assert_eq!(
        b.js("return document.querySelectorAll('main img').length")
            .await,
        0
    );
    b.open(&format!("{LIST}/Proxies-1")).await;
    assert_eq!(b.wait_for_text("main h1", "<img").await, name);
    assert!(b.client.get_alert_text().await.is_err(), "no script ran");
    let (status, _) = b
        .api(Method::GET, "/api/Spaces-1/proxies/Proxies-1", None)
        .await;
    assert_eq!(status, 200);
    b.finish().await;
}

#[tokio::test]
async fn the_space_selector_switches_the_list_and_the_address() {
    let b = Browser::start("proxies-spaces", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    b.find("#space-select")
        .await
        .select_by_value("Spaces-2")
        .await
        .unwrap();
    b.wait_for_url("the second space", |u| {
        u == "/app/Spaces-2/infrastructure/proxies"
    })
    .await;
    let rows = b.wait_for_text("table tbody", "Platform squid").await;
    assert!(!rows.contains("Squid in the DMZ"), "{rows}");
    b.client.refresh().await.unwrap();
    b.wait_for_text("table tbody", "Platform squid").await;
    b.finish().await;
}

#[tokio::test]
async fn a_failed_delete_says_why_and_keeps_the_proxy() {
    let b = Browser::start("proxies-delete-failed", Seed::None, None).await;
    b.create_proxy(json!({"Name": "Sticky", "Host": "s.example.com"}))
        .await;
    let db = rusqlite::Connection::open(&b.db_path).unwrap();
    db.execute_batch(
        "CREATE TRIGGER keep BEFORE DELETE ON proxies BEGIN SELECT RAISE(FAIL, 'the database is locked for maintenance'); END;",
    )
    .unwrap();
    b.open(&format!("{LIST}/Proxies-1")).await;
    b.click_text("button.danger", "Delete").await;
    b.click_text("dialog[open] button", "Delete Sticky").await;
    let shown = b
        .wait_for_text(
            "dialog[open] [role=alert]",
            "the server log has the details",
        )
        .await;
    assert!(shown.contains("Not deleted"), "{shown}");
    assert!(!shown.contains("locked for maintenance"), "{shown}");
    assert!(b
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/Proxies-1"));
    assert_eq!(b.proxy_names().await, ["Sticky"]);
    b.screenshot("dialog").await;
    b.click_text("dialog[open] button", "Cancel").await;
    b.wait_gone("dialog[open]").await;
    b.wait_for_text("main h1", "Sticky").await;
    b.finish().await;
}

#[tokio::test]
async fn a_used_proxy_names_its_machines_and_moves_them_before_it_is_deleted() {
    let b = Browser::start("proxies-delete-used", Seed::Demo, None).await;
    // Squid in the DMZ: three deployment targets and two workers connect through it.
    b.open(&format!("{LIST}/Proxies-1")).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.click_text("button.danger", "Delete").await;
    let shown = b
        .wait_for_text("dialog[open] [data-testid=delete-users]", "bastion-prod")
        .await;
    for name in [
        "web-prod-01",
        "web-prod-02",
        "Deployment Targets (3)",
        "Workers (2)",
        "worker-linux-01",
        "worker-linux-02",
    ] {
        assert!(shown.contains(name), "{name} in {shown}");
    }
    assert_eq!(
        b.js("return document.querySelector('dialog[open] [data-testid=workers] a').getAttribute('href')")
            .await,
        "/app/Spaces-1/infrastructure/workers/Workers-2"
    );
    b.wait_for_text(
        "dialog[open]",
        "It cannot be deleted while these machines connect through it",
    )
    .await;
    let buttons = || async {
        b.js("return [...document.querySelectorAll('dialog[open] button')].map(x => x.textContent)")
            .await
    };
    assert_eq!(
        buttons().await,
        serde_json::json!(["Close"]),
        "no delete until the targets have somewhere to go"
    );
    // Somewhere to go: another proxy (not this one), then all are moved and it is deleted.
    b.wait_for_text("#delete-move-to", "Corporate egress").await;
    assert_eq!(
        b.js("return [...document.querySelectorAll('#delete-move-to option')].some(o => o.value == 'Proxies-1')")
            .await,
        false
    );
    b.choose("#delete-move-to", "Proxies-3").await;
    assert_eq!(
        buttons().await,
        serde_json::json!(["Close", "Move 5 machines and delete"])
    );
    b.screenshot("dialog-used").await;
    b.click_text("dialog[open] button", "Move 5 machines and delete")
        .await;
    // The confirmation names the move as well as the delete.
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Squid in the DMZ\u{201d} deleted: 5 machines now connect through Sydney branch office.",
    )
    .await;
    b.wait_for_url("the list", |u| u == LIST).await;
    assert!(!b
        .proxy_names()
        .await
        .contains(&"Squid in the DMZ".to_owned()));
    for path in [
        "machines/Machines-3",
        "machines/Machines-4",
        "machines/Machines-9",
        "workers/Workers-2",
        "workers/Workers-3",
    ] {
        let m = b.api_get(&format!("/api/Spaces-1/{path}")).await;
        assert_eq!(m["Endpoint"]["ProxyId"], "Proxies-3", "{path}");
    }
    b.finish().await;
}

#[tokio::test]
async fn a_delete_refused_by_the_server_names_the_targets() {
    let b = Browser::start("proxies-delete-refused", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Proxies-4")).await;
    b.wait_for_text("main h1", "Lab gateway").await;
    // Someone points a target at the proxy after the page was loaded.
    let (status, target) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines",
            Some(
                json!({"Name": "late-arrival", "EnvironmentIds": ["Environments-1"],
                "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://late:10933/",
                    "Thumbprint": "AB12", "ProxyId": "Proxies-4"}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{target}");
    b.click_text("button.danger", "Delete").await;
    b.click_text("dialog[open] button", "Delete Lab gateway (IPv6)")
        .await;
    let shown = b
        .wait_for_text("[data-testid=delete-error]", "used by 1 deployment target")
        .await;
    assert!(shown.contains("late-arrival"), "{shown}");
    b.screenshot("dialog").await;
    assert!(b
        .proxy_names()
        .await
        .iter()
        .any(|n| n.starts_with("Lab gateway")));
    b.finish().await;
}

#[tokio::test]
async fn used_by_shows_how_many_machines_use_each_proxy() {
    let b = Browser::start("proxies-used-by", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "5 machines").await;
    let row = |name: &'static str| {
        let b = &b;
        async move {
            let script = format!(
                "return [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('{name}'))\
                 .querySelector('[data-label=\"Used by\"]').textContent"
            );
            b.js(&script).await
        }
    };
    // Targets and workers: Squid has 3 targets and 2 workers, Sydney a Tentacle and the
    // Kubernetes cluster.
    assert_eq!(row("Squid in the DMZ").await, "5 machines");
    assert_eq!(row("Corporate egress").await, "2 machines");
    assert_eq!(row("Sydney branch office").await, "2 machines");
    assert_eq!(row("Lab gateway").await, "Not used");
    b.finish().await;
}
