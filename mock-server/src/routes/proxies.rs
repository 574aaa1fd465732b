//! `/api/{spaceId}/proxies`: list, all, get, create, update, delete.

use api_model::validation::{duplicate_name_message, name_key, normalize, validate_proxy};
use api_model::{ProxyResource, ResourceCollection, SecretChange, SensitiveValue};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, Row};
use serde_json::{json, Value};

use crate::access::Caller;
use crate::audit::{self, Category, Change};
use crate::db::{forget_old_secrets, NOW_SQL};
use crate::error::{ApiError, ApiResult};
use crate::etag::{IfMatch, Tagged};
use crate::extract::{JsonBody, Scope};
use crate::filter::{find_in_space, name_taken, select_page, Filter, Table, BY_NAME};
use crate::ids::{self, PROXIES, SPACES};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::routes::spaces::space_seq;
use crate::state::AppState;

pub(crate) const PROXY_TABLE: Table = Table {
    name: "proxies",
    prefix: PROXIES,
    columns: "seq, space_seq, name, host, port, proxy_type, username, password IS NOT NULL, last_modified_on",
    noun: "proxy",
    order: BY_NAME,
};

fn from_row(row: &Row) -> rusqlite::Result<ProxyResource> {
    let id = ids::format(PROXIES, row.get(0)?);
    let space_id = ids::format(SPACES, row.get(1)?);
    Ok(ProxyResource {
        links: links::self_only(links::item(&space_id, "proxies", &id)),
        name: row.get(2)?,
        host: row.get(3)?,
        port: row.get(4)?,
        proxy_type: row.get(5)?,
        username: row.get(6)?,
        password: Some(SensitiveValue::read(row.get(7)?)),
        last_modified_on: row.get(8)?,
        last_modified_by: None,
        id: Some(id),
        space_id: Some(space_id),
    })
}

/// The proxy with this id in this space, or 404.
pub(crate) fn find(conn: &Connection, space: i64, id: &str) -> ApiResult<ProxyResource> {
    find_in_space(conn, &PROXY_TABLE, space, id, from_row)
}

/// Normalizes the proxy and applies every rule, the name's uniqueness in the space included.
fn validate(
    conn: &Connection,
    space: i64,
    proxy: &mut ProxyResource,
    except: Option<i64>,
) -> ApiResult<()> {
    normalize(proxy);
    let mut errors: Vec<String> = validate_proxy(proxy)
        .into_iter()
        .map(|e| e.message)
        .collect();
    if name_taken(conn, &PROXY_TABLE, space, &proxy.name, except)? {
        errors.push(duplicate_name_message(&proxy.name));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<ProxyResource>>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    let page = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let space_id = ids::format(SPACES, space);
            let filter = Filter::default()
                .eq("space_seq", space)
                .list(&q, PROXIES, "seq", "name");
            let (total, items) = PROXY_TABLE.page(c, &filter, &q, from_row)?;
            let template = links::list_template(&space_id, "proxies", links::SIMPLE_FILTERS);
            let path = links::collection(&space_id, "proxies");
            Ok(envelope("Proxy", &path, &template, &q, total, items))
        })
        .await?;
    Ok(Json(page))
}

/// `/all`: every proxy of the space as a bare array, sorted by name.
pub async fn all(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Json<Vec<ProxyResource>>> {
    let items = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let filter = Filter::default().eq("space_seq", space);
            let q = ListQuery::all();
            Ok(PROXY_TABLE.page(c, &filter, &q, from_row)?.1)
        })
        .await?;
    Ok(Json(items))
}

pub async fn get(State(state): State<AppState>, scope: Scope) -> ApiResult<Tagged<ProxyResource>> {
    let proxy = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            find(c, space, scope.id())
        })
        .await?;
    Ok(Tagged::ok(proxy))
}

/// A proxy as the trail keeps it: as the API answers it (no password, only whether one is set).
fn document(proxy: &ProxyResource) -> Value {
    serde_json::to_value(proxy).unwrap_or(Value::Null)
}

/// 201 with the stored resource (clients read `Links.Self` from it) and a Location header.
pub async fn create(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(mut proxy): JsonBody<ProxyResource>,
) -> ApiResult<Tagged<ProxyResource>> {
    let secrets = state.db.secrets().clone();
    let created = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            validate(&tx, space, &mut proxy, None)?;
            let password = match SensitiveValue::change(proxy.password.as_ref()) {
                SecretChange::Set(p) => Some(secrets.seal(&p)),
                SecretChange::Keep | SecretChange::Clear => None,
            };
            tx.execute(
                &format!(
                    "INSERT INTO proxies (space_seq, name, name_key, host, port, proxy_type, username, password, last_modified_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {NOW_SQL})"
                ),
                params![space, proxy.name, name_key(&proxy.name), proxy.host, proxy.port, proxy.proxy_type, proxy.username, password],
            )?;
            let id = ids::format(PROXIES, tx.last_insert_rowid());
            let created = find(&tx, space, &id)?;
            let mut after = document(&created);
            let (mut none, has_password) = (json!({"Password": {}}), created.password.as_ref().is_some_and(|p| p.has_value));
            if has_password {
                audit::secret_changed(&mut none, &mut after, "Password");
            }
            audit::record(&tx, &caller, space, Change {
                category: Category::Created, id: &id, name: &created.name,
                before: None, after: Some(after), related: vec![],
            })?;
            tx.commit()?;
            Ok(created)
        })
        .await?;
    let location = created.links["Self"].clone();
    Ok(Tagged::created(created, location))
}

/// 200 with the stored resource. The password follows the SensitiveValue write rules.
pub async fn update(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    if_match: IfMatch,
    JsonBody(mut proxy): JsonBody<ProxyResource>,
) -> ApiResult<Tagged<ProxyResource>> {
    let secrets = state.db.secrets().clone();
    let updated = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let existing = find(&tx, space, scope.id())?;
            if_match.check(&existing, PROXY_TABLE.noun)?;
            let seq = ids::parse(PROXIES, existing.id.as_deref().unwrap_or_default());
            validate(&tx, space, &mut proxy, seq)?;
            tx.execute(
                &format!(
                    "UPDATE proxies SET name = ?2, name_key = ?3, host = ?4, port = ?5, proxy_type = ?6, username = ?7,
                     last_modified_on = {NOW_SQL} WHERE seq = ?1"
                ),
                params![seq, proxy.name, name_key(&proxy.name), proxy.host, proxy.port, proxy.proxy_type, proxy.username],
            )?;
            let changed = match SensitiveValue::change(proxy.password.as_ref()) {
                SecretChange::Keep => 0,
                SecretChange::Clear => tx.execute("UPDATE proxies SET password = NULL WHERE seq = ?1", [seq])?,
                SecretChange::Set(p) => tx.execute("UPDATE proxies SET password = ?2 WHERE seq = ?1", params![seq, secrets.seal(&p)])?,
            };
            let updated = find(&tx, space, scope.id())?;
            let (mut before, mut after) = (document(&existing), document(&updated));
            let had = existing.password.as_ref().is_some_and(|p| p.has_value);
            // Removing a password that was not there changes nothing.
            if changed > 0 && (had || updated.password.as_ref().is_some_and(|p| p.has_value)) {
                audit::secret_changed(&mut before, &mut after, "Password");
            }
            audit::record(&tx, &caller, space, Change {
                category: Category::Modified, id: scope.id(), name: &updated.name,
                before: Some(before), after: Some(after), related: vec![],
            })?;
            tx.commit()?;
            if changed > 0 {
                forget_old_secrets(c);
            }
            Ok(updated)
        })
        .await?;
    Ok(Tagged::ok(updated))
}

/// 200 with an empty body, as the real server documents it. A proxy that targets use is not
/// deleted: 409, naming the targets (one per line in `Errors`), so no target is left pointing
/// at a proxy that is gone.
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
            let existing = find(&tx, space, scope.id())?;
            if_match.check(&existing, PROXY_TABLE.noun)?;
            let seq = ids::parse(PROXIES, existing.id.as_deref().unwrap_or_default());
            // Deployment targets first, then workers, each by name.
            let users_of = |table: &str| -> rusqlite::Result<Vec<String>> {
                tx.prepare(&format!("SELECT name FROM {table} WHERE proxy_seq = ?1 ORDER BY name COLLATE NOCASE"))?
                    .query_map([seq], |r| r.get::<_, String>(0))?
                    .collect()
            };
            let (targets, workers) = (users_of("machines")?, users_of("workers")?);
            let counted = |n: usize, noun: &str| match n {
                0 => None,
                1 => Some(format!("1 {noun}")),
                n => Some(format!("{n} {noun}s")),
            };
            let parts: Vec<String> = [counted(targets.len(), "deployment target"), counted(workers.len(), "worker")]
                .into_iter()
                .flatten()
                .collect();
            let users: Vec<String> = targets.into_iter().chain(workers).collect();
            if !users.is_empty() {
                let message = format!(
                    "Proxy \"{}\" is used by {}. Switch {} to another proxy or to a direct connection first.",
                    existing.name,
                    parts.join(" and "),
                    if users.len() == 1 { "it" } else { "them" },
                );
                return Err(ApiError::in_use(message, users));
            }
            tx.execute("DELETE FROM proxies WHERE seq = ?1", [seq])?;
            let id = existing.id.clone().unwrap_or_default();
            audit::record(&tx, &caller, space, Change {
                category: Category::Deleted, id: &id, name: &existing.name,
                before: Some(document(&existing)), after: None, related: vec![],
            })?;
            tx.commit()?;
            forget_old_secrets(c);
            Ok(())
        })
        .await?;
    Ok(StatusCode::OK)
}

/// `GET /api/{spaceId}/proxies/usage{?ids}` (an extension of the API): how many machines
/// (deployment targets and workers) use each proxy, as `{"Proxies-1": 2, ...}`, for every proxy of the space or just `ids`.
/// One request for a whole page of proxies.
pub async fn usage(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<api_model::ProxyUsage>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    let counts = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            // The same `ids` rule as every list; all of the space's proxies when none are named.
            let q = ListQuery {
                ids: q.ids,
                ..ListQuery::all()
            };
            let filter = Filter::default()
                .eq("space_seq", space)
                .list(&q, PROXIES, "seq", "name");
            let counts = "seq, (SELECT COUNT(*) FROM machines m WHERE m.proxy_seq = proxies.seq)
                              + (SELECT COUNT(*) FROM workers w WHERE w.proxy_seq = proxies.seq)";
            let rows = select_page(c, PROXY_TABLE.name, counts, "seq", &filter, &q, |r| {
                Ok((ids::format(PROXIES, r.get(0)?), r.get::<_, i64>(1)?))
            })?;
            Ok(rows.1.into_iter().collect())
        })
        .await?;
    Ok(Json(counts))
}
