//! `/api/{spaceId}/environments` (list, all, get, create) and `/api/{spaceId}/accounts` (list,
//! all, get): what deployment targets refer to.

use api_model::validation::{name_key, validate_name};
use api_model::{AccountResource, EnvironmentResource, ResourceCollection};
use axum::extract::{RawQuery, State};
use axum::Json;
use rusqlite::{params, Connection, Row};

use crate::access::Caller;
use crate::audit::{self, Category};
use crate::error::{ApiError, ApiResult};
use crate::etag::Tagged;
use crate::extract::{JsonBody, Scope};
use crate::filter::{find_in_space, name_taken, Filter, Table, BY_NAME};
use crate::ids::{self, ACCOUNTS, ENVIRONMENTS, SPACES};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::routes::spaces::space_seq;
use crate::state::AppState;

pub(crate) const ENVIRONMENT_TABLE: Table = Table {
    name: "environments",
    prefix: ENVIRONMENTS,
    columns: "seq, space_seq, name, description, sort_order",
    noun: "environment",
    // Environments come in their sort order (Development, Test, Production), as in Octopus.
    order: "sort_order, name COLLATE NOCASE, seq",
};
pub(crate) const ACCOUNT_TABLE: Table = Table {
    name: "accounts",
    prefix: ACCOUNTS,
    columns: "seq, space_seq, name, account_type, username",
    noun: "account",
    order: BY_NAME,
};

fn environment(row: &Row) -> rusqlite::Result<EnvironmentResource> {
    let id = ids::format(ENVIRONMENTS, row.get(0)?);
    let space_id = ids::format(SPACES, row.get(1)?);
    Ok(EnvironmentResource {
        links: links::self_only(links::item(&space_id, "environments", &id)),
        name: row.get(2)?,
        description: row.get(3)?,
        sort_order: row.get(4)?,
        id: Some(id),
        space_id: Some(space_id),
    })
}

fn account(row: &Row) -> rusqlite::Result<AccountResource> {
    let id = ids::format(ACCOUNTS, row.get(0)?);
    let space_id = ids::format(SPACES, row.get(1)?);
    Ok(AccountResource {
        links: links::self_only(links::item(&space_id, "accounts", &id)),
        name: row.get(2)?,
        account_type: row.get(3)?,
        username: row.get(4)?,
        id,
        space_id,
    })
}

/// One page of a simple collection (sorted by name), for both routes below.
fn page<T>(
    c: &Connection,
    scope: &Scope,
    q: &ListQuery,
    (table, item_type): (&Table, &str),
    map: fn(&Row) -> rusqlite::Result<T>,
) -> ApiResult<ResourceCollection<T>> {
    let space = space_seq(c, &scope.space_id)?;
    let space_id = ids::format(SPACES, space);
    let filter = Filter::default()
        .eq("space_seq", space)
        .list(q, table.prefix, "seq", "name");
    let (total, items) = table.page(c, &filter, q, map)?;
    let path = links::collection(&space_id, table.name);
    let template = links::list_template(&space_id, table.name, links::SIMPLE_FILTERS);
    Ok(envelope(item_type, &path, &template, q, total, items))
}

const ENVIRONMENT_LIST: (&Table, &str) = (&ENVIRONMENT_TABLE, "Environment");
const ACCOUNT_LIST: (&Table, &str) = (&ACCOUNT_TABLE, "Account");

pub async fn list_environments(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<EnvironmentResource>>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    Ok(Json(
        state
            .db
            .read(move |c| page(c, &scope, &q, ENVIRONMENT_LIST, environment))
            .await?,
    ))
}

pub async fn all_environments(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Json<Vec<EnvironmentResource>>> {
    let q = ListQuery::all();
    Ok(Json(
        state
            .db
            .read(move |c| page(c, &scope, &q, ENVIRONMENT_LIST, environment))
            .await?
            .items,
    ))
}

pub async fn get_environment(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Tagged<EnvironmentResource>> {
    Ok(Tagged::ok(
        state.db.read(move |c| find_environment(c, &scope)).await?,
    ))
}

fn find_environment(c: &Connection, scope: &Scope) -> ApiResult<EnvironmentResource> {
    let space = space_seq(c, &scope.space_id)?;
    find_in_space(c, &ENVIRONMENT_TABLE, space, scope.id(), environment)
}

/// 201 with the environment; the name is required and unique in the space, ignoring case.
pub async fn create_environment(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(env): JsonBody<EnvironmentResource>,
) -> ApiResult<Tagged<EnvironmentResource>> {
    let created = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let name = env.name.trim().to_owned();
            if let Some(problem) = validate_name(&name) {
                return Err(ApiError::validation(vec![problem]));
            }
            if name_taken(&tx, &ENVIRONMENT_TABLE, space, &name, None)? {
                return Err(ApiError::validation(vec![format!("Name \"{name}\" is already used by another environment in this space.")]));
            }
            tx.execute(
                "INSERT INTO environments (space_seq, name, name_key, description, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![space, name, name_key(&name), env.description, env.sort_order],
            )?;
            let id = ids::format(ENVIRONMENTS, tx.last_insert_rowid());
            let created = find_environment(&tx, &Scope { space_id: scope.space_id.clone(), id: Some(id) })?;
            let doc = serde_json::to_value(&created).unwrap_or_default();
            audit::record_document(&tx, &caller, space, Category::Created, None, Some(&doc), vec![])?;
            tx.commit()?;
            Ok(created)
        })
        .await?;
    let location = created.links["Self"].clone();
    Ok(Tagged::created(created, location))
}

pub async fn list_accounts(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<AccountResource>>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    Ok(Json(
        state
            .db
            .read(move |c| page(c, &scope, &q, ACCOUNT_LIST, account))
            .await?,
    ))
}

pub async fn all_accounts(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Json<Vec<AccountResource>>> {
    let q = ListQuery::all();
    Ok(Json(
        state
            .db
            .read(move |c| page(c, &scope, &q, ACCOUNT_LIST, account))
            .await?
            .items,
    ))
}

pub async fn get_account(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Tagged<AccountResource>> {
    let found = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            find_in_space(c, &ACCOUNT_TABLE, space, scope.id(), account)
        })
        .await?;
    Ok(Tagged::ok(found))
}
