//! The rough edges a new admin hit (issue 9), each driven in the real console against the real
//! mock server: leaving with unsaved changes, failed saves, focus and titles, the list's later
//! counts, old links, the API key, the Direct filter and the "Add a proxy" detour.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use serde_json::{json, Value};

const LIST: &str = "/app/Spaces-1/infrastructure/proxies";
const TARGETS: &str = "/app/Spaces-1/infrastructure/machines";
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The focused element: its id, else its tag and text.
async fn focused(b: &Browser) -> String {
    let v = b
        .js("const e = document.activeElement; return e.id || (e.tagName + ' ' + e.textContent.trim());")
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

async fn press(b: &Browser, key: &str) {
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

/// Waits until `check` holds for the focused element (focus moves after the next frame).
async fn wait_focus(b: &Browser, what: &str, check: impl Fn(&str) -> bool) -> String {
    for _ in 0..50 {
        let now = focused(b).await;
        if check(&now) {
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.screenshot("FAILED").await;
    panic!("focus never went to {what}; it is on {}", focused(b).await);
}

/// Whether a browser confirm()/alert() box is open (the console must use its own dialog).
async fn browser_box_open(b: &Browser) -> bool {
    b.client.get_alert_text().await.is_ok()
}

#[tokio::test]
async fn every_way_out_of_unsaved_changes_asks_in_one_dialog() {
    let b = Browser::start("rough-leave", Seed::Demo, None).await;
    let form = format!("{LIST}/Proxies-1");
    b.open(&form).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.fill("#proxy-name", "Squid, edited").await;

    // Another space: asked first; "Keep editing" stays, on this space, with the edit.
    b.choose("#space-select", "Spaces-2").await;
    b.wait_for_text("dialog[open]", "Leave without saving?")
        .await;
    assert!(!browser_box_open(&b).await, "the browser's own box opened");
    b.screenshot("space-switch").await;
    b.click_text("dialog[open] button", "Keep editing").await;
    b.wait_gone("dialog[open]").await;
    assert_eq!(b.value("#space-select").await, "Spaces-1");
    assert_eq!(b.value("#proxy-name").await, "Squid, edited");
    b.wait_for_url("the form", |u| u == form).await;

    // Cancel and a navigation link: the same dialog, never confirm().
    for (css, text) in [("a.button", "Cancel"), ("nav a", "Deployment Targets")] {
        b.click_text(css, text).await;
        b.wait_for_text("dialog[open]", "Leave without saving?")
            .await;
        assert!(
            !browser_box_open(&b).await,
            "{text}: the browser's box opened"
        );
        b.click_text("dialog[open] button", "Keep editing").await;
        b.wait_gone("dialog[open]").await;
        b.wait_for_url("the form", |u| u == form).await;
    }

    // Leave: to the space that was chosen.
    b.choose("#space-select", "Spaces-2").await;
    b.click_text("dialog[open] button", "Leave").await;
    b.wait_for_url("the other space", |u| u.starts_with("/app/Spaces-2/"))
        .await;
    b.finish().await;
}

#[tokio::test]
async fn a_failed_save_is_shown_where_the_person_looks() {
    let mut b = Browser::start("rough-failed-save", Seed::Demo, None).await;
    b.client.set_window_size(1280, 420).await.unwrap();
    let form = format!("{LIST}/Proxies-2");
    b.open(&form).await;
    b.wait_for_text("main h1", "Corporate egress").await;
    b.wait_for_text("[data-testid=server-version]", "Octopus")
        .await;
    b.fill("#proxy-host", "proxy2.corp.example.com").await;
    // Save from the bottom of the form, with its top out of sight.
    b.js("window.scrollTo(0, document.body.scrollHeight)").await;

    // The server stopped.
    b.stop_server().await;
    b.click("button[type=submit]").await;
    let shown = b
        .wait_for_text("[data-testid=form-error]", "could not be reached")
        .await;
    assert!(
        shown.contains(
            "The server could not be reached. Nothing was saved; your changes are still here."
        ),
        "{shown}"
    );
    assert!(!shown.contains("TypeError"), "{shown}");
    wait_focus(&b, "the message", |f| f == "form-problems").await;
    let in_view = b
        .js(
            "const r = document.getElementById('form-problems').getBoundingClientRect(); \
             return r.top >= 0 && r.bottom <= window.innerHeight;",
        )
        .await;
    assert_eq!(in_view, true, "the message is in the viewport");
    b.wait_for_text("[data-testid=server-unreachable]", "Server unreachable")
        .await;
    b.screenshot("server-stopped").await;
    assert_eq!(b.value("#proxy-host").await, "proxy2.corp.example.com");

    // Back up: the next save goes through and the indicator recovers.
    b.start_server().await;
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Corporate egress\u{201d} saved",
    )
    .await;
    b.wait_for_text("[data-testid=server-version]", "Octopus")
        .await;

    // A dropped request (no answer while the server is up): the same words, nothing lost.
    b.open(&form).await;
    b.wait_for_text("main h1", "Corporate egress").await;
    b.fill("#proxy-port", "8081").await;
    b.intercept("/proxies/Proxies-2", 0, Some(0)).await;
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "[data-testid=form-error]",
        "Nothing was saved; your changes are still here",
    )
    .await;
    wait_focus(&b, "the message", |f| f == "form-problems").await;
    assert_eq!(b.value("#proxy-port").await, "8081");
    b.finish().await;
}

#[tokio::test]
async fn the_skip_link_goes_to_the_content_on_both_lists() {
    let b = Browser::start("rough-skip", Seed::Demo, None).await;
    for (list, heading) in [(LIST, "Proxies"), (TARGETS, "Deployment Targets")] {
        b.open(list).await;
        b.wait_for_text("main h1", heading).await;
        b.js("document.activeElement.blur(); window.focus();").await;
        press(&b, TAB).await;
        assert_eq!(
            focused(&b).await,
            "A Skip to content",
            "first Tab on {list}"
        );
        press(&b, ENTER).await;
        wait_focus(&b, "main", |f| f == "main").await;
        b.wait_for_url("the same list", |u| u == list).await;
        // The next Tab is inside the content, not on the header's links.
        press(&b, TAB).await;
        let inside = b
            .js("return !!document.activeElement.closest('main');")
            .await;
        assert_eq!(
            inside,
            true,
            "after the skip link on {list}: {}",
            focused(&b).await
        );
    }
    b.finish().await;
}

#[tokio::test]
async fn focus_and_titles_follow_the_person() {
    let b = Browser::start("rough-focus", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    assert_eq!(b.client.title().await.unwrap(), "Proxies · Proxy Console");
    b.click_text("td a", "Squid in the DMZ").await;
    wait_focus(&b, "the heading", |f| f == "H1 Squid in the DMZ").await;
    assert_eq!(
        b.client.title().await.unwrap(),
        "Squid in the DMZ · Proxies · Proxy Console"
    );
    b.wait_for_text("[data-testid=last-modified]", "Last modified 20")
        .await;
    assert_eq!(
        b.attr("nav[aria-label=Breadcrumb] a", "href")
            .await
            .as_deref(),
        Some(LIST)
    );

    // Each password button hands focus to what replaces it.
    for (button, then) in [
        ("Change password", "proxy-password"),
        ("Keep the current password", "password-change"),
        ("Remove password", "password-undo"),
        ("Undo", "password-change"),
    ] {
        b.click_text("button", button).await;
        wait_focus(&b, then, |f| f == then).await;
    }
    // The password field is described by its hint.
    b.click_text("button", "Change password").await;
    let described = b.attr("#proxy-password", "aria-describedby").await.unwrap();
    assert!(described.contains("proxy-password-hint"), "{described}");
    // "Change password" with nothing typed is not a silent no-op.
    b.click("button[type=submit]").await;
    b.wait_for_text("#proxy-password-error", "Password is empty")
        .await;
    wait_focus(&b, "the password", |f| f == "proxy-password").await;
    let described = b.attr("#proxy-password", "aria-describedby").await.unwrap();
    assert!(described.contains("proxy-password-error"), "{described}");
    b.click_text("button", "Keep the current password").await;

    // An invalid port takes focus, as Name and Host do.
    b.fill("#proxy-port", "70000").await;
    b.click("button[type=submit]").await;
    wait_focus(&b, "the port", |f| f == "proxy-port").await;

    // A dialog gives focus back to the button that opened it.
    b.click_text("button.danger", "Delete").await;
    b.find("dialog[open]").await;
    b.click_text("dialog[open] button", "Close").await;
    wait_focus(&b, "the Delete button", |f| f == "BUTTON Delete").await;
    b.finish().await;
}

/// The texts of a list column, top to bottom.
async fn column(b: &Browser, label: &str) -> Vec<String> {
    let texts = b
        .client
        .execute(
            "return [...document.querySelectorAll(`td[data-label=\"${arguments[0]}\"]`)].map(c => c.textContent)",
            vec![Value::from(label)],
        )
        .await
        .unwrap();
    serde_json::from_value(texts).unwrap()
}

/// The "Used by" cell of a proxy's row.
async fn used_by(b: &Browser, name: &str) -> String {
    let v = b
        .client
        .execute(
            "const row = [...document.querySelectorAll('tbody tr')]
                 .find(r => r.querySelector('td a').textContent === arguments[0]);
             return row ? row.querySelector('[data-label=\"Used by\"]').textContent : null;",
            vec![Value::from(name)],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn rows_show_before_their_usage_counts_which_fail_alone() {
    let b = Browser::start("rough-usage", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    assert_eq!(used_by(&b, "Squid in the DMZ").await, "5 machines");
    assert_eq!(used_by(&b, "Lab gateway (IPv6)").await, "Not used");
    // "N machines" (deployment targets and workers) is the proxy's page, whose Used by lists them.
    b.click_text("td a", "5 machines").await;
    b.wait_for_url("the proxy", |u| u == format!("{LIST}/Proxies-1"))
        .await;
    let used = b
        .wait_for_text("[data-testid=used-by]", "Used by 5 machines")
        .await;
    assert!(
        used.contains("web-prod-01") && used.contains("worker-linux-02"),
        "{used}"
    );

    // Slow counts: the rows are there at once, the counts fill in after.
    b.intercept("/proxies/usage", 2500, None).await;
    b.click_text("nav a", "Proxies").await;
    b.wait_for_text("table tbody", "Sydney branch office").await;
    assert_eq!(used_by(&b, "Squid in the DMZ").await, "…");
    b.screenshot("usage-slow").await;
    b.wait_for_text("tbody", "5 machines").await;

    // Failing counts: only that column says so, with its own Retry.
    b.stop_intercepting().await;
    b.intercept("/proxies/usage", 0, Some(500)).await;
    b.fill("#proxy-search", "sq").await;
    b.wait_for_url("the search", |u| u.ends_with("?q=sq")).await;
    b.wait_for_text("tbody", "Counts unavailable").await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    assert!(b
        .client
        .find(fantoccini::Locator::Css("[data-testid=error-panel]"))
        .await
        .is_err());
    b.screenshot("usage-failed").await;
    b.stop_intercepting().await;
    b.click_text("td button", "Retry").await;
    b.wait_for_text("tbody", "5 machines").await;
    b.finish().await;
}

#[tokio::test]
async fn a_slow_search_marks_the_table_busy_and_keeps_the_rows() {
    let b = Browser::start("rough-busy", Seed::Demo, None).await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    assert_eq!(b.attr(".table-wrap", "aria-busy").await, None);
    b.intercept("/machines?", 2500, None).await;
    b.fill("#target-search", "prod").await;
    b.wait_for_url("the search", |u| u.ends_with("?q=prod"))
        .await;
    assert_eq!(
        b.attr(".table-wrap", "aria-busy").await.as_deref(),
        Some("true")
    );
    // The old rows stay while the new ones load.
    b.wait_for_text("table tbody", "web-dev-01").await;
    b.screenshot("busy").await;
    // Then the answer replaces them and the mark goes.
    for _ in 0..60 {
        if b.attr(".table-wrap", "aria-busy").await.is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(b.attr(".table-wrap", "aria-busy").await, None);
    let rows = b.find("table tbody").await.text().await.unwrap();
    assert!(
        !rows.contains("web-dev-01") && rows.contains("web-prod-01"),
        "{rows}"
    );
    b.finish().await;
}

#[tokio::test]
async fn old_links_land_somewhere_useful() {
    let b = Browser::start("rough-old-links", Seed::None, None).await;
    for i in 1..=40 {
        b.create_proxy(json!({"Name": format!("Proxy {i:02}"), "Host": "p.example.com"}))
            .await;
    }
    // A page past the end: the last page.
    b.open(&format!("{LIST}?page=99")).await;
    b.wait_for_url("the last page", |u| u == format!("{LIST}?page=2"))
        .await;
    b.wait_for_text("[data-testid=showing]", "Showing 31–40 of 40")
        .await;
    // A proxy that is not there: said in words, with the way back.
    b.open(&format!("{LIST}/Proxies-999")).await;
    b.wait_for_text("[data-testid=missing]", "This proxy does not exist")
        .await;
    b.screenshot("missing").await;
    b.click_text("[data-testid=missing] a", "Back to the proxies")
        .await;
    b.wait_for_url("the list", |u| u == LIST).await;
    b.finish().await;
}

#[tokio::test]
async fn a_refused_api_key_says_so_and_no_space_shows_as_an_id() {
    let b = Browser::start("rough-api-key", Seed::Demo, Some("API-RIGHTKEY")).await;
    b.open(LIST).await;
    b.find("dialog[open] #api-key-input").await;
    b.wait_for_text("dialog[open]", "My API Keys").await;
    let picker = b.find("#space-select").await.text().await.unwrap();
    assert!(
        !picker.contains("Spaces-"),
        "the picker shows an id: {picker}"
    );
    assert!(b
        .client
        .find(fantoccini::Locator::Css("[data-testid=key-rejected]"))
        .await
        .is_err());
    b.fill("#api-key-input", "API-WRONGKEY").await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.wait_for_text(
        "dialog[open] [data-testid=key-rejected]",
        "That key was not accepted",
    )
    .await;
    b.screenshot("rejected").await;
    b.fill("#api-key-input", "API-RIGHTKEY").await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    b.wait_for_text("#space-select", "Default").await;
    b.finish().await;
}

#[tokio::test]
async fn the_proxy_filter_offers_direct() {
    let b = Browser::start("rough-direct", Seed::Demo, None).await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    b.choose("#proxy", "Direct").await;
    b.wait_for_url("the Direct filter", |u| u.ends_with("?proxy=Direct"))
        .await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–").await;
    let connections = column(&b, "Connection").await;
    assert!(!connections.is_empty());
    assert!(connections.iter().all(|c| c == "Direct"), "{connections:?}");
    b.finish().await;
}

#[tokio::test]
async fn add_a_proxy_from_a_target_comes_back_with_the_edits_kept() {
    let b = Browser::start("rough-add-proxy", Seed::Demo, None).await;
    let target = format!("{TARGETS}/Machines-1");
    b.open(&target).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    b.fill("#target-name", "web-dev-01 via the new proxy").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.click_text("a", "Add a proxy").await;
    // The edits are kept, so leaving for the proxy form does not ask.
    b.wait_for_text("main h1", "Add proxy").await;
    assert!(b
        .client
        .find(fantoccini::Locator::Css("dialog[open]"))
        .await
        .is_err());
    b.fill("#proxy-name", "Build proxy").await;
    b.fill("#proxy-host", "build-proxy.example.com").await;
    b.click("button[type=submit]").await;
    // Back on the target form, the edits there, the new proxy chosen.
    let id = b
        .wait_for_url("the target form", |u| {
            u.starts_with(&format!("{target}?proxy="))
        })
        .await;
    let proxy_id = id.rsplit('=').next().unwrap().to_owned();
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Build proxy\u{201d} saved",
    )
    .await;
    assert_eq!(
        b.value("#target-name").await,
        "web-dev-01 via the new proxy"
    );
    assert_eq!(b.value("#target-proxy").await, proxy_id);
    b.screenshot("back").await;
    b.click("button[type=submit]").await;
    b.wait_for_url("the list", |u| u == TARGETS).await;
    let saved = b.api_get("/api/Spaces-1/machines/Machines-1").await;
    assert_eq!(saved["Name"], "web-dev-01 via the new proxy");
    assert_eq!(saved["Endpoint"]["ProxyId"], proxy_id.as_str());

    // A crafted return address is ignored: the proxy form goes to the list.
    b.open(&format!("{LIST}/new?back=https%3A%2F%2Fevil.example%2F"))
        .await;
    b.fill("#proxy-name", "Not a detour").await;
    b.fill("#proxy-host", "n.example.com").await;
    b.click("button[type=submit]").await;
    b.wait_for_url("the list", |u| u == LIST).await;
    b.finish().await;
}

#[tokio::test]
async fn the_toast_names_the_proxy_and_covers_no_control() {
    let b = Browser::start("rough-toast", Seed::None, None).await;
    for i in 1..=35 {
        b.create_proxy(json!({"Name": format!("Proxy {i:02}"), "Host": "p.example.com"}))
            .await;
    }
    for width in [1280, 375] {
        b.client.set_window_size(width, 700).await.unwrap();
        b.open(&format!("{LIST}/Proxies-35")).await;
        b.fill("#proxy-port", &format!("{}", 3000 + width)).await;
        b.click("button[type=submit]").await;
        b.wait_for_text(
            "[data-testid=toast]",
            "Proxy \u{201c}Proxy 35\u{201d} saved",
        )
        .await;
        b.wait_for_text("[data-testid=showing]", "Showing 1–30 of 35")
            .await;
        // Wherever the page is scrolled, no control is under the toast.
        for scroll in ["0", "document.body.scrollHeight"] {
            let covered = b
                .js(&format!(
                    "window.scrollTo(0, {scroll});
                     const t = document.querySelector('[data-testid=toast]').getBoundingClientRect();
                     return [...document.querySelectorAll('a, button, input, select')]
                       .filter(e => !e.closest('.toast'))
                       .filter(e => {{ const r = e.getBoundingClientRect();
                         return r.width > 0 && r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top; }})
                       .map(e => e.textContent || e.id);"
                ))
                .await;
            assert_eq!(covered, json!([]), "at {width} px, scrolled to {scroll}");
        }
        b.screenshot(&format!("{width}")).await;
        // It goes with the next page.
        b.click_text("td a", "Proxy 01").await;
        b.wait_for_text("main h1", "Proxy 01").await;
        b.wait_gone("[data-testid=toast]").await;
    }
    b.finish().await;
}

#[tokio::test]
async fn a_used_proxy_says_it_is_in_use_and_links_its_targets() {
    let b = Browser::start("rough-used-proxy", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Proxies-1")).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.click_text("button.danger", "Delete").await;
    let title = b.wait_for_text("dialog[open] h2", "in use").await;
    assert_eq!(title, "Proxy \u{201c}Squid in the DMZ\u{201d} is in use");
    assert!(b
        .client
        .find(fantoccini::Locator::Css("dialog[open] button.danger"))
        .await
        .is_err());
    b.screenshot("dialog").await;
    b.click_text("dialog[open] a", "web-prod-01").await;
    b.wait_for_text("main h1", "web-prod-01").await;
    b.finish().await;
}

#[tokio::test]
async fn the_authentication_column_says_what_a_proxy_sends() {
    let b = Browser::start("rough-auth", Seed::None, None).await;
    b.create_proxy(
        json!({"Name": "Both", "Host": "a.example.com", "Username": "u",
                          "Password": {"HasValue": true, "NewValue": "pw"}}),
    )
    .await;
    b.create_proxy(json!({"Name": "Name only", "Host": "b.example.com", "Username": "u"}))
        .await;
    b.create_proxy(json!({"Name": "Open", "Host": "c.example.com"}))
        .await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "Open").await;
    let column = column(&b, "Authentication").await;
    assert_eq!(column, ["Username and password", "Username only", "None"]);
    b.finish().await;
}

/// The address part of the calls, e.g. "environments/all", "machines?…".
fn called(calls: &[(String, f64)]) -> Vec<String> {
    calls
        .iter()
        .map(|(url, _)| url.split("/api/Spaces-1/").nth(1).unwrap_or(url).to_owned())
        .collect()
}

#[tokio::test]
async fn a_screen_asks_for_everything_at_once_and_names_once() {
    let b = Browser::start("rough-no-waterfall", Seed::Demo, None).await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    // Every API answer now takes 400 ms: requests sent one after another would start 400 ms apart.
    b.intercept("/api/", 400, None).await;
    b.take_calls().await;

    // A target's page: its names (accounts too) and the target, all sent at once.
    b.click_text("td a", "web-dev-01").await;
    b.wait_for_text("main h1", "web-dev-01").await;
    let calls = b.take_calls().await;
    let names = called(&calls);
    for wanted in [
        "environments/all",
        "proxies/all",
        "accounts/all",
        "machines/Machines-1",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    let first = calls.iter().map(|c| c.1).fold(f64::MAX, f64::min);
    let last = calls.iter().map(|c| c.1).fold(0.0, f64::max);
    assert!(
        last - first < 250.0,
        "sent over {} ms: {calls:?}",
        last - first
    );

    // Back to the list and on to page 2 of a filter: the names are not asked for again.
    b.click_text("a", "Deployment Targets").await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    b.choose("#style", "TentaclePassive").await;
    b.wait_for_url("the filter", |u| u.contains("style=TentaclePassive"))
        .await;
    b.wait_for_text("[data-testid=showing]", "of 5").await;
    let names = called(&b.take_calls().await);
    assert!(
        names.iter().all(|n| n.starts_with("machines?")),
        "{names:?}"
    );

    // A change made here forgets them: the next list asks again.
    b.click_text("nav a", "Proxies").await;
    b.click_text("td a", "Lab gateway (IPv6)").await;
    b.wait_for_text("main h1", "Lab gateway").await;
    b.fill("#proxy-name", "Lab gateway v6").await;
    b.click("button[type=submit]").await;
    b.wait_for_text("[data-testid=toast]", "saved").await;
    b.take_calls().await;
    b.click_text("nav a", "Deployment Targets").await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    let names = called(&b.take_calls().await);
    assert!(names.iter().any(|n| n == "proxies/all"), "{names:?}");
    b.finish().await;
}
