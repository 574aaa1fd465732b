//! Long values never break the layout: the longest names the rules allow, at a desktop width and
//! at a phone's, in the list and in the delete dialog.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use serde_json::{json, Value};

const LIST: &str = "/app/Spaces-1/infrastructure/proxies";

/// What overflows on the page: the page itself sideways, any table wrapper, any cell, and the
/// open dialog or anything in it past the viewport.
const OVERFLOWS: &str = r#"
    const out = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw) out.push('page ' + document.documentElement.scrollWidth + ' > ' + vw);
    for (const w of document.querySelectorAll('.table-wrap'))
        if (w.scrollWidth > w.clientWidth + 1) out.push('table ' + w.scrollWidth + ' > ' + w.clientWidth);
    for (const c of document.querySelectorAll('td, th'))
        if (c.scrollWidth > c.clientWidth + 1) out.push('cell ' + c.textContent.slice(0, 30));
    for (const d of document.querySelectorAll('dialog[open]'))
        if (d.scrollWidth > d.clientWidth + 1) out.push('dialog scrolls ' + d.scrollWidth + ' > ' + d.clientWidth);
    for (const e of document.querySelectorAll('dialog[open], dialog[open] *')) {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && (r.left < -1 || r.right > vw + 1)) out.push('dialog ' + e.tagName + ' ' + Math.round(r.right) + ' > ' + vw);
    }
    return out;
"#;

/// How many lines the name cell of `name` takes (letters wrapping one by one take many).
const NAME_LINES: &str = r#"
    const a = [...document.querySelectorAll('td a')].find(a => a.textContent === arguments[0]);
    const lh = parseFloat(getComputedStyle(a).lineHeight) || 20;
    return Math.round(a.getBoundingClientRect().height / lh);
"#;

async fn overflows(b: &Browser) -> Vec<String> {
    serde_json::from_value(b.js(OVERFLOWS).await).unwrap()
}

#[tokio::test]
async fn the_longest_names_fit_at_1280_and_at_375_pixels() {
    let b = Browser::start("long-values", Seed::None, None).await;
    let long_name = format!("Proxy-{}", "x".repeat(194));
    assert_eq!(long_name.chars().count(), 200);
    let long_host = format!("{}.{}.example.com", "h".repeat(63), "g".repeat(63));
    b.create_proxy(json!({"Name": long_name, "Host": long_host, "Username": "u".repeat(200)}))
        .await;
    b.create_proxy(json!({"Name": "Corporate egress", "Host": "proxy.corp.example.com"}))
        .await;

    for width in [1280, 375] {
        b.client.set_window_size(width, 900).await.unwrap();
        b.open(LIST).await;
        b.wait_for_text("table tbody", "Corporate egress").await;
        b.screenshot(&format!("{width}")).await;
        let found = overflows(&b).await;
        assert!(found.is_empty(), "at {width} px: {found:?}");
        let lines = b
            .client
            .execute(NAME_LINES, vec![Value::from("Corporate egress")])
            .await
            .unwrap();
        assert!(
            lines.as_i64().unwrap() <= 2,
            "a short name wraps into {lines} lines at {width} px"
        );

        b.open(&format!("{LIST}/Proxies-1")).await;
        b.wait_for_text("main h1", "Proxy-xxx").await;
        b.click_text("button.danger", "Delete").await;
        b.wait_for_text("dialog[open]", "Delete proxy").await;
        b.screenshot(&format!("{width}-dialog")).await;
        let found = overflows(&b).await;
        assert!(found.is_empty(), "dialog at {width} px: {found:?}");
        b.click_text("dialog[open] button", "Cancel").await;
    }
    b.finish().await;
}
