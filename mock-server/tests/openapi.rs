//! The OpenAPI document against the live router, and a property-based fuzz run over every route
//! it lists: no 5xx, an error body on every error, and never a secret echoed back.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use mock_server::Seed;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const FALLBACK: &str = "The resource you requested was not found.";
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// A path of the document with its parameters filled in (ids that do not exist, so nothing is
/// changed by probing).
fn concrete(path: &str) -> String {
    path.replace("{spaceId}", "Spaces-1")
        .replace("{id}", "Nothing-424242")
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_server_answers() {
    let api = start_with(config(Seed::Demo)).await;
    let doc = api.get("/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 30, "{}", paths.len());
    let mut operation_ids = BTreeSet::new();
    for (path, item) in paths {
        let documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        for method in METHODS {
            let body = (method == "POST" || method == "PUT").then(|| json!({}));
            let r = api
                .send(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &concrete(path),
                    body,
                )
                .await;
            let is_fallback =
                r.status == StatusCode::NOT_FOUND && r.json()["ErrorMessage"] == FALLBACK;
            if documented.iter().any(|m| m == method) {
                assert!(
                    !is_fallback && r.status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but not served: {} {}",
                    r.status,
                    r.text
                );
                let op = &item[method.to_lowercase()];
                assert!(operation_ids.insert(op["operationId"].as_str().unwrap().to_owned()));
                assert!(op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|s| s.starts_with('2')));
            } else {
                assert!(
                    r.status == StatusCode::METHOD_NOT_ALLOWED || is_fallback,
                    "{method} {path} is served but not documented: {}",
                    r.status
                );
            }
        }
    }
    // And what the document does not list is not there.
    for path in [
        "/api/proxies/all/extra",
        "/api/Spaces-1/feeds",
        "/api/Spaces-1/tasks/x/raw",
    ] {
        let r = api.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json()["ErrorMessage"], FALLBACK, "{path}");
    }
}

/// What the fuzz run sends as a secret; no answer may contain it.
const SECRET: &str = "Fz-S3cret-7731";

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(65536)),
        Just(json!(-1)),
        ".{0,20}".prop_map(Value::from),
        Just(json!("x\u{0}y")),
        Just(json!("Proxies-1")),
        Just(json!("Environments-1")),
        Just(json!("%_\\' OR 1=1 --")),
        Just(json!("<script>alert(1)</script>")),
        Just(Value::from("n".repeat(300))),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[A-Za-z]{1,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The secret in each shape a client could send it.
fn password() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(SECRET)),
        Just(json!({"NewValue": SECRET})),
        Just(json!({"NewValue": [SECRET]})),
        Just(json!({"HasValue": SECRET})),
        Just(json!({"NewValue": {"x": SECRET}})),
        Just(json!([SECRET])),
    ]
}

/// A body near a real resource, with fields replaced by anything, and a proxy's password a
/// secret. (Only proxies have one: a target keeps fields it does not know verbatim, by design.)
fn body() -> impl Strategy<Value = Value> {
    let base = prop_oneof![
        Just(json!({"Name": "fuzz", "Host": "f.example.com", "Port": 3128, "Password": null})),
        Just(
            json!({"Name": "fuzz", "EnvironmentIds": ["Environments-1"], "Roles": ["r"],
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://f:10933/", "Thumbprint": "AB"}})
        ),
        Just(json!({"Name": "fuzz", "EnvironmentIds": ["Environments-1"],
            "Endpoint": {"CommunicationStyle": "Ssh", "Host": "f", "Port": 22, "AccountId": "Accounts-1"}})),
        Just(json!({"Name": "fuzz env"})),
    ];
    let fields = prop::collection::vec(
        (
            prop::sample::select(vec![
                "Name",
                "Host",
                "Port",
                "ProxyType",
                "Username",
                "EnvironmentIds",
                "Roles",
                "Endpoint",
                "IsDisabled",
                "Id",
                "Links",
                "SortOrder",
            ]),
            any_json(),
        ),
        0..3,
    );
    prop_oneof![
        4 => (base, fields, proptest::option::of(password())).prop_map(|(mut b, fields, pw)| {
            for (k, v) in fields {
                b[k] = v;
            }
            if let Some(pw) = pw.filter(|_| b.get("Password").is_some()) {
                b["Password"] = pw;
            }
            b
        }),
        1 => any_json(),
    ]
}

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    let names = prop::sample::select(vec![
        "skip",
        "take",
        "ids",
        "partialName",
        "name",
        "roles",
        "environmentIds",
        "commStyles",
        "isDisabled",
        "healthStatuses",
        "proxyIds",
        "other",
    ]);
    let values = prop_oneof![
        Just("9223372036854775807".to_owned()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("Proxies-1,Machines-2,Nothing".to_owned()),
        Just("%".repeat(5000)),
        Just("x\u{0}y".to_owned()),
        ".{0,12}",
    ];
    // The API key is the secret a query can carry.
    let key = prop::sample::select(vec!["apikey", "ApiKey", "APIKEY"])
        .prop_map(|k| (k.to_owned(), SECRET.to_owned()));
    let pair = prop_oneof![3 => (names.prop_map(str::to_owned), values), 1 => key];
    prop::collection::vec(pair, 0..4)
}

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: String,
    id: String,
    query: Vec<(String, String)>,
    content_type: &'static str,
    if_match: Option<String>,
    body: Option<Value>,
}

#[test]
fn fuzzing_every_documented_route_finds_no_5xx_and_no_echoed_secret() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let api = rt.block_on(start_with(config(Seed::Demo)));
    let doc = rt.block_on(api.get("/api/openapi.json")).json();
    let mut operations: Vec<(&'static str, String)> = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = METHODS
                .iter()
                .find(|m| m.eq_ignore_ascii_case(method))
                .unwrap();
            operations.push((m, path.clone()));
        }
    }
    let ids = prop_oneof![
        Just("Proxies-1".to_owned()),
        Just("Machines-1".to_owned()),
        Just("Environments-2".to_owned()),
        Just("Accounts-1".to_owned()),
        Just("Spaces-1".to_owned()),
        Just("Spaces-2".to_owned()),
        Just("Proxies-99999999999999999999".to_owned()),
        "[A-Za-z0-9-]{0,16}",
    ];
    let case = (
        prop::sample::select(operations),
        ids,
        query(),
        prop::sample::select(vec![
            "application/json",
            "text/plain",
            "application/json; charset=utf-8",
            "",
        ]),
        proptest::option::of(prop_oneof![
            Just("*".to_owned()),
            Just("\"stale\"".to_owned())
        ]),
        body(),
    )
        .prop_map(
            |((method, path), id, query, content_type, if_match, body)| Case {
                method,
                path,
                id,
                query,
                content_type,
                if_match,
                body: (method == "POST" || method == "PUT").then_some(body),
            },
        );

    // Bounded twice: a number of cases, and a time after which the rest pass at once.
    let stop_at = Instant::now() + Duration::from_secs(90);
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 3000,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let sent = std::cell::Cell::new(0u32);
    let result = runner.run(&case, |c| {
        if Instant::now() > stop_at {
            return Ok(());
        }
        sent.set(sent.get() + 1);
        let path = c
            .path
            .replace("{spaceId}", "Spaces-1")
            .replace("{id}", &c.id);
        let mut req = api
            .http
            .request(
                Method::from_bytes(c.method.as_bytes()).unwrap(),
                format!("{}{path}", api.base),
            )
            .query(&c.query);
        if !c.content_type.is_empty() {
            req = req.header("Content-Type", c.content_type);
        }
        if let Some(tag) = &c.if_match {
            req = req.header("If-Match", tag);
        }
        if let Some(body) = &c.body {
            req = req.body(body.to_string());
        }
        let (status, content_type, text) = rt.block_on(async {
            let res = req.send().await.unwrap();
            let ct = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            (res.status(), ct, res.text().await.unwrap())
        });
        let at = format!("{} {path} {:?} -> {status} {text:.300}", c.method, c.query);
        prop_assert!(status.as_u16() < 500, "5xx: {at}");
        prop_assert!(!text.contains(SECRET), "secret echoed: {at}");
        if status.is_client_error() {
            prop_assert!(
                content_type.starts_with("application/json"),
                "not JSON: {at}"
            );
            let body: Value = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}: {at}")))?;
            prop_assert!(
                body["ErrorMessage"].as_str().is_some_and(|m| !m.is_empty()),
                "no ErrorMessage: {at}"
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let sent = sent.get();
    assert!(sent >= 300, "only {sent} requests went out in the time");
    eprintln!("fuzz: {sent} requests");
}
