//! The only code that speaks HTTP. Screens call these typed functions and get typed errors.

mod auth;
mod checks;
mod client;
mod error;
pub mod urls;

pub use auth::{api_key, forget_api_key, set_api_key};
pub use checks::{check_health, discover_thumbprint, test_proxy, HealthCheck};
pub use error::ApiError;
pub use urls::ListQuery;

use api_model::{
    ProxyChange, ProxyChangeResult, ProxyResource, ProxyUsage, ResourceCollection, RootResource,
    SpaceResource,
};
use serde::Deserialize;
use serde_json::Value;

use crate::fleet::{Fleet, TARGETS, WORKERS};

/// `GET /api`: what server this is.
pub async fn root() -> Result<RootResource, ApiError> {
    client::get(&urls::root()).await
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

/// How many deployment targets and workers use each of these proxies: one request for a page
/// of them.
pub async fn proxy_usage(space: String, ids: Vec<String>) -> Result<ProxyUsage, ApiError> {
    client::get(&urls::proxy_usage(&space, &ids)).await
}

/// A resource as loaded, with the ETag that a save sends back as `If-Match`: a save that would
/// overwrite someone else's change is then refused ([`ApiError::Changed`]) instead of losing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    pub value: T,
    pub etag: Option<String>,
}

/// The machines that use a proxy: the deployment targets' names, the workers' names, and where
/// the first one the server connects to is reached (to offer for a test of the proxy).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Users {
    pub targets: Vec<Named>,
    pub workers: Vec<Named>,
    pub address: Option<(String, u16)>,
}

impl Users {
    /// Each fleet with its machines that use the proxy.
    pub fn by_fleet(&self) -> [(&'static Fleet, &Vec<Named>); 2] {
        [(&TARGETS, &self.targets), (&WORKERS, &self.workers)]
    }

    pub fn count(&self) -> usize {
        self.targets.len() + self.workers.len()
    }
}

/// A proxy and the deployment targets and workers that use it (three requests, together).
pub async fn proxy_with_users(
    space: String,
    id: String,
) -> Result<(Tagged<ProxyResource>, Users), ApiError> {
    let query = ListQuery {
        take: urls::TAKE_ALL,
        filters: vec![("proxyIds", id.clone())],
        ..ListQuery::default()
    };
    let (proxy, targets, workers) = futures::join!(
        proxy(space.clone(), id),
        machine_page(&TARGETS, space.clone(), query.clone()),
        machine_page(&WORKERS, space, query)
    );
    let (targets, workers) = (targets?.items, workers?.items);
    Ok((
        proxy?,
        Users {
            targets: targets.iter().map(Named::of).collect(),
            workers: workers.iter().map(Named::of).collect(),
            address: targets
                .iter()
                .chain(&workers)
                .find_map(|m| api_model::endpoint_address(&m["Endpoint"])),
        },
    ))
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

impl Named {
    /// A machine's `Id` and `Name` (machines are kept whole, as [`Machine`]).
    pub fn of(v: &Value) -> Self {
        let text = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
        Self {
            id: text("Id"),
            name: text("Name"),
        }
    }
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

/// How long the names of a space's groups, proxies and accounts are used before they are
/// asked for again (a change made in this console forgets them at once).
const NAMES_MAX_AGE_MS: f64 = 60_000.0;

/// The last names loaded: (space, groups collection, with accounts, when, names).
type Cached = (String, &'static str, bool, f64, Lookups);

thread_local! {
    static NAMES: std::cell::RefCell<Option<Cached>> = const { std::cell::RefCell::new(None) };
}

/// Forgets the cached names: called after every change this console makes.
fn forget_names() {
    NAMES.with(|n| n.borrow_mut().take());
}

/// The space's groups of the fleet (environments or worker pools) and proxies, and its SSH
/// accounts when `accounts` is asked for: one request each, all at once, however many rows the
/// page shows; kept for a minute, so paging and filtering a list do not ask again.
pub async fn lookups(space: String, fleet: &Fleet, accounts: bool) -> Result<Lookups, ApiError> {
    let now = js_sys::Date::now();
    let groups = fleet.groups_collection;
    let cached = NAMES.with(|n| match &*n.borrow() {
        Some((s, g, a, at, names))
            if *s == space && *g == groups && (*a || !accounts) && now - at < NAMES_MAX_AGE_MS =>
        {
            Some(names.clone())
        }
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
    NAMES.with(|n| *n.borrow_mut() = Some((space, groups, accounts, now, names.clone())));
    Ok(names)
}

/// A deployment target or worker exactly as the server sent it. The console keeps the whole
/// document, so a save changes only the fields the form edits and loses nothing it does not know.
pub type Machine = Value;

pub async fn machine_page(
    fleet: &Fleet,
    space: String,
    query: ListQuery,
) -> Result<ResourceCollection<Machine>, ApiError> {
    client::get(&urls::machine_page(&space, fleet, &query)).await
}

pub async fn machine(
    fleet: &Fleet,
    space: String,
    id: String,
) -> Result<Tagged<Machine>, ApiError> {
    client::get_tagged(&urls::machine(&space, fleet, &id)).await
}

/// Creates the machine, or updates it when it has an `Id` (only if it still has `etag`).
pub async fn save_machine(
    fleet: &Fleet,
    space: String,
    machine: Machine,
    etag: Option<String>,
) -> Result<Machine, ApiError> {
    forget_names();
    match machine.get("Id").and_then(Value::as_str) {
        Some(id) => client::put(&urls::machine(&space, fleet, id), &machine, etag.as_deref()).await,
        None => client::post(&urls::machines(&space, fleet), &machine).await,
    }
}

/// Points every machine of the fleet in `ids` at `proxy` (none: Direct), all or none of them:
/// the server's answer, whose `Changed` lists each with the proxy it had (`PreviousProxyId`).
pub async fn change_proxy(
    fleet: &Fleet,
    space: String,
    ids: Vec<String>,
    proxy: Option<String>,
) -> Result<ProxyChangeResult, ApiError> {
    forget_names();
    let body = ProxyChange {
        ids,
        proxy_id: proxy,
    };
    client::post(&urls::machines_proxy(&space, fleet), &body).await
}

/// Creates the proxy, or updates it when it has an `Id` (only if it still has `etag`).
pub async fn save_proxy(
    space: String,
    proxy: ProxyResource,
    etag: Option<String>,
) -> Result<ProxyResource, ApiError> {
    forget_names();
    match proxy.id.clone() {
        Some(id) => client::put(&urls::proxy(&space, &id), &proxy, etag.as_deref()).await,
        None => client::post(&urls::proxies(&space), &proxy).await,
    }
}

pub async fn delete_proxy(space: String, id: String, etag: Option<String>) -> Result<(), ApiError> {
    forget_names();
    client::delete(&urls::proxy(&space, &id), etag.as_deref()).await
}
