//! `/api/{spaceId}/machines` (deployment targets) and `/api/{spaceId}/workers`: the handlers of
//! both fleets ([`Fleet`]), each route a thin twin below. The stored body is what the client sent, with
//! the server's own fields (Id, SpaceId, Links, HealthStatus, the SSH Uri) written over it, so
//! fields this server does not interpret come back unchanged.

use api_model::machine_validation::{missing_account_message, missing_proxy_message};
use api_model::validation::name_key;
use api_model::{MachineResource, ResourceCollection, SSH};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, Row};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use api_model::permissions::Reach;

use crate::access::Caller;
use crate::audit::{self, Category};
use crate::error::{ApiError, ApiResult};
use crate::etag::{IfMatch, Tagged};
use crate::extract::{JsonBody, Scope};
use crate::filter::{find_in_space, lookup_in_space, name_taken, Filter};
use crate::ids::{self, PROXIES, SPACES};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::routes::environments::ACCOUNT_TABLE;
use crate::routes::fleet::{Fleet, PROXY_FILTER, TARGETS, WORKERS_FLEET};
use crate::routes::proxies::PROXY_TABLE;
use crate::routes::spaces::space_seq;
use crate::state::AppState;
use crate::ApiMode;

const SSH_ACCOUNT_TYPES: [&str; 2] = ["SshKeyPair", "UsernamePassword"];

fn from_row(fleet: &Fleet, row: &Row) -> rusqlite::Result<Value> {
    let id = ids::format(fleet.table.prefix, row.get(0)?);
    let space_id = ids::format(SPACES, row.get(1)?);
    let health: String = row.get(2)?;
    let body: String = row.get(3)?;
    let mut machine: Value = serde_json::from_str(&body).unwrap_or_else(|_| json!({}));
    let self_link = links::item(&space_id, fleet.table.name, &id);
    machine["Links"] = json!({"Self": self_link, "Connection": format!("{self_link}/connection")});
    machine["Id"] = json!(id);
    machine["SpaceId"] = json!(space_id);
    machine["HealthStatus"] = json!(health);
    machine["StatusSummary"] = json!(row.get::<_, String>(4)?);
    Ok(machine)
}

/// The server's own fields of a machine: `check` removes them from what a client sends, so the
/// stored body never holds them.
const SERVER_FIELDS: [&str; 5] = ["Id", "SpaceId", "HealthStatus", "StatusSummary", "Links"];

/// Whether `json` has the string `"key"` anywhere (as a key or a value), without allocating.
fn mentions(json: &str, key: &str) -> bool {
    json.match_indices(key)
        .any(|(at, _)| json[..at].ends_with('"') && json[at + key.len()..].starts_with('"'))
}

/// A row of a list, as JSON text: the stored body (already JSON) with the server's fields added
/// at its end, without parsing it (parsing and writing each row again was the largest cost of a
/// list page). A body that mentions any of those field names anywhere (an older row, or an unknown
/// field that nests one) takes the parsing path instead, so the answer is the same either way.
fn list_row(fleet: &Fleet, row: &Row) -> rusqlite::Result<Box<RawValue>> {
    let body: String = row.get(3)?;
    let trimmed = body.trim_end();
    let plain = trimmed.starts_with('{')
        && trimmed.ends_with('}')
        && !SERVER_FIELDS.iter().any(|f| mentions(&body, f));
    let json = if plain {
        let id = ids::format(fleet.table.prefix, row.get(0)?);
        let space_id = ids::format(SPACES, row.get(1)?);
        let health: String = row.get(2)?;
        let summary: String = row.get(4)?;
        let self_link = links::item(&space_id, fleet.table.name, &id);
        let head = &trimmed[..trimmed.len() - 1];
        let comma = if head.trim_end().ends_with('{') {
            ""
        } else {
            ","
        };
        let text = |s: &str| Value::from(s).to_string();
        format!(
            "{head}{comma}\"Id\":{},\"SpaceId\":{},\"HealthStatus\":{},\"StatusSummary\":{},\"Links\":{{\"Self\":{},\"Connection\":{}}}}}",
            text(&id),
            text(&space_id),
            text(&health),
            text(&summary),
            text(&self_link),
            text(&format!("{self_link}/connection")),
        )
    } else {
        from_row(fleet, row)?.to_string()
    };
    RawValue::from_string(json).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub(crate) fn find(fleet: &Fleet, c: &Connection, space: i64, id: &str) -> ApiResult<Value> {
    find_in_space(c, &fleet.table, space, id, |r| from_row(fleet, r))
}

/// What a valid machine is stored as.
pub(crate) struct Checked {
    body: Value,
    machine: MachineResource,
    /// Its environments (a deployment target) or worker pools (a worker).
    groups: Vec<i64>,
    proxy: Option<i64>,
}

/// Reads, normalizes and checks a machine against every rule, the database's included.
pub(crate) fn check(
    fleet: &Fleet,
    c: &Connection,
    space: i64,
    mut body: Value,
    except: Option<i64>,
) -> ApiResult<Checked> {
    if !body.is_object() {
        return Err(ApiError::validation(vec![format!(
            "The request body is not valid: a {} is a JSON object.",
            fleet.table.noun
        )]));
    }
    let mut machine: MachineResource =
        serde_path_to_error::deserialize(body.clone()).map_err(|e| {
            let path = e.path().to_string();
            let detail = crate::extract::describe(e.inner());
            ApiError::validation(vec![format!(
                "The request body is not valid: {path}: {detail}"
            )])
        })?;
    machine.name = machine.name.trim().to_owned();
    body["Name"] = json!(machine.name);
    let mut errors = (fleet.validate)(&machine);

    let mut groups = vec![];
    for id in (fleet.groups)(&machine)
        .iter()
        .filter(|e| !e.trim().is_empty())
    {
        match lookup_in_space(c, fleet.group_table, "seq", space, id, |r| r.get(0))? {
            Some(seq) => groups.push(seq),
            None => errors.push((fleet.missing_group)(id)),
        }
    }
    let mut proxy = None;
    if let Some(endpoint) = &machine.endpoint {
        if let Some(id) = endpoint
            .proxy_id
            .as_deref()
            .filter(|_| endpoint.communication_style != api_model::POLLING)
        {
            proxy = lookup_in_space(c, &PROXY_TABLE, "seq", space, id, |r| r.get(0))?;
            if proxy.is_none() {
                errors.push(missing_proxy_message(id));
            }
        }
        if endpoint.communication_style == SSH {
            if let Some(id) = endpoint
                .account_id
                .as_deref()
                .filter(|a| !a.trim().is_empty())
            {
                let kind: Option<String> =
                    lookup_in_space(c, &ACCOUNT_TABLE, "account_type", space, id, |r| r.get(0))?;
                if !kind.is_some_and(|k| SSH_ACCOUNT_TYPES.contains(&k.as_str())) {
                    errors.push(missing_account_message(id));
                }
            }
            // The SSH Uri is computed, as the real server does.
            if let (Some(host), Some(port)) = (&endpoint.host, endpoint.port) {
                body["Endpoint"]["Uri"] = json!(format!("ssh://{}:{port}/", host.trim()));
            }
        }
        // A client that leaves ProxyId out (the Go client's `omitempty`) means Direct: stored and
        // answered as Octopus writes it, null.
        if endpoint.communication_style != api_model::POLLING {
            if let Some(e) = body["Endpoint"].as_object_mut() {
                e.entry("ProxyId").or_insert(Value::Null);
            }
        }
    }
    if name_taken(c, &fleet.table, space, &machine.name, except)? {
        errors.push(format!(
            "Name \"{}\" is already used by another {} in this space.",
            machine.name, fleet.table.noun
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    for key in SERVER_FIELDS {
        body.as_object_mut().map(|o| o.remove(key));
    }
    Ok(Checked {
        body,
        machine,
        groups,
        proxy,
    })
}

/// Writes the machine's row and its group (and role) rows.
pub(crate) fn store(
    fleet: &Fleet,
    c: &Connection,
    space: i64,
    seq: Option<i64>,
    checked: &Checked,
) -> ApiResult<i64> {
    let m = &checked.machine;
    let style = m
        .endpoint
        .as_ref()
        .map(|e| e.communication_style.clone())
        .unwrap_or_default();
    let body = checked.body.to_string();
    let seq = match seq {
        Some(seq) => {
            c.execute(
                &format!("UPDATE {} SET name = ?2, name_key = ?7, comm_style = ?3, is_disabled = ?4, proxy_seq = ?5, body = ?6 WHERE seq = ?1", fleet.table.name),
                params![seq, m.name, style, m.is_disabled, checked.proxy, body, name_key(&m.name)],
            )?;
            c.execute(
                &format!(
                    "DELETE FROM {} WHERE {} = ?1",
                    fleet.members, fleet.member_column
                ),
                [seq],
            )?;
            if fleet.roles {
                c.execute("DELETE FROM machine_roles WHERE machine_seq = ?1", [seq])?;
            }
            seq
        }
        None => {
            c.execute(
                &format!("INSERT INTO {} (space_seq, name, name_key, comm_style, is_disabled, proxy_seq, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", fleet.table.name),
                params![space, m.name, name_key(&m.name), style, m.is_disabled, checked.proxy, body],
            )?;
            c.last_insert_rowid()
        }
    };
    for group in &checked.groups {
        c.execute(
            &format!(
                "INSERT OR IGNORE INTO {} ({}, {}) VALUES (?1, ?2)",
                fleet.members, fleet.member_column, fleet.group_column
            ),
            params![seq, group],
        )?;
    }
    let roles = m.roles.iter().map(|r| r.trim()).filter(|r| !r.is_empty());
    for role in roles.filter(|_| fleet.roles) {
        c.execute(
            "INSERT INTO machine_roles (machine_seq, role) VALUES (?1, ?2)",
            params![seq, role],
        )?;
    }
    Ok(seq)
}

/// The `proxyIds` value for targets that connect directly (an extension, as `proxyIds` is):
/// Listening and SSH targets without a proxy. Polling Tentacles are neither: their proxy is set
/// on the Tentacle.
pub(crate) const DIRECT: &str = "Direct";
const DIRECT_SQL: &str =
    "(proxy_seq IS NULL AND comm_style IN ('TentaclePassive', 'Ssh', 'Kubernetes'))";

/// The filters of the machines list: the common ones plus environmentIds, commStyles, roles,
/// isDisabled, healthStatuses, and proxyIds (an extension: targets that use these proxies, and
/// with `Direct` those that use none).
fn filter(fleet: &Fleet, space: i64, q: &ListQuery) -> ApiResult<Filter> {
    let texts = |name: &str| {
        q.list_param(name)
            .into_iter()
            .map(SqlValue::from)
            .collect::<Vec<_>>()
    };
    let seqs = |name: &str, prefix: &str| {
        q.list_param(name)
            .iter()
            .map(|id| SqlValue::from(ids::parse(prefix, id).unwrap_or(-1)))
            .collect::<Vec<_>>()
    };
    let mut f = Filter::default()
        .eq("space_seq", space)
        .list(q, fleet.table.prefix, "seq", "name")
        .any_of("comm_style", texts("commStyles"))
        .any_of("health", texts("healthStatuses"));
    let proxy_ids = q.list_param(PROXY_FILTER);
    let direct = proxy_ids.iter().any(|id| id.eq_ignore_ascii_case(DIRECT));
    let proxies: Vec<SqlValue> = proxy_ids
        .iter()
        .filter(|id| !id.eq_ignore_ascii_case(DIRECT))
        .map(|id| SqlValue::from(ids::parse(PROXIES, id).unwrap_or(-1)))
        .collect();
    f = match (direct, proxies.is_empty()) {
        // One proxy (its "Used by", the list's Proxy filter): an equality the planner can walk
        // in name order by index; a list of values it would look for along the whole name index.
        (false, false) if proxies.len() == 1 => f.eq("proxy_seq", proxies[0].clone()),
        (false, _) => f.any_of("proxy_seq", proxies),
        (true, true) => f.clause(DIRECT_SQL),
        (true, false) => f.matching(&format!("(proxy_seq IN {{}} OR {DIRECT_SQL})"), proxies),
    };
    // Both by index: the subquery finds the machines, the list walks them in name order.
    f = f.matching(
        &format!(
            "seq IN (SELECT {} FROM {} WHERE {} IN {{}})",
            fleet.member_column, fleet.members, fleet.group_column
        ),
        seqs(fleet.groups_filter, fleet.group_table.prefix),
    );
    if fleet.roles {
        f = f.matching(
            "seq IN (SELECT machine_seq FROM machine_roles WHERE role IN {})",
            texts("roles"),
        );
    }
    // Octopus.Client's FindByThumbprint; no index (it is rare, and one space's machines).
    if let Some(t) = q.list_param("thumbprint").first() {
        f = f.eq("json_extract(body, '$.Endpoint.Thumbprint')", t.clone());
    }
    if let Some(disabled) = q.list_param("isDisabled").first() {
        let flag = disabled.parse::<bool>().map_err(|_| {
            ApiError::bad_request(format!(
                "The isDisabled parameter must be true or false, not \"{disabled}\"."
            ))
        })?;
        f = f.eq("is_disabled", flag);
    }
    Ok(f)
}

/// A list's parameters as this server reads them: the Octopus mode leaves out `proxyIds`, so
/// the list (and its paging links) are the whole list, as on Octopus.
fn list_query(fleet: &Fleet, api: ApiMode, raw: Option<&str>) -> ApiResult<ListQuery> {
    let mut q = ListQuery::parse(raw, fleet.filters)?;
    if api == ApiMode::Octopus {
        q.extra
            .retain(|(key, _)| !key.eq_ignore_ascii_case(PROXY_FILTER));
    }
    Ok(q)
}

async fn list_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    raw: Option<String>,
) -> ApiResult<Json<ResourceCollection<Box<RawValue>>>> {
    let q = list_query(fleet, state.api, raw.as_deref())?;
    let page = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let space_id = ids::format(SPACES, space);
            let f = visible(fleet, &caller, &space_id, filter(fleet, space, &q)?);
            let (total, items) = fleet.table.page(c, &f, &q, |r| list_row(fleet, r))?;
            let path = links::collection(&space_id, fleet.table.name);
            let template = links::list_template(&space_id, fleet.table.name, fleet.link_filters);
            Ok(envelope(
                fleet.item_type,
                &path,
                &template,
                &q,
                total,
                items,
            ))
        })
        .await?;
    Ok(Json(page))
}

/// Every machine of the fleet, as a bare array; the list's filters apply (Octopus.Client finds
/// a machine by `all?thumbprint=`).
async fn all_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    raw: Option<String>,
) -> ApiResult<Json<Vec<Box<RawValue>>>> {
    let q = list_query(fleet, state.api, raw.as_deref())?;
    let items = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let q = ListQuery {
                skip: 0,
                take: ListQuery::all().take,
                ..q
            };
            let space_id = ids::format(SPACES, space);
            let f = visible(fleet, &caller, &space_id, filter(fleet, space, &q)?);
            Ok(fleet.table.page(c, &f, &q, |r| list_row(fleet, r))?.1)
        })
        .await?;
    Ok(Json(items))
}

async fn get_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
) -> ApiResult<Tagged<Value>> {
    let space_id = scope.space_id.clone();
    let machine = state
        .db
        .read(move |c| find(fleet, c, space_seq(c, &scope.space_id)?, scope.id()))
        .await?;
    caller.require_any(
        fleet.permissions.view,
        &space_id,
        &groups_of(fleet, &machine),
    )?;
    Ok(Tagged::ok(machine))
}

/// The trail's event for a change to a machine: about the machine, its proxy and its groups
/// (before and after, so a machine moved between proxies is in both proxies' trails).
pub(crate) fn record(
    fleet: &Fleet,
    c: &Connection,
    caller: &Caller,
    space: i64,
    category: Category,
    before: Option<&Value>,
    after: Option<&Value>,
) -> ApiResult<()> {
    let mut related = vec![];
    for m in [before, after].into_iter().flatten() {
        if let Some(proxy) = m["Endpoint"]["ProxyId"].as_str() {
            related.push(proxy.to_owned());
        }
        related.extend(groups_of(fleet, m));
    }
    related.sort();
    related.dedup();
    audit::record_document(c, caller, space, category, before, after, related)
}

/// A list's filter, narrowed to the machines the caller may see: those in an environment their
/// view permission reaches (workers have no environments, and their permission no restriction).
fn visible(fleet: &Fleet, caller: &Caller, space_id: &str, f: Filter) -> Filter {
    match caller.reach(fleet.permissions.view, space_id) {
        Reach::Only(environments) => f.matching(
            &format!(
                "seq IN (SELECT {} FROM {} WHERE {} IN {{}})",
                fleet.member_column, fleet.members, fleet.group_column
            ),
            environments
                .iter()
                .map(|id| SqlValue::from(ids::parse(fleet.group_table.prefix, id).unwrap_or(-1)))
                .collect(),
        ),
        _ => f,
    }
}

/// A stored machine's groups (environments or worker pools), as its document lists them.
pub(crate) fn groups_of(fleet: &Fleet, machine: &Value) -> Vec<String> {
    let key = match fleet.roles {
        true => "EnvironmentIds",
        false => "WorkerPoolIds",
    };
    machine[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

async fn create_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    body: Value,
) -> ApiResult<Tagged<Value>> {
    let created = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let checked = check(fleet, &tx, space, body, None)?;
            let groups = (fleet.groups)(&checked.machine);
            caller.require_all(fleet.permissions.create, &scope.space_id, groups)?;
            let seq = store(fleet, &tx, space, None, &checked)?;
            let created = find(fleet, &tx, space, &ids::format(fleet.table.prefix, seq))?;
            record(
                fleet,
                &tx,
                &caller,
                space,
                Category::Created,
                None,
                Some(&created),
            )?;
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

async fn update_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    if_match: IfMatch,
    body: Value,
) -> ApiResult<Tagged<Value>> {
    let updated = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let stored = find(fleet, &tx, space, scope.id())?;
            let edit = fleet.permissions.edit;
            caller.require_all(edit, &scope.space_id, &groups_of(fleet, &stored))?;
            if_match.check(&stored, fleet.table.noun)?;
            let seq = ids::parse(fleet.table.prefix, scope.id());
            let checked = check(fleet, &tx, space, body, seq)?;
            // Moving a machine into an environment is a change there too.
            caller.require_all(edit, &scope.space_id, (fleet.groups)(&checked.machine))?;
            store(fleet, &tx, space, seq, &checked)?;
            let updated = find(fleet, &tx, space, scope.id())?;
            record(
                fleet,
                &tx,
                &caller,
                space,
                Category::Modified,
                Some(&stored),
                Some(&updated),
            )?;
            tx.commit()?;
            Ok(updated)
        })
        .await?;
    Ok(Tagged::ok(updated))
}

async fn delete_in(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let stored = find(fleet, &tx, space, scope.id())?;
            let delete = fleet.permissions.delete;
            caller.require_all(delete, &scope.space_id, &groups_of(fleet, &stored))?;
            if_match.check(&stored, fleet.table.noun)?;
            tx.execute(
                &format!("DELETE FROM {} WHERE seq = ?1", fleet.table.name),
                [ids::parse(fleet.table.prefix, scope.id())],
            )?;
            record(
                fleet,
                &tx,
                &caller,
                space,
                Category::Deleted,
                Some(&stored),
                None,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::OK)
}

/// Each route of a fleet, as the router takes it: `targets` and `workers` below.
macro_rules! fleet_routes {
    ($module:ident, $fleet:expr) => {
        pub mod $module {
            use super::*;

            pub async fn list(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
                RawQuery(raw): RawQuery,
            ) -> ApiResult<Json<ResourceCollection<Box<RawValue>>>> {
                list_in($fleet, state, scope, caller, raw).await
            }

            pub async fn all(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
                RawQuery(raw): RawQuery,
            ) -> ApiResult<Json<Vec<Box<RawValue>>>> {
                all_in($fleet, state, scope, caller, raw).await
            }

            pub async fn get(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
            ) -> ApiResult<Tagged<Value>> {
                get_in($fleet, state, scope, caller).await
            }

            pub async fn create(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
                JsonBody(body): JsonBody<Value>,
            ) -> ApiResult<Tagged<Value>> {
                create_in($fleet, state, scope, caller, body).await
            }

            pub async fn update(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
                if_match: IfMatch,
                JsonBody(body): JsonBody<Value>,
            ) -> ApiResult<Tagged<Value>> {
                update_in($fleet, state, scope, caller, if_match, body).await
            }

            pub async fn delete(
                State(state): State<AppState>,
                scope: Scope,
                caller: Caller,
                if_match: IfMatch,
            ) -> ApiResult<StatusCode> {
                delete_in($fleet, state, scope, caller, if_match).await
            }
        }
    };
}

fleet_routes!(targets, &TARGETS);
fleet_routes!(workers, &WORKERS_FLEET);
