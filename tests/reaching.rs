//! Proving a proxy works, in the browser: the proxy form's Test, "Read the thumbprint" on the
//! target form, and "Check health", each through a real squid (with basic authentication) to a
//! stand-in Listening Tentacle or SSH server, against the real mock server.

#![cfg(not(target_arch = "wasm32"))]

mod browser;
#[path = "../mock-server/tests/real_parts/mod.rs"]
mod real_parts;

use browser::Browser;
use mock_server::Seed;
use real_parts::{Squid, Tentacle, PASSWORD, USER};
use reqwest::Method;
use serde_json::{json, Value};

const MACHINES: &str = "/app/Spaces-1/infrastructure/machines";

/// The squid under test, saved as a proxy with its username and password; its id.
async fn saved_squid(b: &Browser, squid: &Squid) -> String {
    let p = b
        .create_proxy(json!({"Name": "Squid under test", "Host": "127.0.0.1", "Port": squid.port,
            "ProxyType": "HTTP", "Username": USER, "Password": {"HasValue": true, "NewValue": PASSWORD}}))
        .await;
    p["Id"].as_str().unwrap().to_owned()
}

/// Creates a deployment target through the API; its id.
async fn target(b: &Browser, name: &str, endpoint: Value) -> String {
    let (status, m) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines",
            Some(json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["web"], "Endpoint": endpoint})),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    m["Id"].as_str().unwrap().to_owned()
}

fn listening(port: u16, thumbprint: &str, proxy: Option<&str>) -> Value {
    json!({"CommunicationStyle": "TentaclePassive", "Uri": format!("https://127.0.0.1:{port}/"),
           "Thumbprint": thumbprint, "ProxyId": proxy})
}

/// Scrolls a section into view and saves a screenshot of it.
async fn shot(b: &Browser, css: &str, suffix: &str) {
    b.js(&format!(
        "document.querySelector('{css}').scrollIntoView({{block: 'center'}})"
    ))
    .await;
    b.screenshot(suffix).await;
}

/// Nothing the password could leak through: the page's markup and the browser's storage.
async fn assert_no_password(b: &Browser, typed: &[&str]) {
    let source = b.client.source().await.unwrap();
    let storage = b
        .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")
        .await;
    for p in typed {
        assert!(!source.contains(p), "a password is in the page");
        assert!(!storage.to_string().contains(p), "a password is stored");
    }
}

#[tokio::test]
async fn test_a_saved_proxy_through_squid_then_a_wrong_password_the_proxy_down_and_the_target_down()
{
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let b = Browser::start("reach-proxy-test", Seed::Demo, None).await;
    let proxy = saved_squid(&b, &squid).await;
    target(
        &b,
        "web-through-squid",
        listening(tentacle.port, &tentacle.thumbprint, Some(&proxy)),
    )
    .await;

    b.open(&format!("/app/Spaces-1/infrastructure/proxies/{proxy}"))
        .await;
    b.wait_for_text("main h1", "Squid under test").await;
    let before = b.api_get(&format!("/api/Spaces-1/proxies/{proxy}")).await;
    // The host and port to reach start as those of the target that uses the proxy.
    b.wait_for_text("[data-testid=proxy-test] h2", "Test this proxy")
        .await;
    assert_eq!(b.value("#test-host").await, "127.0.0.1");
    assert_eq!(b.value("#test-port").await, tentacle.port.to_string());
    b.click("#test-proxy").await;
    let report = b
        .wait_for_text(
            "[data-testid=proxy-test-report]",
            &format!("The proxy reached 127.0.0.1:{}", tentacle.port),
        )
        .await;
    assert!(report.contains(&tentacle.thumbprint), "{report}");
    assert_eq!(
        b.attr("[data-testid=proxy-test-report] .check-report", "data-tone")
            .await
            .as_deref(),
        Some("passed")
    );
    // The stored password was used, through the real proxy.
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", tentacle.port))
        .await;
    shot(&b, "[data-testid=proxy-test]", "passed").await;

    // A wrong password, typed and not saved: the proxy's 407, at the Authenticate stage.
    b.click("#password-change").await;
    b.fill("#proxy-password", "wrong-password-9").await;
    b.click("#test-proxy").await;
    let report = b
        .wait_for_text("[data-testid=proxy-test-report]", "Authenticate")
        .await;
    assert!(report.contains("407"), "{report}");
    assert_eq!(
        b.attr("[data-testid=proxy-test-report] .check-report", "data-tone")
            .await
            .as_deref(),
        Some("failed")
    );
    shot(&b, "[data-testid=proxy-test]", "wrong-password").await;
    assert_no_password(&b, &[PASSWORD, "wrong-password-9"]).await;

    // The proxy down: nothing listens on its port.
    b.click("#password-keep").await;
    let nobody = real_parts::free_port();
    b.fill("#proxy-port", &nobody.to_string()).await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "Failed at the Connect stage",
    )
    .await;

    // The proxy up, the target down: squid cannot open the tunnel.
    b.fill("#proxy-port", &squid.port.to_string()).await;
    b.fill("#test-port", &nobody.to_string()).await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "Failed at the Tunnel stage",
    )
    .await;

    // A port that is no port: the server's rule, shown with the result.
    b.fill("#test-port", "ten").await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "Port to reach must be a whole number",
    )
    .await;
    // Testing saved nothing: the proxy is as it was, and its stored password still works.
    let stored = b.api_get(&format!("/api/Spaces-1/proxies/{proxy}")).await;
    assert_eq!(stored, before);
    let (status, outcome) = b
        .api(
            Method::POST,
            "/api/Spaces-1/proxies/test",
            Some(json!({"Proxy": stored, "Host": "127.0.0.1", "Port": tentacle.port})),
        )
        .await;
    assert_eq!(
        (status, &outcome["Success"]),
        (200, &json!(true)),
        "{outcome}"
    );
    b.finish().await;
}

#[tokio::test]
async fn an_unsaved_proxy_is_tested_from_the_add_form() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let b = Browser::start("reach-proxy-test-new", Seed::Demo, None).await;
    b.open("/app/Spaces-1/infrastructure/proxies/new").await;
    b.wait_for_text("main h1", "Add proxy").await;
    let proxies_before = b.proxy_names().await;
    // The proxy's own rules come first: no host yet.
    b.fill("#test-host", "127.0.0.1").await;
    b.fill("#test-port", &tentacle.port.to_string()).await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "Fix the proxy's host and port first",
    )
    .await;
    b.fill("#proxy-host", "127.0.0.1").await;
    b.fill("#proxy-port", &squid.port.to_string()).await;
    b.fill("#proxy-username", USER).await;
    b.fill("#proxy-password", PASSWORD).await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        &format!("The proxy reached 127.0.0.1:{}", tentacle.port),
    )
    .await;
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", tentacle.port))
        .await;
    assert_no_password(&b, &[PASSWORD]).await;
    // Nothing was saved by testing.
    assert_eq!(b.proxy_names().await, proxies_before);
    b.finish().await;
}

#[tokio::test]
async fn read_a_new_tentacles_thumbprint_through_the_chosen_proxy() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let b = Browser::start("reach-discover", Seed::Demo, None).await;
    let proxy = saved_squid(&b, &squid).await;
    b.open(&format!("{MACHINES}/new")).await;
    b.wait_for_text("#target-style", "Polling Tentacles are not added here")
        .await;
    // No URL yet: its rule shows, and nothing is asked of the server.
    b.click("#discover").await;
    b.wait_for_text("#target-url-error", "URL is required.")
        .await;
    b.fill(
        "#target-url",
        &format!("https://127.0.0.1:{}/", tentacle.port),
    )
    .await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", &proxy).await;
    b.click("#discover").await;
    b.wait_for_text("[data-testid=discover-report]", &tentacle.thumbprint)
        .await;
    assert_eq!(b.value("#target-thumbprint").await, tentacle.thumbprint);
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", tentacle.port))
        .await;
    shot(&b, "#discover", "discovered").await;

    // Nothing listens there: the reason in plain words, and the field keeps its value.
    let nobody = real_parts::free_port();
    b.fill("#target-url", &format!("https://127.0.0.1:{nobody}/"))
        .await;
    b.click("#discover").await;
    let report = b
        .wait_for_text("[data-testid=discover-report] .failed", "")
        .await;
    assert!(!report.is_empty(), "no reason shown");
    assert_eq!(b.value("#target-thumbprint").await, tentacle.thumbprint);
    b.finish().await;
}

#[tokio::test]
async fn check_health_through_squid_a_thumbprint_mismatch_ssh_and_direct() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let (ssh, _ssh_task) = real_parts::ssh_banner().await;
    let b = Browser::start("reach-health", Seed::Demo, None).await;
    let proxy = saved_squid(&b, &squid).await;
    let good = target(
        &b,
        "tentacle-through-squid",
        listening(tentacle.port, &tentacle.thumbprint, Some(&proxy)),
    )
    .await;
    let imposter = target(
        &b,
        "wrong-certificate",
        listening(
            tentacle.port,
            "0000000000000000000000000000000000000000",
            Some(&proxy),
        ),
    )
    .await;
    let shell = target(
        &b,
        "ssh-through-squid",
        json!({"CommunicationStyle": "Ssh", "Host": "127.0.0.1", "Port": ssh,
               "AccountId": "Accounts-1", "Fingerprint": "SHA256:x", "ProxyId": proxy}),
    )
    .await;
    let direct = target(
        &b,
        "tentacle-direct",
        listening(tentacle.port, &tentacle.thumbprint, None),
    )
    .await;

    b.open(&format!("{MACHINES}/{good}")).await;
    b.wait_for_text("main h1", "tentacle-through-squid").await;
    b.wait_for_text("[data-testid=health-status]", "Unknown")
        .await;
    b.click("#check-health").await;
    let report = b
        .wait_for_text(
            "[data-testid=health-report] [data-tone=passed]",
            "Checked just now",
        )
        .await;
    assert!(report.contains("proxy"), "each step is shown: {report}");
    b.wait_for_text("[data-testid=health-status]", "Healthy")
        .await;
    shot(&b, "[data-testid=health]", "healthy").await;
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", tentacle.port))
        .await;
    let stored = b.api_get(&format!("/api/Spaces-1/machines/{good}")).await;
    assert_eq!(stored["HealthStatus"], "Healthy");

    // The list's Health column follows.
    b.open(&format!("{MACHINES}?q=tentacle-through")).await;
    let health = b
        .wait_for_text("tbody tr [data-label=Health]", "Healthy")
        .await;
    assert_eq!(health.trim(), "Healthy");

    b.open(&format!("{MACHINES}/{imposter}")).await;
    b.wait_for_text("main h1", "wrong-certificate").await;
    b.click("#check-health").await;
    let report = b
        .wait_for_text(
            "[data-testid=health-report] [data-tone=failed]",
            "Checked just now",
        )
        .await;
    assert!(report.contains("Thumbprint mismatch"), "{report}");
    assert!(report.contains(&tentacle.thumbprint), "{report}");
    b.wait_for_text("[data-testid=health-status]", "Unavailable")
        .await;
    shot(&b, "[data-testid=health]", "mismatch").await;

    for (id, name) in [(&shell, "ssh-through-squid"), (&direct, "tentacle-direct")] {
        b.open(&format!("{MACHINES}/{id}")).await;
        b.wait_for_text("main h1", name).await;
        b.click("#check-health").await;
        b.wait_for_text(
            "[data-testid=health-report] [data-tone=passed]",
            "Checked just now",
        )
        .await;
    }
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{ssh}"))
        .await;

    // A Polling Tentacle is not checked from here: it connects out to the server.
    b.open(&format!("{MACHINES}/Machines-10")).await;
    b.wait_for_text("[data-testid=polling-note]", "Polling Tentacle")
        .await;
    assert_eq!(
        b.js("return document.querySelector('#check-health') === null")
            .await,
        true
    );
    b.finish().await;
}

#[tokio::test]
async fn check_the_health_of_selected_targets_from_the_list() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let b = Browser::start("reach-bulk-health", Seed::Demo, None).await;
    let proxy = saved_squid(&b, &squid).await;
    target(
        &b,
        "bulk-good",
        listening(tentacle.port, &tentacle.thumbprint, Some(&proxy)),
    )
    .await;
    let bad = target(
        &b,
        "bulk-imposter",
        listening(
            tentacle.port,
            "1111111111111111111111111111111111111111",
            Some(&proxy),
        ),
    )
    .await;
    let untouched = target(
        &b,
        "bulk-not-selected",
        listening(tentacle.port, &tentacle.thumbprint, Some(&proxy)),
    )
    .await;

    b.open(&format!("{MACHINES}?proxy={proxy}")).await;
    b.wait_for_text("tbody", "bulk-not-selected").await;
    assert_eq!(
        b.js("return document.querySelector('#bulk-run').disabled")
            .await,
        true,
        "nothing selected, nothing to run"
    );
    // All on the page, then one taken out again.
    b.click("#select-all").await;
    b.wait_for_text("#bulk-run", "3 selected").await;
    b.click("input[aria-label='Select bulk-not-selected']")
        .await;
    b.wait_for_text("#bulk-run", "2 selected").await;
    b.click("#bulk-run").await;
    let report = b
        .wait_for_text(
            "[data-testid=bulk-report]",
            "1 of the 2 targets checked is unavailable.",
        )
        .await;
    assert!(
        report.contains("bulk-imposter: Thumbprint mismatch"),
        "{report}"
    );
    // The table is loaded again: the Health column follows.
    b.wait_for_text("tbody", "Unavailable").await;
    let health = b
        .js("return [...document.querySelectorAll('tbody tr')].map(r => \
             r.querySelector('[data-label=Name]').textContent + '=' + r.querySelector('[data-label=Health]').textContent).join(',')")
        .await;
    assert_eq!(
        health,
        "bulk-good=Healthy,bulk-imposter=Unavailable,bulk-not-selected=Unknown"
    );
    assert_eq!(
        b.api_get(&format!("/api/Spaces-1/machines/{bad}")).await["HealthStatus"],
        "Unavailable"
    );
    assert_eq!(
        b.api_get(&format!("/api/Spaces-1/machines/{untouched}"))
            .await["HealthStatus"],
        "Unknown"
    );
    shot(&b, "[data-testid=bulk]", "done").await;
    b.finish().await;
}

#[tokio::test]
async fn a_check_with_the_server_down_says_so_and_keeps_the_form() {
    let mut b = Browser::start("reach-server-down", Seed::Demo, None).await;
    b.open("/app/Spaces-1/infrastructure/proxies/Proxies-1")
        .await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.fill("#proxy-host", "squid2.dmz.example.com").await;
    b.stop_server().await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "The server could not be reached.",
    )
    .await;
    assert_eq!(
        b.attr("[data-testid=proxy-test-report] .check-report", "data-tone")
            .await
            .as_deref(),
        Some("failed")
    );
    b.wait_for_text("[data-testid=server-unreachable]", "Server unreachable")
        .await;
    assert_eq!(b.value("#proxy-host").await, "squid2.dmz.example.com");
    shot(&b, "[data-testid=proxy-test]", "report").await;
    // Back up: the same button works again.
    b.start_server().await;
    b.click("#test-proxy").await;
    b.wait_for_text(
        "[data-testid=proxy-test-report]",
        "Failed at the Connect stage",
    )
    .await;
    b.finish().await;
}
