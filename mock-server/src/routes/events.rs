//! `GET /api/{spaceId}/events` (newest first, paged, filtered as Octopus filters them),
//! `GET /api/{spaceId}/events/{id}` and `GET /api/events/documenttypes`: the audit trail
//! (`crate::audit` writes it). Events cannot be written or changed through the API.

use api_model::permissions::{Permission, Reach};
use api_model::ResourceCollection;
use axum::extract::{RawQuery, State};
use axum::Json;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::access::Caller;
use crate::audit::{DOCUMENT_TYPES, EVENTS};
use crate::error::{ApiError, ApiResult};
use crate::extract::Scope;
use crate::filter::{select_page, Filter};
use crate::ids::{self, ENVIRONMENTS, SPACES};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::routes::spaces::space_seq;
use crate::state::AppState;

/// The list's own parameters.
pub const EVENT_FILTERS: &[&str] = &[
    "regarding",
    "regardingAny",
    "documentTypes",
    "eventCategories",
    "users",
    "from",
    "to",
    "excludeDifference",
];

const COLUMNS: &str = "seq, occurred, body";

fn from_row(
    space_id: &str,
    exclude_difference: bool,
) -> impl Fn(&Row) -> rusqlite::Result<Value> + '_ {
    move |row| {
        let id = ids::format(EVENTS, row.get(0)?);
        let body: String = row.get(2)?;
        let mut event: Value = serde_json::from_str(&body).unwrap_or_else(|_| json!({}));
        event["Id"] = json!(id);
        event["Occurred"] = json!(row.get::<_, String>(1)?);
        event["Links"] = json!({"Self": links::item(space_id, "events", &id)});
        if exclude_difference {
            event["ChangeDetails"]["Differences"] = Value::Null;
        }
        Ok(event)
    }
}

/// A `from`/`to` value as the stored times are written (UTC), or 400.
fn instant(c: &Connection, name: &str, value: &str) -> ApiResult<String> {
    let parsed: Option<String> = c
        .query_row(
            "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1)",
            [value.trim()],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    parsed.ok_or_else(|| {
        ApiError::bad_request(format!(
            "The {name} parameter must be a date and time in ISO 8601 (e.g. 2026-12-05T09:00:00+00:00), not \"{value}\"."
        ))
    })
}

fn filter(c: &Connection, space: i64, q: &ListQuery) -> ApiResult<Filter> {
    let texts = |name: &str| {
        q.list_param(name)
            .into_iter()
            .map(SqlValue::from)
            .collect::<Vec<_>>()
    };
    let mut f = Filter::default()
        .eq("space_seq", space)
        .any_of("category", texts("eventCategories"))
        .any_of("document_type", texts("documentTypes"))
        .any_of("user_id", texts("users"))
        // Any of these documents: by index, the documents' events.
        .matching(
            "seq IN (SELECT event_seq FROM event_documents WHERE document_id IN {})",
            texts("regardingAny"),
        );
    if !q.ids.is_empty() {
        let wanted = q.ids.iter().filter_map(|id| ids::parse(EVENTS, id));
        f = f.any_of("seq", wanted.map(SqlValue::from).collect());
    }
    // All of these documents.
    let all = texts("regarding");
    if !all.is_empty() {
        let n = all.len();
        f = f.matching(
            &format!(
                "seq IN (SELECT event_seq FROM event_documents WHERE document_id IN {{}}
                 GROUP BY event_seq HAVING COUNT(DISTINCT document_id) = {n})"
            ),
            all,
        );
    }
    for (name, op) in [("from", ">="), ("to", "<=")] {
        if let Some(value) = q.list_param(name).first() {
            f = f.eq_op("occurred", op, instant(c, name, value)?);
        }
    }
    Ok(f)
}

/// The events about none of the space's environments (a proxy's, a worker's).
const ABOUT_NO_ENVIRONMENT: &str = "seq NOT IN (SELECT event_seq FROM event_documents
     WHERE document_id >= 'Environments-' AND document_id < 'Environments.')";

/// The events a person may see: with `EventView` restricted to environments, those about none
/// of the environments or about one they reach (as they see a machine: one is enough).
fn visible(caller: &Caller, space_id: &str, f: Filter) -> Filter {
    match caller.reach(Permission::EventView, space_id) {
        Reach::Only(environments) if environments.is_empty() => f.clause(ABOUT_NO_ENVIRONMENT),
        Reach::Only(environments) => f.matching(
            &format!(
                "({ABOUT_NO_ENVIRONMENT} OR seq IN (SELECT event_seq FROM event_documents
                  WHERE document_id IN {{}}))"
            ),
            environments.into_iter().map(SqlValue::from).collect(),
        ),
        _ => f,
    }
}

/// The environments an event is about, from its related documents.
fn environments_of(event: &Value) -> Vec<String> {
    event["RelatedDocumentIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|id| ids::parse(ENVIRONMENTS, id).is_some())
        .map(str::to_owned)
        .collect()
}

fn exclude_difference(q: &ListQuery) -> ApiResult<bool> {
    match q.list_param("excludeDifference").first() {
        None => Ok(false),
        Some(v) => v.parse::<bool>().map_err(|_| {
            ApiError::bad_request(format!(
                "The excludeDifference parameter must be true or false, not \"{v}\"."
            ))
        }),
    }
}

pub async fn list(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<Value>>> {
    let q = ListQuery::parse(raw.as_deref(), EVENT_FILTERS)?;
    let exclude = exclude_difference(&q)?;
    let page = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let space_id = ids::format(SPACES, space);
            let f = visible(&caller, &space_id, filter(c, space, &q)?);
            let (total, items) = select_page(
                c,
                "events",
                COLUMNS,
                "seq DESC",
                &f,
                &q,
                from_row(&space_id, exclude),
            )?;
            let path = links::collection(&space_id, "events");
            let template = links::list_template(&space_id, "events", links::EVENT_FILTERS);
            Ok(envelope("Event", &path, &template, &q, total, items))
        })
        .await?;
    Ok(Json(page))
}

pub async fn get(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
) -> ApiResult<Json<Value>> {
    let space_id = scope.space_id.clone();
    let event = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let space_id = ids::format(SPACES, space);
            let seq = ids::parse(EVENTS, scope.id());
            c.query_row(
                &format!("SELECT {COLUMNS} FROM events WHERE seq = ?1 AND space_seq = ?2"),
                rusqlite::params![seq, space],
                from_row(&space_id, false),
            )
            .optional()?
            .ok_or_else(|| {
                ApiError::not_found(format!("There is no event with the id \"{}\".", scope.id()))
            })
        })
        .await?;
    let environments = environments_of(&event);
    if !environments.is_empty() {
        caller.require_any(Permission::EventView, &space_id, &environments)?;
    }
    Ok(Json(event))
}

/// `[{Id, Name}]`: the kinds of document the trail has events about.
pub async fn document_types() -> Json<Vec<Value>> {
    Json(
        DOCUMENT_TYPES
            .iter()
            .map(|(id, name, _)| json!({"Id": id, "Name": name}))
            .collect(),
    )
}
