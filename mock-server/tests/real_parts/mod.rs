//! Real parts for connection tests: Debian's squid (a real HTTP proxy with basic
//! authentication, allowing CONNECT to any port), a stand-in Listening Tentacle (a TLS listener
//! with a certificate made here), and a listener that speaks an SSH banner. All on loopback.
#![allow(dead_code)]

use std::net::TcpListener as StdListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

pub const USER: &str = "octopus-svc";
pub const PASSWORD: &str = "proxy-pass-7Qe!";

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn first_existing(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.exists())
}

/// squid, in its own directory (config, password file, logs) and process group; killed on drop.
pub struct Squid {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Squid {
    pub fn start() -> Squid {
        let squid = first_existing(&["/usr/sbin/squid", "/usr/local/sbin/squid"])
            .expect("squid is not installed: scripts/test installs it (Debian package `squid`)");
        let helper = first_existing(&[
            "/usr/lib/squid/basic_ncsa_auth",
            "/usr/lib64/squid/basic_ncsa_auth",
        ])
        .expect("squid's basic_ncsa_auth helper is missing");
        let dir = tempfile::Builder::new().prefix("squid-").tempdir().unwrap();
        // squid started as root runs as its own user: everything here must be open to it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let hash = Command::new("openssl")
            .args(["passwd", "-apr1", PASSWORD])
            .output()
            .expect("openssl makes the password hash");
        assert!(hash.status.success(), "openssl passwd failed");
        let passwd = dir.path().join("passwd");
        let line = format!(
            "{USER}:{}\n",
            String::from_utf8(hash.stdout).unwrap().trim()
        );
        std::fs::write(&passwd, line).unwrap();
        let port = free_port();
        let d = dir.path().display();
        let config = format!(
            "http_port 127.0.0.1:{port}\n\
             pid_filename {d}/squid.pid\n\
             access_log stdio:{d}/access.log\n\
             cache_log {d}/cache.log\n\
             cache_store_log none\n\
             coredump_dir {d}\n\
             cache deny all\n\
             cache_mem 8 MB\n\
             dns_v4_first on\n\
             auth_param basic program {helper} {passwd}\n\
             auth_param basic realm proxy-console-test\n\
             acl authenticated proxy_auth REQUIRED\n\
             acl CONNECT method CONNECT\n\
             http_access allow CONNECT authenticated\n\
             http_access deny all\n\
             visible_hostname proxy-console-test\n\
             shutdown_lifetime 0 seconds\n",
            helper = helper.display(),
            passwd = passwd.display(),
        );
        for file in ["access.log", "cache.log"] {
            std::fs::write(dir.path().join(file), "").unwrap();
            std::fs::set_permissions(
                dir.path().join(file),
                std::fs::Permissions::from_mode(0o666),
            )
            .unwrap();
        }
        let conf = dir.path().join("squid.conf");
        std::fs::write(&conf, config).unwrap();
        for file in [&conf, &passwd] {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        // Its own service name: squids on one machine share memory segments named after it.
        let child = Command::new(squid)
            .args(["-N", "-n", &format!("pctest{port}"), "-f"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
            .process_group(0)
            .spawn()
            .expect("squid starts");
        let squid = Squid { port, dir, child };
        squid.wait_until_listening();
        squid
    }

    fn wait_until_listening(&self) {
        let until = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < until,
                "squid did not listen within 20 s:\n{}\n{}",
                self.read("stderr.log"),
                self.read("cache.log")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(file)).unwrap_or_default()
    }

    /// squid's access log (one line per request it handled), once it has a line containing
    /// `expected` (squid writes a tunnel's line when the tunnel closes), or after 5 s.
    pub async fn access_log_with(&self, expected: &str) -> String {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.read("access.log");
            if log.contains(expected) || Instant::now() > until {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Squid {
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        if group > 1 {
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

/// A stand-in Listening Tentacle: TLS with a self-signed certificate made for this test.
pub struct Tentacle {
    pub port: u16,
    /// SHA-1 of its certificate, upper-case hex (what Octopus calls the thumbprint).
    pub thumbprint: String,
    task: tokio::task::JoinHandle<()>,
}

impl Tentacle {
    pub async fn start() -> Tentacle {
        let made = rcgen::generate_simple_self_signed(vec!["tentacle.test".to_owned()]).unwrap();
        let der = made.cert.der().to_vec();
        let thumbprint = sha1_hex(&der);
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![der.into()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(socket).await {
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
        Tentacle {
            port,
            thumbprint,
            task,
        }
    }
}

impl Drop for Tentacle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener that greets every connection with an SSH banner, as an SSH server does.
pub async fn ssh_banner() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = socket
                    .write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
                    .await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            });
        }
    });
    (port, task)
}

fn sha1_hex(der: &[u8]) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}
