//! `--seed demo`: a believable set of proxies for demos, written only into an empty database.

use rusqlite::params;

use crate::db::{Db, NOW_SQL};
use crate::error::ApiResult;

/// (space, name, host, port, username, password)
type DemoProxy = (
    i64,
    &'static str,
    &'static str,
    i32,
    Option<&'static str>,
    Option<&'static str>,
);

const DEMO_PROXIES: &[DemoProxy] = &[
    (
        1,
        "Squid in the DMZ",
        "squid.dmz.example.com",
        3128,
        Some("octopus-svc"),
        Some("demo-only-password"),
    ),
    (
        1,
        "Corporate egress",
        "proxy.corp.example.com",
        8080,
        None,
        None,
    ),
    (
        1,
        "Sydney branch office",
        "10.42.0.15",
        3128,
        Some("svc-deploy"),
        Some("demo-only-password"),
    ),
    (1, "Lab gateway (IPv6)", "2001:db8::15", 8080, None, None),
    (
        2,
        "Platform squid",
        "squid.platform.example.com",
        3128,
        None,
        None,
    ),
];

/// Seeds the demo set; returns false (and writes nothing) when the database already holds data.
pub fn demo(db: &Db) -> ApiResult<bool> {
    db.with_conn(|c| {
        let has_data: bool = c.query_row(
            "SELECT EXISTS(SELECT 1 FROM proxies) OR (SELECT COUNT(*) FROM spaces) > 1
                 OR EXISTS(SELECT 1 FROM meta WHERE key = 'seeded')",
            [],
            |r| r.get(0),
        )?;
        if has_data {
            return Ok(false);
        }
        let tx = c.transaction()?;
        tx.execute(
            "INSERT INTO spaces (name, description, is_default, slug)
             VALUES ('Platform Engineering', 'Shared build and hosting infrastructure', 0, 'platform-engineering')",
            [],
        )?;
        for (space, name, host, port, username, password) in DEMO_PROXIES {
            tx.execute(
                &format!(
                    "INSERT INTO proxies (space_seq, name, host, port, proxy_type, username, password, last_modified_on)
                     VALUES (?1, ?2, ?3, ?4, 'HTTP', ?5, ?6, {NOW_SQL})"
                ),
                params![space, name, host, port, username, password],
            )?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', 'demo')", [])?;
        tx.commit()?;
        Ok(true)
    })
}
