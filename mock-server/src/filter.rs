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
            let wanted: Vec<i64> = q
                .ids
                .iter()
                .filter_map(|id| ids::parse(prefix, id))
                .collect();
            self.clauses.push(
                format!("{seq} IN ({})", vec!["?"; wanted.len()].join(","))
                    .replace("IN ()", "IN (NULL)"),
            );
            self.params.extend(wanted.into_iter().map(Value::from));
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

/// The row of `table` with this id (`{prefix}-{n}`) in this space, or 404 naming `what`.
pub fn find_in_space<T>(
    conn: &Connection,
    (table, prefix, columns, what): (&str, &str, &str, &str),
    space: i64,
    id: &str,
    map: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> ApiResult<T> {
    let found = match ids::parse(prefix, id) {
        Some(seq) => conn
            .query_row(
                &format!("SELECT {columns} FROM {table} WHERE seq = ?1 AND space_seq = ?2"),
                params![seq, space],
                map,
            )
            .optional()?,
        None => None,
    };
    found.ok_or_else(|| {
        ApiError::not_found(format!(
            "There is no {what} with the id \"{id}\" in this space."
        ))
    })
}
