use api_model::{RootResource, SpaceRootResource};
use axum::extract::{Path, State};
use axum::Json;

use crate::error::ApiResult;
use crate::ids::DEFAULT_SPACE_ID;
use crate::links;
use crate::routes::spaces::space_seq;
use crate::state::AppState;

/// The Octopus Server version this mock speaks for: what clients read to decide what they may use.
pub const SERVER_VERSION: &str = "2025.1.0";
pub const API_VERSION: &str = "3.0.0";

/// `GET /api`: open to everyone (no API key), as on the real server. It needs no database work
/// (the installation id is read once, at start), so it answers at once however busy the
/// database is.
pub async fn root(State(state): State<AppState>) -> ApiResult<Json<RootResource>> {
    let installation_id = state.installation_id.to_string();
    let mut links = links::space_scoped(DEFAULT_SPACE_ID, state.api);
    links.extend([
        ("Self".into(), links::ROOT.into()),
        ("Spaces".into(), links::SPACES_TEMPLATE.into()),
        ("SpaceHome".into(), links::SPACE_HOME_TEMPLATE.into()),
        ("Web".into(), links::WEB.into()),
        ("CurrentUser".into(), links::CURRENT_USER.into()),
        ("PermissionDescriptions".into(), links::PERMISSIONS.into()),
    ]);
    Ok(Json(RootResource {
        application: "Octopus Deploy".into(),
        version: SERVER_VERSION.into(),
        api_version: API_VERSION.into(),
        installation_id,
        has_long_term_support: false,
        is_early_access_program: false,
        links,
    }))
}

/// `GET /api/{spaceId}`: the space's own link templates.
pub async fn space_root(
    State(state): State<AppState>,
    Path(space_id): Path<String>,
) -> ApiResult<Json<SpaceRootResource>> {
    let lookup = space_id.clone();
    let seq = state.db.read(move |c| space_seq(c, &lookup)).await?;
    let id = crate::ids::format(crate::ids::SPACES, seq);
    let mut links = links::space_scoped(&id, state.api);
    links.insert("Self".into(), links::space_home(&id));
    links.insert("Web".into(), links::WEB.into());
    Ok(Json(SpaceRootResource { id, links }))
}
