//! Who may do what, in the browser: the real console against the real mock server, with users
//! whose roles differ. Each person sees only what they may do; a refusal says in words which
//! permission is missing and keeps what was typed.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use api_model::permissions::Role;
use browser::Browser;
use mock_server::{Grant, Seed};

const ADMIN_KEY: &str = "API-ADMINISTRATOR0000000000000";
const PROXIES: &str = "/app/Spaces-1/infrastructure/proxies";
const TARGETS: &str = "/app/Spaces-1/infrastructure/machines";

fn grant(role: Role, environments: &[&str]) -> Grant {
    Grant {
        role,
        space_id: "Spaces-1".into(),
        environment_ids: environments.iter().map(|e| e.to_string()).collect(),
    }
}

/// A server with the demo data, a user with these grants, and the browser signed in as them
/// (through the API key dialog, as a person would).
async fn signed_in(name: &str, grants: &[Grant]) -> Browser {
    let b = Browser::start(name, Seed::Demo, Some(ADMIN_KEY)).await;
    let db = b.db_path.to_str().unwrap().to_owned();
    let key = mock_server::add_user(&db, name, &grants[0]).unwrap();
    for more in &grants[1..] {
        mock_server::grant(&db, name, more).unwrap();
    }
    b.open(PROXIES).await;
    b.find("dialog[open] #api-key-input").await;
    b.fill("#api-key-input", &key).await;
    b.click_text("dialog[open] button", "Use this key").await;
    b.wait_for_text("table tbody", "Squid in the DMZ").await;
    b
}

async fn count(b: &Browser, css: &str) -> i64 {
    b.js(&format!("return document.querySelectorAll({css:?}).length"))
        .await
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_viewer_is_offered_nothing_to_change_and_sees_forms_read_only() {
    let b = signed_in("viewer", &[grant(Role::EnvironmentViewer, &[])]).await;
    assert_eq!(
        count(&b, "a[href$='/proxies/new']").await,
        0,
        "no Add proxy"
    );

    b.open(&format!("{PROXIES}/Proxies-1")).await;
    let note = b
        .wait_for_text("[data-testid=read-only]", "ProxyEdit")
        .await;
    assert_eq!(
        note,
        "You can view proxies but not change them: your role lacks ProxyEdit."
    );
    assert_eq!(b.value("#proxy-name").await, "Squid in the DMZ");
    assert_eq!(
        b.js("return document.querySelector('#proxy-name').matches(':disabled')")
            .await,
        true
    );
    assert_eq!(
        count(&b, "form.form button[type=submit]").await,
        0,
        "no Save"
    );
    assert_eq!(
        b.js("return [...document.querySelectorAll('main button')].filter(b => b.textContent.trim().startsWith('Delete')).length").await,
        0,
        "no Delete"
    );
    assert_eq!(count(&b, "#test-host").await, 0, "no Test this proxy");
    assert_eq!(
        b.js("return document.querySelector('#password-change').closest('[hidden]') !== null")
            .await,
        true,
        "no Change password"
    );
    b.screenshot("proxy").await;

    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-prod-01").await;
    assert_eq!(count(&b, "a[href$='/machines/new']").await, 0);
    assert_eq!(count(&b, "[data-testid=bulk]").await, 0, "no bulk actions");
    assert_eq!(
        count(&b, "table input[type=checkbox]").await,
        0,
        "no row selection"
    );
    b.finish().await;
}

#[tokio::test]
async fn a_development_lead_edits_development_targets_and_sees_production_ones_read_only() {
    let b = signed_in(
        "dev-lead",
        &[
            grant(Role::EnvironmentManager, &["Environments-1"]),
            grant(Role::EnvironmentViewer, &[]),
        ],
    )
    .await;
    assert_eq!(
        count(&b, "a[href$='/proxies/new']").await,
        1,
        "proxies are space-wide"
    );
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-prod-01").await;
    assert_eq!(count(&b, "a[href$='/machines/new']").await, 1);
    b.find("[data-testid=bulk]").await;

    // Production: read-only, no health check.
    b.open(&format!("{TARGETS}/Machines-3")).await;
    b.wait_for_text("main h1", "web-prod-01").await;
    b.wait_for_text("[data-testid=read-only]", "MachineEdit")
        .await;
    assert_eq!(count(&b, "form.form button[type=submit]").await, 0);
    assert_eq!(count(&b, "#check-health").await, 0);
    let discover = "return [...document.querySelectorAll('main button')].filter(b => b.textContent.includes('Read the thumbprint')).length";
    assert_eq!(b.js(discover).await, 0, "no Discover");

    // Development: editable; moving it into Production is refused by the server, in words,
    // and what was typed stays.
    b.open(&format!("{TARGETS}/Machines-1")).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    b.find("form.form button[type=submit]").await;
    assert_eq!(count(&b, "[data-testid=read-only]").await, 0);
    assert_eq!(
        b.js(discover).await,
        1,
        "Discover where the lead may change the target"
    );
    b.fill("#target-name", "web-dev-01-renamed").await;
    b.click("input[name=target-environments][value=Environments-3]")
        .await;
    let reads = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/users/me')).length";
    let before = b.js(reads).await.as_i64().unwrap();
    b.click("form.form button[type=submit]").await;
    let problem = b.wait_for_text("[role=alert]", "MachineEdit").await;
    assert!(
        problem.contains(
            "You are not allowed to do this: your role lacks the MachineEdit permission."
        ),
        "{problem}"
    );
    assert_eq!(
        b.value("#target-name").await,
        "web-dev-01-renamed",
        "the typed name stays"
    );
    assert_eq!(
        b.api_get("/api/Spaces-1/machines/Machines-1").await["Name"],
        "web-dev-01",
        "nothing was saved"
    );
    // The refusal had the console read the person's permissions again.
    for _ in 0..50 {
        if b.js(reads).await.as_i64().unwrap() > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        b.js(reads).await.as_i64().unwrap() > before,
        "permissions read again"
    );
    b.screenshot("refused").await;
    b.finish().await;
}

#[tokio::test]
async fn without_the_permission_routes_everything_is_offered_as_before() {
    // The plain demo (no key anywhere) is the administrator: every action is there.
    let b = Browser::start("permissions-admin", Seed::Demo, None).await;
    b.open(&format!("{PROXIES}/Proxies-1")).await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.find("form.form button[type=submit]").await;
    assert_eq!(count(&b, "[data-testid=read-only]").await, 0);
    // A server that does not answer users/me (blocked here): the console offers everything.
    b.block_urls(&["*/api/users/*"]).await;
    b.reload().await;
    b.wait_for_text("main h1", "Squid in the DMZ").await;
    b.find("form.form button[type=submit]").await;
    b.open(TARGETS).await;
    b.wait_for_text("table tbody", "web-prod-01").await;
    b.find("[data-testid=bulk]").await;
    b.finish().await;
}
