//! The only code that speaks HTTP. Screens call these typed functions and get typed errors.

mod auth;
mod client;
mod error;
pub mod urls;

pub use auth::{api_key, forget_api_key, set_api_key};
pub use error::ApiError;
pub use urls::ListQuery;

use api_model::{ProxyResource, ResourceCollection, RootResource, SpaceResource};
use serde::Deserialize;
use serde_json::Value;

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

pub async fn proxy_page(
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<ProxyResource>, ApiError> {
    client::get(&urls::proxy_page(&space, &query)).await
}

/// How many deployment targets use each of these proxies: one request for a page of them.
pub async fn proxy_usage(space: String, ids: Vec<String>) -> Result<Usage, ApiError> {
    client::get(&urls::proxy_usage(&space, &ids)).await
}

/// Proxy id to the number of deployment targets that use it.
pub type Usage = std::collections::BTreeMap<String, i64>;

/// A resource as loaded, with the ETag that a save sends back as `If-Match`: a save that would
/// overwrite someone else's change is then refused ([`ApiError::Changed`]) instead of losing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    pub value: T,
    pub etag: Option<String>,
}

/// A proxy and the deployment targets that use it (two requests, one after the other).
pub async fn proxy_with_users(
    space: String,
    id: String,
) -> Result<(Tagged<ProxyResource>, Vec<Named>), ApiError> {
    let query = ListQuery {
        take: urls::TAKE_ALL,
        filters: vec![("proxyIds", id.clone())],
        ..ListQuery::default()
    };
    let users_page = urls::machine_page(&space, &query);
    let proxy = proxy(space, id).await?;
    let users = client::get::<ResourceCollection<Named>>(&users_page).await?;
    Ok((proxy, users.items))
}

pub async fn proxy(space: String, id: String) -> Result<Tagged<ProxyResource>, ApiError> {
    client::get_tagged(&urls::proxy(&space, &id)).await
}

/// The id and name of anything a screen links to or offers in a select.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Named {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// What the deployment-target screens show by name instead of by id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lookups {
    pub environments: Vec<Named>,
    pub proxies: Vec<Named>,
    pub accounts: Vec<Named>,
}

impl Lookups {
    /// The name for an id, or the id itself if it is not known.
    pub fn name_of(list: &[Named], id: &str) -> String {
        list.iter()
            .find(|n| n.id == id)
            .map_or_else(|| id.to_owned(), |n| n.name.clone())
    }
}

/// The space's environments and proxies, and its SSH accounts when `accounts` is asked for: one
/// request each, however many rows the page shows.
pub async fn lookups(space: String, accounts: bool) -> Result<Lookups, ApiError> {
    Ok(Lookups {
        environments: client::get(&urls::all(&space, "environments")).await?,
        proxies: client::get(&urls::all(&space, "proxies")).await?,
        accounts: match accounts {
            true => client::get(&urls::all(&space, "accounts")).await?,
            false => vec![],
        },
    })
}

/// A deployment target exactly as the server sent it. The console keeps the whole document,
/// so a save changes only the fields the form edits and loses nothing it does not know.
pub type Machine = Value;

pub async fn machine_page(
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<Machine>, ApiError> {
    client::get(&urls::machine_page(&space, &query)).await
}

pub async fn machine(space: String, id: String) -> Result<Tagged<Machine>, ApiError> {
    client::get_tagged(&urls::machine(&space, &id)).await
}

/// Creates the target, or updates it when it has an `Id` (only if it still has `etag`).
pub async fn save_machine(
    space: String,
    machine: Machine,
    etag: Option<String>,
) -> Result<Machine, ApiError> {
    match machine.get("Id").and_then(Value::as_str) {
        Some(id) => client::put(&urls::machine(&space, id), &machine, etag.as_deref()).await,
        None => client::post(&urls::machines(&space), &machine).await,
    }
}

/// Creates the proxy, or updates it when it has an `Id` (only if it still has `etag`).
pub async fn save_proxy(
    space: String,
    proxy: ProxyResource,
    etag: Option<String>,
) -> Result<ProxyResource, ApiError> {
    match proxy.id.clone() {
        Some(id) => client::put(&urls::proxy(&space, &id), &proxy, etag.as_deref()).await,
        None => client::post(&urls::proxies(&space), &proxy).await,
    }
}

pub async fn delete_proxy(space: String, id: String, etag: Option<String>) -> Result<(), ApiError> {
    client::delete(&urls::proxy(&space, &id), etag.as_deref()).await
}
