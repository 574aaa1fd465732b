//! The only code that speaks HTTP. Screens call these typed functions and get typed errors.

mod auth;
mod cache;
mod change;
mod checks;
mod client;
mod error;
mod permissions;
mod server;
pub mod urls;
mod usage;
mod versions;

pub use auth::{api_key, forget_api_key, set_api_key};
pub use change::{all_or_none, change_connection, ConnectionChange};
pub use checks::{check_health, discover_thumbprint, test_proxy, test_saved_proxy, HealthCheck};
pub use error::ApiError;
pub use permissions::{access, forget_access, Access};
pub use server::{extensions, forget_root, known_extensions, root, Extensions, PROXY_FILTER};
pub use urls::ListQuery;
pub use usage::{proxy_usage, proxy_with_users, Users, DIRECT};

use api_model::{ProxyResource, ResourceCollection, SpaceResource};
use serde::Deserialize;
use serde_json::Value;

use crate::fleet::Fleet;

/// A page of a document's audit trail, newest first: its own events (a proxy's trail also holds
/// the events of machines moved to or from it, which their own pages show).
pub async fn history(
    space: String,
    id: String,
    skip: u32,
    take: u32,
) -> Result<ResourceCollection<api_model::EventResource>, ApiError> {
    client::get(&urls::history(&space, &id, skip, take)).await
}

/// A page of the space's audit trail.
pub async fn events(
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<api_model::EventResource>, ApiError> {
    client::get(&urls::events(&space, &query)).await
}

/// Which of these documents were deleted (one request for them all).
pub async fn deleted(space: String, ids: Vec<String>) -> Result<Vec<String>, ApiError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let page: ResourceCollection<api_model::EventResource> =
        client::get(&urls::deleted(&space, &ids)).await?;
    Ok(page
        .items
        .iter()
        .filter_map(|e| Some(e.item()?.0))
        .collect())
}

/// Every space (id and name), sorted by name.
pub async fn spaces() -> Result<Vec<Named>, ApiError> {
    let page: ResourceCollection<SpaceResource> = client::get(&urls::spaces()).await?;
    Ok(page
        .items
        .into_iter()
        .map(|s| Named {
            id: s.id,
            name: s.name,
        })
        .collect())
}

pub async fn proxy_page(
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<ProxyResource>, ApiError> {
    client::get(&urls::proxy_page(&space, &query)).await
}

/// A resource as loaded, with the ETag that a save sends back as `If-Match`: a save that would
/// overwrite someone else's change is then refused ([`ApiError::Changed`]) instead of losing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    pub value: T,
    pub etag: Option<String>,
}

pub async fn proxy(space: String, id: String) -> Result<Tagged<ProxyResource>, ApiError> {
    client::get_tagged(&urls::proxy(&space, &id)).await
}

/// The id and name of anything a screen links to or offers in a select (read from any resource:
/// its other fields are not needed).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// The id and name of every item of an array answer (`.../all`).
async fn named(path: &str) -> Result<Vec<Named>, ApiError> {
    client::get(path).await
}

/// What the machine screens show by name instead of by id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lookups {
    /// The fleet's groups: environments for deployment targets, worker pools for workers.
    pub groups: Vec<Named>,
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

/// The last names loaded: the space, the groups' collection, whether with accounts.
type Names = (&'static str, bool, Lookups);

thread_local! {
    static NAMES: std::cell::RefCell<Option<cache::Entry<Names>>> = const { std::cell::RefCell::new(None) };
}

/// Forgets every kept answer (names, machines' connections): called after every change this
/// console makes.
fn forget_names() {
    NAMES.with(|n| n.borrow_mut().take());
    usage::forget();
}

/// The space's groups of the fleet (environments or worker pools) and proxies, and its SSH
/// accounts when `accounts` is asked for: one request each, all at once, however many rows the
/// page shows; kept for a minute, so paging and filtering a list do not ask again.
pub async fn lookups(space: String, fleet: &Fleet, accounts: bool) -> Result<Lookups, ApiError> {
    let groups = fleet.groups_collection;
    let cached = NAMES.with(|n| match cache::fresh(&n.borrow(), &space) {
        Some((g, a, names)) if g == groups && (a || !accounts) => Some(names),
        _ => None,
    });
    if let Some(names) = cached {
        return Ok(names);
    }
    let [groups_url, proxies_url, accounts_url] =
        [groups, "proxies", "accounts"].map(|kind| urls::all(&space, kind));
    let (group_list, proxies, account_list) =
        futures::join!(named(&groups_url), named(&proxies_url), async {
            match accounts {
                true => named(&accounts_url).await,
                false => Ok(vec![]),
            }
        },);
    let names = Lookups {
        groups: group_list?,
        proxies: proxies?,
        accounts: account_list?,
    };
    NAMES.with(|n| {
        *n.borrow_mut() = Some(cache::Entry::new(&space, (groups, accounts, names.clone())))
    });
    Ok(names)
}

/// A deployment target or worker exactly as the server sent it. The console keeps the whole
/// document, so a save changes only the fields the form edits and loses nothing it does not know.
pub type Machine = Value;

/// A page of a fleet's list. Filtered by proxy on a server that does not know that filter, the
/// console filters (see [`usage`]).
pub async fn machine_page(
    fleet: &Fleet,
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<Machine>, ApiError> {
    let by_proxy = query
        .filters
        .iter()
        .find(|(k, v)| *k == PROXY_FILTER && !v.is_empty())
        .map(|(_, v)| v.clone());
    match by_proxy {
        Some(wanted) if !server::extensions().await?.proxy_filter => {
            usage::filtered_page(fleet, &space, &query, &wanted).await
        }
        _ => client::get(&urls::machine_page(&space, fleet, &query)).await,
    }
}

pub async fn machine(
    fleet: &Fleet,
    space: String,
    id: String,
) -> Result<Tagged<Machine>, ApiError> {
    client::get_tagged(&urls::machine(&space, fleet, &id)).await
}

/// Creates the machine, or updates it when it has an `Id`, only if it is still the version
/// `loaded` (the ETag it came with, or a fresh read compared: see [`versions`]).
pub async fn save_machine(
    fleet: &Fleet,
    space: String,
    machine: Machine,
    loaded: Option<Tagged<Machine>>,
) -> Result<Machine, ApiError> {
    forget_names();
    let Some(id) = machine.get("Id").and_then(Value::as_str).map(str::to_owned) else {
        return client::post(&urls::machines(&space, fleet), &machine).await;
    };
    let read = self::machine(fleet, space.clone(), id.clone());
    let etag = versions::check(loaded.as_ref(), read, versions::same_machine).await?;
    client::put(
        &urls::machine(&space, fleet, &id),
        &machine,
        etag.as_deref(),
    )
    .await
}

/// Creates the proxy, or updates it when it has an `Id`, only if it is still the version
/// `loaded`.
pub async fn save_proxy(
    space: String,
    proxy: ProxyResource,
    loaded: Option<Tagged<ProxyResource>>,
) -> Result<ProxyResource, ApiError> {
    forget_names();
    let Some(id) = proxy.id.clone() else {
        return client::post(&urls::proxies(&space), &proxy).await;
    };
    let read = self::proxy(space.clone(), id.clone());
    let etag = versions::check(loaded.as_ref(), read, versions::same_proxy).await?;
    client::put(&urls::proxy(&space, &id), &proxy, etag.as_deref()).await
}

/// Deletes the proxy, only if it is still the version `loaded`.
pub async fn delete_proxy(space: String, loaded: Tagged<ProxyResource>) -> Result<(), ApiError> {
    forget_names();
    let id = loaded.value.id.clone().unwrap_or_default();
    let read = self::proxy(space.clone(), id.clone());
    let etag = versions::check(Some(&loaded), read, versions::same_proxy).await?;
    client::delete(&urls::proxy(&space, &id), etag.as_deref()).await
}
