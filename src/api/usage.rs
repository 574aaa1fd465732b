//! Who uses which proxy. A server with the mock's extensions answers it (`proxies/usage`, the
//! `proxyIds` filter); on one without them (Octopus) every machine of the space comes from
//! `machines/all` and `workers/all`, one request each, kept as the space's names are, and the
//! console groups them by `Endpoint.ProxyId`.

use std::cell::RefCell;
use std::rc::Rc;

use api_model::{connection, Connection, ProxyResource, ProxyUsage, ResourceCollection};

use super::server::{extensions, PROXY_FILTER};
use super::{cache, client, urls, ApiError, ListQuery, Machine, Named, Tagged};
use crate::fleet::{Fleet, TARGETS, WORKERS};

/// The `proxyIds` value (and the Proxy filter's choice) for machines that connect directly.
pub const DIRECT: &str = "Direct";

/// Every deployment target and worker of a space.
#[derive(Debug, Default)]
pub struct Fleets {
    pub targets: Vec<Machine>,
    pub workers: Vec<Machine>,
}

thread_local! {
    static FLEETS: RefCell<Option<cache::Entry<Rc<Fleets>>>> = const { RefCell::new(None) };
    /// The last list filtered by proxy in the console: (API address without paging, rows).
    static FILTERED: RefCell<Option<cache::Entry<Rc<Vec<Machine>>>>> = const { RefCell::new(None) };
}

/// Forgets what was kept: called after every change this console makes.
pub(super) fn forget() {
    FLEETS.with(|f| f.borrow_mut().take());
    FILTERED.with(|f| f.borrow_mut().take());
}

/// Every machine of the space (two requests, together), kept for a while.
async fn fleets(space: &str) -> Result<Rc<Fleets>, ApiError> {
    if let Some(kept) = FLEETS.with(|f| cache::fresh(&f.borrow(), space)) {
        return Ok(kept);
    }
    let [targets, workers] = [&TARGETS, &WORKERS].map(|f| urls::all(space, f.collection));
    let (targets, workers) = futures::join!(client::get(&targets), client::get(&workers));
    let fleets = Rc::new(Fleets {
        targets: targets?,
        workers: workers?,
    });
    FLEETS.with(|f| *f.borrow_mut() = Some(cache::Entry::new(space, fleets.clone())));
    Ok(fleets)
}

/// How many deployment targets and workers use each of these proxies: one request for a page
/// of them, or the space's machines counted here.
pub async fn proxy_usage(space: String, ids: Vec<String>) -> Result<ProxyUsage, ApiError> {
    if extensions().await?.usage {
        return client::get(&urls::proxy_usage(&space, &ids)).await;
    }
    let fleets = fleets(&space).await?;
    let mut usage = ProxyUsage::new();
    for id in ids {
        usage.insert(id, 0);
    }
    for m in fleets.targets.iter().chain(&fleets.workers) {
        if let Connection::Proxy(p) = connection(&m["Endpoint"]) {
            if let Some(n) = usage.get_mut(&p) {
                *n += 1;
            }
        }
    }
    Ok(usage)
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

    fn of(targets: &[Machine], workers: &[Machine], proxy: &str) -> Self {
        let uses = |m: &&Machine| connection(&m["Endpoint"]) == Connection::Proxy(proxy.to_owned());
        let text = |m: &Machine, key: &str| m[key].as_str().unwrap_or_default().to_owned();
        let named = |list: &[Machine]| {
            list.iter()
                .filter(uses)
                .map(|m| Named {
                    id: text(m, "Id"),
                    name: text(m, "Name"),
                })
                .collect()
        };
        Self {
            targets: named(targets),
            workers: named(workers),
            address: targets
                .iter()
                .chain(workers)
                .filter(uses)
                .find_map(|m| api_model::endpoint_address(&m["Endpoint"])),
        }
    }
}

/// A proxy and the deployment targets and workers that use it (its requests go together).
pub async fn proxy_with_users(
    space: String,
    id: String,
) -> Result<(Tagged<ProxyResource>, Users), ApiError> {
    let extended = extensions().await?.proxy_filter;
    let proxy = super::proxy(space.clone(), id.clone());
    if !extended {
        let (proxy, fleets) = futures::join!(proxy, fleets(&space));
        let fleets = fleets?;
        return Ok((proxy?, Users::of(&fleets.targets, &fleets.workers, &id)));
    }
    let query = ListQuery {
        take: urls::TAKE_ALL,
        filters: vec![(PROXY_FILTER, id.clone())],
        ..ListQuery::default()
    };
    let [targets, workers] = [&TARGETS, &WORKERS].map(|f| urls::machine_page(&space, f, &query));
    let (proxy, targets, workers) = futures::join!(
        proxy,
        client::get::<ResourceCollection<Machine>>(&targets),
        client::get::<ResourceCollection<Machine>>(&workers)
    );
    Ok((proxy?, Users::of(&targets?.items, &workers?.items, &id)))
}

/// Whether a machine matches a Proxy filter's value (a proxy's id, or [`DIRECT`]).
fn matches(wanted: &str, m: &Machine) -> bool {
    match connection(&m["Endpoint"]) {
        Connection::Proxy(p) => p.eq_ignore_ascii_case(wanted),
        Connection::Direct => wanted.eq_ignore_ascii_case(DIRECT),
        Connection::Elsewhere => false,
    }
}

/// A page of a fleet's list filtered by proxy on a server that does not know the filter: every
/// machine matching the other filters (which the server applies), filtered and paged here. The
/// rows are kept, so paging the same list asks nothing.
pub(super) async fn filtered_page(
    fleet: &Fleet,
    space: &str,
    query: &ListQuery,
    wanted: &str,
) -> Result<ResourceCollection<Machine>, ApiError> {
    let all = ListQuery {
        skip: 0,
        take: urls::TAKE_ALL,
        filters: query
            .filters
            .iter()
            .filter(|(k, _)| *k != PROXY_FILTER)
            .cloned()
            .collect(),
        ..query.clone()
    };
    let url = urls::machine_page(space, fleet, &all);
    let kept = FILTERED.with(|f| cache::fresh(&f.borrow(), &url));
    let rows = match kept {
        Some(rows) => rows,
        None => {
            let page: ResourceCollection<Machine> = client::get(&url).await?;
            let rows = Rc::new(
                page.items
                    .into_iter()
                    .filter(|m| matches(wanted, m))
                    .collect::<Vec<_>>(),
            );
            FILTERED.with(|f| *f.borrow_mut() = Some(cache::Entry::new(&url, rows.clone())));
            rows
        }
    };
    Ok(page_of(&rows, query.skip, query.take))
}

/// One page of rows, in the envelope a server's list has (with `Page.Next` when more follow).
fn page_of(rows: &[Machine], skip: u32, take: u32) -> ResourceCollection<Machine> {
    let (skip, take) = (skip as usize, take.max(1) as usize);
    let items: Vec<Machine> = rows.iter().skip(skip).take(take).cloned().collect();
    let total = rows.len();
    let mut links = api_model::Links::new();
    if skip + items.len() < total {
        links.insert("Page.Next".into(), String::new());
    }
    ResourceCollection {
        item_type: "Machine".into(),
        total_results: total as i64,
        items_per_page: take as i64,
        number_of_pages: total.div_ceil(take) as i64,
        last_page_number: total.div_ceil(take).saturating_sub(1) as i64,
        is_stale: false,
        items,
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn listed(id: &str, endpoint: Value) -> Machine {
        json!({"Id": id, "Name": format!("{id} name"), "Endpoint": endpoint})
    }

    #[test]
    fn users_are_the_machines_whose_endpoint_names_the_proxy() {
        let targets = [
            listed(
                "Machines-1",
                json!({"CommunicationStyle": "Ssh", "Host": "db01", "Port": 2222, "ProxyId": "Proxies-1"}),
            ),
            listed(
                "Machines-2",
                json!({"CommunicationStyle": "Ssh", "Host": "db02", "ProxyId": "Proxies-2"}),
            ),
            listed(
                "Machines-3",
                json!({"CommunicationStyle": "TentacleActive"}),
            ),
        ];
        let workers = [listed(
            "Workers-1",
            json!({"CommunicationStyle": "TentaclePassive", "Uri": "https://w1:10933/", "ProxyId": "Proxies-1"}),
        )];
        let users = Users::of(&targets, &workers, "Proxies-1");
        let ids = |named: &[Named]| named.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&users.targets), ["Machines-1"]);
        assert_eq!(ids(&users.workers), ["Workers-1"]);
        assert_eq!(users.address, Some(("db01".into(), 2222)));
        assert_eq!(Users::of(&targets, &workers, "Proxies-9"), Users::default());
    }

    #[test]
    fn the_proxy_filter_matches_a_proxy_or_direct_never_a_polling_tentacle() {
        let through = json!({"Endpoint": {"CommunicationStyle": "Ssh", "ProxyId": "Proxies-1"}});
        let direct = json!({"Endpoint": {"CommunicationStyle": "Kubernetes", "ProxyId": null}});
        let polling = json!({"Endpoint": {"CommunicationStyle": "TentacleActive"}});
        assert!(matches("Proxies-1", &through) && !matches("Proxies-2", &through));
        assert!(matches(DIRECT, &direct) && !matches("Proxies-1", &direct));
        assert!(!matches(DIRECT, &through));
        assert!(!matches(DIRECT, &polling) && !matches("Proxies-1", &polling));
    }

    #[test]
    fn pages_the_filtered_rows_as_a_server_would() {
        let rows: Vec<Machine> = (0..65)
            .map(|i| json!({"Id": format!("Machines-{i}")}))
            .collect();
        let first = page_of(&rows, 0, 30);
        assert_eq!((first.total_results, first.items.len()), (65, 30));
        assert!(first.links.contains_key("Page.Next"));
        assert_eq!(first.number_of_pages, 3);
        let last = page_of(&rows, 60, 30);
        assert_eq!(last.items.len(), 5);
        assert_eq!(last.items[0]["Id"], "Machines-60");
        assert!(!last.links.contains_key("Page.Next"));
        assert!(page_of(&rows, 90, 30).items.is_empty());
        assert_eq!(page_of(&[], 0, 30).number_of_pages, 0);
    }
}
