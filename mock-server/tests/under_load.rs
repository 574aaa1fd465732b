//! At 10,000 targets, the heaviest filters run in parallel and `GET /api` stays fast beside
//! them. Bounded: a fixed number of requests, each loop also stopped by a deadline.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;

/// Filters that scanned (roles, environments) or walk far (a deep skip), each a full page.
const HEAVY: &[&str] = &[
    "/api/Spaces-1/machines?roles=r3",
    "/api/Spaces-1/machines?roles=r7&environmentIds=Environments-2&commStyles=Ssh",
    "/api/Spaces-1/machines?environmentIds=Environments-3&healthStatuses=Unavailable,Unhealthy",
    "/api/Spaces-1/machines?partialName=target-09&isDisabled=false",
    "/api/Spaces-1/machines?skip=9950&proxyIds=Proxies-10,Proxies-20,Proxies-30",
];
const CLIENTS: usize = 8;
const REQUESTS_EACH: usize = 40;
const PROBES: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_root_answers_fast_while_eight_clients_run_heavy_filters() {
    let api = start_with(config(Seed::Scale)).await;
    let total = api.get("/api/Spaces-1/machines?take=0").await.json()["TotalResults"]
        .as_i64()
        .unwrap();
    assert!(total >= 10_000, "{total}");
    let r = api.get("/api/Spaces-1/machines?roles=r3").await;
    assert_eq!(r.json()["TotalResults"], 200, "one target in 50 has r3");

    let deadline = Instant::now() + Duration::from_secs(60);
    let mut clients = vec![];
    for c in 0..CLIENTS {
        let (http, base) = (api.http.clone(), api.base.clone());
        clients.push(tokio::spawn(async move {
            let mut statuses = vec![];
            for i in 0..REQUESTS_EACH {
                if Instant::now() > deadline {
                    break;
                }
                let path = HEAVY[(c + i) % HEAVY.len()];
                let res = http.get(format!("{base}{path}")).send().await.unwrap();
                statuses.push(res.status());
                res.bytes().await.unwrap();
            }
            statuses
        }));
    }
    let mut waits = vec![];
    for _ in 0..PROBES {
        if Instant::now() > deadline || clients.iter().all(|c| c.is_finished()) {
            break;
        }
        let started = Instant::now();
        let r = api.get("/api").await;
        waits.push(started.elapsed());
        assert_eq!(r.status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for client in clients {
        for status in client.await.unwrap() {
            assert_eq!(status, StatusCode::OK, "heavy filters finish, never a 503");
        }
    }
    waits.sort();
    assert!(waits.len() >= 10, "the probe ran while the load ran");
    let p99 = waits[(waits.len() * 99 / 100).min(waits.len() - 1)];
    // A generous bound for a debug build on a shared machine; before the reader pool and the
    // indexes, GET /api waited 15.7 s here. The benchmark measures the real figure.
    assert!(
        p99 < Duration::from_millis(500),
        "GET /api p99 {p99:?}: {waits:?}"
    );
}
