//! `/api/{spaceId}/workerpools`: the static worker pools that workers belong to. Every space has
//! a default pool ("Default Worker Pool", made with the space by a trigger); it cannot be deleted,
//! nor can a pool that still has workers (409 names them).

use api_model::validation::{name_key, validate_name};
use api_model::ResourceCollection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, Row};
use serde_json::{json, Value};

use crate::access::Caller;
use crate::audit::{self, Category};
use crate::error::{ApiError, ApiResult};
use crate::etag::{IfMatch, Tagged};
use crate::extract::{JsonBody, Scope};
use crate::filter::{find_in_space, name_taken, Filter, Table};
use crate::ids::{self, SPACES, WORKER_POOLS};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::routes::spaces::space_seq;
use crate::state::AppState;

pub(crate) const POOL_TABLE: Table = Table {
    name: "worker_pools",
    prefix: WORKER_POOLS,
    columns: "seq, space_seq, name, is_default, sort_order, body",
    noun: "worker pool",
    // As Octopus lists them: by their sort order.
    order: "sort_order, name COLLATE NOCASE, seq",
};

const STATIC: &str = "StaticWorkerPool";

/// The pool as stored (its description) with the server's fields.
fn from_row(row: &Row) -> rusqlite::Result<Value> {
    let id = ids::format(WORKER_POOLS, row.get(0)?);
    let space_id = ids::format(SPACES, row.get(1)?);
    let body: String = row.get(5)?;
    let mut pool: Value = serde_json::from_str(&body).unwrap_or_else(|_| json!({}));
    let self_link = links::item(&space_id, "workerpools", &id);
    pool["Links"] = json!({"Self": self_link, "Workers": format!("{self_link}/workers")});
    pool["Id"] = json!(id);
    pool["SpaceId"] = json!(space_id);
    pool["Name"] = json!(row.get::<_, String>(2)?);
    pool["IsDefault"] = json!(row.get::<_, bool>(3)?);
    pool["SortOrder"] = json!(row.get::<_, i64>(4)?);
    pool["WorkerPoolType"] = json!(STATIC);
    pool["CanAddWorkers"] = json!(true);
    if !pool["Description"].is_string() {
        pool["Description"] = json!("");
    }
    Ok(pool)
}

fn find(c: &Connection, space: i64, id: &str) -> ApiResult<Value> {
    find_in_space(c, &POOL_TABLE, space, id, from_row)
}

/// The name a valid pool has, and its body to store; 400 naming each problem.
fn check(
    c: &Connection,
    space: i64,
    body: Value,
    except: Option<i64>,
) -> ApiResult<(String, Value)> {
    if !body.is_object() {
        return Err(ApiError::validation(vec![
            "The request body is not valid: a worker pool is a JSON object.".into(),
        ]));
    }
    let name = body["Name"].as_str().unwrap_or_default().trim().to_owned();
    let mut errors: Vec<String> = validate_name(&name).into_iter().collect();
    let kind = body["WorkerPoolType"].as_str().unwrap_or(STATIC);
    if kind != STATIC {
        errors.push(format!(
            "WorkerPoolType \"{kind}\" is not supported here: only static pools ({STATIC}), whose workers are added to them."
        ));
    }
    if errors.is_empty() && name_taken(c, &POOL_TABLE, space, &name, except)? {
        errors.push(format!(
            "Name \"{name}\" is already used by another worker pool in this space."
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // Only what a static pool has: unlike a machine's, a pool's other fields are not kept (a
    // pool has nothing a client could need back, and nothing secret may be stored by accident).
    let description = body["Description"].as_str().unwrap_or_default();
    Ok((name, json!({"Description": description})))
}

fn page(c: &Connection, scope: &Scope, q: &ListQuery) -> ApiResult<ResourceCollection<Value>> {
    let space = space_seq(c, &scope.space_id)?;
    let space_id = ids::format(SPACES, space);
    let filter = Filter::default()
        .eq("space_seq", space)
        .list(q, WORKER_POOLS, "seq", "name");
    let (total, items) = POOL_TABLE.page(c, &filter, q, from_row)?;
    let path = links::collection(&space_id, "workerpools");
    let template = links::list_template(&space_id, "workerpools", links::SIMPLE_FILTERS);
    Ok(envelope("WorkerPool", &path, &template, q, total, items))
}

pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<Value>>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    Ok(Json(state.db.read(move |c| page(c, &scope, &q)).await?))
}

pub async fn all(State(state): State<AppState>, scope: Scope) -> ApiResult<Json<Vec<Value>>> {
    let q = ListQuery::all();
    Ok(Json(
        state.db.read(move |c| page(c, &scope, &q)).await?.items,
    ))
}

pub async fn get(State(state): State<AppState>, scope: Scope) -> ApiResult<Tagged<Value>> {
    let pool = state
        .db
        .read(move |c| find(c, space_seq(c, &scope.space_id)?, scope.id()))
        .await?;
    Ok(Tagged::ok(pool))
}

/// 201 with the pool, last in the sort order.
pub async fn create(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Tagged<Value>> {
    let created = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let (name, body) = check(&tx, space, body, None)?;
            tx.execute(
                "INSERT INTO worker_pools (space_seq, name, name_key, sort_order, body)
                 VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM worker_pools WHERE space_seq = ?1), ?4)",
                params![space, name, name_key(&name), body.to_string()],
            )?;
            let created = find(&tx, space, &ids::format(WORKER_POOLS, tx.last_insert_rowid()))?;
            audit::record_document(&tx, &caller, space, Category::Created, None, Some(&created), vec![])?;
            tx.commit()?;
            Ok(created)
        })
        .await?;
    let location = created["Links"]["Self"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(Tagged::created(created, location))
}

pub async fn update(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    if_match: IfMatch,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Tagged<Value>> {
    let updated = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let stored = find(&tx, space, scope.id())?;
            if_match.check(&stored, POOL_TABLE.noun)?;
            let seq = ids::parse(WORKER_POOLS, scope.id());
            let (name, body) = check(&tx, space, body, seq)?;
            tx.execute(
                "UPDATE worker_pools SET name = ?2, name_key = ?3, body = ?4 WHERE seq = ?1",
                params![seq, name, name_key(&name), body.to_string()],
            )?;
            let updated = find(&tx, space, scope.id())?;
            audit::record_document(
                &tx,
                &caller,
                space,
                Category::Modified,
                Some(&stored),
                Some(&updated),
                vec![],
            )?;
            tx.commit()?;
            Ok(updated)
        })
        .await?;
    Ok(Tagged::ok(updated))
}

/// 200 with an empty body; the default pool and a pool with workers stay (409 says why).
pub async fn delete(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let pool = find(&tx, space, scope.id())?;
            if_match.check(&pool, POOL_TABLE.noun)?;
            if pool["IsDefault"] == true {
                return Err(ApiError::in_use(
                    "The default worker pool cannot be deleted: every space keeps one.",
                    vec![],
                ));
            }
            let seq = ids::parse(WORKER_POOLS, scope.id());
            let workers: Vec<String> = tx
                .prepare(
                    "SELECT w.name FROM workers w JOIN worker_pool_members m ON m.worker_seq = w.seq
                     WHERE m.pool_seq = ?1 ORDER BY w.name COLLATE NOCASE",
                )?
                .query_map([seq], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !workers.is_empty() {
                let n = workers.len();
                return Err(ApiError::in_use(
                    format!(
                        "Worker pool \"{}\" has {n} worker{}: move {} to another pool or delete {} first.",
                        pool["Name"].as_str().unwrap_or_default(),
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "it" } else { "them" },
                        if n == 1 { "it" } else { "them" },
                    ),
                    workers,
                ));
            }
            tx.execute("DELETE FROM worker_pools WHERE seq = ?1", [seq])?;
            audit::record_document(&tx, &caller, space, Category::Deleted, Some(&pool), None, vec![])?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::OK)
}
