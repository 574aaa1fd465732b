//! Deployment targets, environments and accounts: routes, filters, endpoint styles, validation,
//! the round trip of unknown fields, and the proxy/target consistency rules.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn names(v: &Value) -> Vec<String> {
    let items = v.get("Items").unwrap_or(v);
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Name"].as_str().unwrap().to_owned())
        .collect()
}

fn listening(name: &str, proxy: Option<&str>) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["web"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web:10933/", "Thumbprint": "AB12", "ProxyId": proxy}})
}

fn ssh(name: &str, account: &str, proxy: Option<&str>) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["db"],
           "Endpoint": {"CommunicationStyle": "Ssh", "Host": "db.example.com", "Port": 2222, "AccountId": account,
                        "Fingerprint": "SHA256:x", "ProxyId": proxy, "DotNetCorePlatform": null}})
}

/// A server with the demo data (3 environments, 2 accounts, 3 proxies, 12 targets).
async fn demo() -> Api {
    start_with(config(Seed::Demo)).await
}

#[tokio::test]
async fn root_documents_link_to_the_new_collections() {
    let api = demo().await;
    for doc in [
        api.get("/api").await.json(),
        api.get("/api/Spaces-1").await.json(),
    ] {
        let links = &doc["Links"];
        assert!(
            links["Machines"]
                .as_str()
                .unwrap()
                .starts_with("/api/Spaces-1/machines{/id}{?skip,take"),
            "{links}"
        );
        assert!(links["Machines"]
            .as_str()
            .unwrap()
            .contains("environmentIds"));
        assert_eq!(
            links["Environments"],
            "/api/Spaces-1/environments{/id}{?skip,take,ids,partialName}"
        );
        assert_eq!(
            links["Accounts"],
            "/api/Spaces-1/accounts{/id}{?skip,take,ids,partialName}"
        );
    }
}

#[tokio::test]
async fn environments_list_get_create() {
    let api = demo().await;
    let page = api.get("/api/Spaces-1/environments").await.json();
    assert_eq!(page["ItemType"], "Environment");
    // In their sort order, as Octopus lists them (not by name).
    assert_eq!(names(&page), ["Development", "Test", "Production"]);
    assert_eq!(
        names(&api.get("/api/Spaces-1/environments/all").await.json()),
        ["Development", "Test", "Production"]
    );
    assert_eq!(
        names(&api.get("/api/environments/all").await.json()).len(),
        3
    );
    assert_eq!(
        api.get("/api/Spaces-1/environments/Environments-3")
            .await
            .json()["Name"],
        "Production"
    );
    assert_error(
        &api.get("/api/Spaces-1/environments/Environments-4").await,
        StatusCode::NOT_FOUND,
    );
    let r = api
        .post("/api/Spaces-1/environments", json!({"Name": " Staging "}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["Name"], "Staging");
    assert_eq!(
        r.json()["Links"]["Self"],
        "/api/Spaces-1/environments/Environments-5"
    );
    let dup = api
        .post("/api/Spaces-1/environments", json!({"Name": "staging"}))
        .await;
    assert_error(&dup, StatusCode::BAD_REQUEST);
    assert_error(
        &api.post("/api/Spaces-1/environments", json!({"Name": " "}))
            .await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test]
async fn accounts_list_and_get() {
    let api = demo().await;
    let page = api.get("/api/Spaces-1/accounts").await.json();
    assert_eq!(page["ItemType"], "Account");
    assert_eq!(names(&page), ["Bastion login", "Deploy key (ed25519)"]);
    let key = api.get("/api/accounts/Accounts-1").await.json();
    assert_eq!(
        (key["AccountType"].as_str(), key["Username"].as_str()),
        (Some("SshKeyPair"), Some("deploy"))
    );
    assert_eq!(
        names(&api.get("/api/Spaces-1/accounts/all").await.json()).len(),
        2
    );
    assert_error(
        &api.get("/api/Spaces-2/accounts/Accounts-1").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn demo_targets_mix_styles_and_proxies() {
    let api = demo().await;
    let all = api.get("/api/Spaces-1/machines/all").await.json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 13);
    let style = |s: &str| {
        all.iter()
            .filter(|m| m["Endpoint"]["CommunicationStyle"] == s)
            .count()
    };
    assert_eq!(
        (
            style("TentaclePassive"),
            style("Ssh"),
            style("TentacleActive"),
            style("Kubernetes")
        ),
        (5, 4, 3, 1)
    );
    let proxied = all
        .iter()
        .filter(|m| m["Endpoint"]["ProxyId"].is_string())
        .count();
    assert_eq!(proxied, 7);
    // And workers: two pools in Spaces-1, the default one first; two SSH workers through a proxy.
    let pools = api.get("/api/Spaces-1/workerpools/all").await.json();
    assert_eq!(
        names(&pools),
        ["Default Worker Pool", "Linux workers (DMZ)"]
    );
    let through = api
        .get("/api/Spaces-1/workers?proxyIds=Proxies-1")
        .await
        .json();
    assert_eq!(names(&through), ["worker-linux-01", "worker-linux-02"]);
    let workers = api.get("/api/Spaces-1/workers/all").await.json();
    assert_eq!(workers.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn create_get_update_delete_each_style() {
    let api = demo().await;
    let r = api
        .post(
            "/api/Spaces-1/machines",
            listening("new-web", Some("Proxies-2")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let m = r.json();
    let link = m["Links"]["Self"].as_str().unwrap().to_owned();
    assert_eq!(r.headers["location"], link.as_str());
    assert_eq!(m["SpaceId"], "Spaces-1");
    assert_eq!(m["HealthStatus"], "Unknown");
    assert_eq!(api.get(&link).await.json(), m);

    let r = api
        .post("/api/machines", ssh("new-ssh", "Accounts-2", None))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["Endpoint"]["Uri"],
        "ssh://db.example.com:2222/",
        "SSH Uri is computed"
    );
    assert!(
        r.json()["Endpoint"]["DotNetCorePlatform"].is_null(),
        "an explicit null is kept"
    );

    let polling = json!({"Name": "new-poll", "EnvironmentIds": ["Environments-2"],
        "Endpoint": {"CommunicationStyle": "TentacleActive", "Uri": "poll://abcdef/", "Thumbprint": "CD34"}});
    assert_eq!(
        api.post("/api/Spaces-1/machines", polling).await.status,
        StatusCode::CREATED
    );

    // Switch the listening target to direct and back through a proxy.
    let mut changed = m.clone();
    changed["Endpoint"]["ProxyId"] = Value::Null;
    let r = api.put(&link, changed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["Endpoint"]["ProxyId"].is_null());
    let mut again = r.json();
    again["Endpoint"]["ProxyId"] = json!("Proxies-3");
    assert_eq!(
        api.put(&link, again).await.json()["Endpoint"]["ProxyId"],
        "Proxies-3"
    );

    assert_eq!(api.delete(&link).await.status, StatusCode::OK);
    assert_error(&api.get(&link).await, StatusCode::NOT_FOUND);
    assert_error(&api.delete(&link).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fields_the_server_does_not_interpret_survive_create_and_update() {
    let api = demo().await;
    let mut body = listening("keeps-extras", None);
    body["MachinePolicyId"] = json!("MachinePolicies-7");
    body["TenantTags"] = json!(["region/emea"]);
    body["SomethingNew"] = json!({"nested": [1, 2, {"deep": true}]});
    body["Endpoint"]["TentacleVersionDetails"] = json!({"Version": "8.1.0", "UpgradeLocked": true});
    let created = api
        .post("/api/Spaces-1/machines", body.clone())
        .await
        .json();
    for key in ["MachinePolicyId", "TenantTags", "SomethingNew"] {
        assert_eq!(created[key], body[key], "{key}");
    }
    assert_eq!(
        created["Endpoint"]["TentacleVersionDetails"],
        body["Endpoint"]["TentacleVersionDetails"]
    );
    let mut update = created.clone();
    update["Endpoint"]["ProxyId"] = json!("Proxies-1");
    let updated = api
        .put(created["Links"]["Self"].as_str().unwrap(), update)
        .await
        .json();
    assert_eq!(updated["SomethingNew"], body["SomethingNew"]);
    assert_eq!(
        updated["Endpoint"]["TentacleVersionDetails"],
        body["Endpoint"]["TentacleVersionDetails"]
    );
    // Server-owned fields cannot be written.
    let mut forged = updated.clone();
    forged["Id"] = json!("Machines-999");
    forged["HealthStatus"] = json!("Healthy");
    let r = api
        .put(created["Links"]["Self"].as_str().unwrap(), forged)
        .await
        .json();
    assert_eq!(
        (r["Id"].as_str(), r["HealthStatus"].as_str()),
        (created["Id"].as_str(), Some("Unknown"))
    );
}

/// Posts and expects a 400 whose errors include `expected`, with nothing stored.
async fn rejected(api: &Api, body: Value, expected: &str) {
    let before = api.get("/api/Spaces-1/machines").await.json()["TotalResults"].clone();
    let r = api.post("/api/Spaces-1/machines", body.clone()).await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.errors().iter().any(|e| e.contains(expected)),
        "{body}: wanted \"{expected}\" in {:?}",
        r.errors()
    );
    assert_eq!(
        api.get("/api/Spaces-1/machines").await.json()["TotalResults"],
        before
    );
}

#[tokio::test]
async fn validation_rules() {
    let api = demo().await;
    let mut b = listening("", None);
    rejected(&api, b.clone(), "Name is required.").await;
    b = listening("web-dev-01", None);
    rejected(&api, b, "already used by another deployment target").await;
    b = listening("WEB-DEV-01", None);
    rejected(&api, b, "already used").await;
    b = listening("no-env", None);
    b["EnvironmentIds"] = json!([]);
    rejected(
        &api,
        b.clone(),
        "Environments are required: choose at least one.",
    )
    .await;
    b["EnvironmentIds"] = json!(["Environments-99"]);
    rejected(
        &api,
        b.clone(),
        "Environments: \"Environments-99\" does not exist",
    )
    .await;
    b = listening("bad-uri", None);
    b["Endpoint"]["Uri"] = json!("http://web:10933/");
    b["Endpoint"]["Thumbprint"] = json!("");
    rejected(&api, b.clone(), "https://").await;
    rejected(&api, b, "Thumbprint is required").await;
    rejected(
        &api,
        listening("ghost-proxy", Some("Proxies-99")),
        "Proxy \"Proxies-99\" does not exist",
    )
    .await;
    // Spaces-2's proxy is not this space's.
    rejected(
        &api,
        listening("other-space-proxy", Some("Proxies-5")),
        "does not exist in this space",
    )
    .await;
    let mut s = ssh("ssh-bad", "Accounts-9", None);
    s["Endpoint"]["Host"] = json!("");
    s["Endpoint"]["Port"] = json!(0);
    rejected(&api, s.clone(), "Host is required").await;
    rejected(&api, s.clone(), "Port must be").await;
    rejected(&api, s, "Account \"Accounts-9\" does not exist").await;
    let polling = json!({"Name": "poll-proxy", "EnvironmentIds": ["Environments-1"],
        "Endpoint": {"CommunicationStyle": "TentacleActive", "Uri": "poll://x/", "Thumbprint": "T", "ProxyId": "Proxies-1"}});
    rejected(&api, polling, "proxy is set on the Tentacle itself").await;
    let odd = json!({"Name": "odd", "EnvironmentIds": ["Environments-1"], "Endpoint": {"CommunicationStyle": "Ftp"}});
    rejected(&api, odd, "is not supported here").await;
    let no_endpoint = json!({"Name": "bare", "EnvironmentIds": ["Environments-1"]});
    rejected(&api, no_endpoint, "Endpoint is required").await;
    let wrong_type = json!({"Name": "typed", "EnvironmentIds": "Environments-1"});
    rejected(&api, wrong_type, "not valid").await;
}

#[tokio::test]
async fn a_rejected_update_changes_nothing() {
    let api = demo().await;
    let m = api.get("/api/Spaces-1/machines/Machines-1").await.json();
    let mut bad = m.clone();
    bad["Endpoint"]["ProxyId"] = json!("Proxies-99");
    assert_error(
        &api.put("/api/Spaces-1/machines/Machines-1", bad).await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(api.get("/api/Spaces-1/machines/Machines-1").await.json(), m);
}

#[tokio::test]
async fn list_filters() {
    let api = demo().await;
    let get = |q: &str| {
        let api = &api;
        let q = q.to_owned();
        async move { names(&api.get(&format!("/api/Spaces-1/machines?{q}")).await.json()) }
    };
    assert_eq!(
        get("partialName=PROD").await,
        [
            "bastion-prod",
            "db-prod-01",
            "k8s-prod-west",
            "store-prod-12",
            "web-prod-01",
            "web-prod-02"
        ]
    );
    assert_eq!(
        get("environmentIds=Environments-2").await,
        ["db-test-01", "kiosk-test-03", "web-test-01"]
    );
    assert_eq!(
        get("commStyles=TentacleActive").await,
        ["kiosk-test-03", "laptop-dev-07", "store-prod-12"]
    );
    assert_eq!(
        get("commStyles=Ssh,TentacleActive&environmentIds=Environments-1").await,
        ["build-agent-01", "laptop-dev-07"]
    );
    assert_eq!(get("roles=db").await, ["db-prod-01", "db-test-01"]);
    assert_eq!(
        get("roles=kiosk&roles=pos").await,
        ["kiosk-test-03", "store-prod-12"]
    );
    assert_eq!(
        get("healthStatuses=Unavailable").await,
        ["bastion-prod", "store-prod-12"]
    );
    assert_eq!(
        get("proxyIds=Proxies-1").await,
        ["bastion-prod", "web-prod-01", "web-prod-02"]
    );
    // "Direct" (an extension value): Listening and SSH targets without a proxy, found here from
    // the whole list; alone, or beside a proxy (either one).
    let all = api.get("/api/Spaces-1/machines?take=100").await.json();
    let direct: Vec<String> = all["Items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["Endpoint"]["CommunicationStyle"] != "TentacleActive")
        .filter(|m| m["Endpoint"]["ProxyId"].is_null())
        .map(|m| m["Name"].as_str().unwrap().to_owned())
        .collect();
    assert!(direct.len() >= 2, "the demo has direct targets: {direct:?}");
    assert_eq!(get("proxyIds=Direct").await, direct);
    assert_eq!(get("proxyIds=direct").await, direct);
    let mut either = [direct.clone(), get("proxyIds=Proxies-1").await].concat();
    either.sort();
    assert_eq!(get("proxyIds=Direct,Proxies-1").await, either);
    assert_eq!(get("isDisabled=true").await.len(), 0);
    assert_eq!(get("isDisabled=false").await.len(), 13);
    assert_eq!(
        get("ids=Machines-1,Machines-2").await,
        ["web-dev-01", "web-test-01"]
    );
    assert_error(
        &api.get("/api/Spaces-1/machines?isDisabled=maybe").await,
        StatusCode::BAD_REQUEST,
    );
    // Paging links keep the route's own filters.
    let page = api
        .get("/api/Spaces-1/machines?take=2&environmentIds=Environments-3")
        .await
        .json();
    assert_eq!(page["TotalResults"], 7);
    let next = page["Links"]["Page.Next"].as_str().unwrap();
    assert!(next.contains("environmentIds=Environments-3"), "{next}");
    assert_eq!(
        names(&api.get(next).await.json()),
        ["k8s-prod-west", "store-prod-12"]
    );
}

#[tokio::test]
async fn a_used_proxy_cannot_be_deleted_and_the_targets_are_named() {
    let api = demo().await;
    let r = api.delete("/api/Spaces-1/proxies/Proxies-2").await;
    assert_error(&r, StatusCode::CONFLICT);
    assert!(
        r.message().contains("used by 2 deployment targets"),
        "{}",
        r.message()
    );
    assert_eq!(r.errors(), ["db-prod-01", "db-test-01"]);
    assert_eq!(
        api.get("/api/Spaces-1/proxies/Proxies-2").await.status,
        StatusCode::OK
    );
    // Switch both to a direct connection; then it can go.
    for id in ["Machines-7", "Machines-8"] {
        let mut m = api
            .get(&format!("/api/Spaces-1/machines/{id}"))
            .await
            .json();
        m["Endpoint"]["ProxyId"] = Value::Null;
        assert_eq!(
            api.put(&format!("/api/Spaces-1/machines/{id}"), m)
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        api.delete("/api/Spaces-1/proxies/Proxies-2").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn usage_counts_every_proxy_in_one_request() {
    let api = demo().await;
    let usage = api.get("/api/Spaces-1/proxies/usage").await.json();
    assert_eq!(
        usage,
        // Deployment targets and workers: Proxies-1 has 3 targets and 2 workers.
        json!({"Proxies-1": 5, "Proxies-2": 2, "Proxies-3": 2, "Proxies-4": 0})
    );
    let some = api
        .get("/api/Spaces-1/proxies/usage?ids=Proxies-1,Proxies-4")
        .await
        .json();
    assert_eq!(some, json!({"Proxies-1": 5, "Proxies-4": 0}));
    assert_eq!(
        api.get("/api/Spaces-2/proxies/usage").await.json(),
        json!({"Proxies-5": 0})
    );
}

/// Lists write each row from the stored JSON without parsing it; a row must still be exactly the
/// machine that GET returns, whichever way it was written (an unknown field nesting `Id` and
/// `Links` takes the parsing path).
#[tokio::test]
async fn list_rows_are_the_machines_as_get_returns_them() {
    let api = demo().await;
    let mut odd = listening("odd-fields", None);
    odd["Tenant"] = json!({"Id": "Tenants-1", "Links": {"Self": "/x"}});
    odd["Notes"] = json!("quote \" backslash \\ and \u{2603}");
    assert_eq!(
        api.post("/api/Spaces-1/machines", odd).await.status,
        StatusCode::CREATED
    );
    let mut bare = listening("bare", None);
    bare["Roles"] = json!([]);
    assert_eq!(
        api.post("/api/Spaces-1/machines", bare).await.status,
        StatusCode::CREATED
    );
    for list in [
        "/api/Spaces-1/machines?take=100",
        "/api/Spaces-1/machines/all",
    ] {
        let page = api.get(list).await.json();
        let items = page
            .get("Items")
            .unwrap_or(&page)
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(items.len(), 15, "{list}");
        for item in items {
            let id = item["Id"].as_str().unwrap();
            let one = api
                .get(&format!("/api/Spaces-1/machines/{id}"))
                .await
                .json();
            assert_eq!(item, one, "{list}: {id}");
        }
    }
}

/// A list's count is kept between requests, but every write makes it count again: the total
/// follows creates and deletes, of targets and of proxies, filtered or not.
#[tokio::test]
async fn list_totals_follow_every_write() {
    let api = demo().await;
    let total = |path: &'static str| {
        let api = &api;
        async move { api.get(path).await.json()["TotalResults"].as_i64().unwrap() }
    };
    let all = "/api/Spaces-1/machines?take=1";
    let direct = "/api/Spaces-1/machines?take=1&proxyIds=Direct";
    let proxies = "/api/Spaces-1/proxies?take=1";
    let (machines0, direct0, proxies0) =
        (total(all).await, total(direct).await, total(proxies).await);
    let created = api
        .post("/api/Spaces-1/machines", listening("counted", None))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(total(all).await, machines0 + 1);
    assert_eq!(total(direct).await, direct0 + 1);
    let proxy = api
        .post(
            "/api/Spaces-1/proxies",
            json!({"Name": "Counted", "Host": "c.example.com"}),
        )
        .await;
    assert_eq!(total(proxies).await, proxies0 + 1);
    let id = created.json()["Id"].as_str().unwrap().to_owned();
    assert_eq!(
        api.delete(&format!("/api/Spaces-1/machines/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(total(all).await, machines0);
    assert_eq!(total(direct).await, direct0);
    let proxy_id = proxy.json()["Id"].as_str().unwrap().to_owned();
    api.delete(&format!("/api/Spaces-1/proxies/{proxy_id}"))
        .await;
    assert_eq!(total(proxies).await, proxies0);
}

fn kubernetes(name: &str, proxy: Option<&str>) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["k8s"],
           "Endpoint": {"CommunicationStyle": "Kubernetes", "ClusterUrl": "https://k8s.example.com:6443/",
                        "SkipTlsVerification": "True", "Namespace": "apps", "DefaultWorkerPoolId": "",
                        "Authentication": {"AuthenticationType": "KubernetesStandard", "AccountId": "Accounts-1"},
                        "ProxyId": proxy}})
}

#[tokio::test]
async fn a_kubernetes_api_target_connects_through_a_proxy_like_a_listening_one() {
    let api = demo().await;
    let created = api
        .post(
            "/api/Spaces-1/machines",
            kubernetes("aks-prod", Some("Proxies-1")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["Id"].as_str().unwrap().to_owned();
    let stored = api
        .get(&format!("/api/Spaces-1/machines/{id}"))
        .await
        .json();
    let e = &stored["Endpoint"];
    assert_eq!(e["ProxyId"], "Proxies-1");
    assert_eq!(e["ClusterUrl"], "https://k8s.example.com:6443/");
    assert_eq!(e["SkipTlsVerification"], "True");
    assert_eq!(e["Namespace"], "apps");
    assert_eq!(
        e["Authentication"],
        json!({"AuthenticationType": "KubernetesStandard", "AccountId": "Accounts-1"}),
        "kept as sent"
    );
    // The style filter, the proxy filter, the usage count and the delete guard all know it.
    let by_style = api
        .get("/api/Spaces-1/machines?commStyles=Kubernetes")
        .await
        .json();
    assert_eq!(names(&by_style), ["aks-prod", "k8s-prod-west"]);
    let through = api
        .get("/api/Spaces-1/machines?proxyIds=Proxies-1")
        .await
        .json();
    assert!(names(&through).contains(&"aks-prod".to_owned()));
    assert_eq!(
        api.get("/api/Spaces-1/proxies/usage?ids=Proxies-1")
            .await
            .json(),
        json!({"Proxies-1": 6})
    );
    let r = api.delete("/api/Spaces-1/proxies/Proxies-1").await;
    assert_error(&r, StatusCode::CONFLICT);
    assert!(
        r.errors().contains(&"aks-prod".to_owned()),
        "{:?}",
        r.errors()
    );
    // Direct: without a ProxyId.
    let direct = api
        .post("/api/Spaces-1/machines", kubernetes("eks-dev", None))
        .await;
    assert_eq!(direct.status, StatusCode::CREATED, "{}", direct.text);
    let direct_names = names(
        &api.get("/api/Spaces-1/machines?proxyIds=Direct&commStyles=Kubernetes")
            .await
            .json(),
    );
    assert_eq!(direct_names, ["eks-dev"]);
}

#[tokio::test]
async fn a_kubernetes_target_needs_an_https_cluster_url_and_a_proxy_of_its_space() {
    let api = demo().await;
    let mut no_url = kubernetes("k8s-no-url", None);
    no_url["Endpoint"]
        .as_object_mut()
        .unwrap()
        .remove("ClusterUrl");
    rejected(&api, no_url, "Cluster URL is required.").await;
    let mut http = kubernetes("k8s-http", None);
    http["Endpoint"]["ClusterUrl"] = json!("http://k8s.example.com/");
    rejected(&api, http, "Cluster URL must start with https://.").await;
    rejected(
        &api,
        kubernetes("k8s-lost", Some("Proxies-404")),
        "Proxies-404",
    )
    .await;
}

#[tokio::test]
async fn many_targets_change_proxy_at_once_all_or_nothing() {
    let api = demo().await;
    let proxy_of = |id: &'static str| {
        let api = &api;
        async move {
            api.get(&format!("/api/Spaces-1/machines/{id}"))
                .await
                .json()["Endpoint"]["ProxyId"]
                .clone()
        }
    };
    // Empty a proxy (Proxies-2: db-prod-01 and db-test-01) and move a direct target too.
    let r = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-7", "Machines-8", "Machines-1"], "ProxyId": "Proxies-3"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let answer = r.json();
    assert_eq!(answer["ProxyId"], "Proxies-3");
    let previous: Vec<Value> = answer["Changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!([c["Id"], c["Name"], c["PreviousProxyId"]]))
        .collect();
    assert_eq!(
        previous,
        [
            json!(["Machines-7", "db-test-01", "Proxies-2"]),
            json!(["Machines-8", "db-prod-01", "Proxies-2"]),
            json!(["Machines-1", "web-dev-01", null])
        ]
    );
    for id in ["Machines-7", "Machines-8", "Machines-1"] {
        assert_eq!(proxy_of(id).await, "Proxies-3", "{id}");
    }
    assert_eq!(
        api.get("/api/Spaces-1/proxies/usage?ids=Proxies-2")
            .await
            .json(),
        json!({"Proxies-2": 0})
    );
    assert_eq!(
        api.delete("/api/Spaces-1/proxies/Proxies-2").await.status,
        StatusCode::OK,
        "emptied, it can be deleted"
    );

    // One Polling Tentacle and one unknown id: refused by name, and nothing changes.
    let r = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-10", "Machines-999"], "ProxyId": null}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.errors(),
        [
            "laptop-dev-07 is a Polling Tentacle: it connects out to the server, so its proxy is set on the Tentacle.",
            "There is no deployment target Machines-999 in this space."
        ]
    );
    assert_eq!(proxy_of("Machines-1").await, "Proxies-3");
    // A proxy that does not exist is said once, however many targets.
    let r = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-7"], "ProxyId": "Proxies-404"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert_eq!(r.errors().len(), 1, "{:?}", r.errors());
    assert!(r.errors()[0].contains("Proxies-404"), "{:?}", r.errors());
    assert_eq!(proxy_of("Machines-7").await, "Proxies-3");

    // Back to Direct through the unscoped twin; again, and nothing is left to change.
    let r = api
        .post(
            "/api/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-7", "Machines-1"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["Changed"].as_array().unwrap().len(), 2);
    assert_eq!(proxy_of("Machines-1").await, Value::Null);
    let again = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-7"], "ProxyId": null}),
        )
        .await
        .json();
    assert_eq!(again["Changed"], json!([]));
    assert_eq!(again["Unchanged"].as_array().unwrap().len(), 2);
    assert_error(
        &api.post("/api/Spaces-1/machines/proxy", json!({"Ids": []}))
            .await,
        StatusCode::BAD_REQUEST,
    );
}
