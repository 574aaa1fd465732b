//! SQLite storage: one connection behind a mutex, used from blocking threads, with migrations.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{ApiError, ApiResult};

/// Schema history. Append new steps; never edit a released one.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE spaces (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        description TEXT,
        is_default INTEGER NOT NULL DEFAULT 0,
        slug TEXT NOT NULL
     );
     CREATE UNIQUE INDEX spaces_name ON spaces(name COLLATE NOCASE);
     INSERT INTO spaces (name, description, is_default, slug)
        VALUES ('Default', 'The default space', 1, 'default');
     CREATE TABLE proxies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        proxy_type TEXT NOT NULL,
        username TEXT,
        password TEXT,
        last_modified_on TEXT NOT NULL
     );
     CREATE UNIQUE INDEX proxies_name ON proxies(space_seq, name COLLATE NOCASE);",
    // Deployment targets. `body` is the machine as the client sent it (server-owned fields
    // overwritten), so fields the server does not interpret come back unchanged; the other
    // columns are what the filters and the proxy checks need.
    "CREATE TABLE environments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        description TEXT,
        sort_order INTEGER NOT NULL DEFAULT 0
     );
     CREATE UNIQUE INDEX environments_name ON environments(space_seq, name COLLATE NOCASE);
     CREATE TABLE accounts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        account_type TEXT NOT NULL,
        username TEXT
     );
     CREATE TABLE machines (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        comm_style TEXT NOT NULL,
        is_disabled INTEGER NOT NULL DEFAULT 0,
        health TEXT NOT NULL DEFAULT 'Unknown',
        proxy_seq INTEGER REFERENCES proxies(seq),
        body TEXT NOT NULL
     );
     CREATE UNIQUE INDEX machines_name ON machines(space_seq, name COLLATE NOCASE);
     CREATE INDEX machines_proxy ON machines(proxy_seq);
     CREATE TABLE machine_environments (
        machine_seq INTEGER NOT NULL REFERENCES machines(seq) ON DELETE CASCADE,
        environment_seq INTEGER NOT NULL REFERENCES environments(seq),
        PRIMARY KEY (machine_seq, environment_seq)
     );
     CREATE TABLE machine_roles (
        machine_seq INTEGER NOT NULL REFERENCES machines(seq) ON DELETE CASCADE,
        role TEXT NOT NULL COLLATE NOCASE
     );",
];

#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database. `:memory:` keeps nothing.
    pub fn open(path: &str) -> Result<Self, String> {
        let mut conn =
            Connection::open(path).map_err(|e| format!("cannot open database {path}: {e}"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| e.to_string())?;
        if path != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| e.to_string())?;
            // A committed write survives a crash or a kill, not only a clean shutdown.
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(|e| e.to_string())?;
        }
        let steps = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
        Migrations::new(steps)
            .to_latest(&mut conn)
            .map_err(|e| format!("cannot migrate database {path}: {e}"))?;
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('installation_id', ?1)",
            [uuid::Uuid::new_v4().to_string()],
        )
        .map_err(|e| e.to_string())?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection on a blocking thread.
    pub async fn call<R, F>(&self, f: F) -> ApiResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> ApiResult<R> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `f` directly; for startup work before the server accepts requests.
    pub fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> ApiResult<R>) -> ApiResult<R> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

/// The current time as the API writes it (ISO 8601, UTC, milliseconds).
pub const NOW_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
