use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use mock_server::{Config, Seed};

/// An Octopus-compatible REST API for HTTP proxies, on SQLite, serving the proxy console.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file; `:memory:` keeps nothing.
    #[arg(long, default_value = "mock-server.db")]
    db: String,
    /// Directory with the built console (trunk's dist), served under /app/.
    #[arg(long = "static", value_name = "DIR")]
    static_dir: Option<PathBuf>,
    /// `demo` fills an empty database with demo data; a database that has data is never touched.
    #[arg(long, value_enum, default_value = "none")]
    seed: Seed,
    /// When given, every /api route but `GET /api` needs this key (X-Octopus-ApiKey header or ?apikey=).
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    let config = Config {
        db: args.db,
        static_dir: args.static_dir,
        seed: args.seed,
        api_key: args.api_key,
    };
    let server = match mock_server::start(config, args.listen).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("mock-server: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "mock-server listening on http://{0} (console: http://{0}/app/)",
        server.addr
    );
    if let Err(e) = server.run_until(shutdown_signal()).await {
        eprintln!("mock-server: {e}");
        std::process::exit(1);
    }
    tracing::info!("stopped cleanly");
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
