//! `POST /api/{spaceId}/machines/proxy` and `.../workers/proxy` (an extension): change the
//! connection of many machines at once, e.g. when a proxy moves or before one is retired. All or
//! nothing, in one transaction; each machine goes through every rule a single save does, and
//! the caller needs the edit permission in each machine's environments.

use api_model::{ChangedMachine, ProxyChange, ProxyChangeResult, POLLING};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::json;

use super::fleet::{Fleet, TARGETS, WORKERS_FLEET};
use super::machines::{check, find, groups_of, record, store};
use crate::access::Caller;
use crate::audit::Category;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Scope};
use crate::ids;
use crate::routes::spaces::space_seq;
use crate::state::AppState;

/// At most this many machines in one request (a space's whole page of "select all" fits).
pub const MAX_IDS: usize = 10_000;

/// 200 with what changed (`Changed`: each machine with the proxy it had before) and what
/// already connected that way (`Unchanged`); 400 naming every machine that cannot change (a
/// Polling Tentacle, an unknown id, a proxy that does not exist), and then nothing changes.
pub async fn change_targets(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(body): JsonBody<ProxyChange>,
) -> ApiResult<Json<ProxyChangeResult>> {
    change(&TARGETS, state, scope, caller, body).await
}

pub async fn change_workers(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(body): JsonBody<ProxyChange>,
) -> ApiResult<Json<ProxyChangeResult>> {
    change(&WORKERS_FLEET, state, scope, caller, body).await
}

async fn change(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    caller: Caller,
    body: ProxyChange,
) -> ApiResult<Json<ProxyChangeResult>> {
    let ProxyChange { mut ids, proxy_id } = body;
    let proxy_id = proxy_id.filter(|p| !p.trim().is_empty());
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    if ids.is_empty() {
        return Err(ApiError::validation(vec![format!(
            "Ids: give the {}s to change.",
            fleet.table.noun
        )]));
    }
    if ids.len() > MAX_IDS {
        return Err(ApiError::validation(vec![format!(
            "Ids: at most {MAX_IDS} {}s at once.",
            fleet.table.noun
        )]));
    }
    let answer = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &scope.space_id)?;
            let (mut changed, mut unchanged, mut errors) = (vec![], vec![], vec![]);
            for id in &ids {
                let mut machine = match find(fleet, &tx, space, id) {
                    Ok(m) => m,
                    Err(e) if e.status == StatusCode::NOT_FOUND => {
                        errors.push(format!("There is no {} {id} in this space.", fleet.table.noun));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                // One machine the caller may not change refuses the whole request.
                let groups = groups_of(fleet, &machine);
                caller.require_all(fleet.permissions.edit, &scope.space_id, &groups)?;
                let name = machine["Name"].as_str().unwrap_or_default().to_owned();
                let before = machine["Endpoint"]["ProxyId"].clone();
                if machine["Endpoint"]["CommunicationStyle"] == POLLING {
                    errors.push(format!(
                        "{name} is a Polling Tentacle: it connects out to the server, so its proxy is set on the Tentacle."
                    ));
                    continue;
                }
                let row = ChangedMachine {
                    id: id.clone(),
                    name,
                    previous_proxy_id: before.as_str().map(str::to_owned),
                };
                if row.previous_proxy_id == proxy_id {
                    unchanged.push(row);
                    continue;
                }
                let stored = machine.clone();
                machine["Endpoint"]["ProxyId"] = json!(proxy_id);
                let seq = ids::parse(fleet.table.prefix, id);
                match check(fleet, &tx, space, machine, seq) {
                    Ok(checked) => {
                        store(fleet, &tx, space, seq, &checked)?;
                        let after = find(fleet, &tx, space, id)?;
                        record(fleet, &tx, &caller, space, Category::Modified, Some(&stored), Some(&after))?;
                        changed.push(row);
                    }
                    // The proxy's own problem (it does not exist) is said once, not per machine.
                    Err(e) => {
                        for message in e.body.errors {
                            if !errors.contains(&message) {
                                errors.push(message);
                            }
                        }
                    }
                }
            }
            if !errors.is_empty() {
                return Err(ApiError::validation(errors));
            }
            tx.commit()?;
            Ok(ProxyChangeResult {
                proxy_id,
                changed,
                unchanged,
            })
        })
        .await?;
    Ok(Json(answer))
}
