//! Workers and worker pools: routes, rules, filters, and the proxy rules they share with
//! deployment targets (usage, the delete guard, the bulk change, the Health task).

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

fn listening(name: &str, pools: &[&str], proxy: Option<&str>) -> Value {
    json!({"Name": name, "WorkerPoolIds": pools, "MachinePolicyId": "MachinePolicies-1",
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://worker:10933/",
                        "Thumbprint": format!("{name}-THUMB"), "ProxyId": proxy}})
}

fn ssh(name: &str, pools: &[&str], proxy: Option<&str>) -> Value {
    json!({"Name": name, "WorkerPoolIds": pools,
           "Endpoint": {"CommunicationStyle": "Ssh", "Host": "w.example.com", "Port": 22,
                        "AccountId": "Accounts-1", "Fingerprint": "SHA256:x", "ProxyId": proxy}})
}

fn polling(name: &str, pools: &[&str]) -> Value {
    json!({"Name": name, "WorkerPoolIds": pools,
           "Endpoint": {"CommunicationStyle": "TentacleActive", "Uri": "poll://abcdef0123456789/", "Thumbprint": "P1"}})
}

/// The space's default pool (the first in sort order).
async fn default_pool(api: &Api) -> String {
    api.get("/api/Spaces-1/workerpools/all").await.json()[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn created(api: &Api, path: &str, body: Value) -> Value {
    let r = api.post(path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()
}

async fn refused(api: &Api, body: Value, expected: &str) {
    let r = api.post("/api/Spaces-1/workers", body.clone()).await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.errors().iter().any(|e| e.contains(expected)),
        "{body}: wanted \"{expected}\" in {:?}",
        r.errors()
    );
}

#[tokio::test]
async fn every_space_has_a_default_pool_and_pools_can_be_added_changed_and_removed() {
    let api = start_with(config(Seed::None)).await;
    let pools = api.get("/api/Spaces-1/workerpools").await.json();
    assert_eq!(pools["TotalResults"], 1);
    let default = &pools["Items"][0];
    assert_eq!(default["Name"], "Default Worker Pool");
    assert_eq!(default["IsDefault"], true);
    assert_eq!(default["WorkerPoolType"], "StaticWorkerPool");
    let default_id = default["Id"].as_str().unwrap().to_owned();
    assert!(default_id.starts_with("WorkerPools-"), "{default_id}");

    let linux = created(
        &api,
        "/api/Spaces-1/workerpools",
        json!({"Name": "Linux workers", "Description": "Ubuntu in the DMZ", "IsDefault": true, "Password": "not-kept"}),
    )
    .await;
    assert_eq!(
        linux["IsDefault"], false,
        "one default per space, the server's"
    );
    assert_eq!(linux["SortOrder"], 2);
    assert!(
        linux.get("Password").is_none(),
        "a pool keeps only its own fields"
    );
    let id = linux["Id"].as_str().unwrap().to_owned();
    assert_eq!(
        names(&api.get("/api/Spaces-1/workerpools/all").await.json()),
        ["Default Worker Pool", "Linux workers"]
    );
    let r = api
        .post(
            "/api/Spaces-1/workerpools",
            json!({"Name": "linux WORKERS"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(r.errors()[0].contains("already used by another worker pool"));
    let r = api
        .post(
            "/api/Spaces-1/workerpools",
            json!({"Name": "Dynamic", "WorkerPoolType": "DynamicWorkerPool"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);

    let mut changed = linux.clone();
    changed["Name"] = json!("Linux workers (DMZ)");
    let r = api
        .put(&format!("/api/Spaces-1/workerpools/{id}"), changed)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["Description"], "Ubuntu in the DMZ");

    let r = api
        .delete(&format!("/api/Spaces-1/workerpools/{default_id}"))
        .await;
    assert_error(&r, StatusCode::CONFLICT);
    assert_eq!(
        api.delete(&format!("/api/Spaces-1/workerpools/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &api.get(&format!("/api/Spaces-1/workerpools/{id}")).await,
        StatusCode::NOT_FOUND,
    );
    // The unscoped twin means the default space.
    assert_eq!(api.get("/api/workerpools").await.json()["TotalResults"], 1);
}

#[tokio::test]
async fn workers_connect_like_targets_and_keep_what_they_are_sent() {
    let api = start_with(config(Seed::Demo)).await;
    let pool = default_pool(&api).await;
    let w = created(
        &api,
        "/api/Spaces-1/workers",
        listening("worker-01", &[&pool], Some("Proxies-1")),
    )
    .await;
    let id = w["Id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("Workers-"), "{id}");
    assert_eq!(w["WorkerPoolIds"], json!([pool]));
    assert_eq!(
        w["MachinePolicyId"], "MachinePolicies-1",
        "unknown fields kept"
    );
    assert_eq!(w["Endpoint"]["ProxyId"], "Proxies-1");
    assert_eq!(w["HealthStatus"], "Unknown");
    assert_eq!(w["Links"]["Self"], format!("/api/Spaces-1/workers/{id}"));
    let ssh_worker = created(
        &api,
        "/api/Spaces-1/workers",
        ssh("worker-ssh", &[&pool], Some("Proxies-2")),
    )
    .await;
    assert_eq!(ssh_worker["Endpoint"]["Uri"], "ssh://w.example.com:22/");
    created(
        &api,
        "/api/Spaces-1/workers",
        polling("worker-poll", &[&pool]),
    )
    .await;
    // A Go client's direct worker: no ProxyId at all.
    let mut go = listening("worker-go", &[&pool], None);
    go["Endpoint"].as_object_mut().unwrap().remove("ProxyId");
    let go = created(&api, "/api/Spaces-1/workers", go).await;
    assert_eq!(go["Endpoint"]["ProxyId"], Value::Null);

    // Update, with If-Match from the GET; the id stays a worker's.
    let mut changed = api.get(&format!("/api/Spaces-1/workers/{id}")).await.json();
    changed["Endpoint"]["ProxyId"] = json!("Proxies-3");
    let r = api
        .put(&format!("/api/Spaces-1/workers/{id}"), changed)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["Endpoint"]["ProxyId"], "Proxies-3");

    // Workers are not deployment targets, and the other way round.
    let targets = names(&api.get("/api/Spaces-1/machines/all").await.json());
    assert!(
        !targets.iter().any(|n| n.starts_with("worker-")),
        "{targets:?}"
    );
    assert_error(
        &api.get(&format!("/api/Spaces-1/machines/{id}")).await,
        StatusCode::NOT_FOUND,
    );
    assert_error(
        &api.get("/api/Spaces-1/workers/Machines-1").await,
        StatusCode::NOT_FOUND,
    );

    // The rules.
    refused(
        &api,
        listening("no-pool", &[], None),
        "Worker pools are required: choose at least one.",
    )
    .await;
    refused(
        &api,
        listening("lost-pool", &["WorkerPools-99"], None),
        "Worker pools: \"WorkerPools-99\" does not exist",
    )
    .await;
    refused(
        &api,
        listening("lost-proxy", &[&pool], Some("Proxies-99")),
        "Proxies-99",
    )
    .await;
    refused(
        &api,
        listening("worker-01", &[&pool], None),
        "already used by another worker",
    )
    .await;
    let mut poll_proxy = polling("poll-proxy", &[&pool]);
    poll_proxy["Endpoint"]["ProxyId"] = json!("Proxies-1");
    refused(&api, poll_proxy, "Polling Tentacle connects out").await;
    let cluster = json!({"Name": "k8s-worker", "WorkerPoolIds": [pool],
        "Endpoint": {"CommunicationStyle": "Kubernetes", "ClusterUrl": "https://k8s.example.com/"}});
    refused(&api, cluster, "is not supported here").await;

    assert_eq!(
        api.delete(&format!(
            "/api/Spaces-1/workers/{}",
            go["Id"].as_str().unwrap()
        ))
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn worker_filters() {
    let api = start_with(config(Seed::None)).await;
    let default = default_pool(&api).await;
    let linux = created(&api, "/api/Spaces-1/workerpools", json!({"Name": "Linux"})).await["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let proxy = api.create_proxy("Squid", "squid.example.com").await["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    created(
        &api,
        "/api/Spaces-1/workers",
        listening("a-listening", &[&default], Some(&proxy)),
    )
    .await;
    let mut disabled = listening("b-disabled", &[&linux], None);
    disabled["IsDisabled"] = json!(true);
    created(&api, "/api/Spaces-1/workers", disabled).await;
    created(
        &api,
        "/api/Spaces-1/workers",
        polling("c-polling", &[&default, &linux]),
    )
    .await;
    let get = |q: &'static str| {
        let api = &api;
        async move { names(&api.get(&format!("/api/Spaces-1/workers?{q}")).await.json()) }
    };
    assert_eq!(get("").await, ["a-listening", "b-disabled", "c-polling"]);
    assert_eq!(
        names(
            &api.get(&format!("/api/Spaces-1/workers?workerPoolIds={linux}"))
                .await
                .json()
        ),
        ["b-disabled", "c-polling"]
    );
    // Octopus.Client spells it workerpoolIds: parameter names ignore case.
    assert_eq!(
        names(
            &api.get(&format!("/api/Spaces-1/workers?workerpoolIds={default}"))
                .await
                .json()
        ),
        ["a-listening", "c-polling"]
    );
    assert_eq!(get("commStyles=TentacleActive").await, ["c-polling"]);
    assert_eq!(get("isDisabled=true").await, ["b-disabled"]);
    assert_eq!(get("partialName=POLL").await, ["c-polling"]);
    assert_eq!(get("healthStatuses=Unknown&take=1").await, ["a-listening"]);
    assert_eq!(
        names(
            &api.get(&format!("/api/Spaces-1/workers?proxyIds={proxy}"))
                .await
                .json()
        ),
        ["a-listening"]
    );
    assert_eq!(get("proxyIds=Direct").await, ["b-disabled"]);
    assert_eq!(
        names(
            &api.get("/api/Spaces-1/workers/all?thumbprint=b-disabled-THUMB")
                .await
                .json()
        ),
        ["b-disabled"]
    );
}

#[tokio::test]
async fn a_proxy_used_by_targets_and_workers_names_both_and_moves_them_together() {
    let api = start_with(config(Seed::Demo)).await;
    let pool = default_pool(&api).await;
    let w = created(
        &api,
        "/api/Spaces-1/workers",
        listening("build-worker", &[&pool], Some("Proxies-2")),
    )
    .await;
    let poll = created(
        &api,
        "/api/Spaces-1/workers",
        polling("poll-worker", &[&pool]),
    )
    .await;
    assert_eq!(
        api.get("/api/Spaces-1/proxies/usage?ids=Proxies-2")
            .await
            .json(),
        json!({"Proxies-2": 3})
    );
    let r = api.delete("/api/Spaces-1/proxies/Proxies-2").await;
    assert_error(&r, StatusCode::CONFLICT);
    assert!(
        r.message()
            .contains("used by 2 deployment targets and 1 worker"),
        "{}",
        r.message()
    );
    assert_eq!(r.errors(), ["db-prod-01", "db-test-01", "build-worker"]);
    // A pool with workers stays too.
    let r = api
        .post("/api/Spaces-1/workerpools", json!({"Name": "Temporary"}))
        .await
        .json();
    let temp = r["Id"].as_str().unwrap().to_owned();
    let mut moved = w.clone();
    moved["WorkerPoolIds"] = json!([temp]);
    assert_eq!(
        api.put(
            &format!("/api/Spaces-1/workers/{}", w["Id"].as_str().unwrap()),
            moved
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = api
        .delete(&format!("/api/Spaces-1/workerpools/{temp}"))
        .await;
    assert_error(&r, StatusCode::CONFLICT);
    assert_eq!(r.errors(), ["build-worker"]);

    // Workers move in bulk like targets; a Polling worker is refused by name.
    let worker_id = w["Id"].as_str().unwrap();
    let r = api
        .post(
            "/api/Spaces-1/workers/proxy",
            json!({"Ids": [worker_id, poll["Id"]], "ProxyId": null}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.errors()[0].starts_with("poll-worker is a Polling Tentacle"),
        "{:?}",
        r.errors()
    );
    let r = api
        .post(
            "/api/Spaces-1/workers/proxy",
            json!({"Ids": [worker_id], "ProxyId": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["Changed"][0]["PreviousProxyId"], "Proxies-2");
    // A target id is not a worker.
    let r = api
        .post(
            "/api/Spaces-1/workers/proxy",
            json!({"Ids": ["Machines-7"], "ProxyId": null}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert_eq!(r.errors(), ["There is no worker Machines-7 in this space."]);
}

#[tokio::test]
async fn root_documents_link_to_workers_and_pools() {
    let api = start_with(config(Seed::None)).await;
    for doc in ["/api", "/api/Spaces-1"] {
        let links = api.get(doc).await.json()["Links"].clone();
        assert_eq!(
            links["Workers"],
            "/api/Spaces-1/workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint,proxyIds}",
            "{doc}"
        );
        assert_eq!(
            links["WorkerPools"],
            "/api/Spaces-1/workerpools{/id}{?skip,take,ids,partialName}"
        );
    }
}

#[tokio::test]
async fn a_health_task_checks_workers_too() {
    let api = start_with(config(Seed::Demo)).await;
    let pool = default_pool(&api).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut body = listening("nobody-home", &[&pool], None);
    body["Endpoint"]["Uri"] = json!(format!("https://127.0.0.1:{port}/"));
    let w = created(&api, "/api/Spaces-1/workers", body).await;
    let id = w["Id"].as_str().unwrap();
    let r = api
        .post(
            "/api/Spaces-1/tasks",
            json!({"Name": "Health", "Arguments": {"MachineIds": [id]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let task = r.json()["Id"].as_str().unwrap().to_owned();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while api.get(&format!("/api/tasks/{task}")).await.json()["IsCompleted"] != true {
        assert!(std::time::Instant::now() < until, "the task did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let task = api.get(&format!("/api/tasks/{task}")).await.json();
    assert_eq!(
        task["ErrorMessage"], "1 of 1 machines could not be reached: nobody-home.",
        "a worker is a machine, not a deployment target"
    );
    let checked = api.get(&format!("/api/Spaces-1/workers/{id}")).await.json();
    assert_eq!(checked["HealthStatus"], "Unavailable", "{checked}");
    assert!(
        checked["StatusSummary"]
            .as_str()
            .unwrap()
            .contains(&port.to_string()),
        "{checked}"
    );
    // An unknown worker id is named.
    let r = api
        .post(
            "/api/Spaces-1/tasks",
            json!({"Name": "Health", "Arguments": {"MachineIds": ["Workers-999"]}}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.message().contains("There is no worker Workers-999"),
        "{}",
        r.message()
    );
}
