//! The `/api` routes: each space-scoped route has an unscoped twin that means the default space.

pub(crate) mod environments;
pub(crate) mod machines;
pub(crate) mod proxies;
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
        .merge(references("/api"))
        .merge(references("/api/{space_id}"))
        .fallback(|| async { ApiError::not_found("The resource you requested was not found.") })
}

fn scoped(base: &str) -> Router<AppState> {
    Router::new()
        .route(base, get(proxies::list).post(proxies::create))
        .route(&format!("{base}/all"), get(proxies::all))
        .route(&format!("{base}/usage"), get(proxies::usage))
        .route(
            &format!("{base}/{{id}}"),
            get(proxies::get)
                .put(proxies::update)
                .delete(proxies::delete),
        )
}

/// Deployment targets, and what they refer to: environments and SSH accounts.
fn references(base: &str) -> Router<AppState> {
    use environments::*;
    Router::new()
        .route(
            &format!("{base}/environments"),
            get(list_environments).post(create_environment),
        )
        .route(&format!("{base}/environments/all"), get(all_environments))
        .route(&format!("{base}/environments/{{id}}"), get(get_environment))
        .route(&format!("{base}/accounts"), get(list_accounts))
        .route(&format!("{base}/accounts/all"), get(all_accounts))
        .route(&format!("{base}/accounts/{{id}}"), get(get_account))
        .route(
            &format!("{base}/machines"),
            get(machines::list).post(machines::create),
        )
        .route(&format!("{base}/machines/all"), get(machines::all))
        .route(
            &format!("{base}/machines/{{id}}"),
            get(machines::get)
                .put(machines::update)
                .delete(machines::delete),
        )
}
