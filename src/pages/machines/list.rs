use api_model::permissions::Permission;
use leptos::prelude::*;

use super::checks::check_health;
use super::connection::change_connection;
use crate::api::{self, ListQuery, Lookups, Named};
use crate::components::list_page::{
    Bulk, BulkWork, Cell, Filter, ListPage, ListSpec, LoadTable, RowKey, Table,
};
use crate::components::Report;

use crate::fleet::{Fleet, TARGETS, WORKERS};
use crate::forms::target::{health_label, style_label, text, texts};
use crate::routes;
use api_model::POLLING;

use crate::api::{DIRECT, PROXY_FILTER};

/// What can be done with the selected machines: check their health, change their connection.
const fn bulk(run: fn(String, Vec<String>, RwSignal<Option<Report>>) -> BulkWork) -> Bulk {
    Bulk {
        label: "Check health",
        needs: Permission::TaskCreate,
        run,
        more: Some(change_connection),
    }
}

static TARGET_LIST: ListSpec = ListSpec {
    title: "Deployment Targets",
    add_label: "Add deployment target",
    add_needs: Some(TARGETS.permissions.create),
    list: routes::machines,
    search_id: Some("target-search"),
    search_label: "Name",
    filters: &[
        Filter::choice(routes::MACHINE_FILTERS[0], "Environment", "environmentIds", "All environments"),
        Filter::choice(routes::MACHINE_FILTERS[1], "Communication style", "commStyles", "All styles"),
        Filter::choice(routes::MACHINE_FILTERS[2], "Proxy", PROXY_FILTER, "Any connection"),
    ],
    table_label: "Deployment targets",
    columns: &["Name", "Communication", "Environments", "Roles", "Health", "Connection"],
    loading: "Loading deployment targets…",
    empty_title: "No deployment targets yet",
    empty_text: "Add a Listening Tentacle or an SSH target. Polling Tentacles add themselves when they register with the server.",
    no_match_title: "No deployment targets match",
    load: |space, query| load(&TARGETS, space, query),
    later: None,
    bulk: Some(bulk(|space, ids, report| check_health(&TARGETS, space, ids, report))),
    fleet: Some(&TARGETS),
};

static WORKER_LIST: ListSpec = ListSpec {
    title: "Workers",
    add_label: "Add worker",
    add_needs: Some(WORKERS.permissions.create),
    list: routes::workers,
    search_id: Some("worker-search"),
    search_label: "Name",
    filters: &[
        Filter::choice(routes::WORKER_FILTERS[0], "Worker pool", "workerPoolIds", "All worker pools"),
        Filter::choice(routes::WORKER_FILTERS[1], "Communication style", "commStyles", "All styles"),
        Filter::choice(routes::WORKER_FILTERS[2], "Proxy", PROXY_FILTER, "Any connection"),
    ],
    table_label: "Workers",
    columns: &["Name", "Communication", "Worker pools", "Health", "Connection"],
    loading: "Loading workers…",
    empty_title: "No workers yet",
    empty_text: "Add a Listening Tentacle or an SSH worker to a worker pool. Polling Tentacle workers add themselves when they register with the server.",
    no_match_title: "No workers match",
    load: |space, query| load(&WORKERS, space, query),
    later: None,
    bulk: Some(bulk(|space, ids, report| check_health(&WORKERS, space, ids, report))),
    fleet: Some(&WORKERS),
};

/// The space's deployment targets, filtered and paged in the address.
#[component]
pub fn TargetList() -> impl IntoView {
    view! { <ListPage spec=&TARGET_LIST/> }
}

/// The space's workers, filtered and paged in the address.
#[component]
pub fn WorkerList() -> impl IntoView {
    view! { <ListPage spec=&WORKER_LIST/> }
}

/// A page of the fleet's machines, with group and proxy names from one request each for the space.
fn load(fleet: &'static Fleet, space: String, query: ListQuery) -> LoadTable {
    Box::pin(async move {
        // Together: the names (usually cached) and the page.
        let (names, page) = futures::join!(
            api::lookups(space.clone(), fleet, false),
            api::machine_page(fleet, space.clone(), query)
        );
        let (names, page) = (names?, page?);
        let options = |list: &[Named]| {
            list.iter()
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect()
        };
        Ok(Table {
            has_next: page.links.contains_key("Page.Next"),
            total: page.total_results,
            rows: page
                .items
                .iter()
                .map(|m| row(fleet, &space, m, &names))
                .collect(),
            keys: page.items.iter().map(row_key).collect(),
            filter_options: vec![
                options(&names.groups),
                fleet
                    .styles
                    .iter()
                    .map(|s| (s.to_string(), style_label(s).to_owned()))
                    .collect(),
                std::iter::once((DIRECT.to_owned(), "Direct".to_owned()))
                    .chain(options(&names.proxies))
                    .collect(),
            ],
        })
    })
}

fn row_key(m: &api::Machine) -> RowKey {
    let endpoint = &m["Endpoint"];
    let connection = match text(endpoint, "ProxyId") {
        _ if endpoint["CommunicationStyle"] == POLLING => None,
        proxy if proxy.is_empty() => Some(DIRECT.to_owned()),
        proxy => Some(proxy),
    };
    RowKey {
        id: text(m, "Id"),
        name: text(m, "Name"),
        connection,
    }
}

fn row(fleet: &'static Fleet, space: &str, m: &api::Machine, names: &Lookups) -> Vec<Cell> {
    let endpoint = m.get("Endpoint").cloned().unwrap_or_default();
    let style = text(&endpoint, "CommunicationStyle");
    let groups = texts(m, fleet.groups_key)
        .iter()
        .map(|id| Lookups::name_of(&names.groups, id))
        .collect::<Vec<_>>()
        .join(", ");
    let proxy = text(&endpoint, "ProxyId");
    let connection = if style == POLLING {
        Cell::Muted("Set on the Tentacle".into())
    } else if proxy.is_empty() {
        Cell::Text("Direct".into())
    } else {
        Cell::Link(
            routes::proxy(space, &proxy),
            Lookups::name_of(&names.proxies, &proxy),
        )
    };
    let mut cells = vec![
        Cell::Link(routes::item(fleet, space, &text(m, "Id")), text(m, "Name")),
        Cell::Text(style_label(&style).to_owned()),
        Cell::Text(groups),
    ];
    if fleet.roles {
        cells.push(Cell::Text(texts(m, "Roles").join(", ")));
    }
    cells.push(Cell::Text(health_label(&text(m, "HealthStatus"))));
    cells.push(connection);
    cells
}
