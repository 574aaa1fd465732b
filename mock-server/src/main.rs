use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use api_model::permissions::Role;
use clap::{Parser, Subcommand};
use mock_server::{ApiMode, Config, Grant, Limits, Seed};

/// An Octopus-compatible REST API for HTTP proxies, on SQLite, serving the proxy console.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file; `:memory:` keeps nothing.
    #[arg(long, default_value = "mock-server.db")]
    db: String,
    /// Directory with the built console (trunk's dist), served under /app/.
    #[arg(long = "static", value_name = "DIR")]
    static_dir: Option<PathBuf>,
    /// `demo` fills an empty database with demo data (`scale`: plus 100 proxies and 10,000
    /// targets); a database that has data is never touched.
    #[arg(long, value_enum, default_value = "none")]
    seed: Seed,
    /// When given, every /api route but `GET /api` needs this key (X-Octopus-ApiKey header or
    /// ?apikey=). Visible to other local users in the process list: prefer --api-key-file or
    /// the MOCK_SERVER_API_KEY environment variable.
    #[arg(
        long,
        value_name = "KEY",
        env = "MOCK_SERVER_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,
    /// Read the API key from this file (its first line; surrounding whitespace is ignored).
    #[arg(long, value_name = "PATH", conflicts_with = "api_key")]
    api_key_file: Option<PathBuf>,
    /// Seconds a client has to send a whole request head, from when its connection opens or
    /// from its previous answer; a keep-alive connection idle this long is closed too.
    #[arg(long, value_name = "SECONDS", default_value_t = secs(Limits::default().header_timeout),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds a request's body has to arrive and its answer to start, after which it is
    /// answered 408 (at least 15: a proxy test may take 10).
    #[arg(long, value_name = "SECONDS", default_value_t = secs(Limits::default().request_timeout),
          value_parser = clap::value_parser!(u64).range(15..=3600))]
    request_timeout: u64,
    /// Seconds an answer may wait for a client that reads none of it; then the connection is
    /// closed.
    #[arg(long, value_name = "SECONDS", default_value_t = secs(Limits::default().write_timeout),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    write_timeout: u64,
    /// Open connections at most; when one more arrives, the oldest idle one is closed. Default:
    /// the open-file limit less 128 for the server's own files, at most 10,000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: Option<u64>,
    /// `extended`: the Octopus API with this server's extensions, each linked from `GET /api`.
    /// `octopus`: exactly the documented Octopus API, to try a client (the console) as it runs
    /// against a real Octopus server.
    #[arg(long, value_enum, default_value = "extended")]
    api: ApiMode,
}

#[derive(Subcommand)]
enum Command {
    /// Users, their API keys and roles (works while a server runs on the same database).
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail (works while a server runs on the same database).
    #[command(subcommand)]
    Events(EventsCommand),
}

#[derive(Subcommand)]
enum EventsCommand {
    /// Remove the events that occurred before a date, e.g. `--before 2026-01-01`.
    Prune {
        #[arg(long)]
        db: String,
        /// A date or date and time in ISO 8601 (UTC unless it says otherwise).
        #[arg(long)]
        before: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user with one role and a new API key, which is printed on standard output: the
    /// only time it is shown (the database keeps a digest of it).
    Add(GrantArgs),
    /// Give an existing user one more role.
    Grant(GrantArgs),
}

#[derive(clap::Args)]
struct GrantArgs {
    /// The database file the server uses.
    #[arg(long)]
    db: String,
    /// The user's name.
    #[arg(long)]
    name: String,
    /// "Space Manager", "Environment Manager" or "Environment Viewer".
    #[arg(long, value_parser = role)]
    role: Role,
    /// The space the role applies in, e.g. Spaces-1.
    #[arg(long)]
    space: String,
    /// Only for these environments (comma-separated ids; the role's space-wide permissions,
    /// such as the proxy ones, are not restricted by them).
    #[arg(long, value_delimiter = ',')]
    environments: Vec<String>,
}

fn role(name: &str) -> Result<Role, String> {
    Role::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        format!("no role is called \"{name}\": one of {}", names.join(", "))
    })
}

/// `user add` and `user grant`: an error is the exit status and what to say.
fn user(command: UserCommand) -> Result<(), String> {
    let (add, args) = match command {
        UserCommand::Add(args) => (true, args),
        UserCommand::Grant(args) => (false, args),
    };
    let grant = Grant {
        role: args.role,
        space_id: args.space,
        environment_ids: args
            .environments
            .into_iter()
            .filter(|e| !e.trim().is_empty())
            .collect(),
    };
    if add {
        let key = mock_server::add_user(&args.db, &args.name, &grant)?;
        println!("{key}");
    } else {
        mock_server::grant(&args.db, &args.name, &grant)?;
        eprintln!(
            "{} is now {} in {}",
            args.name.trim(),
            grant.role.name(),
            grant.space_id
        );
    }
    Ok(())
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

/// The key from --api-key-file, --api-key or MOCK_SERVER_API_KEY; an empty key is refused.
fn api_key(args: &Args) -> Result<Option<String>, String> {
    let key = match &args.api_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
            Some(text.lines().next().unwrap_or_default().trim().to_owned())
        }
        None => args.api_key.clone(),
    };
    match key {
        Some(k) if k.is_empty() => Err("the API key is empty".into()),
        other => Ok(other),
    }
}

fn main() {
    let args = Args::parse();
    let outcome = match args.command {
        None => return run(args),
        Some(Command::User(command)) => user(command),
        Some(Command::Events(EventsCommand::Prune { db, before })) => {
            mock_server::prune_events(&db, &before).map(|n| eprintln!("removed {n} events"))
        }
    };
    if let Err(e) = outcome {
        eprintln!("mock-server: {e}");
        std::process::exit(2);
    }
}

#[tokio::main]
async fn run(args: Args) {
    // One line per request goes to stderr from a thread of its own: written from the request's
    // thread, a reader that stops reading (a terminal paused with Ctrl-S, a pipe nobody drains)
    // would stop the server answering once the pipe is full. Lines past the queue are dropped
    // and counted instead; dropping the guard writes out what is queued.
    let (log, flush) = tracing_appender::non_blocking(std::io::stderr());
    let dropped = log.error_counter();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(log)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let outcome = serve(args).await;
    match dropped.dropped_lines() {
        0 => {}
        n => tracing::warn!("{n} log lines were dropped: the log's reader fell behind"),
    }
    if outcome.is_ok() {
        tracing::info!("stopped cleanly");
    }
    drop(flush);
    if let Err((code, e)) = outcome {
        eprintln!("mock-server: {e}");
        std::process::exit(code);
    }
}

/// Serves until SIGTERM or Ctrl-C; an error is the exit status and what to say.
async fn serve(args: Args) -> Result<(), (i32, String)> {
    let api_key = api_key(&args).map_err(|e| (2, e))?;
    // Every connection is a file descriptor: take all the system gives a process before
    // working out how many connections fit.
    match mock_server::raise_file_limit() {
        Ok((before, after)) if after > before => {
            tracing::info!("open file limit raised from {before} to {after}")
        }
        Ok((_, limit)) => tracing::info!("open file limit: {limit} (the most the system allows)"),
        Err(e) => tracing::warn!("cannot raise the open file limit: {e}"),
    }
    let config = Config {
        db: args.db,
        static_dir: args.static_dir,
        seed: args.seed,
        api_key,
        limits: Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            request_timeout: Duration::from_secs(args.request_timeout),
            write_timeout: Duration::from_secs(args.write_timeout),
            max_connections: args.max_connections.map(|n| n as usize),
        },
        api: args.api,
    };
    let stop = shutdown_signal();
    let server = mock_server::start(config, args.listen)
        .await
        .map_err(|e| (1, e))?;
    tracing::info!("at most {} connections at once", server.max_connections);
    println!(
        "mock-server listening on http://{0} (console: http://{0}/app/)",
        server.addr
    );
    server.run_until(stop).await.map_err(|e| (1, e.to_string()))
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called (before the server says it
/// is listening), not when the future is first polled: a signal sent right after that line would
/// otherwise find no handler and kill the process without a clean stop.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let handlers = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        );
        async move {
            match handlers {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                }
                _ => std::future::pending().await,
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
