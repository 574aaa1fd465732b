//! The server at 10,000 targets, over HTTP: how long a create takes as the space grows, each
//! list query's median, and `GET /api` while 8 clients run the heaviest filter.
//!
//!   cargo bench -p mock-server --bench at_scale                  # an in-process server
//!   cargo bench -p mock-server --bench at_scale -- http://HOST:PORT   # any running server,
//!       started with `--seed demo` on an empty database (e.g. an older build, to compare)
//!
//!   cargo bench -p mock-server --bench at_scale -- http://HOST:PORT --targets 100000 --seed-only
//!       seeds that many targets (and the 100 proxies) and prints only the create times
//!       (scripts/bench, before it measures the list routes with wrk)
//!
//! Everything is created through the API, so any version of the server can be measured.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TARGETS: usize = 10_000;
const PROXIES: usize = 100;
const LIST_RUNS: usize = 30;
const LOAD_CLIENTS: usize = 8;
const LOAD_TIME: Duration = Duration::from_secs(5);
const HEAVIEST: &str = "/api/Spaces-1/machines?roles=r3";
const LISTS: &[&str] = &[
    "/api/Spaces-1/machines",
    "/api/Spaces-1/machines?roles=r3",
    "/api/Spaces-1/machines?environmentIds=Environments-2",
    "/api/Spaces-1/machines?commStyles=Ssh",
    "/api/Spaces-1/machines?healthStatuses=Unavailable",
    "/api/Spaces-1/machines?isDisabled=true",
    "/api/Spaces-1/machines?proxyIds=Proxies-10",
    "/api/Spaces-1/machines?partialName=target-0999",
    "/api/Spaces-1/machines?skip=9900",
    "/api/Spaces-1/proxies",
    "/api/Spaces-1/proxies/usage",
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

fn target(i: usize, proxies: &[String]) -> Value {
    let name = format!("target-{i:05}");
    let proxy = i
        .is_multiple_of(2)
        .then(|| proxies[i / 2 % proxies.len()].clone());
    let endpoint = match i % 3 {
        0 => {
            json!({"CommunicationStyle": "TentaclePassive", "Uri": format!("https://{name}.example.com:10933/"),
                    "Thumbprint": "8F3A1C5B9E2D4F6A7B8C9D0E1F2A3B4C5D6E7F80", "ProxyId": proxy})
        }
        1 => json!({"CommunicationStyle": "Ssh", "Host": format!("{name}.example.com"), "Port": 22,
                    "AccountId": "Accounts-1", "Fingerprint": "SHA256:x", "ProxyId": proxy}),
        _ => json!({"CommunicationStyle": "TentacleActive", "Uri": format!("poll://{i:016x}/"),
                    "Thumbprint": "1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E"}),
    };
    json!({"Name": name, "EnvironmentIds": [format!("Environments-{}", i % 3 + 1)],
           "Roles": [format!("r{}", i % 50)], "IsDisabled": i % 10 == 9, "Endpoint": endpoint})
}

async fn run(base: &str, targets: usize, seed_only: bool) {
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{base}{p}");

    let mut proxies = vec![];
    for i in 0..PROXIES {
        let r = http
            .post(url("/api/Spaces-1/proxies"))
            .json(&json!({"Name": format!("Bench proxy {i:03}"), "Host": format!("p{i}.example.com"), "Port": 3128}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
        proxies.push(
            r.json::<Value>().await.unwrap()["Id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut creates = vec![];
    for i in 0..targets {
        let body = target(i, &proxies);
        let started = Instant::now();
        let r = http
            .post(url("/api/Spaces-1/machines"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        r.bytes().await.unwrap();
        creates.push(started.elapsed());
        assert_eq!(status, 201, "create {i}");
    }
    let block = creates.len().min(1000);
    let median = |from: usize| {
        let mut b = creates[from..from + block].to_vec();
        b.sort();
        ms(quantile(&b, 0.5))
    };
    println!(
        "create, median of the first {block} targets: {:7.2} ms",
        median(0)
    );
    println!(
        "create, median of the last {block} targets (up to {targets}): {:7.2} ms",
        median(targets - block)
    );
    if seed_only {
        return;
    }

    println!(
        "{:<58} {:>9} {:>9}",
        "list query (take 30)", "median", "p95"
    );
    for path in LISTS {
        let mut times = vec![];
        for _ in 0..LIST_RUNS {
            let started = Instant::now();
            let r = http.get(url(path)).send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{path:<58} {:>6.2} ms {:>6.2} ms",
            ms(quantile(&times, 0.5)),
            ms(quantile(&times, 0.95))
        );
    }

    let until = Instant::now() + LOAD_TIME;
    let mut load = vec![];
    for _ in 0..LOAD_CLIENTS {
        let (http, heavy) = (http.clone(), url(HEAVIEST));
        load.push(tokio::spawn(async move {
            let mut done = 0u32;
            while Instant::now() < until {
                let r = http.get(&heavy).send().await.unwrap();
                r.bytes().await.unwrap();
                done += 1;
            }
            done
        }));
    }
    let mut waits = vec![];
    while Instant::now() < until {
        let started = Instant::now();
        let r = http.get(url("/api")).send().await.unwrap();
        r.bytes().await.unwrap();
        waits.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut heavy = 0;
    for l in load {
        heavy += l.await.unwrap();
    }
    waits.sort();
    println!(
        "GET /api while {LOAD_CLIENTS} clients run {HEAVIEST}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} probes); heavy filter {:.0} req/s",
        ms(quantile(&waits, 0.5)),
        ms(quantile(&waits, 0.99)),
        ms(*waits.last().unwrap()),
        waits.len(),
        heavy as f64 / LOAD_TIME.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; ours are a server's address, --targets N and --seed-only.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args.iter().find(|a| a.starts_with("http"));
    let targets = args
        .iter()
        .position(|a| a == "--targets")
        .map(|i| args[i + 1].parse().expect("--targets N"))
        .unwrap_or(TARGETS);
    let seed_only = args.iter().any(|a| a == "--seed-only");
    match base {
        Some(base) => run(base, targets, seed_only).await,
        None => {
            let config = mock_server::Config {
                db: ":memory:".into(),
                static_dir: None,
                seed: mock_server::Seed::Demo,
                api_key: None,
                limits: Default::default(),
                api: Default::default(),
            };
            let server = mock_server::start(config, "127.0.0.1:0".parse().unwrap())
                .await
                .unwrap();
            run(&format!("http://{}", server.addr), targets, seed_only).await;
            server.stop().await.unwrap();
        }
    }
}
