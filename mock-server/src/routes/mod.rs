//! The `/api` routes: each space-scoped route has an unscoped twin that means the default space.

mod proxies;
pub(crate) mod root;
mod spaces;

pub use root::{API_VERSION, SERVER_VERSION};

use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/api", get(root::root))
        .route("/api/", get(root::root))
        .route("/api/spaces", get(spaces::list))
        .route("/api/spaces/{id}", get(spaces::get))
        .route("/api/{space_id}", get(root::space_root))
        .merge(scoped("/api/proxies"))
        .merge(scoped("/api/{space_id}/proxies"))
        .fallback(|| async { ApiError::not_found("The resource you requested was not found.") })
}

fn scoped(base: &str) -> Router<AppState> {
    Router::new()
        .route(base, get(proxies::list).post(proxies::create))
        .route(&format!("{base}/all"), get(proxies::all))
        .route(
            &format!("{base}/{{id}}"),
            get(proxies::get)
                .put(proxies::update)
                .delete(proxies::delete),
        )
}
