//! SQLite storage in WAL mode: one writer connection (writes are serialized, each one transaction)
//! and a small pool of read connections, so reads run in parallel with each other and with the
//! write. Every query has a time budget: one that runs past it is interrupted and the request
//! answers 503, so no query can hold a connection, or the server, for long.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::error::{ApiError, ApiResult};
use crate::secrets::Secrets;

/// How long one request's database work may take before it is interrupted.
pub const QUERY_BUDGET: Duration = Duration::from_secs(2);
/// Read connections; more than the cores, since a reader mostly waits on its deadline or I/O.
const READERS: u32 = 8;
/// How often (in SQLite VM steps) a running statement checks its deadline.
const PROGRESS_STEPS: i32 = 2_000;
/// Every this many writes the planner's statistics are refreshed (`PRAGMA optimize`): without
/// them it walks a whole space to find the few targets of one proxy.
const OPTIMIZE_EVERY: u64 = 500;

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
    // Names are unique by one key, `api_model::validation::name_key` (trimmed, Unicode
    // lower-case), stored beside the name: SQLite's NOCASE knows only ASCII and stops at a NUL.
    // The key is filled in by `fill_name_keys` (Rust's lower-casing, not SQL's).
    "ALTER TABLE proxies ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
     ALTER TABLE environments ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
     ALTER TABLE machines ADD COLUMN name_key TEXT NOT NULL DEFAULT '';",
    // Unique names by key, lists paged in name order by index, and an index for every filter.
    "DROP INDEX proxies_name;
     DROP INDEX environments_name;
     DROP INDEX machines_name;
     CREATE UNIQUE INDEX proxies_name_key ON proxies(space_seq, name_key);
     CREATE UNIQUE INDEX environments_name_key ON environments(space_seq, name_key);
     CREATE UNIQUE INDEX machines_name_key ON machines(space_seq, name_key);
     CREATE INDEX proxies_by_name ON proxies(space_seq, name COLLATE NOCASE, seq);
     CREATE INDEX machines_by_name ON machines(space_seq, name COLLATE NOCASE, seq);
     CREATE INDEX machines_style ON machines(space_seq, comm_style);
     CREATE INDEX machines_health ON machines(space_seq, health);
     CREATE INDEX machines_disabled ON machines(space_seq, is_disabled);
     CREATE INDEX machine_roles_machine ON machine_roles(machine_seq, role);
     CREATE INDEX machine_roles_role ON machine_roles(role, machine_seq);
     CREATE INDEX machine_environments_environment
        ON machine_environments(environment_seq, machine_seq);",
    // Health tasks: what they found is the server's, beside what the client sent.
    "ALTER TABLE machines ADD COLUMN status_summary TEXT NOT NULL DEFAULT '';
     CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        arguments TEXT NOT NULL,
        state TEXT NOT NULL,
        queue_time TEXT NOT NULL,
        start_time TEXT,
        completed_time TEXT,
        last_updated TEXT,
        error_message TEXT NOT NULL DEFAULT '',
        log TEXT NOT NULL DEFAULT '[]'
     );",
    // The proxy filter's page walks the matching targets in name order instead of sorting them
    // (`proxyIds=Direct` at 10,000 targets: the planner sorted ~6,700 rows for each page).
    "CREATE INDEX machines_proxy_by_name ON machines(space_seq, proxy_seq, name COLLATE NOCASE, seq);",
    // Workers and their pools. Workers have tables of their own, with the deployment targets'
    // columns and indexes, so neither list pays for the other's rows. Every space has a
    // default pool, made with the space (the trigger) or here for the spaces that exist.
    "CREATE TABLE worker_pools (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        sort_order INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL DEFAULT '{}'
     );
     CREATE UNIQUE INDEX worker_pools_name_key ON worker_pools(space_seq, name_key);
     CREATE INDEX worker_pools_order ON worker_pools(space_seq, sort_order, name COLLATE NOCASE, seq);
     INSERT INTO worker_pools (space_seq, name, name_key, is_default, sort_order, body)
        SELECT seq, 'Default Worker Pool', 'default worker pool', 1, 1, '{\"Description\":\"\"}' FROM spaces;
     CREATE TRIGGER spaces_default_worker_pool AFTER INSERT ON spaces BEGIN
        INSERT INTO worker_pools (space_seq, name, name_key, is_default, sort_order, body)
        VALUES (NEW.seq, 'Default Worker Pool', 'default worker pool', 1, 1, '{\"Description\":\"\"}');
     END;
     CREATE TABLE workers (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL DEFAULT '',
        comm_style TEXT NOT NULL,
        is_disabled INTEGER NOT NULL DEFAULT 0,
        health TEXT NOT NULL DEFAULT 'Unknown',
        proxy_seq INTEGER REFERENCES proxies(seq),
        body TEXT NOT NULL,
        status_summary TEXT NOT NULL DEFAULT ''
     );
     CREATE UNIQUE INDEX workers_name_key ON workers(space_seq, name_key);
     CREATE INDEX workers_by_name ON workers(space_seq, name COLLATE NOCASE, seq);
     CREATE INDEX workers_style ON workers(space_seq, comm_style);
     CREATE INDEX workers_health ON workers(space_seq, health);
     CREATE INDEX workers_disabled ON workers(space_seq, is_disabled);
     CREATE INDEX workers_proxy ON workers(proxy_seq);
     CREATE INDEX workers_proxy_by_name ON workers(space_seq, proxy_seq, name COLLATE NOCASE, seq);
     CREATE TABLE worker_pool_members (
        worker_seq INTEGER NOT NULL REFERENCES workers(seq) ON DELETE CASCADE,
        pool_seq INTEGER NOT NULL REFERENCES worker_pools(seq),
        PRIMARY KEY (worker_seq, pool_seq)
     );
     CREATE INDEX worker_pool_members_pool ON worker_pool_members(pool_seq, worker_seq);",
    // Users, their API keys (digests only) and their role grants.
    crate::access::MIGRATION,
    // The audit trail: every change's event, and the documents each is about.
    crate::audit::MIGRATION,
];

/// Fills `name_key` for rows written before it existed.
fn fill_name_keys(tx: &Transaction) -> HookResult {
    for table in ["proxies", "environments", "machines"] {
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!("SELECT seq, name FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, name) in rows {
            tx.execute(
                &format!("UPDATE {table} SET name_key = ?2 WHERE seq = ?1"),
                rusqlite::params![seq, api_model::validation::name_key(&name)],
            )?;
        }
    }
    Ok(())
}

thread_local! {
    /// When the database work running on this thread must stop; read by the progress handler.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` with a deadline on this thread's queries.
fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    DEADLINE.with(|d| d.set(Some(Instant::now() + QUERY_BUDGET)));
    let result = f();
    DEADLINE.with(|d| d.set(None));
    result
}

/// Settings every connection gets: foreign keys, a wait for the lock, overwritten data zeroed,
/// and the deadline check.
fn configure(conn: &Connection, durable: bool) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(QUERY_BUDGET)?;
    // A committed write survives a crash or a kill, not only a clean shutdown. A throwaway
    // (`:memory:`) database needs no fsync.
    conn.pragma_update(None, "synchronous", if durable { "FULL" } else { "OFF" })?;
    conn.progress_handler(
        PROGRESS_STEPS,
        Some(|| DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() > t))),
    );
    Ok(())
}

/// Refreshes the query planner's statistics where they are missing or stale, within a bounded
/// amount of work (SQLite's advice for long-lived connections).
fn optimize(conn: &Connection) {
    let result = conn
        .pragma_update(None, "analysis_limit", 400)
        .and_then(|_| conn.execute_batch("PRAGMA optimize=0x10002;"));
    if let Err(e) = result {
        tracing::warn!("PRAGMA optimize failed: {e}");
    }
}

#[derive(Clone)]
pub struct Db {
    writer: Arc<Mutex<Connection>>,
    writes: Arc<std::sync::atomic::AtomicU64>,
    readers: r2d2::Pool<SqliteConnectionManager>,
    secrets: Secrets,
    /// The directory of a `:memory:` database, removed when the last handle goes.
    _temp: Option<Arc<tempfile::TempDir>>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database. `:memory:` keeps nothing: it lives in
    /// a temporary directory that is removed when the server stops.
    pub fn open(path: &str) -> Result<Self, String> {
        let (path, temp) = if path == ":memory:" {
            let dir =
                tempfile::tempdir().map_err(|e| format!("cannot make a temporary db: {e}"))?;
            (dir.path().join("mock-server.db"), Some(Arc::new(dir)))
        } else {
            (PathBuf::from(path), None)
        };
        let durable = temp.is_none();
        let shown = path.display().to_string();
        let mut conn =
            Connection::open(&path).map_err(|e| format!("cannot open database {shown}: {e}"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| configure(&conn, durable))
            .map_err(|e| format!("cannot set up database {shown}: {e}"))?;
        let steps = MIGRATIONS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i {
                2 => M::up_with_hook(sql, fill_name_keys),
                _ => M::up(sql),
            })
            .collect();
        Migrations::new(steps)
            .to_latest(&mut conn)
            .map_err(|e| format!("cannot migrate database {shown}: {e}"))?;
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('installation_id', ?1)",
            [uuid::Uuid::new_v4().to_string()],
        )
        .map_err(|e| e.to_string())?;
        optimize(&conn);
        let secrets = Secrets::for_database(durable.then_some(path.as_path()))?;
        seal_plain_passwords(&conn, &secrets).map_err(|e| format!("cannot seal passwords: {e}"))?;
        let manager = SqliteConnectionManager::file(&path).with_init(move |c| {
            configure(c, durable)?;
            c.pragma_update(None, "query_only", "ON")
        });
        let readers = r2d2::Pool::builder()
            .max_size(READERS)
            .min_idle(Some(1))
            .connection_timeout(QUERY_BUDGET)
            .build(manager)
            .map_err(|e| format!("cannot open read connections to {shown}: {e}"))?;
        // A database opened again in the same process (a restart in a test) counts afresh:
        // another process may have written to it in between.
        if let Some(db) = conn.path() {
            crate::counts::bump(db);
        }
        Ok(Self {
            writer: Arc::new(Mutex::new(conn)),
            writes: Arc::default(),
            readers,
            secrets,
            _temp: temp,
        })
    }

    /// The key passwords are sealed with.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Runs read-only `f` on a pooled read connection, on a blocking thread, within the budget.
    pub async fn read<R, F>(&self, f: F) -> ApiResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<R> + Send + 'static,
    {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(|_| ApiError::busy())?;
            with_budget(|| f(&conn))
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `f` on the one write connection, on a blocking thread, within the budget.
    pub async fn write<R, F>(&self, f: F) -> ApiResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> ApiResult<R> + Send + 'static,
    {
        let (conn, writes) = (self.writer.clone(), self.writes.clone());
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let result = with_budget(|| f(&mut guard));
            // After the commit: the lists' kept counts of this database are stale now.
            if let Some(db) = guard.path() {
                crate::counts::bump(db);
            }
            let n = writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(OPTIMIZE_EVERY) {
                with_budget(|| optimize(&guard));
            }
            result
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Refreshes the planner's statistics now (after seeding, say).
    pub fn optimize(&self) {
        let _ = self.with_conn(|c| {
            optimize(c);
            Ok(())
        });
    }

    /// Runs `f` on the write connection directly; for startup work before the server accepts
    /// requests.
    pub fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> ApiResult<R>) -> ApiResult<R> {
        let mut guard = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = f(&mut guard);
        if let Some(db) = guard.path() {
            crate::counts::bump(db);
        }
        result
    }
}

/// Seals passwords that a database from before encryption at rest holds in plain text.
fn seal_plain_passwords(conn: &Connection, secrets: &Secrets) -> rusqlite::Result<()> {
    let plain: Vec<(i64, String)> = conn
        .prepare("SELECT seq, password FROM proxies WHERE password IS NOT NULL")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .filter(|row| row.as_ref().map_or(true, |(_, p)| !Secrets::is_sealed(p)))
        .collect::<rusqlite::Result<_>>()?;
    for (seq, password) in &plain {
        conn.execute(
            "UPDATE proxies SET password = ?2 WHERE seq = ?1",
            rusqlite::params![seq, secrets.seal(password)],
        )?;
    }
    if !plain.is_empty() {
        tracing::info!(
            "sealed {} stored password(s) under the master key",
            plain.len()
        );
        forget_old_secrets(conn);
    }
    Ok(())
}

/// After a write that replaced or removed a secret: copy the WAL into the database (where
/// `secure_delete` has zeroed the old value) and truncate the WAL, whose older page images would
/// otherwise still hold it.
pub fn forget_old_secrets(conn: &Connection) {
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    });
    if !matches!(result, Ok(0)) {
        tracing::warn!("could not truncate the WAL after removing a secret: {result:?}");
    }
}

/// The current time as the API writes it (ISO 8601, UTC, milliseconds).
pub const NOW_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

#[cfg(test)]
mod tests {
    use super::*;

    /// A query that never ends on its own: counting an endless recursive sequence.
    const ENDLESS: &str =
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r";

    #[tokio::test]
    async fn a_query_past_its_budget_is_stopped_with_a_503_and_the_connection_recovers() {
        let db = Db::open(":memory:").unwrap();
        for write in [false, true] {
            let started = Instant::now();
            let run = |c: &Connection| Ok(c.query_row(ENDLESS, [], |r| r.get::<_, i64>(0))?);
            let err = if write {
                db.write(move |c| run(c)).await.unwrap_err()
            } else {
                db.read(run).await.unwrap_err()
            };
            let took = started.elapsed();
            assert_eq!(err.status.as_u16(), 503, "{:?}", err.body);
            assert!(err.body.error_message.contains("busy"), "{:?}", err.body);
            assert!(took >= QUERY_BUDGET && took < QUERY_BUDGET * 3, "{took:?}");
            // The deadline is per request: the next one on the same connections runs normally.
            let one: i64 = db
                .read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get(0))?))
                .await
                .unwrap();
            assert_eq!(one, 1);
        }
    }
}
