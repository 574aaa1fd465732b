//! How many rows each list query matched, kept until the next write to the same database: a page
//! of a large list otherwise counts every matching row again on each request (at 10,000 targets
//! that count was a third of a list page's cost).
//!
//! Keyed by the database's file and the query. A count is stored with the write generation read
//! *before* it was taken, and writes bump the generation only after they commit, so a stored
//! count is never older than the generation it is used for.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

/// At most this many counts are kept; past it they are all dropped (the next requests count again).
const MAX_ENTRIES: usize = 4096;

/// Each database's write generation, by file.
static GENERATIONS: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Mutex::default);
/// (generation, count) by database and query.
static COUNTS: LazyLock<Mutex<HashMap<String, (u64, i64)>>> = LazyLock::new(Mutex::default);
/// One lock per query being counted: requests that miss together wait for one count instead of
/// each taking it (16 clients at the start of a run took the same 100,000-row count at once).
static FLIGHTS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = LazyLock::new(Mutex::default);

/// A poisoned lock still holds a usable map (a count is only a number).
fn locked<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The database's write generation.
pub fn generation(db: &str) -> u64 {
    locked(&GENERATIONS).get(db).copied().unwrap_or(0)
}

/// After a write to `db` (committed or not): every count of it must be taken again.
pub fn bump(db: &str) {
    *locked(&GENERATIONS).entry(db.to_owned()).or_default() += 1;
}

/// The count for `key`, or `count()` taken now and kept for this generation.
pub fn count_or(
    db: &str,
    key: String,
    count: impl FnOnce() -> rusqlite::Result<i64>,
) -> rusqlite::Result<i64> {
    let generation = generation(db);
    let key = format!("{db}\u{0}{key}");
    let kept = || match locked(&COUNTS).get(&key).copied() {
        Some((at, n)) if at == generation => Some(n),
        _ => None,
    };
    if let Some(n) = kept() {
        return Ok(n);
    }
    let flight = locked(&FLIGHTS).entry(key.clone()).or_default().clone();
    let _turn = flight.lock().unwrap_or_else(PoisonError::into_inner);
    // Whoever held the turn before may have just counted it.
    if let Some(n) = kept() {
        return Ok(n);
    }
    let n = count()?;
    let mut map = locked(&COUNTS);
    if map.len() >= MAX_ENTRIES {
        map.clear();
        locked(&FLIGHTS).retain(|k, _| *k == key);
    }
    map.insert(key, (generation, n));
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_kept_until_the_next_write_to_its_database() {
        let db = "/tmp/counts-test-a.db";
        let mut taken = 0;
        let mut count = |n: i64| {
            count_or(db, "SELECT COUNT(*) x".into(), || {
                taken += 1;
                Ok(n)
            })
            .unwrap()
        };
        assert_eq!(count(5), 5);
        assert_eq!(count(6), 5, "kept");
        bump(db);
        assert_eq!(count(7), 7, "taken again after a write");
        bump("/tmp/counts-test-other.db");
        assert_eq!(count(8), 7, "a write elsewhere changes nothing");
        assert_eq!(taken, 2);
    }

    #[test]
    fn requests_that_miss_together_take_one_count() {
        let db = "/tmp/counts-test-flight.db";
        let taken = std::sync::atomic::AtomicUsize::new(0);
        let start = std::sync::Barrier::new(8);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    start.wait();
                    let n = count_or(db, "SELECT COUNT(*) slow".into(), || {
                        taken.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        Ok(42)
                    });
                    assert_eq!(n.unwrap(), 42);
                });
            }
        });
        assert_eq!(taken.into_inner(), 1, "the others waited for the one count");
    }
}
