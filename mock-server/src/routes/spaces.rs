use api_model::{ResourceCollection, SpaceResource};
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::etag::Tagged;
use crate::filter::{select_page, Filter, BY_NAME};
use crate::ids::{self, SPACES};
use crate::links;
use crate::paging::{envelope, ListQuery};
use crate::state::AppState;

const COLUMNS: &str = "seq, name, description, is_default, slug";

/// The row number of a space, or 404 when there is no such space.
pub fn space_seq(conn: &Connection, space_id: &str) -> ApiResult<i64> {
    ids::parse(SPACES, space_id)
        .map(|seq| {
            conn.query_row("SELECT seq FROM spaces WHERE seq = ?1", [seq], |r| r.get(0))
                .optional()
        })
        .transpose()?
        .flatten()
        .ok_or_else(|| {
            ApiError::not_found(format!("There is no space with the id \"{space_id}\"."))
        })
}

fn from_row(row: &Row) -> rusqlite::Result<SpaceResource> {
    let id = ids::format(SPACES, row.get(0)?);
    let mut links = links::self_only(links::space_self(&id));
    links.insert("SpaceHome".into(), links::space_home(&id));
    Ok(SpaceResource {
        name: row.get(1)?,
        description: row.get(2)?,
        is_default: row.get(3)?,
        task_queue_stopped: false,
        space_managers_teams: vec![],
        space_managers_team_members: vec![],
        slug: row.get(4)?,
        links,
        id,
    })
}

/// The spaces the caller has a role in (the administrator: all of them).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ResourceCollection<SpaceResource>>> {
    let q = ListQuery::parse(raw.as_deref(), &[])?;
    let page = state
        .db
        .read(move |c| {
            let mut filter = Filter::default().list(&q, SPACES, "seq", "name");
            if let Some(spaces) = caller.spaces() {
                let seqs = spaces.iter().filter_map(|id| ids::parse(SPACES, id));
                filter = filter.matching("seq IN {}", seqs.map(Into::into).collect());
                if spaces.is_empty() {
                    filter = filter.clause("0 = 1");
                }
            }
            let (total, items) = select_page(c, "spaces", COLUMNS, BY_NAME, &filter, &q, from_row)?;
            Ok(envelope(
                "Space",
                "/api/spaces",
                links::SPACES_LIST_TEMPLATE,
                &q,
                total,
                items,
            ))
        })
        .await?;
    Ok(Json(page))
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Tagged<SpaceResource>> {
    let space = state
        .db
        .read(move |c| {
            let seq = space_seq(c, &id)?;
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM spaces WHERE seq = ?1"),
                [seq],
                from_row,
            )?)
        })
        .await?;
    Ok(Tagged::ok(space))
}
