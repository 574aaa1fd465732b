//! The rough edges a new admin hit on the workers, Kubernetes and bulk screens (issue 27), each
//! pinned by what the person sees: a click lands where it was aimed when an error appears, focus
//! goes to an action's result, the bulk dialog counts only what changes, the words name the
//! right fleet and say health once, and the phone widths hold.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;

const TARGETS: &str = "/app/Spaces-1/infrastructure/machines";
const WORKERS: &str = "/app/Spaces-1/infrastructure/workers";
const PROXIES: &str = "/app/Spaces-1/infrastructure/proxies";

/// The top of an element on the page, in CSS pixels.
async fn top(b: &Browser, css: &str) -> f64 {
    b.find(css).await;
    b.js(&format!(
        "return document.querySelector({css:?}).getBoundingClientRect().top + window.scrollY"
    ))
    .await
    .as_f64()
    .unwrap()
}

/// The `data-testid` of the live region that holds focus, or what holds it instead.
async fn focus_in(b: &Browser) -> String {
    b.js(
        "const a = document.activeElement; const r = a.closest('[role=status][data-testid]'); \
          return r ? r.dataset.testid : a.outerHTML.slice(0, 80)",
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

#[tokio::test]
async fn an_error_that_appears_as_focus_leaves_moves_nothing_under_the_pointer() {
    let b = Browser::start("admin-pointer", Seed::Demo, None).await;
    b.open(&format!("{WORKERS}/new")).await;
    b.fill("#target-name", &"x".repeat(300)).await;
    let pool = "input[name=target-pools][value=WorkerPools-3]";
    let before = top(&b, pool).await;
    // The click's press leaves the name field, whose error appears: the release still lands on
    // the pool, which has not moved.
    b.click(pool).await;
    b.wait_for_text(
        "#target-name-error",
        "Name must be 200 characters or fewer.",
    )
    .await;
    let after = top(&b, pool).await;
    assert!(
        (after - before).abs() < 0.5,
        "the pool moved under the pointer: {before} to {after}"
    );
    assert_eq!(
        b.js(&format!("return document.querySelector({pool:?}).checked"))
            .await,
        true,
        "the click landed on the pool"
    );

    // The same on the proxy form, for every field checked when it is left; nor does an error's
    // border change a control's size.
    b.open(&format!("{PROXIES}/new")).await;
    for (field, wrong, below) in [
        ("#proxy-name", "x".repeat(300), "#proxy-host"),
        ("#proxy-host", "http://squid".to_owned(), "#proxy-port"),
        ("#proxy-port", "99999".to_owned(), "#proxy-username"),
    ] {
        b.fill(field, &wrong).await;
        let (before, height) = (
            top(&b, below).await,
            b.js(&format!(
                "return document.querySelector({field:?}).offsetHeight"
            ))
            .await,
        );
        b.click(below).await;
        b.wait_for_text(&format!("{field}-error"), " ").await;
        let after = top(&b, below).await;
        assert!(
            (after - before).abs() < 0.5,
            "{below} moved when {field}'s error appeared: {before} to {after}"
        );
        assert_eq!(
            b.js(&format!(
                "return document.querySelector({field:?}).offsetHeight"
            ))
            .await,
            height,
            "{field} changed size"
        );
    }
    b.finish().await;
}

#[tokio::test]
async fn focus_goes_to_each_actions_result_and_health_is_said_once() {
    let b = Browser::start("admin-focus", Seed::Demo, None).await;
    // Check health on the targets list.
    b.open(&format!("{TARGETS}?q=web-dev-01")).await;
    b.click("input[aria-label='Select web-dev-01']").await;
    b.click("#bulk-run").await;
    b.finished_report("bulk-report").await;
    assert_eq!(focus_in(&b).await, "bulk-report");

    // Change connection, confirmed in its dialog: the report, which says health was checked on
    // the old connection and offers to check it again.
    b.choose("#bulk-connection", "Proxies-2").await;
    b.click("#bulk-connect").await;
    b.click_text("dialog[open] button", "Change connection")
        .await;
    let report = b.finished_report("connect-report").await;
    assert!(
        report.contains("1 target now connects through Corporate egress."),
        "{report}"
    );
    assert!(
        report.contains("health was last checked on the old connection"),
        "{report}"
    );
    assert_eq!(focus_in(&b).await, "connect-report");
    b.click_text("#check-moved", "Check health of the 1 target moved")
        .await;
    b.wait_for_text("[data-testid=connect-report]", "The target checked is")
        .await;
    assert_eq!(focus_in(&b).await, "connect-report");
    b.wait_gone("#check-moved").await;

    // Check health on a worker's page: said once, in the status; the report has the steps.
    b.open(&format!("{WORKERS}/Workers-2")).await;
    b.click("#check-health").await;
    let report = b.finished_report("health-report").await;
    assert_eq!(focus_in(&b).await, "health-report");
    let status = b
        .find("[data-testid=health-status]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(status.trim(), "Unavailable", "{status}");
    assert!(report.starts_with("Checked just now:"), "{report}");
    assert!(
        report.contains("Could not connect to the proxy"),
        "{report}"
    );
    let page = b
        .js("return document.querySelector('main').innerText")
        .await;
    assert_eq!(
        page.as_str()
            .unwrap()
            .matches("Could not connect to the proxy")
            .count(),
        1,
        "{page}"
    );

    // Test on a proxy's page.
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.fill("#test-host", "127.0.0.1").await;
    b.fill("#test-port", "9").await;
    b.click("#test-proxy").await;
    b.finished_report("proxy-test-report").await;
    assert_eq!(focus_in(&b).await, "proxy-test-report");
    b.finish().await;
}

#[tokio::test]
async fn the_bulk_dialog_counts_only_the_targets_that_change() {
    let b = Browser::start("admin-bulk-count", Seed::Demo, None).await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-dev-01").await;
    b.click("#select-all").await;
    b.wait_for_text("#bulk-run", "13 selected").await;
    b.choose("#bulk-connection", "Direct").await;
    b.click("#bulk-connect").await;
    b.wait_for_text("dialog[open] h2", "Change the connection of 7 targets?")
        .await;
    let summary = b
        .find("[data-testid=connect-summary]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.starts_with(
            "7 targets will connect directly. Already connecting directly, left as they are: \
             build-agent-01, web-dev-01, web-test-01. Skipped: "
        ),
        "{summary}"
    );
    b.screenshot("dialog").await;
    b.click_text("dialog[open] button", "Change connection")
        .await;
    let report = b.finished_report("connect-report").await;
    assert!(
        report.contains("7 targets now connect directly."),
        "{report}"
    );
    let all = b.api_get("/api/Spaces-1/machines?take=100").await;
    for m in all["Items"].as_array().unwrap() {
        assert!(m["Endpoint"]["ProxyId"].is_null(), "{}", m["Name"]);
    }
    b.finish().await;
}

#[tokio::test]
async fn a_workers_words_are_a_workers_and_its_errors_look_alike() {
    let b = Browser::start("admin-worker-words", Seed::Demo, None).await;
    // The health summary of several workers, one a Polling Tentacle.
    b.open(WORKERS).await;
    b.wait_for_text("table tbody", "worker-poll-01").await;
    b.click("#select-all").await;
    b.click("#bulk-run").await;
    let report = b.finished_report("bulk-report").await;
    assert!(report.contains(" of the 3 workers checked "), "{report}");
    assert!(
        report.contains("1 Polling Tentacle was not checked: it is checked when it polls."),
        "{report}"
    );

    // Add worker, saved empty as SSH: each rule in one form, none calls it a target, and the
    // Account select has the error border the inputs have.
    b.open(&format!("{WORKERS}/new")).await;
    b.click("input[name=target-style][value=Ssh]").await;
    b.click("form.form button[type=submit]").await;
    b.wait_for_text(
        "#target-account-error",
        "Account is required: choose the account it signs in with.",
    )
    .await;
    let errors = b
        .js("return [...document.querySelectorAll('.field-error')].map(e => e.textContent)")
        .await;
    let errors: Vec<String> = serde_json::from_value(errors).unwrap();
    assert_eq!(
        errors,
        [
            "Name is required.",
            "Worker pools are required: choose at least one.",
            "Host is required.",
            "Account is required: choose the account it signs in with.",
        ]
    );
    let border = |css: &str| {
        format!("return getComputedStyle(document.querySelector({css:?})).borderTopColor")
    };
    let danger = b.js(&border("#target-host")).await;
    assert_eq!(b.js(&border("#target-account")).await, danger);
    assert_ne!(
        b.js(&border("#target-port")).await,
        danger,
        "only the wrong ones"
    );
    b.finish().await;
}

#[tokio::test]
async fn at_375_pixels_the_navigation_is_one_row_and_a_host_to_reach_shows_whole() {
    let b = Browser::start("admin-375", Seed::Demo, None).await;
    b.client.set_window_size(375, 900).await.unwrap();
    for page in [
        TARGETS,
        WORKERS,
        PROXIES,
        "/app/Spaces-1/infrastructure/audit",
    ] {
        b.open(page).await;
        b.find("nav a[aria-current=page]").await;
        let rows = b
            .js("return new Set([...document.querySelectorAll('.sidenav a')].map(a => a.getBoundingClientRect().top)).size")
            .await;
        assert_eq!(rows, 1, "{page}: the links are on one row");
        let fits = b
            .js("const u = document.querySelector('.sidenav ul'); return u.scrollWidth <= u.clientWidth")
            .await;
        assert_eq!(fits, true, "{page}: every link shows");
    }
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.fill("#test-host", "bastion.dmz.example.com").await;
    let whole = b
        .js("const i = document.getElementById('test-host'); return i.scrollWidth <= i.clientWidth")
        .await;
    b.screenshot("test").await;
    assert_eq!(whole, true, "the host to reach is cut");
    b.finish().await;
}
