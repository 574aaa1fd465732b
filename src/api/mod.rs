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

/// A page of proxies with how many deployment targets use each: two requests, one per page.
pub async fn proxies_with_usage(
    space: String,
    query: ProxyQuery,
) -> Result<(ResourceCollection<ProxyResource>, Usage), ApiError> {
    let page: ResourceCollection<ProxyResource> =
        client::get(&urls::proxy_page(&space, &query)).await?;
    let ids: Vec<String> = page.items.iter().filter_map(|p| p.id.clone()).collect();
    let usage = if ids.is_empty() {
        Usage::new()
    } else {
        client::get(&urls::proxy_usage(&space, &ids)).await?
    };
    Ok((page, usage))
}

/// Proxy id to the number of deployment targets that use it.
pub type Usage = std::collections::BTreeMap<String, i64>;

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
