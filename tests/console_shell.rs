//! The console loads from the server under /app/ and shows the server it talks to.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;

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
