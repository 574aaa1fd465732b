//! WHERE clauses for list routes, built from a `ListQuery`, and the one paged SELECT they all use.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::paging::{like_pattern, ListQuery};

#[derive(Default)]
pub struct Filter {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Filter {
    pub fn eq(mut self, column: &str, value: impl Into<Value>) -> Self {
        self.clauses.push(format!("{column} = ?"));
        self.params.push(value.into());
        self
    }

    /// `column IN (values)`; no values means no filter.
    pub fn any_of(mut self, column: &str, values: Vec<Value>) -> Self {
        if !values.is_empty() {
            self.clauses.push(format!(
                "{column} IN ({})",
                vec!["?"; values.len()].join(",")
            ));
            self.params.extend(values);
        }
        self
    }

    /// A clause with `?` placeholders for `values` (e.g. an EXISTS over a join table).
    pub fn clause(mut self, sql: &str, values: Vec<Value>) -> Self {
        self.clauses.push(sql.to_owned());
        self.params.extend(values);
        self
    }

    /// The common list filters: `ids`, `partialName` and `name`, against a `seq` and `name` column.
    pub fn list(mut self, q: &ListQuery, prefix: &str, seq: &str, name: &str) -> Self {
        if !q.ids.is_empty() {
            let wanted: Vec<Value> = q
                .ids
                .iter()
                .filter_map(|id| ids::parse(prefix, id))
                .map(Value::from)
                .collect();
            // Asked for ids, none of which can exist: nothing matches.
            self = if wanted.is_empty() {
                self.clause("0 = 1", vec![])
            } else {
                self.any_of(seq, wanted)
            };
        }
        if let Some(p) = &q.partial_name {
            self.clauses.push(format!("{name} LIKE ? ESCAPE '\\'"));
            self.params.push(like_pattern(p).into());
        }
        if let Some(n) = &q.name {
            self.clauses.push(format!("{name} = ? COLLATE NOCASE"));
            self.params.push(n.clone().into());
        }
        self
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Counts the matches and reads one page of them, sorted by `order`.
pub fn select_page<T>(
    conn: &Connection,
    from: &str,
    columns: &str,
    order: &str,
    filter: &Filter,
    q: &ListQuery,
    map: impl Fn(&Row) -> rusqlite::Result<T>,
) -> ApiResult<(i64, Vec<T>)> {
    let where_sql = filter.sql();
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {from}{where_sql}"),
        params_from_iter(filter.params.iter()),
        |r| r.get(0),
    )?;
    let sql = format!(
        "SELECT {columns} FROM {from}{where_sql} ORDER BY {order} LIMIT {} OFFSET {}",
        q.take, q.skip
    );
    let mut stmt = conn.prepare(&sql)?;
    let items = stmt
        .query_map(params_from_iter(filter.params.iter()), |r| map(r))?
        .collect::<rusqlite::Result<Vec<T>>>()?;
    Ok((total, items))
}

/// A stored resource: its table, its id prefix (`Proxies` in `Proxies-3`), the columns its
/// reader takes, and what a person calls it (for "There is no proxy with the id ...").
pub struct Table {
    pub name: &'static str,
    pub prefix: &'static str,
    pub columns: &'static str,
    pub noun: &'static str,
    /// How lists of it are sorted (`ORDER BY`).
    pub order: &'static str,
}

impl Table {
    /// One page of the table's rows that match, in the table's order.
    pub fn page<T>(
        &self,
        conn: &Connection,
        filter: &Filter,
        q: &ListQuery,
        map: impl Fn(&Row) -> rusqlite::Result<T>,
    ) -> ApiResult<(i64, Vec<T>)> {
        select_page(conn, self.name, self.columns, self.order, filter, q, map)
    }
}

/// Most lists are sorted by name, as the real server sorts them.
pub const BY_NAME: &str = "name COLLATE NOCASE, seq";

/// The row of `table` with this id in this space, if there is one.
pub fn lookup_in_space<T>(
    conn: &Connection,
    table: &Table,
    columns: &str,
    space: i64,
    id: &str,
    map: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> ApiResult<Option<T>> {
    let Some(seq) = ids::parse(table.prefix, id) else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            &format!(
                "SELECT {columns} FROM {} WHERE seq = ?1 AND space_seq = ?2",
                table.name
            ),
            params![seq, space],
            map,
        )
        .optional()?)
}

/// The resource with this id in this space, read with the table's own columns, or 404.
pub fn find_in_space<T>(
    conn: &Connection,
    table: &Table,
    space: i64,
    id: &str,
    map: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> ApiResult<T> {
    lookup_in_space(conn, table, table.columns, space, id, map)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "There is no {} with the id \"{id}\" in this space.",
            table.noun
        ))
    })
}

/// Whether another row of the space (not `except`) has this name, ignoring case as people do
/// (Unicode, which SQLite's NOCASE is not).
pub fn name_taken(
    conn: &Connection,
    table: &Table,
    space: i64,
    name: &str,
    except: Option<i64>,
) -> ApiResult<bool> {
    let wanted = name.trim().to_lowercase();
    if wanted.is_empty() {
        return Ok(false);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM {} WHERE space_seq = ?1 AND seq IS NOT ?2",
        table.name
    ))?;
    let names = stmt.query_map(params![space, except], |r| r.get::<_, String>(0))?;
    for taken in names {
        if taken?.to_lowercase() == wanted {
            return Ok(true);
        }
    }
    Ok(false)
}
