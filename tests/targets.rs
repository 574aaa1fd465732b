//! Infrastructure › Deployment Targets in the browser: the real console against the real mock
//! server, each test with its own database and port. What the console saved is checked
//! through the API.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use browser::Browser;
use mock_server::Seed;
use reqwest::Method;
use serde_json::{json, Value};

const LIST: &str = "/app/Spaces-1/infrastructure/machines";

async fn endpoint(b: &Browser, id: &str) -> Value {
    b.api_get(&format!("/api/Spaces-1/machines/{id}")).await["Endpoint"].clone()
}

async fn save_and_wait(b: &Browser) {
    b.click("button[type=submit]").await;
    b.wait_for_text("[data-testid=toast]", "Deployment target \u{201c}")
        .await;
    b.wait_for_url("the list", |u| u == LIST).await;
}

#[tokio::test]
async fn switch_a_listening_target_to_a_proxy_and_back() {
    let b = Browser::start("targets-listening-proxy", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Machines-1")).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    b.wait_for_text("[data-testid=style]", "Listening Tentacle")
        .await;
    assert_eq!(
        b.js("return document.querySelector('#target-proxy').closest('[hidden]') !== null")
            .await,
        true,
        "no proxy select while the connection is direct"
    );
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-2").await;
    b.screenshot("listening-proxy").await;
    save_and_wait(&b).await;
    assert_eq!(endpoint(&b, "Machines-1").await["ProxyId"], "Proxies-2");
    // The list shows the proxy by name, linking to it.
    let link = b
        .js("return [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('web-dev-01'))\
             .querySelector('[data-label=Connection] a').getAttribute('href')")
        .await;
    assert_eq!(link, "/app/Spaces-1/infrastructure/proxies/Proxies-2");

    b.open(&format!("{LIST}/Machines-1")).await;
    b.wait_for_text("main h1", "web-dev-01").await;
    assert_eq!(b.value("#target-proxy").await, "Proxies-2");
    b.click("input[name=target-connection][value=direct]").await;
    save_and_wait(&b).await;
    assert_eq!(endpoint(&b, "Machines-1").await["ProxyId"], Value::Null);
    b.finish().await;
}

#[tokio::test]
async fn switch_an_ssh_target_to_a_proxy() {
    let b = Browser::start("targets-ssh-proxy", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Machines-6")).await;
    b.wait_for_text("main h1", "build-agent-01").await;
    b.wait_for_text("[data-testid=style]", "SSH").await;
    assert_eq!(b.value("#target-host").await, "build-01.corp.example.com");
    assert_eq!(b.value("#target-account").await, "Accounts-1");
    b.click("input[name=target-connection][value=proxy]").await;
    // Save without a proxy: the rule shows on the field, nothing is sent.
    b.click("button[type=submit]").await;
    b.wait_for_text("#target-proxy-error", "choose one of this space's proxies")
        .await;
    assert_eq!(endpoint(&b, "Machines-6").await["ProxyId"], Value::Null);
    b.choose("#target-proxy", "Proxies-3").await;
    b.screenshot("ssh-proxy").await;
    save_and_wait(&b).await;
    let e = endpoint(&b, "Machines-6").await;
    assert_eq!(e["ProxyId"], "Proxies-3");
    assert_eq!(e["Port"], 22, "untouched fields stay as they were: {e}");
    assert_eq!(e["DotNetCorePlatform"], "linux-x64");
    b.finish().await;
}

#[tokio::test]
async fn a_polling_target_explains_where_its_proxy_is_set() {
    let b = Browser::start("targets-polling", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Machines-10")).await;
    b.wait_for_text("main h1", "laptop-dev-07").await;
    let note = b
        .wait_for_text("[data-testid=polling-note]", "Tentacle Manager")
        .await;
    assert!(note.contains("tentacle polling-proxy"), "{note}");
    assert!(note.contains("Internet Explorer"), "{note}");
    assert!(note.contains("user who installed the Tentacle"), "{note}");
    // Its subscription address and thumbprint are shown, not edited.
    b.wait_for_text("dl.facts-list", "poll://").await;
    assert_eq!(
        b.js("return document.querySelectorAll('#target-url:not([hidden] *)').length")
            .await,
        0
    );
    let hidden = b
        .js(
            "return [...document.querySelectorAll('#target-connection, #target-proxy')]\
             .every(e => e.closest('[hidden]') !== null)",
        )
        .await;
    assert_eq!(hidden, true, "no proxy control for a polling target");
    b.js("document.querySelector('[data-testid=polling-note]').scrollIntoView(); return true")
        .await;
    b.screenshot("polling").await;
    b.finish().await;
}

#[tokio::test]
async fn add_a_listening_and_an_ssh_target_with_a_proxy() {
    let b = Browser::start("targets-add", Seed::Demo, None).await;
    b.open(LIST).await;
    b.click_text("a.button", "Add deployment target").await;
    b.wait_for_url("the add form", |u| u.ends_with("/machines/new"))
        .await;
    b.wait_for_text("#target-style", "Polling Tentacles are not added here")
        .await;
    // Save at once: every rule shows and the first field gets focus.
    b.click("button[type=submit]").await;
    b.wait_for_text("#target-name-error", "Name is required.")
        .await;
    b.wait_for_text(
        "#target-environments-error",
        "Environments are required: choose at least one.",
    )
    .await;
    b.wait_for_text("#target-url-error", "URL is required.")
        .await;
    assert_eq!(
        b.js("return document.activeElement.id").await,
        "target-name"
    );
    b.fill("#target-name", "web-test-02").await;
    b.click("input[name=target-environments][value=Environments-2]")
        .await;
    b.fill("#target-roles", "web, canary").await;
    b.fill("#target-url", "https://web-test-02:10933/").await;
    b.fill("#target-thumbprint", "AA11BB22").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-1").await;
    b.screenshot("add-listening").await;
    save_and_wait(&b).await;
    let created = b
        .api_get("/api/Spaces-1/machines?partialName=web-test-02")
        .await;
    let m = &created["Items"][0];
    assert_eq!(m["EnvironmentIds"], json!(["Environments-2"]));
    assert_eq!(m["Roles"], json!(["web", "canary"]));
    assert_eq!(m["Endpoint"]["CommunicationStyle"], "TentaclePassive");
    assert_eq!(m["Endpoint"]["ProxyId"], "Proxies-1");

    b.open(&format!("{LIST}/new")).await;
    b.click("input[name=target-style][value=Ssh]").await;
    b.fill("#target-name", "db-dev-01").await;
    b.click("input[name=target-environments][value=Environments-1]")
        .await;
    b.fill("#target-host", "db-dev-01.corp.example.com").await;
    b.fill("#target-port", "2222").await;
    b.choose("#target-account", "Accounts-2").await;
    b.choose("#target-platform", "linux-arm64").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-2").await;
    b.screenshot("add-ssh").await;
    save_and_wait(&b).await;
    let created = b
        .api_get("/api/Spaces-1/machines?partialName=db-dev-01")
        .await;
    let e = &created["Items"][0]["Endpoint"];
    assert_eq!(e["CommunicationStyle"], "Ssh");
    assert_eq!(e["Host"], "db-dev-01.corp.example.com");
    assert_eq!(e["Port"], 2222);
    assert_eq!(e["AccountId"], "Accounts-2");
    assert_eq!(e["DotNetCorePlatform"], "linux-arm64");
    assert_eq!(e["ProxyId"], "Proxies-2");
    b.finish().await;
}

#[tokio::test]
async fn server_errors_land_on_the_target_fields() {
    let b = Browser::start("targets-server-errors", Seed::Demo, None).await;
    b.open(&format!("{LIST}/Machines-2")).await;
    b.wait_for_text("main h1", "web-test-01").await;
    b.fill("#target-name", "web-dev-01").await;
    b.click("button[type=submit]").await;
    b.wait_for_text(
        "#target-name-error",
        "already used by another deployment target",
    )
    .await;
    assert_eq!(
        b.value("#target-name").await,
        "web-dev-01",
        "what was typed stays"
    );
    assert_eq!(
        b.js("return document.activeElement.id").await,
        "target-name"
    );

    // Unsaved changes: leaving by a link asks first, and staying keeps what was typed.
    b.click_text("nav a", "Proxies").await;
    b.wait_for_text("dialog[open]", "unsaved changes").await;
    b.click_text("dialog[open] button", "Keep editing").await;
    b.wait_gone("dialog[open]").await;
    assert_eq!(b.value("#target-name").await, "web-dev-01");
    assert_eq!(
        b.api_get("/api/Spaces-1/machines/Machines-2").await["Name"],
        "web-test-01",
        "nothing was saved"
    );
    b.finish().await;
}

#[tokio::test]
async fn unknown_fields_survive_a_save_through_the_console() {
    let b = Browser::start("targets-round-trip", Seed::Demo, None).await;
    let (status, m) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines",
            Some(json!({"Name": "legacy-01", "EnvironmentIds": ["Environments-1"], "Roles": ["legacy"],
                "MachinePolicyId": "MachinePolicies-7", "TenantedDeploymentParticipation": "Tenanted",
                "TenantIds": ["Tenants-3"], "Custom": {"Nested": [1, {"Deep": true}]},
                "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://legacy-01:10933/",
                    "Thumbprint": "FFEE", "ProxyId": null,
                    "TentacleVersionDetails": {"Version": "6.3.1", "UpgradeSuggested": true}}})),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    let id = m["Id"].as_str().unwrap().to_owned();
    b.open(&format!("{LIST}/{id}")).await;
    b.wait_for_text("main h1", "legacy-01").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-1").await;
    save_and_wait(&b).await;
    let after = b.api_get(&format!("/api/Spaces-1/machines/{id}")).await;
    assert_eq!(after["MachinePolicyId"], "MachinePolicies-7");
    assert_eq!(after["TenantedDeploymentParticipation"], "Tenanted");
    assert_eq!(after["TenantIds"], json!(["Tenants-3"]));
    assert_eq!(after["Custom"], json!({"Nested": [1, {"Deep": true}]}));
    assert_eq!(
        after["Endpoint"]["TentacleVersionDetails"],
        json!({"Version": "6.3.1", "UpgradeSuggested": true})
    );
    assert_eq!(after["Endpoint"]["ProxyId"], "Proxies-1");
    b.finish().await;
}

#[tokio::test]
async fn the_list_shows_names_and_filters_survive_reload_and_paging() {
    let b = Browser::start("targets-list", Seed::Demo, None).await;
    b.open(LIST).await;
    let row = b.wait_for_text("table tbody", "web-prod-01").await;
    assert!(row.contains("Squid in the DMZ"), "proxy by name: {row}");
    let first = b
        .js("const r = [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('web-prod-01'));\
             return [...r.querySelectorAll('td')].map(td => td.textContent)")
        .await;
    assert_eq!(
        first,
        json!([
            // The row's selection checkbox (for "Check health (N selected)").
            "",
            "web-prod-01",
            "Listening Tentacle",
            "Production",
            "web",
            "Healthy",
            "Squid in the DMZ"
        ])
    );
    b.wait_for_text("table tbody", "Set on the Tentacle").await;
    b.screenshot("list").await;
    // Names come from one request per kind, not one per row.
    let requested = b
        .js(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)\
             .filter(p => p.startsWith('/api'))",
        )
        .await;
    let requested: Vec<&str> = requested
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut sorted = requested.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "/api",
            "/api/Spaces-1/environments/all",
            "/api/Spaces-1/machines",
            "/api/Spaces-1/proxies/all",
            "/api/spaces",
            // Who the person is and what they may do, once for every screen.
            "/api/users/Users-1/permissions",
            "/api/users/me"
        ],
        "{requested:?}"
    );

    // 40 more Production targets through the API, so the list has pages.
    for n in 1..=40 {
        let (status, body) = b
            .api(
                Method::POST,
                "/api/Spaces-1/machines",
                Some(
                    json!({"Name": format!("batch-{n:02}"), "EnvironmentIds": ["Environments-3"],
                    "Endpoint": {"CommunicationStyle": "TentaclePassive",
                        "Uri": format!("https://batch-{n:02}:10933/"), "Thumbprint": "AB"}}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    // A name is text, never markup.
    let (status, body) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines",
            Some(json!({"Name": "<img src=x onerror=alert(1)>", "EnvironmentIds": ["Environments-1"],
                "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://x:10933/", "Thumbprint": "AB"}})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    b.reload().await;
    b.wait_for_text(
        "table tbody tr:first-child td a",
        "<img src=x onerror=alert(1)>",
    )
    .await;
    assert_eq!(
        b.js("return document.querySelectorAll('tbody img').length")
            .await,
        0
    );
    b.wait_for_text("#environment", "Production").await;
    b.choose("#environment", "Environments-3").await;
    b.wait_for_url("the environment filter", |u| {
        u.contains("environment=Environments-3")
    })
    .await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–30 of 47")
        .await;
    b.click_text("a.button", "Next").await;
    b.wait_for_url("page 2", |u| u.contains("page=2")).await;
    b.wait_for_text("[data-testid=showing]", "Showing 31–47 of 47")
        .await;
    b.reload().await;
    b.wait_for_text("[data-testid=showing]", "Showing 31–47 of 47")
        .await;
    assert_eq!(b.value("#environment").await, "Environments-3");

    b.choose("#style", "Ssh").await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–2 of 2")
        .await;
    b.choose("#proxy", "Proxies-2").await;
    b.wait_for_text("[data-testid=showing]", "Showing 1–1 of 1")
        .await;
    b.wait_for_text("table tbody", "db-prod-01").await;
    b.fill("#target-search", "nothing-like-this").await;
    b.wait_for_text("[data-testid=empty]", "No deployment targets match")
        .await;
    let url = b
        .wait_for_url("all filters", |u| u.contains("q=nothing-like-this"))
        .await;
    assert!(
        url.contains("style=Ssh")
            && url.contains("proxy=Proxies-2")
            && url.contains("environment=Environments-3"),
        "{url}"
    );
    b.reload().await;
    b.wait_for_text("[data-testid=empty]", "No deployment targets match")
        .await;
    assert_eq!(b.value("#target-search").await, "nothing-like-this");
    b.finish().await;
}

#[tokio::test]
async fn a_proxy_page_lists_the_targets_and_workers_that_use_it() {
    let b = Browser::start("targets-used-by", Seed::Demo, None).await;
    b.open("/app/Spaces-1/infrastructure/proxies/Proxies-1")
        .await;
    let used = b
        .wait_for_text("[data-testid=used-by]", "Used by 5 machines")
        .await;
    for name in [
        "web-prod-01",
        "web-prod-02",
        "bastion-prod",
        "Deployment Targets (3)",
        "Workers (2)",
        "worker-linux-01",
        "worker-linux-02",
    ] {
        assert!(used.contains(name), "{name} in {used}");
    }
    assert_eq!(
        b.js("return [...document.querySelectorAll('[data-testid=used-by] [data-testid=workers] a')].map(a => a.getAttribute('href'))")
            .await,
        serde_json::json!(["/app/Spaces-1/infrastructure/workers/Workers-2", "/app/Spaces-1/infrastructure/workers/Workers-3"])
    );
    b.screenshot("proxy-used-by").await;
    b.wait_for_text("nav a[aria-current=page]", "Proxies").await;
    b.click_text("[data-testid=used-by] a", "bastion-prod")
        .await;
    b.wait_for_text("main h1", "bastion-prod").await;
    b.wait_for_url("the target", |u| u.ends_with("/machines/Machines-9"))
        .await;
    b.wait_for_text("nav a[aria-current=page]", "Deployment Targets")
        .await;
    b.open("/app/Spaces-1/infrastructure/proxies/Proxies-4")
        .await;
    b.wait_for_text(
        "[data-testid=used-by]",
        "No deployment target or worker connects through this proxy",
    )
    .await;
    b.finish().await;
}

#[tokio::test]
async fn an_empty_space_says_what_a_new_target_needs() {
    let b = Browser::start("targets-empty", Seed::None, None).await;
    b.open(LIST).await;
    b.wait_for_text("[data-testid=empty]", "No deployment targets yet")
        .await;
    b.click_text("[data-testid=empty] a.button", "Add deployment target")
        .await;
    b.wait_for_text("#target-environments", "This space has no environments yet")
        .await;
    b.click("input[name=target-style][value=Ssh]").await;
    b.wait_for_text("#target-account-hint", "no SSH accounts yet")
        .await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.wait_for_text("#target-proxy-hint", "no proxies yet")
        .await;
    b.screenshot("add").await;
    b.finish().await;
}

#[tokio::test]
async fn change_the_connection_of_selected_targets_at_once() {
    let b = Browser::start("targets-bulk-connection", Seed::Demo, None).await;
    b.open(LIST).await;
    b.wait_for_text("table tbody", "laptop-dev-07").await;
    for name in ["web-dev-01", "db-prod-01", "laptop-dev-07"] {
        b.click(&format!("input[aria-label='Select {name}']")).await;
    }
    b.wait_for_text("#bulk-connect", "3 selected").await;
    assert_eq!(
        b.js("return document.querySelector('#bulk-connect').disabled")
            .await,
        true,
        "no connection chosen yet"
    );
    b.choose("#bulk-connection", "Proxies-1").await;
    b.click("#bulk-connect").await;
    let summary = b
        .wait_for_text(
            "[data-testid=connect-summary]",
            "2 targets will connect through Squid in the DMZ.",
        )
        .await;
    assert!(summary.contains("Skipped: laptop-dev-07"), "{summary}");
    b.screenshot("confirm").await;
    b.click_text("dialog[open] .dialog-actions button", "Change connection")
        .await;
    let report = b
        .wait_for_text(
            "[data-testid=connect-report]",
            "2 targets now connect through Squid in the DMZ.",
        )
        .await;
    assert!(
        report.contains("db-prod-01: was through Corporate egress"),
        "{report}"
    );
    assert!(report.contains("web-dev-01: was direct"), "{report}");
    for id in ["Machines-1", "Machines-8"] {
        assert_eq!(endpoint(&b, id).await["ProxyId"], "Proxies-1", "{id}");
    }
    assert!(endpoint(&b, "Machines-10")
        .await
        .get("ProxyId")
        .is_none_or(Value::is_null));
    // The table shows it once it has loaded again (the report comes first), and nothing is
    // selected any more.
    b.wait_until(
        "web-dev-01's Connection cell says Squid in the DMZ",
        "return [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('web-dev-01'))\
         .querySelector('[data-label=Connection]').textContent == 'Squid in the DMZ'",
    )
    .await;
    b.wait_for_text("#bulk-connect", "0 selected").await;
    b.screenshot("done").await;
    b.finish().await;
}

#[tokio::test]
async fn a_kubernetes_targets_cluster_namespace_and_connection() {
    let b = Browser::start("targets-kubernetes", Seed::Demo, None).await;
    let (status, created) = b
        .api(
            Method::POST,
            "/api/Spaces-1/machines",
            Some(json!({"Name": "aks-prod", "EnvironmentIds": ["Environments-3"],
                "Endpoint": {"CommunicationStyle": "Kubernetes", "ClusterUrl": "https://aks.example.com:443/",
                    "Namespace": "apps", "SkipTlsVerification": "True",
                    "Authentication": {"AuthenticationType": "KubernetesStandard", "AccountId": "Accounts-1"}}})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["Id"].as_str().unwrap().to_owned();
    // The list's style filter knows it and the row says what it is.
    b.open(&format!("{LIST}?style=Kubernetes")).await;
    let row = b.wait_for_text("table tbody", "aks-prod").await;
    assert!(
        row.contains("Kubernetes API") && row.contains("Direct"),
        "{row}"
    );

    b.open(&format!("{LIST}/{id}")).await;
    b.wait_for_text("[data-testid=style]", "Kubernetes API")
        .await;
    assert_eq!(
        b.value("#target-cluster-url").await,
        "https://aks.example.com:443/"
    );
    assert_eq!(b.value("#target-namespace").await, "apps");
    // Its own rule on its field, in words that do not repeat the hint under it; focus goes to
    // the field, as on every form.
    b.fill("#target-cluster-url", "k8s-prod-west.example.com:6443")
        .await;
    b.click("button[type=submit]").await;
    let error = b
        .wait_for_text(
            "#target-cluster-url-error",
            "Cluster URL must start with https://.",
        )
        .await;
    let hint = b
        .find("#target-cluster-url-hint")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !hint.contains(error.trim_end_matches('.')) && !error.contains("e.g."),
        "{error} / {hint}"
    );
    assert_eq!(
        b.js("return document.activeElement.id").await,
        "target-cluster-url"
    );
    b.fill("#target-cluster-url", "https://aks.example.com:6443/")
        .await;
    b.fill("#target-namespace", "web").await;
    b.click("input[name=target-connection][value=proxy]").await;
    b.choose("#target-proxy", "Proxies-1").await;
    b.screenshot("form").await;
    save_and_wait(&b).await;
    let e = endpoint(&b, &id).await;
    assert_eq!(e["ClusterUrl"], "https://aks.example.com:6443/");
    assert_eq!(e["Namespace"], "web");
    assert_eq!(e["ProxyId"], "Proxies-1");
    assert_eq!(e["SkipTlsVerification"], "True", "kept as stored");
    assert_eq!(
        e["Authentication"]["AccountId"], "Accounts-1",
        "kept as stored"
    );
    b.finish().await;
}
