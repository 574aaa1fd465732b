//! How the server reaches a machine: straight to it, or through an HTTP proxy's `CONNECT`
//! tunnel; then, when the far end speaks TLS, a handshake that reads the certificate it presents.
//! Each step is timed and every outcome is one plain sentence. No message holds the password.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use api_model::ProxyTestResult;
pub use api_model::Stage;
use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha1::{Digest, Sha1};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The whole attempt, from the first connection to the end of the TLS handshake.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);
/// When what answers is not known (the proxy test): how long the far end gets to speak first
/// (an SSH server sends its banner at once; a TLS server waits for the client).
const SPEAKS_FIRST: Duration = Duration::from_millis(300);
/// How long an SSH server gets to send its banner.
const BANNER_WAIT: Duration = Duration::from_secs(5);
/// The most of a proxy's answer head that is read.
const HEAD_LIMIT: usize = 16 * 1024;

/// What the far end should be: known for a target (its style), not for the proxy test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A Listening Tentacle: the handshake starts at once.
    Tls,
    /// An SSH server: its banner is awaited.
    Ssh,
    /// Either: a short wait for a banner, then a handshake.
    Either,
}

/// An HTTP proxy and the credentials to give it.
pub struct Proxy {
    /// What the admin calls it, for what a person reads (a health summary, a log line).
    pub name: String,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// How far an attempt got: what the proxy test answers ([`ProxyTestResult`]), and what a health
/// check logs beside it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub result: ProxyTestResult,
    /// The far end's SSH banner, when it sent one.
    pub ssh_banner: Option<String>,
    /// Each step that succeeded, with its time ("Connected to the proxy … in 3 ms").
    pub steps: Vec<String>,
}

/// Reaches `host:port` through `proxy` (or directly), within [`TIME_LIMIT`].
pub async fn reach(proxy: Option<&Proxy>, host: &str, port: u16, expect: Expect) -> Outcome {
    let started = Instant::now();
    let mut stage = Stage::Connect;
    let mut steps = Steps(Instant::now(), vec![]);
    let target = authority(host, port);
    let result = tokio::time::timeout(
        TIME_LIMIT,
        attempt(proxy, (host, port, expect), &target, &mut stage, &mut steps),
    )
    .await;
    let (success, message, found) = match result {
        Ok(Ok((message, found))) => (true, message, found),
        Ok(Err(message)) => (false, message, Found::Nothing),
        Err(_) => (false, timed_out(stage, proxy, &target), Found::Nothing),
    };
    let (thumbprint, ssh_banner) = match found {
        Found::Certificate(t) => (Some(t), None),
        Found::SshBanner(b) => (None, Some(b)),
        Found::Nothing => (None, None),
    };
    Outcome {
        result: ProxyTestResult {
            success,
            stage,
            message,
            elapsed_milliseconds: started.elapsed().as_millis() as u64,
            thumbprint,
        },
        ssh_banner,
        steps: steps.1,
    }
}

/// The steps so far, each with the time since the one before.
struct Steps(Instant, Vec<String>);

impl Steps {
    fn done(&mut self, what: String) {
        let ms = self.0.elapsed().as_millis();
        self.1.push(format!("{what} in {ms} ms."));
        self.0 = Instant::now();
    }
}

/// `host:port`, with an IPv6 address in brackets.
pub fn authority(host: &str, port: u16) -> String {
    match host.contains(':') && !host.starts_with('[') {
        true => format!("[{host}]:{port}"),
        false => format!("{host}:{port}"),
    }
}

fn timed_out(stage: Stage, proxy: Option<&Proxy>, target: &str) -> String {
    let secs = TIME_LIMIT.as_secs();
    match (stage, proxy) {
        (Stage::Connect, Some(p)) => format!(
            "No connection to the proxy {} within {secs} s.",
            authority(&p.host, p.port)
        ),
        (Stage::Connect, None) => format!("No connection to {target} within {secs} s."),
        (Stage::Authenticate | Stage::Tunnel, Some(_)) => {
            format!("The proxy did not open the tunnel to {target} within {secs} s.")
        }
        (Stage::Authenticate | Stage::Tunnel, None) => {
            format!("{target} did not answer within {secs} s.")
        }
        (Stage::Tls, _) => format!("{target} did not finish a TLS handshake within {secs} s."),
    }
}

/// What the far end showed of itself.
enum Found {
    Certificate(String),
    SshBanner(String),
    Nothing,
}

type Step = Result<(String, Found), String>;

async fn attempt(
    proxy: Option<&Proxy>,
    (host, port, expect): (&str, u16, Expect),
    target: &str,
    stage: &mut Stage,
    steps: &mut Steps,
) -> Step {
    let (mut stream, early, through) = match proxy {
        Some(p) => {
            let proxy_at = authority(&p.host, p.port);
            let mut stream = TcpStream::connect((p.host.trim_matches(['[', ']']), p.port))
                .await
                .map_err(|e| format!("Could not connect to the proxy {proxy_at}: {}.", io(&e)))?;
            steps.done(format!("Connected to the proxy {proxy_at}"));
            *stage = Stage::Tunnel;
            let early = open_tunnel(&mut stream, p, target, stage).await?;
            steps.done(format!("The proxy opened a tunnel to {target}"));
            (stream, early, format!(" through the proxy {proxy_at}"))
        }
        None => {
            let stream = TcpStream::connect((host.trim_matches(['[', ']']), port))
                .await
                .map_err(|e| format!("Could not connect to {target}: {}.", io(&e)))?;
            steps.done(format!("Connected to {target}"));
            *stage = Stage::Tunnel;
            (stream, Vec::new(), String::new())
        }
    };
    // Does the far end speak first? An SSH server does; a TLS server waits for us.
    let mut first = early;
    let wait = match expect {
        Expect::Tls => None,
        Expect::Ssh => Some(BANNER_WAIT),
        Expect::Either => Some(SPEAKS_FIRST),
    };
    if let Some(wait) = wait.filter(|_| first.is_empty()) {
        let mut buf = [0u8; 256];
        if let Ok(Ok(n)) = tokio::time::timeout(wait, stream.read(&mut buf)).await {
            if n == 0 {
                return Err(format!("{target} closed the connection{through} at once."));
            }
            first.extend_from_slice(&buf[..n]);
        }
    }
    if expect == Expect::Ssh && !first.starts_with(b"SSH-") {
        return Err(format!(
            "Reached {target}{through}, but no SSH banner came within {} s: it is not an SSH server.",
            BANNER_WAIT.as_secs()
        ));
    }
    if first.starts_with(b"SSH-") {
        let banner = plain(&String::from_utf8_lossy(
            first.split(|b| *b == b'\n').next().unwrap_or_default(),
        ));
        return Ok((
            format!("Reached {target}{through}: it answered with the SSH banner “{banner}”."),
            Found::SshBanner(banner),
        ));
    }
    if !first.is_empty() {
        return Ok((
            format!("Reached {target}{through}, but it speaks neither TLS nor SSH."),
            Found::Nothing,
        ));
    }
    *stage = Stage::Tls;
    let thumbprint = tls_thumbprint(stream, host)
        .await
        .map_err(|e| format!("Reached {target}{through}, but the TLS handshake failed: {e}."))?;
    steps.done(format!("Completed a TLS handshake with {target}"));
    Ok((
        format!("Reached {target}{through} and completed a TLS handshake; its certificate's thumbprint is {thumbprint}."),
        Found::Certificate(thumbprint),
    ))
}

/// Sends `CONNECT` and reads the proxy's answer; returns any bytes the far end sent after it.
async fn open_tunnel(
    stream: &mut TcpStream,
    proxy: &Proxy,
    target: &str,
    stage: &mut Stage,
) -> Result<Vec<u8>, String> {
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(user) = proxy.username.as_deref().filter(|u| !u.is_empty()) {
        let pair = format!("{user}:{}", proxy.password.as_deref().unwrap_or_default());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str(&format!("Proxy-Authorization: Basic {encoded}\r\n"));
    }
    request.push_str("\r\n");
    let lost = |e: std::io::Error| format!("The proxy closed the connection: {}.", io(&e));
    stream.write_all(request.as_bytes()).await.map_err(lost)?;
    let (head, rest) = read_head(stream).await.map_err(lost)?;
    let status_line = head.lines().next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (version, code, reason) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
    let code: u16 = match (version, code.and_then(|c| c.parse().ok())) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") => code,
        _ => return Err("The proxy did not answer as an HTTP proxy does.".into()),
    };
    let status = plain(&format!("{code} {reason}"));
    match code {
        200..=299 => Ok(rest),
        407 => {
            *stage = Stage::Authenticate;
            Err(match proxy.username.as_deref().filter(|u| !u.is_empty()) {
                Some(_) => format!("The proxy answered {status}: check the username and password."),
                None => format!("The proxy answered {status}: it needs a username and password."),
            })
        }
        502..=504 => Err(format!(
            "The proxy could not reach {target}: it answered {status}."
        )),
        _ => Err(format!(
            "The proxy refused the tunnel to {target}: it answered {status}."
        )),
    }
}

/// The answer's head (up to the blank line) and what came after it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        if buf.len() > HEAD_LIMIT {
            return Err(std::io::Error::other("its answer had no end"));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A TLS handshake over `stream`; the thumbprint of the certificate presented. Any certificate
/// is accepted: a Tentacle's is self-signed, and what matters is which one it is.
async fn tls_thumbprint<S>(stream: S, host: &str) -> Result<String, String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
        .unwrap_or_else(|_| ServerName::try_from("tentacle").expect("a valid name"));
    let tls = tokio_rustls::TlsConnector::from(TLS.clone())
        .connect(name, stream)
        .await
        .map_err(|e| plain(&e.to_string()))?;
    let certificate = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .ok_or("no certificate was presented")?;
    Ok(thumbprint(certificate))
}

/// The client side of every handshake, made once: any certificate, signatures checked.
static TLS: LazyLock<Arc<rustls::ClientConfig>> = LazyLock::new(|| {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the provider supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    Arc::new(config)
});

/// SHA-1 of a certificate's DER bytes in upper-case hex, as Octopus shows thumbprints.
pub fn thumbprint(der: &[u8]) -> String {
    Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    // The handshake's signatures are still checked: the far end must hold the certificate's key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// An I/O error in plain words.
fn io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => "nothing is listening there (connection refused)".into(),
        ConnectionReset | ConnectionAborted => "the connection was reset".into(),
        UnexpectedEof => "it closed the connection".into(),
        TimedOut => "it did not answer in time".into(),
        _ if e.to_string().contains("failed to lookup") => "the name could not be resolved".into(),
        _ => plain(&e.to_string()),
    }
}

/// Text from the network, made safe to show: no control characters, at most 120 characters.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_network_text() {
        assert_eq!(authority("squid.dmz", 3128), "squid.dmz:3128");
        assert_eq!(authority("::1", 10933), "[::1]:10933");
        assert_eq!(plain("403 Forbidden\r\n\u{1b}[31m"), "403 Forbidden[31m");
        assert_eq!(plain(&"x".repeat(500)).len(), 120);
        assert_eq!(
            thumbprint(b"abc"),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
    }
}
