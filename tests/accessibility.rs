//! axe-core over every screen and dialog of the console, in light and dark colours: no
//! violation. (axe-core, as `scripts/tools --browser` installs it from the npm registry, is injected
//! into the page as it is, after the screen has loaded.)

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;

const LIST: &str = "/app/Spaces-1/infrastructure/proxies";
const TARGETS: &str = "/app/Spaces-1/infrastructure/machines";

/// Each screen: its address, and text that shows once it has loaded.
const SCREENS: &[(&str, &str)] = &[
    (LIST, "Squid in the DMZ"),
    (
        "/app/Spaces-1/infrastructure/proxies/Proxies-1",
        "A password is set.",
    ),
    ("/app/Spaces-1/infrastructure/proxies/new", "Add proxy"),
    (
        "/app/Spaces-1/infrastructure/proxies/Proxies-999",
        "does not exist",
    ),
    (TARGETS, "web-dev-01"),
    (
        "/app/Spaces-1/infrastructure/machines?proxy=Direct",
        "web-dev-01",
    ),
    (
        "/app/Spaces-1/infrastructure/machines/Machines-1",
        "Thumbprint",
    ),
    (
        "/app/Spaces-1/infrastructure/machines/Machines-6",
        "Fingerprint",
    ),
    (
        "/app/Spaces-1/infrastructure/machines/Machines-10",
        "Polling Tentacle",
    ),
    (
        "/app/Spaces-1/infrastructure/machines/new",
        "Add deployment target",
    ),
    ("/app/Spaces-1/infrastructure/workers", "worker-linux-01"),
    (
        "/app/Spaces-1/infrastructure/workers/Workers-2",
        "Worker pools",
    ),
    ("/app/Spaces-1/infrastructure/workers/new", "Add worker"),
    (
        "/app/Spaces-1/infrastructure/audit?from=2020-01-01&to=2020-01-02",
        "No changes match",
    ),
    ("/app/no/such/page", "Page not found"),
];

async fn check(b: &Browser, what: &str) {
    let found = b.axe_violations().await;
    if !found.is_empty() {
        b.screenshot("FAILED").await;
    }
    assert!(found.is_empty(), "{what}: {found:?}");
}

#[tokio::test]
async fn every_screen_and_dialog_passes_axe() {
    let b = Browser::start("axe", Seed::Demo, None).await;
    for dark in [false, true] {
        let scheme = if dark { "dark" } else { "light" };
        b.emulate_color_scheme(scheme).await;
        for (path, loaded) in SCREENS {
            b.open(path).await;
            b.wait_for_text("body", loaded).await;
            check(&b, &format!("{path} ({scheme})")).await;
        }
        // The dialogs: delete (used and unused), leave, and a failed save's message.
        b.open(&format!("{LIST}/Proxies-1")).await;
        b.wait_for_text("main h1", "Squid in the DMZ").await;
        b.click_text("button.danger", "Delete").await;
        b.find("dialog[open]").await;
        check(&b, &format!("the in-use dialog ({scheme})")).await;
        b.click_text("dialog[open] button", "Close").await;
        b.fill("#proxy-port", "x").await;
        b.click("button[type=submit]").await;
        b.find("#proxy-port-error").await;
        check(&b, &format!("a field error ({scheme})")).await;
        b.click_text("nav a", "Deployment Targets").await;
        b.find("dialog[open]").await;
        check(&b, &format!("the leave dialog ({scheme})")).await;
        b.click_text("dialog[open] button", "Leave").await;
        b.open(&format!("{LIST}/Proxies-4")).await;
        b.wait_for_text("main h1", "Lab gateway").await;
        b.click_text("button.danger", "Delete").await;
        b.find("dialog[open]").await;
        check(&b, &format!("the delete dialog ({scheme})")).await;
        // A check's report, which holds focus once it appears.
        b.open(&format!("{TARGETS}?q=web-dev-01")).await;
        b.click("input[aria-label='Select web-dev-01']").await;
        b.click("#bulk-run").await;
        b.finished_report("bulk-report").await;
        check(&b, &format!("a health check's report ({scheme})")).await;
        // The audit trail, with the check's outcome in it.
        b.open("/app/Spaces-1/infrastructure/audit").await;
        b.wait_for_text("table tbody", "web-dev-01 is").await;
        check(&b, &format!("the audit trail ({scheme})")).await;
    }
    b.finish().await;
}

#[tokio::test]
async fn the_api_key_dialog_passes_axe() {
    let b = Browser::start("axe-api-key", Seed::Demo, Some("API-RIGHTKEY")).await;
    b.open(LIST).await;
    b.find("dialog[open] #api-key-input").await;
    check(&b, "the API key dialog").await;
    b.fill("#api-key-input", "API-WRONGKEY").await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.find("dialog[open] [data-testid=key-rejected]").await;
    check(&b, "the refused key").await;
    b.finish().await;
}
