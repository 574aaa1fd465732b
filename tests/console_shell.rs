//! The console loads from the server under /app/ and shows the server it talks to.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::{ApiMode, Seed};

#[tokio::test]
async fn shell_shows_the_server_version_from_the_api() {
    let b = Browser::start("console-shell", Seed::Demo, None).await;
    b.open("/app/").await;
    b.wait_for_url("the default space's proxies", |u| {
        u == "/app/Spaces-1/infrastructure/proxies"
    })
    .await;
    let version = b
        .wait_for_text("[data-testid=server-version]", mock_server::SERVER_VERSION)
        .await;
    assert_eq!(
        version,
        format!("Octopus Deploy {}", mock_server::SERVER_VERSION)
    );
    assert_eq!(b.client.title().await.unwrap(), "Proxies · Proxy Console");
    b.finish().await;
}

#[tokio::test]
async fn deep_links_load_the_console_and_unknown_pages_say_so() {
    let b = Browser::start("console-not-found", Seed::None, None).await;
    b.open("/app/no/such/page").await;
    b.wait_for_text("main h1", "Page not found").await;
    b.wait_for_text("[data-testid=server-version]", mock_server::SERVER_VERSION)
        .await;
    b.finish().await;
}

#[tokio::test]
async fn the_page_has_an_icon_that_loads() {
    let b = Browser::start("console-icon", Seed::None, None).await;
    b.open("/app/").await;
    b.wait_for_text("[data-testid=server-version]", mock_server::SERVER_VERSION)
        .await;
    let href = b
        .js("const l = document.querySelector('link[rel=icon]'); return l ? l.href : null")
        .await;
    let href = href.as_str().expect("a <link rel=icon>");
    let icon = b.http.get(href).send().await.unwrap();
    assert_eq!(icon.status(), 200, "{href}");
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    b.finish().await;
}

#[tokio::test]
async fn the_shell_paints_before_the_wasm_and_says_so_if_it_never_comes() {
    let b = Browser::start("console-first-paint", Seed::None, None).await;
    // The wasm never arrives: the plain-HTML shell is there anyway, then says what happened.
    b.block_urls(&["*.wasm"]).await;
    b.open("/app/Spaces-1/infrastructure/proxies").await;
    b.wait_for_text("#boot-shell header", "Proxy Console").await;
    b.wait_for_text("#boot-shell nav", "Proxies").await;
    b.wait_for_text(
        "#boot-shell [role=alert]",
        "The console could not be loaded",
    )
    .await;
    b.screenshot("no-wasm").await;
    // With the wasm, the app takes the shell's place.
    b.block_urls(&[]).await;
    b.reload().await;
    b.wait_for_text("main h1", "Proxies").await;
    b.wait_gone("#boot-shell").await;
    b.finish().await;
}

/// Records every fetch with whether boot.js made it (its call stack runs through boot.js, which
/// the app's requests, from the wasm, never do), before any of the page's own scripts run.
const RECORD_FETCHES: &str = r#"
window.__fetches = [];
const realFetch = window.fetch;
window.fetch = function (request, init) {
  const raw = typeof request === 'string' ? request : request.url;
  const url = new URL(raw, location.href);
  // gloo-net ends a query with '&'; the address is the same.
  const key = (url.pathname + url.search).replace(/&$/, '');
  window.__fetches.push([key, (new Error().stack || '').includes('/boot.js')]);
  return realFetch.apply(this, arguments);
};
"#;

/// The API requests of the page so far: (address, made by boot.js).
async fn fetches(b: &Browser) -> Vec<(String, bool)> {
    let all: Vec<(String, bool)> =
        serde_json::from_value(b.js("return window.__fetches;").await).unwrap();
    all.into_iter()
        .filter(|(u, _)| u.starts_with("/api"))
        .collect()
}

#[tokio::test]
async fn the_first_screens_requests_start_before_the_wasm_and_are_not_asked_again() {
    first_screens("console-prefetch", ApiMode::Extended).await;
}

/// On a server without the extensions the screens ask for other things (every machine of the
/// space, a list without the proxy filter): boot.js reads the root document first and asks
/// for those.
#[tokio::test]
async fn the_first_screens_requests_start_early_on_a_server_without_the_extensions() {
    first_screens("console-prefetch-octopus", ApiMode::Octopus).await;
}

async fn first_screens(name: &str, api: ApiMode) {
    let b = Browser::start_with(name, Seed::Demo, None, api).await;
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": RECORD_FETCHES }),
    )
    .await;
    // Each first screen, with its address's search, filters and page; and what it shows.
    let screens = [
        (
            "/app/Spaces-1/infrastructure/machines?q=web-prod&proxy=Proxies-1&style=TentaclePassive",
            "main tbody",
            "web-prod-02",
        ),
        (
            "/app/Spaces-1/infrastructure/proxies?q=squid&page=1",
            "main tbody",
            "machines",
        ),
        (
            "/app/Spaces-1/infrastructure/workers?pool=WorkerPools-3&proxy=Proxies-1",
            "main tbody",
            "worker-linux-02",
        ),
        (
            "/app/Spaces-1/infrastructure/workers/Workers-2",
            "main h1",
            "worker-linux-01",
        ),
        (
            "/app/Spaces-1/infrastructure/machines/Machines-3",
            "main h1",
            "web-prod-01",
        ),
        (
            "/app/Spaces-1/infrastructure/proxies/Proxies-1",
            "main h1",
            "Squid in the DMZ",
        ),
    ];
    for (address, css, shows) in screens {
        b.open(address).await;
        b.wait_for_text(css, shows).await;
        // Whatever else the screen asks for (the header's status and spaces) has time to go.
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        let calls = fetches(&b).await;
        let early: Vec<&String> = calls.iter().filter(|c| c.1).map(|c| &c.0).collect();
        let by_app: Vec<&String> = calls.iter().filter(|c| !c.1).map(|c| &c.0).collect();
        assert!(
            early.len() >= 3,
            "{address}: boot.js asked for the screen's data: {early:?}"
        );
        // The app took every early answer instead of asking again; it asked only for what
        // depends on the data (the proxies' usage, for the ids on the page).
        assert!(
            by_app.iter().all(|u| u.contains("/proxies/usage?")),
            "{address}: the app asked again for {by_app:?} (boot.js had {early:?})"
        );
        let left = b.js("return Object.keys(window.__prefetched || {});").await;
        assert_eq!(
            left,
            serde_json::json!([]),
            "{address}: answers never taken"
        );
    }
    b.finish().await;
}

#[tokio::test]
async fn an_early_answer_is_never_shown_on_a_later_screen() {
    let b = Browser::start("console-prefetch-stale", Seed::Demo, None).await;
    b.open("/app/Spaces-1/infrastructure/proxies").await;
    b.wait_for_text("main tbody", "Squid in the DMZ").await;
    // An answer for the targets list as if boot.js had asked for it and the app had not taken it
    // yet: on a later screen it is older than the screen, and must not be used.
    b.js(r#"
        const stale = {Items: [{Id: 'Machines-99', Name: 'stale-target', EnvironmentIds: [], Roles: [],
            Endpoint: {CommunicationStyle: 'TentacleActive'}}], TotalResults: 1, ItemsPerPage: 30, Links: {}};
        window.__prefetched['/api/Spaces-1/machines?skip=0&take=30'] =
            Promise.resolve({status: 200, etag: null, text: JSON.stringify(stale)});
    "#)
    .await;
    b.click_text("nav a", "Deployment Targets").await;
    b.wait_for_text("main tbody", "web-prod-01").await;
    let body = b.find("main").await.text().await.unwrap();
    assert!(
        !body.contains("stale-target"),
        "a stale early answer was shown"
    );
    b.finish().await;
}
