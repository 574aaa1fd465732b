//! WHERE clauses for list routes, built from a `ListQuery`, and the one paged SELECT they all use.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use api_model::validation::name_key;

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

    /// `column op value`, for a comparison (`>=`, `<=`).
    pub fn eq_op(mut self, column: &str, op: &str, value: impl Into<Value>) -> Self {
        self.clauses.push(format!("{column} {op} ?"));
        self.params.push(value.into());
        self
    }

    /// `column IN (values)`; no values means no filter. The values go in as one JSON array, so
    /// however many a client sends, the statement has one parameter (SQLite caps their number).
    pub fn any_of(self, column: &str, values: Vec<Value>) -> Self {
        self.matching(&format!("{column} IN {{}}"), values)
    }

    /// A clause whose `{}` is replaced by `(SELECT value FROM json_each(?))`, bound to `values`;
    /// no values means no filter.
    pub fn matching(mut self, sql: &str, values: Vec<Value>) -> Self {
        if !values.is_empty() {
            self.clauses
                .push(sql.replace("{}", "(SELECT value FROM json_each(?))"));
            self.params.push(Value::Text(json_array(values)));
        }
        self
    }

    /// A clause without parameters.
    pub fn clause(mut self, sql: &str) -> Self {
        self.clauses.push(sql.to_owned());
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
                self.clause("0 = 1")
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
    let count_sql = format!("SELECT COUNT(*) FROM {from}{where_sql}");
    let count = || {
        conn.query_row(&count_sql, params_from_iter(filter.params.iter()), |r| {
            r.get(0)
        })
    };
    let total: i64 = match conn.path() {
        Some(db) if !db.is_empty() => {
            let key = format!("{count_sql}\u{0}{:?}", filter.params);
            crate::counts::count_or(db, key, count)?
        }
        _ => count()?,
    };
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

/// Whether another row of the space (not `except`) has this name, by the one name key the
/// unique index holds too (`name_key`: Unicode case, which SQLite's NOCASE is not). One index
/// lookup, however many rows the space has.
pub fn name_taken(
    conn: &Connection,
    table: &Table,
    space: i64,
    name: &str,
    except: Option<i64>,
) -> ApiResult<bool> {
    Ok(conn.query_row(
        &format!(
            "SELECT EXISTS(SELECT 1 FROM {} WHERE space_seq = ?1 AND name_key = ?2 AND seq IS NOT ?3)",
            table.name
        ),
        params![space, name_key(name), except],
        |r| r.get(0),
    )?)
}

/// The values as a JSON array, for `json_each`.
fn json_array(values: Vec<Value>) -> String {
    let items = values.into_iter().map(|v| match v {
        Value::Integer(i) => serde_json::Value::from(i),
        Value::Real(f) => serde_json::Value::from(f),
        Value::Text(t) => serde_json::Value::from(t),
        Value::Null | Value::Blob(_) => serde_json::Value::Null,
    });
    serde_json::Value::Array(items.collect()).to_string()
}
