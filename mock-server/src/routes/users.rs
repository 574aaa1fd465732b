//! `GET /api/users/me`, `GET /api/users/{id}/permissions` (the caller's own only, as on Octopus)
//! and `GET /api/permissions/all`: how a client learns what its key may do.

use std::collections::BTreeMap;

use api_model::permissions::{Permission, PermissionDescription};
use api_model::{UserPermissionSet, UserResource};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::access::{self, Caller};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn me(caller: Caller) -> Json<UserResource> {
    Json(caller.user)
}

pub async fn permissions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<UserPermissionSet>> {
    if !id.eq_ignore_ascii_case(&caller.user.id) && !id.eq_ignore_ascii_case("me") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "You can only see your own permissions: this user is not you.",
        ));
    }
    let set = state
        .db
        .read(move |c| access::permissions_of(c, &caller))
        .await?;
    Ok(Json(set))
}

pub async fn all() -> Json<BTreeMap<&'static str, PermissionDescription>> {
    Json(
        Permission::ALL
            .iter()
            .map(|p| (p.name(), PermissionDescription::from(*p)))
            .collect(),
    )
}
