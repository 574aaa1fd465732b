//! Two admins at once, and the Content-Security-Policy, in the browser: the real console against
//! the real mock server.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::{ApiMode, Seed};
use reqwest::Method;
use serde_json::json;

const PROXY: &str = "/app/Spaces-1/infrastructure/proxies/Proxies-1";
const TARGET: &str = "/app/Spaces-1/infrastructure/machines/Machines-1";

/// A conflict row as (field, stored now, yours).
fn row(field: &str, stored: &str, yours: &str) -> (String, String, String) {
    (field.to_owned(), stored.to_owned(), yours.to_owned())
}

/// The conflict dialog's rows as (field, stored now, yours).
async fn conflict_rows(b: &Browser) -> Vec<(String, String, String)> {
    b.wait_for_text("dialog[open] [data-testid=conflict-rows]", "Stored now")
        .await;
    let rows = b
        .js("return [...document.querySelectorAll('dialog[open] [data-testid=conflict-rows] tbody tr')]
                .map(r => [...r.children].map(c => c.textContent))")
        .await;
    serde_json::from_value::<Vec<(String, String, String)>>(rows).unwrap()
}

#[tokio::test]
async fn a_stale_proxy_save_in_one_tab_shows_both_versions_and_saves_over_only_when_asked() {
    stale_proxy_save("two-admins-proxy", ApiMode::Extended).await;
}

/// The same on a server without ETags (the documented Octopus API): the console reads the
/// proxy again before it writes.
#[tokio::test]
async fn a_stale_proxy_save_is_caught_on_a_server_without_etags() {
    stale_proxy_save("two-admins-proxy-octopus", ApiMode::Octopus).await;
}

async fn stale_proxy_save(name: &str, api: ApiMode) {
    let b = Browser::start_with(name, Seed::Demo, None, api).await;
    // Tab A opens the proxy first.
    b.open(PROXY).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    // Tab B opens it too, changes the port and saves.
    let tab_a = b.open_in_new_tab(PROXY).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.fill("#proxy-port", "8080").await;
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Squid in the DMZ\u{201d} saved",
    )
    .await;

    // Back in tab A: a rename, saved over a version that is no longer stored.
    b.client.switch_to_window(tab_a).await.unwrap();
    b.fill("#proxy-name", "Squid (renamed)").await;
    b.click("button[type=submit]").await;
    let rows = conflict_rows(&b).await;
    b.screenshot("conflict").await;
    assert_eq!(
        rows,
        [
            row("Name", "Squid in the DMZ", "Squid (renamed)"),
            row("Port", "8080", "3128"),
        ]
    );
    let stored = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    assert_eq!(
        (stored["Name"].as_str(), stored["Port"].as_i64()),
        (Some("Squid in the DMZ"), Some(8080)),
        "nothing overwritten yet"
    );
    assert_eq!(
        b.value("#proxy-name").await,
        "Squid (renamed)",
        "what was typed stays"
    );

    // Keep editing; saving again asks again; then save over it deliberately.
    b.click_text("dialog[open] button", "Keep editing").await;
    b.wait_gone("dialog[open]").await;
    assert_eq!(b.value("#proxy-name").await, "Squid (renamed)");
    b.click("button[type=submit]").await;
    conflict_rows(&b).await;
    b.click_text("dialog[open] button", "Save mine over it")
        .await;
    b.wait_for_text(
        "[data-testid=toast]",
        "Proxy \u{201c}Squid (renamed)\u{201d} saved",
    )
    .await;
    let stored = b.api_get("/api/Spaces-1/proxies/Proxies-1").await;
    assert_eq!(stored["Name"], "Squid (renamed)");
    assert_eq!(
        stored["Port"], 3128,
        "the person chose their version, port included"
    );
    assert_eq!(
        stored["Password"]["HasValue"], true,
        "the password was not touched"
    );
    b.finish().await;
}

#[tokio::test]
async fn a_stale_target_save_offers_reload_which_shows_what_is_stored() {
    stale_target_save("two-admins-target", ApiMode::Extended).await;
}

#[tokio::test]
async fn a_stale_target_save_is_caught_on_a_server_without_etags() {
    stale_target_save("two-admins-target-octopus", ApiMode::Octopus).await;
}

async fn stale_target_save(name: &str, api: ApiMode) {
    let b = Browser::start_with(name, Seed::Demo, None, api).await;
    b.open(TARGET).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    // Another admin adds a role meanwhile.
    let mut other = b.api_get("/api/Spaces-1/machines/Machines-1").await;
    other["Roles"] = json!(["web", "cache"]);
    let r = b
        .api(
            Method::PUT,
            "/api/Spaces-1/machines/Machines-1",
            Some(other),
        )
        .await;
    assert_eq!(r.0, 200, "{}", r.1);

    b.click_text("label", "Through a proxy").await;
    b.choose("#target-proxy", "Proxies-2").await;
    b.click("button[type=submit]").await;
    let rows = conflict_rows(&b).await;
    assert_eq!(
        rows,
        [
            row("Roles", "web, cache", "web"),
            row("Connection", "Direct", "Through Corporate egress"),
        ]
    );
    b.click_text(
        "dialog[open] button",
        "Reload the stored version (drops your changes)",
    )
    .await;
    b.wait_gone("dialog[open]").await;
    b.wait_for_text("main h1", "web-dev-01").await;
    let deadline = std::time::Instant::now() + browser::WAIT;
    while b.value("#target-roles").await != "web, cache" {
        assert!(
            std::time::Instant::now() < deadline,
            "the form shows the stored roles"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stored = b.api_get("/api/Spaces-1/machines/Machines-1").await;
    assert_eq!(
        stored["Endpoint"]["ProxyId"],
        json!(null),
        "the dropped edit was not saved"
    );
    assert_eq!(stored["Roles"], json!(["web", "cache"]));
    b.finish().await;
}

#[tokio::test]
async fn the_console_runs_under_the_content_security_policy_without_a_violation() {
    let b = Browser::start("csp", Seed::Demo, None).await;
    let index = b.http.get(format!("{}/app/", b.base)).send().await.unwrap();
    assert_eq!(
        index.headers()["content-security-policy"],
        mock_server::CONTENT_SECURITY_POLICY
    );
    let html = index.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("<script type=\"module\">"),
        "no inline script: {html}"
    );

    b.watch_csp().await;
    b.open("/app/Spaces-1/infrastructure/proxies").await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    b.open(PROXY).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.click_text("button", "Change password").await;
    b.fill("#proxy-password", "typed").await;
    // Undone, so leaving does not ask.
    b.click_text("button", "Keep the current password").await;
    b.click_text("button", "Delete").await;
    b.wait_for_text("dialog[open]", "is in use").await;
    b.click_text("dialog[open] button", "Close").await;
    b.click_text("nav a", "Deployment Targets").await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    b.open(TARGET).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    b.click_text("label", "Through a proxy").await;
    b.open("/app/Spaces-1/infrastructure/machines/new").await;
    b.wait_for_text("main h1", "Add deployment target").await;
    let violations = b.csp_violations().await;
    assert!(violations.is_empty(), "{violations:?}");

    // The watch itself works: an inline script, which the policy forbids, is reported.
    b.js(
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; \
          document.body.appendChild(s); return null",
    )
    .await;
    let deadline = std::time::Instant::now() + browser::WAIT;
    let violations = loop {
        let v = b.csp_violations().await;
        if !v.is_empty() || std::time::Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        violations.iter().any(|v| v.starts_with("script-src")),
        "{violations:?}"
    );
    assert_eq!(
        b.js("return window.ran || null").await,
        json!(null),
        "it did not run"
    );
    b.finish().await;
}
