//! Clients that hold connections open and send nothing, or a byte now and then, or read nothing
//! of their answer: the server closes them on its deadlines, keeps its connections under its file
//! limit, and goes on answering everyone else. Loopback only; every loop is bounded in count and
//! time.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use mock_server::{Limits, Seed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// The file limit most systems give a process, and more attackers than it leaves room for.
const FILE_LIMIT: u64 = 1024;
const ATTACKERS: usize = 1100;
/// The header deadline the binary runs with here (the default is 20 s; shorter keeps the test
/// short, the mechanism is the same).
const HEADER_TIMEOUT: Duration = Duration::from_secs(4);

/// The real binary, started with `ulimit -n 1024`; its log is collected as it is written.
struct Binary {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Binary {
    fn start(extra: &[&str]) -> Binary {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_mock-server"));
        command
            .env_remove("MOCK_SERVER_API_KEY")
            .args(["--listen", &format!("127.0.0.1:{port}"), "--db", ":memory:"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: FILE_LIMIT,
                    rlim_max: FILE_LIMIT,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().expect("mock-server starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("listening on"), "{first}");
        Binary {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, and the exit status once it has stopped (at most 10 s).
    fn stop(&mut self) -> std::process::ExitStatus {
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "did not stop within 10 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// This process opens more sockets than the usual 1024: its soft limit goes up to its hard one.
fn raise_own_file_limit(need: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
    assert!(
        limit.rlim_cur >= need,
        "this test needs {need} open files; the hard limit is {}",
        limit.rlim_cur
    );
}

/// Reads one HTTP/1.1 answer (head and a Content-Length body) from `stream`: its status line.
async fn read_answer(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Ok(head.lines().next().unwrap_or_default().to_owned());
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

const GET_API: &[u8] = b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// A fresh connection asks `GET /api`: answered 200 within 3 s?
async fn fresh_request_answered(addr: SocketAddr) -> bool {
    let ask = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(GET_API).await?;
        read_answer(&mut stream).await
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(3), ask).await,
        Ok(Ok(status)) if status.starts_with("HTTP/1.1 200")
    )
}

/// What fresh requests met during an attack.
#[derive(Debug)]
struct Probes {
    /// From the moment all the attack's connections are open to the first fresh request answered.
    first_answer: Option<Duration>,
    asked: usize,
    /// Requests that went unanswered after the first answer.
    missed_after: usize,
}

/// Sends a fresh request every 250 ms for `during`, counted from `start`.
fn probe(addr: SocketAddr, start: Instant, during: Duration) -> JoinHandle<Probes> {
    tokio::spawn(async move {
        let mut probes = Probes {
            first_answer: None,
            asked: 0,
            missed_after: 0,
        };
        while start.elapsed() < during {
            probes.asked += 1;
            let answered = fresh_request_answered(addr).await;
            match (answered, probes.first_answer) {
                (true, None) => probes.first_answer = Some(start.elapsed()),
                (false, Some(_)) => probes.missed_after += 1,
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        probes
    })
}

/// `count` connections to `addr`, each having sent `first` (nothing when empty).
async fn open_connections(addr: SocketAddr, count: usize, first: &[u8]) -> Vec<TcpStream> {
    let mut open = Vec::with_capacity(count);
    for _ in 0..count {
        let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr));
        let mut stream = connect
            .await
            .expect("connected in time")
            .expect("connected");
        if !first.is_empty() {
            // The server may already have closed it to make room: that is not an error here.
            let _ = stream.write_all(first).await;
        }
        open.push(stream);
    }
    open
}

/// Whether the server has closed `stream`: its end reads as EOF or an error, not "nothing yet".
fn closed_by_server(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match stream.try_read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

/// Waits until the server has closed every one of `streams` or `deadline` passes, writing one
/// byte on each still open every 2 s when `trickle` (a slowloris client); how many are left open.
async fn wait_until_closed(mut streams: Vec<TcpStream>, deadline: Instant, trickle: bool) -> usize {
    let mut last_byte = Instant::now();
    while Instant::now() < deadline {
        streams.retain(|s| !closed_by_server(s));
        if streams.is_empty() {
            break;
        }
        if trickle && last_byte.elapsed() >= Duration::from_secs(2) {
            for s in &streams {
                let _ = s.try_write(b"a");
            }
            last_byte = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    streams.retain(|s| !closed_by_server(s));
    streams.len()
}

/// A second after they opened, well before the header deadline, the server has closed the
/// attackers it had no room for: it holds no more than its cap (896 under a 1024 file limit).
async fn assert_cap_held(attackers: &[TcpStream]) {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let closed = attackers.iter().filter(|s| closed_by_server(s)).count();
    assert!(
        closed >= ATTACKERS - 896,
        "only {closed} of {ATTACKERS} closed to stay under the cap"
    );
}

/// A real client on one keep-alive connection, asking every 2 s until told to stop: how many
/// answers it got, and the first failure if there was one.
fn keep_alive_client(
    addr: SocketAddr,
    stop: tokio::sync::watch::Receiver<bool>,
) -> JoinHandle<(usize, Option<String>)> {
    tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut answers = 0;
        for round in 0..60 {
            if *stop.borrow() {
                return (answers, None);
            }
            let ask = async {
                stream.write_all(GET_API).await?;
                read_answer(&mut stream).await
            };
            match tokio::time::timeout(Duration::from_secs(5), ask).await {
                Ok(Ok(status)) if status.starts_with("HTTP/1.1 200") => answers += 1,
                other => return (answers, Some(format!("request {round}: {other:?}"))),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        (answers, Some("still running after 60 rounds".into()))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slowloris_connections_do_not_keep_out_real_clients() {
    raise_own_file_limit(ATTACKERS as u64 + 200);
    let mut server = Binary::start(&["--header-timeout", &HEADER_TIMEOUT.as_secs().to_string()]);
    let addr = server.addr;
    assert!(
        fresh_request_answered(addr).await,
        "answers before any attack"
    );
    let (stop_client, stopped) = tokio::sync::watch::channel(false);
    let client = keep_alive_client(addr, stopped);

    // 1,100 connections that send nothing.
    let idle = open_connections(addr, ATTACKERS, b"").await;
    let start = Instant::now();
    let probes = probe(addr, start, HEADER_TIMEOUT + Duration::from_secs(3));
    assert_cap_held(&idle).await;
    let left_open =
        wait_until_closed(idle, start + HEADER_TIMEOUT + Duration::from_secs(5), false).await;
    let idle_probes = probes.await.unwrap();
    assert_eq!(left_open, 0, "idle connections left open past the deadline");
    let first = idle_probes.first_answer.expect("a fresh request answered");
    assert!(
        first < HEADER_TIMEOUT,
        "first answer after {first:?}: {idle_probes:?}"
    );
    assert_eq!(idle_probes.missed_after, 0, "{idle_probes:?}");

    // 1,100 connections that send a request line and then one header byte every 2 s.
    let slow = open_connections(
        addr,
        ATTACKERS,
        b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
    )
    .await;
    let start = Instant::now();
    let probes = probe(addr, start, HEADER_TIMEOUT + Duration::from_secs(3));
    assert_cap_held(&slow).await;
    let left_open =
        wait_until_closed(slow, start + HEADER_TIMEOUT + Duration::from_secs(5), true).await;
    let slow_probes = probes.await.unwrap();
    assert_eq!(
        left_open, 0,
        "slowloris connections left open past the deadline"
    );
    let first = slow_probes.first_answer.expect("a fresh request answered");
    assert!(
        first < HEADER_TIMEOUT,
        "first answer after {first:?}: {slow_probes:?}"
    );
    assert_eq!(slow_probes.missed_after, 0, "{slow_probes:?}");
    eprintln!(
        "first answer to a fresh request once the attack's connections were open: {:?} (idle), \
         {:?} (slowloris); {} and {} fresh requests, all answered",
        idle_probes.first_answer.unwrap(),
        slow_probes.first_answer.unwrap(),
        idle_probes.asked,
        slow_probes.asked
    );

    // The keep-alive client was never cut off, and the server still stops cleanly with it open.
    let _ = stop_client.send(true);
    let (answers, failure) = client.await.unwrap();
    assert_eq!(failure, None, "after {answers} answers");
    assert!(
        answers >= 8,
        "{answers} answers on the keep-alive connection"
    );
    assert!(server.stop().success());
    let log = server.log();
    assert!(log.contains("open file limit: 1024"), "{log}");
    assert!(log.contains("at most 896 connections"), "{log}");
    assert!(log.contains("closed the oldest idle one"), "{log}");
    assert!(
        !log.contains("cannot accept"),
        "the cap keeps descriptors in hand: {log}"
    );
    assert!(log.contains("stopped cleanly"), "{log}");
}

/// CPU time the process has used so far (user and system), from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at field 3.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: a plain query.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_the_server_frees_one_and_neither_spins_nor_goes_quiet() {
    raise_own_file_limit(ATTACKERS as u64 + 200);
    // A cap above the file limit: here the kernel, not the cap, runs out first.
    let mut server = Binary::start(&["--max-connections", "5000"]);
    let addr = server.addr;
    let cpu_before = cpu_time(server.child.id());
    let idle = open_connections(addr, ATTACKERS, b"").await;
    let start = Instant::now();
    let probes = probe(addr, start, Duration::from_secs(4)).await.unwrap();
    let cpu = cpu_time(server.child.id()) - cpu_before;
    let first = probes.first_answer.expect("a fresh request answered");
    assert!(
        first < Duration::from_secs(3),
        "first answer after {first:?}"
    );
    assert_eq!(probes.missed_after, 0, "{probes:?}");
    assert!(
        cpu < Duration::from_secs(2),
        "{cpu:?} of CPU in {:?}: the accept loop spins",
        start.elapsed()
    );
    drop(idle);
    assert!(server.stop().success());
    let log = server.log();
    let warnings = log
        .matches("cannot accept a connection: Too many open files")
        .count();
    assert!(
        (1..=2).contains(&warnings),
        "one warning per 10 s, not one per failure: {warnings}\n{log}"
    );
}

#[tokio::test]
async fn a_body_that_trickles_in_is_answered_408_and_the_connection_closed() {
    let api = start_with(mock_server::Config {
        limits: Limits {
            request_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
        ..config(Seed::None)
    })
    .await;
    let mut stream = TcpStream::connect(api.server.as_ref().unwrap().addr)
        .await
        .unwrap();
    stream
        .write_all(
            b"POST /api/proxies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 200\r\n\r\n{\"Name\": ",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
        .await
        .expect("answered and closed in time")
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let body = answer.split_once("\r\n\r\n").unwrap().1;
    let error: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(
        error["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("took too long"),
        "{error}"
    );
    assert_eq!(api.proxy_count().await, 0);
}

#[tokio::test]
async fn a_client_that_reads_nothing_of_its_answer_is_let_go() {
    let dir = tempfile::tempdir().unwrap();
    // Far more than loopback's socket buffers hold at most (a few MB each way).
    const SIZE: usize = 48 << 20;
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![7u8; SIZE]).unwrap();
    let api = start_with(mock_server::Config {
        static_dir: Some(dir.path().to_owned()),
        limits: Limits {
            write_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
        ..config(Seed::None)
    })
    .await;
    let mut stream = TcpStream::connect(api.server.as_ref().unwrap().addr)
        .await
        .unwrap();
    stream
        .write_all(b"GET /app/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    // Reads nothing while the server's write waits, then all there is.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut got = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_all)
        .await
        .expect("the connection ends");
    assert!(
        got > 0 && got < SIZE,
        "{got} of {SIZE} bytes: the server kept writing"
    );
    assert_eq!(
        api.get("/api").await.status,
        reqwest::StatusCode::OK,
        "the server answers others meanwhile"
    );
}

#[test]
fn the_settings_are_in_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--header-timeout",
        "--request-timeout",
        "--write-timeout",
        "--max-connections",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
    assert!(help.contains("[default: 20]"), "{help}");
}
