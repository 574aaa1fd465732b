//! `POST /api/{spaceId}/machines/proxy` and `.../workers/proxy` (an extension): change the
//! connection of many machines at once, e.g. when a proxy moves or before one is retired. All or
//! nothing, in one transaction; each machine goes through every rule a single save does.

use api_model::POLLING;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::fleet::{Fleet, TARGETS, WORKERS_FLEET};
use super::machines::{check, find, store};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Scope};
use crate::ids;
use crate::routes::spaces::space_seq;
use crate::state::AppState;

/// At most this many machines in one request (a space's whole page of "select all" fits).
pub const MAX_IDS: usize = 10_000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyChange {
    #[serde(default)]
    pub ids: Vec<String>,
    /// The proxy every machine connects through from now on; `null` (or absent): directly.
    #[serde(default)]
    pub proxy_id: Option<String>,
}

/// 200 with what changed (`Changed`: each machine with the proxy it had before) and what
/// already connected that way (`Unchanged`); 400 naming every machine that cannot change (a
/// Polling Tentacle, an unknown id, a proxy that does not exist), and then nothing changes.
pub async fn change_targets(
    State(state): State<AppState>,
    scope: Scope,
    JsonBody(body): JsonBody<ProxyChange>,
) -> ApiResult<Json<Value>> {
    change(&TARGETS, state, scope, body).await
}

pub async fn change_workers(
    State(state): State<AppState>,
    scope: Scope,
    JsonBody(body): JsonBody<ProxyChange>,
) -> ApiResult<Json<Value>> {
    change(&WORKERS_FLEET, state, scope, body).await
}

async fn change(
    fleet: &'static Fleet,
    state: AppState,
    scope: Scope,
    body: ProxyChange,
) -> ApiResult<Json<Value>> {
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
                let name = machine["Name"].as_str().unwrap_or_default().to_owned();
                let before = machine["Endpoint"]["ProxyId"].clone();
                if machine["Endpoint"]["CommunicationStyle"] == POLLING {
                    errors.push(format!(
                        "{name} is a Polling Tentacle: it connects out to the server, so its proxy is set on the Tentacle."
                    ));
                    continue;
                }
                let row = json!({"Id": id, "Name": name, "PreviousProxyId": before});
                if before.as_str() == proxy_id.as_deref() {
                    unchanged.push(row);
                    continue;
                }
                machine["Endpoint"]["ProxyId"] = json!(proxy_id);
                let seq = ids::parse(fleet.table.prefix, id);
                match check(fleet, &tx, space, machine, seq) {
                    Ok(checked) => {
                        store(fleet, &tx, space, seq, &checked)?;
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
            Ok(json!({"ProxyId": proxy_id, "Changed": changed, "Unchanged": unchanged}))
        })
        .await?;
    Ok(Json(answer))
}
