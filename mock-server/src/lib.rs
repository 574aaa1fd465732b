//! An Octopus-compatible REST API for HTTP proxies, on SQLite, that also serves the built console.
//! It is what the demo runs and what every test talks to.

mod access;
mod audit;
mod connections;
mod counts;
mod db;
mod error;
mod etag;
mod extract;
mod filter;
mod ids;
mod links;
mod middleware;
mod openapi;
mod paging;
mod reach;
mod routes;
mod secrets;
mod seed;
mod state;
mod static_files;
mod transport;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::{middleware as mw, Router};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower::Layer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

pub use access::Grant;
pub use connections::{raise_file_limit, Limits};

pub use error::VALIDATION_SUMMARY;
pub use middleware::{CONTENT_SECURITY_POLICY, NOT_A_PAGE_POLICY};
pub use routes::{API_VERSION, SERVER_VERSION};
pub use secrets::key_path as master_key_path;

use state::AppState;

/// Machines that health tasks reach at once, over all of them: a check may wait 10 s on an
/// unreachable machine, and a big environment must not open hundreds of connections together.
pub const HEALTH_CHECKS_AT_ONCE: usize = 8;

/// Largest request body accepted; larger ones get 413.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// Fill an empty database with demo proxies and a second space.
    Demo,
    /// The demo data plus 100 proxies and 10,000 deployment targets (for load tests).
    Scale,
    /// The demo data plus three users with their own API keys (a Space Manager, a Development
    /// lead who views the rest, an auditor who only views), written to `DB.keys` beside the
    /// database (never to the log). Once keys exist, every route but `GET /api` needs one.
    Team,
    /// Leave the database as it is.
    None,
}

/// Which API the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ApiMode {
    /// The Octopus API with this server's extensions (usage counts, the proxy test, bulk proxy
    /// changes, the `proxyIds` filter, ETags), each advertised in the root documents' links.
    #[default]
    Extended,
    /// Exactly the documented Octopus API: the extension routes answer 404, `proxyIds` is
    /// ignored, no ETag is sent and `If-Match` is ignored, and no extension is linked.
    Octopus,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// A file path, or `:memory:` to keep nothing.
    pub db: String,
    /// The trunk build output to serve under `/app/`.
    pub static_dir: Option<PathBuf>,
    pub seed: Seed,
    pub api_key: Option<String>,
    /// Deadlines for clients and the connection cap.
    pub limits: Limits,
    pub api: ApiMode,
}

/// A running server; `stop` shuts it down gracefully, finishing requests in flight.
pub struct Server {
    pub addr: SocketAddr,
    /// Open connections at most.
    pub max_connections: usize,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Server {
    pub async fn stop(self) -> std::io::Result<()> {
        self.stop.cancel();
        self.task.await.map_err(std::io::Error::other)
    }

    /// Runs until `signal` completes, then stops.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> std::io::Result<()> {
        signal.await;
        self.stop().await
    }
}

/// Opens the database, seeds it if asked, binds `listen` (port 0 picks a free one) and serves.
pub async fn start(config: Config, listen: SocketAddr) -> Result<Server, String> {
    let db = db::Db::open(&config.db)?;
    if config.seed != Seed::None {
        let seeded =
            seed::demo(&db, config.seed == Seed::Scale).map_err(|e| e.body.error_message)?;
        if seeded && config.seed == Seed::Team {
            let keys = seed::team(&db, &config.db)?;
            tracing::info!(
                "added the demo team; their API keys are in {}",
                keys.display()
            );
        }
        db.optimize();
        tracing::info!(
            "{}",
            if seeded {
                "seeded the demo data"
            } else {
                "database has data: not seeding"
            }
        );
    }
    let installation_id = db
        .with_conn(|c| {
            Ok(c.query_row(
                "SELECT value FROM meta WHERE key = 'installation_id'",
                [],
                |r| r.get::<_, String>(0),
            )?)
        })
        .map_err(|e| e.body.error_message)?;
    let state = AppState {
        db,
        api_key: config.api_key.as_deref().map(middleware::ApiKey::new),
        static_dir: config.static_dir,
        installation_id: installation_id.into(),
        checks: Arc::new(tokio::sync::Semaphore::new(HEALTH_CHECKS_AT_ONCE)),
        api: config.api,
    };
    let listener =
        connections::listen(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let limits = config.limits;
    let service = tower::util::MapRequestLayer::new(|req| {
        routes::canonical_api_path(middleware::method_override(req))
    })
    .layer(app(state, limits.request_timeout));
    let max_connections = limits
        .max_connections
        .unwrap_or_else(|| connections::default_cap(connections::file_limit()));
    let stop = CancellationToken::new();
    let task = tokio::spawn(connections::serve(
        listener,
        service,
        limits,
        max_connections,
        stop.clone(),
    ));
    Ok(Server {
        addr,
        max_connections,
        stop,
        task,
    })
}

/// Adds a user with one grant to the database at `db` (which a server may be serving) and
/// returns their new API key, the only time it is shown: the database keeps its digest.
pub fn add_user(db: &str, username: &str, grant: &Grant) -> Result<String, String> {
    let db = db::Db::open(db)?;
    db.with_conn(|c| Ok(access::add_user(c, username, grant)))
        .map_err(|e| e.body.error_message)?
}

/// Gives an existing user one more grant.
pub fn grant(db: &str, username: &str, grant: &Grant) -> Result<(), String> {
    let db = db::Db::open(db)?;
    db.with_conn(|c| Ok(access::grant(c, username, grant)))
        .map_err(|e| e.body.error_message)?
}

/// Removes the audit trail's events from before `before` (ISO 8601) in the database at `db`;
/// returns how many.
pub fn prune_events(db: &str, before: &str) -> Result<usize, String> {
    let db = db::Db::open(db)?;
    db.with_conn(|c| Ok(audit::prune(c, before)))
        .map_err(|e| e.body.error_message)?
}

/// API answers above this size are compressed (br or gzip, as the client asks); smaller ones
/// gain less than the two headers it adds. The console's first screen asks for a few answers
/// of about 1 KB (`/api`, the spaces): brotli makes them 40% of that.
pub const COMPRESS_ABOVE: u16 = 256;

fn compress_answers() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE)))
}

fn app(state: AppState, request_timeout: Duration) -> Router {
    let api = routes::api(state.api)
        .layer(mw::from_fn_with_state(
            state.api,
            middleware::no_etags_in_octopus_mode,
        ))
        .layer(compress_answers())
        .layer(mw::from_fn_with_state(
            state.clone(),
            middleware::authenticate,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    // Outermost last: the log sees the final status; headers and error bodies apply to all.
    api.merge(static_files::router())
        .with_state(state)
        // A body that trickles in (or an answer that never comes) ends in 408, not a held
        // connection; inside json_errors, so the 408 has the error body.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(mw::from_fn(middleware::json_errors))
        .layer(mw::from_fn(middleware::close_if_body_unread))
        .layer(mw::from_fn(middleware::security_headers))
        .layer(mw::from_fn(middleware::log_request))
}
