//! The server's connections: accepted, served by hyper with deadlines, and counted, so that
//! clients who open connections and send nothing (or a byte now and then) can neither use up the
//! process's file descriptors nor keep other clients out.
//!
//! - hyper's header deadline (it needs a timer) closes a connection that has not sent a whole
//!   request head within `header_timeout` of opening or of its previous answer: the same deadline
//!   is how long a keep-alive connection may stay idle;
//! - a write that makes no progress for `write_timeout` (a client that reads nothing of its answer)
//!   ends the connection; a request's body and answer have `request_timeout` (in `lib.rs`);
//! - at most `max_connections` are open. When one more arrives the oldest idle one is closed, those
//!   that never sent a whole request before those that did; only when every connection has a
//!   request in progress does the server wait before accepting again.
//!
//! HTTP/1 only: the console, browsers without TLS and Octopus's clients speak nothing else, and an
//! HTTP/2 connection would escape the header deadline.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Notify;
use tokio_io_timeout::TimeoutStream;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::transport::ErrorBodies;

/// How long clients may take, and how many connections may be open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A whole request head must arrive within this of the connection opening or of its
    /// previous answer; otherwise the connection is closed.
    pub header_timeout: Duration,
    /// A request's body must arrive, and its answer start, within this; otherwise 408.
    pub request_timeout: Duration,
    /// A connection whose answer cannot be written for this long (its client reads nothing)
    /// is closed.
    pub write_timeout: Duration,
    /// Open connections at most; `None`: [`default_cap`] of the file limit at start.
    pub max_connections: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            max_connections: None,
        }
    }
}

/// File descriptors kept for what is not a client connection: the database's files (a writer
/// and 8 readers), static files being sent, health checks and proxy tests, the log.
const DESCRIPTORS_KEPT: u64 = 128;

/// Beyond this many, idle connections cost more memory than a mock server should spend.
const MOST_CONNECTIONS: u64 = 10_000;

/// Raises the soft open-file limit to the hard one; the limit before and after.
pub fn raise_file_limit() -> io::Result<(u64, u64)> {
    let (before, _) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
    let after = rlimit::increase_nofile_limit(u64::MAX)?;
    Ok((before, after))
}

/// The connection cap for a soft open-file limit: what the limit leaves after the server's own
/// files, or half of a small limit.
pub fn default_cap(file_limit: u64) -> usize {
    let cap = if file_limit > 2 * DESCRIPTORS_KEPT {
        file_limit - DESCRIPTORS_KEPT
    } else {
        file_limit / 2
    };
    cap.clamp(1, MOST_CONNECTIONS) as usize
}

/// The soft open-file limit now.
pub fn file_limit() -> u64 {
    rlimit::getrlimit(rlimit::Resource::NOFILE)
        .map(|(soft, _)| soft)
        .unwrap_or(1024)
}

/// Connections the kernel holds for the server to accept. tokio's `bind` asks for 128: a burst
/// of connections (1,100 opened at once by one client) then fills the queue between two accepts,
/// and the next client's SYN is dropped and sent again only a second later.
const BACKLOG: u32 = 1024;

/// A listener on `addr` with room for a burst of connections.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Accepts and serves connections until `stop` is cancelled, then waits for the requests in
/// progress to be answered.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    limits: Limits,
    cap: usize,
    stop: CancellationToken,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let registry = Arc::new(Registry::default());
    let tasks = TaskTracker::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut accept_failures = Throttled::default();
    let mut evictions = Throttled::default();
    let mut backoff = MIN_BACKOFF;
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = async {
                let closed = registry.room(cap).await;
                (closed, listener.accept().await)
            } => accepted,
        };
        let (closed, accepted) = accepted;
        if closed > 0 {
            if let Some(more) = evictions.report() {
                tracing::warn!(
                    "{cap} connections are open (the limit): closed the oldest idle one to \
                     accept another ({more} more since the last report)"
                );
            }
        }
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            // The client gave up before it was accepted: nothing to do.
            Err(e) if is_connection_error(&e) => continue,
            // Out of descriptors (or memory): close an idle connection to free one, and try
            // again after a pause that grows, so the loop neither spins nor stops.
            Err(e) => {
                let closed = registry.close_oldest_idle();
                if let Some(more) = accept_failures.report() {
                    tracing::warn!(
                        "cannot accept a connection: {e} ({more} more such failures since the \
                         last report); {}",
                        if closed {
                            "closed the oldest idle connection"
                        } else {
                            "none is idle"
                        }
                    );
                }
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = MIN_BACKOFF;
        let conn = registry.open(stop.child_token());
        tasks.spawn(serve_connection(
            http.clone(),
            tcp,
            app.clone(),
            conn,
            limits,
        ));
    }
    drop(listener);
    tasks.close();
    tasks.wait().await;
}

const MIN_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Errors of one connection that went away before it was accepted, not of the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

async fn serve_connection<S>(
    http: http1::Builder,
    tcp: TcpStream,
    app: S,
    conn: Conn,
    limits: Limits,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let mut io = TimeoutStream::new(ErrorBodies::new(tcp));
    io.set_write_timeout(Some(limits.write_timeout));
    let stop = conn.stop.clone();
    let conn = Arc::new(conn);
    let busy_conn = conn.clone();
    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let busy = busy_conn.busy();
        let answer = app.clone().oneshot(req.map(Body::new));
        async move {
            let res = answer.await?;
            Ok::<_, Infallible>(res.map(|body| Body::new(Sending { body, _busy: busy })))
        }
    });
    let served = http.serve_connection(TokioIo::new(Box::pin(io)), service);
    tokio::pin!(served);
    tokio::select! {
        result = served.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("connection ended: {e}");
            }
        }
        _ = stop.cancelled() => {
            // Closed to make room, or the server stops: an idle connection is dropped (that
            // closes it); one with a request in progress answers it first.
            if conn.is_busy() {
                served.as_mut().graceful_shutdown();
                let _ = served.await;
            }
        }
    }
}

/// Open connections, whether each has a request in progress, and since when each is idle.
#[derive(Default)]
struct Registry {
    slots: Mutex<Slots>,
    /// A connection closed or became idle: there may be room to accept another.
    changed: Notify,
}

#[derive(Default)]
struct Slots {
    next_id: u64,
    open: HashMap<u64, Slot>,
}

struct Slot {
    stop: CancellationToken,
    /// Requests whose answer is not yet sent.
    busy: usize,
    /// Has sent a whole request head at least once.
    had_request: bool,
    idle_since: Instant,
    /// Told to close, and not closed yet.
    closing: bool,
}

impl Slots {
    /// The idle connection to close first: one that never sent a whole request before one that
    /// did, then the longest idle.
    fn oldest_idle(&self) -> Option<u64> {
        self.open
            .iter()
            .filter(|(_, s)| s.busy == 0 && !s.closing)
            .min_by_key(|(_, s)| (s.had_request, s.idle_since))
            .map(|(id, _)| *id)
    }

    fn close(&mut self, id: u64) {
        if let Some(slot) = self.open.get_mut(&id) {
            slot.closing = true;
            slot.stop.cancel();
        }
    }
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn open(self: &Arc<Self>, stop: CancellationToken) -> Conn {
        let mut slots = self.lock();
        let id = slots.next_id;
        slots.next_id += 1;
        slots.open.insert(
            id,
            Slot {
                stop: stop.clone(),
                busy: 0,
                had_request: false,
                idle_since: Instant::now(),
                closing: false,
            },
        );
        Conn {
            registry: self.clone(),
            id,
            stop,
        }
    }

    /// Waits until one more connection fits under `cap`: at the cap, closes the oldest idle
    /// connection and waits for it to be gone (its descriptor with it), or, when every
    /// connection has a request in progress, for one to finish. How many it closed.
    async fn room(&self, cap: usize) -> usize {
        let mut closed = 0;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut slots = self.lock();
                if slots.open.len() < cap {
                    return closed;
                }
                if !slots.open.values().any(|s| s.closing) {
                    if let Some(id) = slots.oldest_idle() {
                        slots.close(id);
                        closed += 1;
                    }
                }
            }
            changed.await;
        }
    }

    /// Closes the oldest idle connection, if one is idle.
    fn close_oldest_idle(&self) -> bool {
        let mut slots = self.lock();
        let oldest = slots.oldest_idle();
        oldest.map(|id| slots.close(id)).is_some()
    }
}

/// One open connection's place in the registry, given up when the connection ends.
struct Conn {
    registry: Arc<Registry>,
    id: u64,
    stop: CancellationToken,
}

impl Conn {
    fn busy(&self) -> Busy {
        if let Some(slot) = self.registry.lock().open.get_mut(&self.id) {
            slot.busy += 1;
            slot.had_request = true;
        }
        Busy {
            registry: self.registry.clone(),
            id: self.id,
        }
    }

    fn is_busy(&self) -> bool {
        self.registry
            .lock()
            .open
            .get(&self.id)
            .is_some_and(|s| s.busy > 0)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.registry.lock().open.remove(&self.id);
        self.registry.changed.notify_waiters();
    }
}

/// A request in progress on a connection, until its answer is sent.
struct Busy {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut slots = self.registry.lock();
        if let Some(slot) = slots.open.get_mut(&self.id) {
            slot.busy -= 1;
            if slot.busy == 0 {
                slot.idle_since = Instant::now();
            }
        }
        drop(slots);
        self.registry.changed.notify_waiters();
    }
}

/// An answer's body, holding its connection busy until hyper has sent it all or given it up.
struct Sending {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Sending {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A warning said at most once every 10 s, with how many were not said in between.
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    unsaid: u64,
}

impl Throttled {
    /// `Some(unsaid)` when it is time to say it again.
    fn report(&mut self) -> Option<u64> {
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_secs(10))
        {
            self.unsaid += 1;
            return None;
        }
        self.last = Some(Instant::now());
        Some(std::mem::take(&mut self.unsaid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_servers_own_files() {
        assert_eq!(default_cap(1024), 896);
        assert_eq!(default_cap(200), 100);
        assert_eq!(default_cap(1_048_576), 10_000);
        assert_eq!(default_cap(1), 1);
    }

    #[test]
    fn connections_that_never_sent_a_request_are_closed_first_then_the_longest_idle() {
        let registry = Arc::new(Registry::default());
        let root = CancellationToken::new();
        let client = registry.open(root.child_token());
        let old_client = registry.open(root.child_token());
        drop(old_client.busy());
        drop(client.busy());
        let silent = registry.open(root.child_token());
        let working = registry.open(root.child_token());
        let _request = working.busy();
        let mut order = vec![];
        let mut slots = registry.lock();
        while let Some(id) = slots.oldest_idle() {
            slots.close(id);
            order.push(id);
        }
        drop(slots);
        assert_eq!(
            order,
            [silent.id, old_client.id, client.id],
            "the one that sent nothing, then the longest idle; never one with a request"
        );
        assert!(silent.stop.is_cancelled() && client.stop.is_cancelled());
        assert!(!working.stop.is_cancelled());
    }

    /// Waits for `task` to finish (at most 5 s).
    async fn finished<T>(task: tokio::task::JoinHandle<T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("finished in time")
            .unwrap()
    }

    #[tokio::test]
    async fn at_the_cap_the_oldest_idle_is_closed_and_its_place_taken_once_it_is_gone() {
        let registry = Arc::new(Registry::default());
        let root = CancellationToken::new();
        assert_eq!(registry.room(2).await, 0, "room under the cap");
        let idle = registry.open(root.child_token());
        let working = registry.open(root.child_token());
        let _request = working.busy();
        let waiting = tokio::spawn({
            let registry = registry.clone();
            async move { registry.room(2).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(idle.stop.is_cancelled(), "the idle one is told to close");
        assert!(!waiting.is_finished(), "its descriptor is still open");
        drop(idle);
        assert_eq!(finished(waiting).await, 1);
    }

    #[tokio::test]
    async fn accepting_waits_while_every_connection_is_busy() {
        let registry = Arc::new(Registry::default());
        let conn = registry.open(CancellationToken::new());
        let request = conn.busy();
        let waiting = tokio::spawn({
            let registry = registry.clone();
            async move { registry.room(1).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished() && !conn.stop.is_cancelled());
        drop(request);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(conn.stop.is_cancelled(), "idle once answered, then closed");
        drop(conn);
        assert_eq!(finished(waiting).await, 1);
    }
}
