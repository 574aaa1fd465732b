//! The only code that speaks HTTP. Screens call these typed functions and get typed errors.

mod auth;
mod client;
mod error;
pub mod urls;

pub use auth::{api_key, forget_api_key, set_api_key};
pub use error::ApiError;
pub use urls::ProxyQuery;

use api_model::{ProxyResource, ResourceCollection, RootResource, SpaceResource};

/// `GET /api`: what server this is.
pub async fn root() -> Result<RootResource, ApiError> {
    client::get(&urls::root()).await
}

/// Every space, sorted by name.
pub async fn spaces() -> Result<Vec<SpaceResource>, ApiError> {
    client::get::<ResourceCollection<SpaceResource>>(&urls::spaces())
        .await
        .map(|page| page.items)
}

/// One page of a space's proxies.
pub async fn proxies(
    space: String,
    query: ProxyQuery,
) -> Result<ResourceCollection<ProxyResource>, ApiError> {
    client::get(&urls::proxy_page(&space, &query)).await
}

pub async fn proxy(space: String, id: String) -> Result<ProxyResource, ApiError> {
    client::get(&urls::proxy(&space, &id)).await
}

pub async fn create_proxy(space: String, proxy: ProxyResource) -> Result<ProxyResource, ApiError> {
    client::post(&urls::proxies(&space), &proxy).await
}

pub async fn update_proxy(
    space: String,
    id: String,
    proxy: ProxyResource,
) -> Result<ProxyResource, ApiError> {
    client::put(&urls::proxy(&space, &id), &proxy).await
}

pub async fn delete_proxy(space: String, id: String) -> Result<(), ApiError> {
    client::delete(&urls::proxy(&space, &id)).await
}
