//! The audit trail: every change through the API is exactly one event, in Octopus's shape, with
//! the document before the change and the differences; a refused write is none; no secret is
//! ever in one.

mod common;

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;
use serde_json::{json, Value};

const EVENTS: &str = "/api/Spaces-1/events";

async fn total(api: &Api) -> u64 {
    api.get(&format!("{EVENTS}?take=0")).await.json()["TotalResults"]
        .as_u64()
        .unwrap()
}

/// The newest event, after checking that exactly one was recorded since `before`.
async fn one_more(api: &Api, before: u64) -> Value {
    assert_eq!(total(api).await, before + 1, "exactly one event");
    let page = api.get(&format!("{EVENTS}?take=1")).await.json();
    let id = page["Items"][0]["Id"].as_str().unwrap().to_owned();
    api.get(&format!("{EVENTS}/{id}")).await.json()
}

/// The JSON Patch operations of an event, as (op, path) pairs, without LastModifiedOn's.
fn ops(event: &Value) -> Vec<(String, String)> {
    event["ChangeDetails"]["Differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["op"].as_str().unwrap().to_owned(),
                o["path"].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(_, p)| p != "/LastModifiedOn")
        .collect()
}

/// Runs a health check of one machine and waits (at most 20 s) for it to finish.
async fn check_health(api: &Api, machine: &str) {
    let task = api
        .post(
            "/api/Spaces-1/tasks",
            json!({"Name": "Health", "Arguments": {"MachineIds": [machine]}}),
        )
        .await
        .json();
    let id = task["Id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        let state = api.get(&format!("/api/Spaces-1/tasks/{id}")).await.json();
        if state["IsCompleted"] == true {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the health check {id} did not finish");
}

/// A server on a database file of its own (the test reads the file, or prunes it), kept
/// while the directory is.
async fn on_a_file() -> (tempfile::TempDir, String, Api) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trail.db").to_str().unwrap().to_owned();
    let api = start_with(mock_server::Config {
        db: db.clone(),
        ..config(Seed::None)
    })
    .await;
    (dir, db, api)
}

fn op(o: &str, p: &str) -> (String, String) {
    (o.to_owned(), p.to_owned())
}

#[tokio::test]
async fn each_change_to_a_proxy_is_one_event_with_its_differences_and_no_secret() {
    let (_dir, db, api) = on_a_file().await;
    let n = total(&api).await;
    let created = api.create_proxy("Squid", "squid.example.com").await;
    let id = created["Id"].as_str().unwrap().to_owned();
    let event = one_more(&api, n).await;
    assert_eq!(event["Category"], "Created");
    assert_eq!(event["Message"], "Proxy Squid was created");
    assert_eq!(
        event["MessageReferences"],
        json!([{"ReferencedDocumentId": id, "StartIndex": 6, "Length": 5}])
    );
    assert_eq!(event["Username"], "admin");
    assert_eq!(event["UserId"], "Users-1");
    assert_eq!(event["RelatedDocumentIds"], json!([id]));
    assert_eq!(event["SpaceId"], "Spaces-1");
    assert!(event["Occurred"].as_str().unwrap().ends_with('Z'));

    let path = format!("/api/Spaces-1/proxies/{id}");
    let mut proxy = created.clone();
    let with = |proxy: &Value, changes: &Value| {
        let mut next = proxy.clone();
        for (k, v) in changes.as_object().unwrap() {
            next[k] = v.clone();
        }
        next
    };
    let cases: Vec<(Value, Vec<(String, String)>)> = vec![
        (
            json!({"Name": "Squid in the DMZ"}),
            vec![op("replace", "/Name")],
        ),
        (json!({"Port": 8080}), vec![op("replace", "/Port")]),
        (
            json!({"Password": {"HasValue": true, "NewValue": "first-secret"}}),
            vec![
                op("replace", "/Password/HasValue"),
                op("replace", "/Password/Hash"),
            ],
        ),
        (
            json!({"Password": {"HasValue": true, "NewValue": "second-secret"}}),
            vec![op("replace", "/Password/Hash")],
        ),
        (
            json!({"Password": {"HasValue": false, "NewValue": null}}),
            vec![
                op("replace", "/Password/HasValue"),
                op("replace", "/Password/Hash"),
            ],
        ),
    ];
    for (change, expected) in cases {
        let n = total(&api).await;
        let r = api.put(&path, with(&proxy, &change)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        proxy = r.json();
        let event = one_more(&api, n).await;
        assert_eq!(event["Category"], "Modified", "{change}");
        let mut got = ops(&event);
        got.sort();
        assert_eq!(got, expected, "{change}: {}", event["ChangeDetails"]);
        assert_eq!(event["ChangeDetails"]["DocumentContext"]["Id"], id);
        // The hash says that it changed and nothing else: neither the password nor its sealed
        // form as the database keeps it.
        let text = event.to_string();
        assert!(!text.contains("secret"), "{text}");
        let sealed: Option<String> = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT password FROM proxies WHERE name = ?1",
                [proxy["Name"].as_str().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        if let Some(sealed) = sealed {
            let all = api.get(&format!("{EVENTS}?take=1000")).await.text;
            assert!(!all.contains(&sealed), "the sealed password is in an event");
            assert!(!all.contains(&sealed[sealed.len() - 20..]));
        }
    }
    // Kept as it is: no password difference at all.
    let n = total(&api).await;
    proxy["Username"] = json!("ops");
    proxy["Password"] = json!({"HasValue": false, "NewValue": null});
    api.put(&path, proxy.clone()).await;
    assert_eq!(
        ops(&one_more(&api, n).await),
        vec![op("replace", "/Username")]
    );

    let n = total(&api).await;
    assert_eq!(api.delete(&path).await.status, StatusCode::OK);
    let event = one_more(&api, n).await;
    assert_eq!(event["Category"], "Deleted");
    assert_eq!(event["Message"], "Proxy Squid in the DMZ was deleted");
    assert_eq!(
        event["ChangeDetails"]["DocumentContext"]["Host"],
        "squid.example.com"
    );
    // A deleted proxy's history stays.
    let history = api
        .get(&format!("{EVENTS}?regarding={id}&take=100"))
        .await
        .json();
    assert_eq!(history["TotalResults"], 8);
    assert_eq!(history["Items"][0]["Category"], "Deleted", "newest first");
}

#[tokio::test]
async fn a_refused_write_records_nothing() {
    let api = start_with(config(Seed::Demo)).await;
    let n = total(&api).await;
    // Invalid, duplicate, in use, missing, stale.
    assert_eq!(
        api.post("/api/Spaces-1/proxies", json!({"Name": "", "Host": "x"}))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.post(
            "/api/Spaces-1/proxies",
            json!({"Name": "Squid in the DMZ", "Host": "x"})
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.delete("/api/Spaces-1/proxies/Proxies-1").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        api.delete("/api/Spaces-1/proxies/Proxies-999").await.status,
        StatusCode::NOT_FOUND
    );
    let bulk = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-999"], "ProxyId": "Proxies-2"}),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::BAD_REQUEST, "{}", bulk.text);
    assert_eq!(total(&api).await, n);
}

#[tokio::test]
async fn machines_moved_in_bulk_and_health_outcomes_are_events_about_their_proxies_too() {
    let api = start_with(config(Seed::Demo)).await;
    let n = total(&api).await;
    let moved = api
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": ["Machines-1", "Machines-2"], "ProxyId": "Proxies-2"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(total(&api).await, n + 2, "one event per machine moved");
    let page = api
        .get(&format!("{EVENTS}?regarding=Machines-1"))
        .await
        .json();
    let event = &page["Items"][0];
    assert_eq!(event["Category"], "Modified");
    assert_eq!(ops(event), vec![op("replace", "/Endpoint/ProxyId")]);
    assert!(event["RelatedDocumentIds"]
        .as_array()
        .unwrap()
        .contains(&json!("Proxies-2")));
    assert!(event["RelatedDocumentIds"]
        .as_array()
        .unwrap()
        .contains(&json!("Environments-1")));
    // The proxy's trail has them (a machine event regarding the proxy).
    let about_proxy = api
        .get(&format!(
            "{EVENTS}?regarding=Proxies-2&documentTypes=Machines"
        ))
        .await
        .json();
    assert_eq!(about_proxy["TotalResults"], 2);

    // A health check: web-dev-01 (Healthy in the demo) cannot be reached here.
    let n = total(&api).await;
    check_health(&api, "Machines-1").await;
    let event = one_more(&api, n).await;
    assert_eq!(event["Category"], "MachineUnavailable");
    assert_eq!(
        event["Message"],
        "Deployment target web-dev-01 is unavailable"
    );
    assert!(ops(&event).contains(&op("replace", "/HealthStatus")));
    // The same outcome again is not a new event.
    check_health(&api, "Machines-1").await;
    assert_eq!(total(&api).await, n + 1);
}

#[tokio::test]
async fn the_trail_filters_and_pages_as_octopus_does() {
    let api = start_with(config(Seed::None)).await;
    for i in 0..5 {
        api.create_proxy(&format!("P{i}"), "p.example.com").await;
    }
    let p0 = api.get("/api/Spaces-1/proxies?name=P0").await.json()["Items"][0].clone();
    let mut renamed = p0.clone();
    renamed["Name"] = json!("P0 renamed");
    api.put("/api/Spaces-1/proxies/Proxies-1", renamed).await;
    api.create_proxy("Env-free", "q.example.com").await;

    let all = api.get(EVENTS).await.json();
    assert_eq!(all["TotalResults"], 7);
    assert_eq!(
        all["Items"][0]["Message"], "Proxy Env-free was created",
        "newest first"
    );
    let page2 = api.get(&format!("{EVENTS}?skip=2&take=2")).await.json();
    assert_eq!(page2["Items"].as_array().unwrap().len(), 2);
    assert_eq!(page2["Items"][0]["Id"], all["Items"][2]["Id"]);
    let modified = api
        .get(&format!("{EVENTS}?eventCategories=Modified"))
        .await
        .json();
    assert_eq!(modified["TotalResults"], 1);
    let by_type = api
        .get(&format!("{EVENTS}?documentTypes=Machines"))
        .await
        .json();
    assert_eq!(by_type["TotalResults"], 0);
    let any = api
        .get(&format!("{EVENTS}?regardingAny=Proxies-1,Proxies-2"))
        .await
        .json();
    assert_eq!(any["TotalResults"], 3);
    let both = api
        .get(&format!("{EVENTS}?regarding=Proxies-1,Proxies-2"))
        .await
        .json();
    assert_eq!(both["TotalResults"], 0, "no event is about both");
    assert_eq!(
        api.get(&format!("{EVENTS}?users=Users-1")).await.json()["TotalResults"],
        7
    );
    assert_eq!(
        api.get(&format!("{EVENTS}?users=Users-9")).await.json()["TotalResults"],
        0
    );
    let future = api
        .get(&format!("{EVENTS}?from=2999-01-01T00:00:00%2B00:00"))
        .await
        .json();
    assert_eq!(future["TotalResults"], 0);
    let past = api
        .get(&format!(
            "{EVENTS}?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z"
        ))
        .await
        .json();
    assert_eq!(past["TotalResults"], 7);
    let bad = api.get(&format!("{EVENTS}?from=yesterday")).await;
    assert_error(&bad, StatusCode::BAD_REQUEST);
    assert!(bad.message().contains("from"), "{}", bad.text);
    let lean = api
        .get(&format!("{EVENTS}?excludeDifference=true"))
        .await
        .json();
    assert!(lean["Items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["ChangeDetails"]["Differences"].is_null()));
    assert!(lean["Items"][0]["ChangeDetails"]
        .get("DocumentContext")
        .is_some());
    let types = api.get("/api/events/documenttypes").await.json();
    assert!(types
        .as_array()
        .unwrap()
        .contains(&json!({"Id": "Proxies", "Name": "Proxies"})));
    assert_error(
        &api.get(&format!("{EVENTS}/Events-999")).await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn old_events_can_be_pruned_while_the_server_runs() {
    let (_dir, db, api) = on_a_file().await;
    api.create_proxy("Old", "old.example.com").await;
    api.create_proxy("Older", "older.example.com").await;
    assert_eq!(total(&api).await, 2);
    assert_eq!(mock_server::prune_events(&db, "2000-01-01").unwrap(), 0);
    assert!(mock_server::prune_events(&db, "last year")
        .unwrap_err()
        .contains("ISO 8601"));
    assert_eq!(
        mock_server::prune_events(&db, "2999-01-01T00:00:00Z").unwrap(),
        2
    );
    assert_eq!(total(&api).await, 0);
    assert_eq!(
        api.get(&format!("{EVENTS}?regardingAny=Proxies-1,Proxies-2"))
            .await
            .json()["TotalResults"],
        0,
        "what they were about went with them"
    );
    assert_eq!(api.proxy_count().await, 2, "the proxies stay");
}
