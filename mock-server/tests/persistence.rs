//! Data on a file database survives a restart, and the real binary honours its flags, logs one
//! line per request without secrets, and stops cleanly on SIGTERM without losing a write.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use mock_server::Seed;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn data_survives_a_restart_on_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("proxies.db").to_str().unwrap().to_owned();
    let cfg = || mock_server::Config {
        db: db.clone(),
        ..config(Seed::None)
    };
    let api = start_with(cfg()).await;
    let created = api
        .post(
            "/api/proxies",
            json!({"Name": "Durable", "Host": "d.example.com", "Password": {"NewValue": "pw"}}),
        )
        .await
        .json();
    let installation = api.get("/api").await.json()["InstallationId"].clone();
    api.server.stop().await.unwrap();

    let api = start_with(cfg()).await;
    assert_eq!(api.get("/api/proxies/Proxies-1").await.json(), created);
    assert_eq!(
        api.get("/api").await.json()["InstallationId"],
        installation,
        "installation id is stable"
    );
    assert_eq!(
        api.create_proxy("Second", "s.example.com").await["Id"],
        "Proxies-2"
    );
}

#[tokio::test]
async fn memory_database_keeps_nothing() {
    let api = start().await;
    api.create_proxy("Fleeting", "f.example.com").await;
    api.server.stop().await.unwrap();
    assert_eq!(start().await.proxy_count().await, 0);
}

struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the real binary and waits for its "listening" line.
fn spawn_binary(db: &str, extra: &[&str]) -> Running {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--db", db])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mock-server starts");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("listening on"), "{first}");
    Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

fn sigterm_and_wait(mut running: Running) -> String {
    let pid = running.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mock-server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let mut log = String::new();
    running
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    log
}

#[tokio::test]
async fn binary_serves_its_flags_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bin.db").to_str().unwrap().to_owned();
    let server = spawn_binary(&db, &["--seed", "demo", "--api-key", "API-TOPSECRET"]);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.base);
    assert_eq!(
        http.get(url("/api/proxies")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let demo = http
        .get(url("/api/proxies?apikey=API-TOPSECRET"))
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), StatusCode::OK);
    assert!(
        demo.json::<serde_json::Value>().await.unwrap()["TotalResults"]
            .as_i64()
            .unwrap()
            >= 3
    );
    let created = http
        .post(url("/api/proxies"))
        .header("X-Octopus-ApiKey", "API-TOPSECRET")
        .json(&json!({"Name": "Written before SIGTERM", "Host": "w.example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    let log = sigterm_and_wait(server);
    assert!(
        log.contains("GET /api/proxies 401"),
        "one line per request: {log}"
    );
    assert!(log.contains("POST /api/proxies 201"), "{log}");
    assert!(
        !log.contains("TOPSECRET"),
        "the API key must not be logged: {log}"
    );

    let again = spawn_binary(&db, &[]);
    let all: serde_json::Value = reqwest::get(format!("{}/api/proxies/all", again.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|p| p["Name"] == "Written before SIGTERM"),
        "{all}"
    );
    sigterm_and_wait(again);
}

#[test]
fn bad_database_path_is_a_clear_startup_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--listen", "127.0.0.1:0", "--db", "/nonexistent-dir/x.db"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot open database"),
        "{out:?}"
    );
}
