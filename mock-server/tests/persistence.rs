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
    api.stop().await;

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
    api.stop().await;
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
    spawn_binary_with(db, extra, None)
}

/// The same, with `MOCK_SERVER_API_KEY` set to `env_key` (and never inherited).
fn spawn_binary_with(db: &str, extra: &[&str], env_key: Option<&str>) -> Running {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mock-server"));
    command.env_remove("MOCK_SERVER_API_KEY");
    if let Some(key) = env_key {
        command.env("MOCK_SERVER_API_KEY", key);
    }
    let mut child = command
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

/// The names of every proxy the running binary has stored.
async fn proxy_names(server: &Running) -> Vec<String> {
    let all: serde_json::Value = reqwest::get(format!("{}/api/proxies/all", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap().to_owned())
        .collect()
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

/// A SIGTERM sent the moment the binary says it is listening still stops it cleanly: its handler
/// is installed before that line. (A loaded CI run caught the binary killed by a signal sent
/// just after it, when the handler came later; on an idle machine that window is too short to
/// hit every time, so this sends ten, as early as the line allows.)
#[test]
fn a_sigterm_right_after_the_listening_line_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..10 {
        let db = dir.path().join(format!("r{round}.db"));
        sigterm_and_wait(spawn_binary(db.to_str().unwrap(), &[]));
    }
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
    let names = proxy_names(&again).await;
    assert!(
        names.iter().any(|n| n == "Written before SIGTERM"),
        "{names:?}"
    );
    sigterm_and_wait(again);
}

/// A log that nobody reads costs log lines, never answers. Here the test reads none of the
/// binary's stderr until it has stopped: when the request lines were written from the request's
/// thread, the pipe (64 KiB) was full after about 800 requests and the server stopped answering.
#[tokio::test]
async fn a_log_nobody_reads_does_not_stop_the_server() {
    const REQUESTS: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_binary(dir.path().join("log.db").to_str().unwrap(), &[]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(120);
    for i in 0..REQUESTS {
        let answer = http
            .get(format!("{}/api", server.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} of {REQUESTS} got no answer: {e}"));
        assert_eq!(answer.status(), StatusCode::OK);
        assert!(Instant::now() < until, "{i} requests took two minutes");
    }
    let log = sigterm_and_wait(server);
    assert!(log.contains("GET /api 200"), "the log starts as usual");
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

/// Whether `needle` occurs anywhere in the database's files (the database, its WAL and index).
fn on_disk(db: &std::path::Path, needle: &str) -> bool {
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// The stored (sealed) password column of a proxy, read with SQLite directly.
fn stored_password(db: &std::path::Path, id: i64) -> Option<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT password FROM proxies WHERE seq = ?1", [id], |r| {
        r.get(0)
    })
    .unwrap()
}

#[tokio::test]
async fn passwords_are_sealed_at_rest_and_replaced_ones_leave_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("secrets.db");
    let api = start_with(mock_server::Config {
        db: db.to_str().unwrap().to_owned(),
        ..config(Seed::None)
    })
    .await;
    let plain = "Plaintext-Never-On-Disk-7Q";
    let created = api
        .post(
            "/api/proxies",
            json!({"Name": "Sealed", "Host": "s.example.com", "Password": {"NewValue": plain}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let doomed = api
        .post(
            "/api/proxies",
            json!({"Name": "Doomed", "Host": "d.example.com", "Password": {"NewValue": "Doomed-Password-3"}}),
        )
        .await;
    assert_eq!(doomed.status, StatusCode::CREATED);

    let key = mock_server::master_key_path(&db);
    assert!(key.exists(), "a master key beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read the key: {mode:o}");
    }
    assert!(!on_disk(&db, plain), "the password is never stored as sent");
    let first_seal = stored_password(&db, 1).expect("sealed");
    let doomed_seal = stored_password(&db, 2).expect("sealed");
    assert!(first_seal.starts_with("v1:"), "{first_seal}");
    assert!(on_disk(&db, &first_seal));

    // Replace one password (with one of another length) and delete the other proxy.
    let mut proxy = created.json();
    proxy["Password"] = json!({"NewValue": "a much longer replacement password, 2"});
    let path = proxy["Links"]["Self"].as_str().unwrap().to_owned();
    assert_eq!(api.put(&path, proxy).await.status, StatusCode::OK);
    assert_eq!(
        api.delete("/api/proxies/Proxies-2").await.status,
        StatusCode::OK
    );
    assert!(
        !on_disk(&db, &first_seal),
        "the replaced value is gone from every file"
    );
    assert!(
        !on_disk(&db, &doomed_seal),
        "the deleted value is gone from every file"
    );
    assert!(!on_disk(&db, plain));
    api.stop().await;

    // The same key opens the same database again; reads never show a password.
    let api = start_with(mock_server::Config {
        db: db.to_str().unwrap().to_owned(),
        ..config(Seed::None)
    })
    .await;
    let read = api.get("/api/proxies/Proxies-1").await;
    assert_eq!(read.json()["Password"], json!({"HasValue": true}));
}

#[tokio::test]
async fn a_database_from_before_sealing_has_its_passwords_sealed_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let cfg = || mock_server::Config {
        db: db.to_str().unwrap().to_owned(),
        ..config(Seed::None)
    };
    let api = start_with(cfg()).await;
    api.create_proxy("Old", "o.example.com").await;
    api.stop().await;
    // What an older server wrote: the password as plain text.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE proxies SET password = 'Legacy-Plain-9' WHERE seq = 1",
            [],
        )
        .unwrap();
    let api = start_with(cfg()).await;
    assert!(stored_password(&db, 1).unwrap().starts_with("v1:"));
    assert!(!on_disk(&db, "Legacy-Plain-9"));
    assert_eq!(
        api.get("/api/proxies/Proxies-1").await.json()["Password"],
        json!({"HasValue": true})
    );
}

#[tokio::test]
async fn the_api_key_can_come_from_a_file_or_the_environment_not_only_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("api-key");
    std::fs::write(&key_file, "API-FROMFILE\n").unwrap();
    let http = reqwest::Client::new();
    for (name, extra, env_key, key) in [
        (
            "file",
            vec!["--api-key-file", key_file.to_str().unwrap()],
            None,
            "API-FROMFILE",
        ),
        ("environment", vec![], Some("API-FROMENV"), "API-FROMENV"),
    ] {
        let db = dir
            .path()
            .join(format!("{name}.db"))
            .to_str()
            .unwrap()
            .to_owned();
        let server = spawn_binary_with(&db, &extra, env_key);
        let get = |k: Option<&str>| {
            let mut req = http.get(format!("{}/api/proxies", server.base));
            if let Some(k) = k {
                req = req.header("X-Octopus-ApiKey", k);
            }
            req.send()
        };
        assert_eq!(
            get(None).await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{name}"
        );
        assert_eq!(
            get(Some("API-WRONG")).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            get(Some(key)).await.unwrap().status(),
            StatusCode::OK,
            "{name}"
        );
        let log = sigterm_and_wait(server);
        assert!(!log.contains(key), "{log}");
    }
    // An empty key file is refused rather than meaning "no key".
    std::fs::write(&key_file, "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .env_remove("MOCK_SERVER_API_KEY")
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--api-key-file",
        ])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("empty"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_write_is_lost_to_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db").to_str().unwrap().to_owned();
    let server = spawn_binary(&db, &[]);
    let base = server.base.clone();
    // Four writers create proxies as fast as they can; each remembers what was acknowledged.
    let stop_at = Instant::now() + Duration::from_secs(20);
    let mut writers = vec![];
    for w in 0..4 {
        let base = base.clone();
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut acknowledged = vec![];
            for i in 0..10_000 {
                if Instant::now() > stop_at {
                    break;
                }
                let name = format!("w{w}-{i}");
                let sent = http
                    .post(format!("{base}/api/proxies"))
                    .json(&json!({"Name": name, "Host": "h.example.com"}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == StatusCode::CREATED => acknowledged.push(name),
                    _ => break, // the server is gone
                }
            }
            acknowledged
        }));
    }
    // Let them write for a moment, then kill the server without warning.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let mut acknowledged = vec![];
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(
        acknowledged.len() >= 20,
        "only {} writes before the kill",
        acknowledged.len()
    );

    let again = spawn_binary(&db, &[]);
    let stored: std::collections::HashSet<String> = proxy_names(&again).await.into_iter().collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|n| !stored.contains(n.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    // Each change and its event are one transaction: after the kill, every stored proxy has
    // its Created event and every Created event its proxy, none more, none less.
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move {
            http.get(path)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let proxies = get(format!("{}/api/proxies/all", again.base)).await;
    let mut stored_ids: Vec<String> = proxies
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Id"].as_str().unwrap().to_owned())
        .collect();
    let events = get(format!(
        "{}/api/events?eventCategories=Created&documentTypes=Proxies&take=100000&excludeDifference=true",
        again.base
    ))
    .await;
    let mut created: Vec<String> = events["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["RelatedDocumentIds"][0].as_str().unwrap().to_owned())
        .collect();
    stored_ids.sort();
    created.sort();
    assert_eq!(stored_ids.len(), stored.len());
    assert_eq!(
        created, stored_ids,
        "every change has its event and no event is without its change"
    );
    sigterm_and_wait(again);
}
