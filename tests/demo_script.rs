//! `scripts/demo` as a person runs it: with their own `--listen` (the example in its comment),
//! serving the console and the demo data from the optimized server build.

#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The script, in its own process group; dropping it ends the whole group (the build tools it
/// started, or the server it became) and reaps it.
struct Group(std::process::Child);

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.0.id() as i32;
        if pgid > 1 {
            unsafe {
                libc::killpg(pgid, libc::SIGTERM);
            }
        }
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_demo_takes_the_persons_own_listen_address_and_serves_the_console() {
    let root = env!("CARGO_MANIFEST_DIR");
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("demo.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(format!("{root}/scripts/demo"))
        .args(["--listen", &listen, "--db", db.to_str().unwrap()])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("scripts/demo starts");
    let mut group = Group(child);
    let pid = group.0.id();

    // The script builds first (the console, and the server once): minutes on a fresh machine.
    let stdout = group.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20 * 60);
    let listening = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("listening on") => break line,
            Ok(_) => {}
            Err(e) => panic!("scripts/demo never listened: {e}"),
        }
    };
    assert!(listening.contains(&listen), "{listening}");
    assert!(
        !listening.contains("8080"),
        "the default was not added beside the person's own: {listening}"
    );

    let base = format!("http://{listen}");
    let page = reqwest::get(format!("{base}/app/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("boot.js"));
    let proxies: serde_json::Value = reqwest::get(format!("{base}/api/proxies"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(proxies["TotalResults"], 4, "the demo data: {proxies}");
    assert!(db.exists(), "the person's own --db was used");
    // The script became the server (exec): the optimized build, not a debug one.
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    assert!(exe.ends_with("target/server/mock-server"), "{exe:?}");
}
