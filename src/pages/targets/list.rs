use leptos::prelude::*;

use super::checks::check_health;
use super::connection::change_connection;
use crate::api::{self, ListQuery, Lookups, Named};
use crate::components::list_page::{Bulk, Cell, Filter, ListPage, ListSpec, Table};
use crate::components::{Loaded, Loading};
use crate::forms::target::{health_label, style_label, text, texts};
use crate::routes;
use api_model::{KUBERNETES, LISTENING, POLLING, SSH};

/// The `proxyIds` value for targets that connect directly (the mock server's extension).
const DIRECT: &str = "Direct";

const STYLES: [&str; 4] = [LISTENING, SSH, KUBERNETES, POLLING];

static SPEC: ListSpec = ListSpec {
    title: "Deployment Targets",
    add_label: "Add deployment target",
    list: routes::machines,
    search_id: "target-search",
    search_label: "Name",
    filters: &[
        Filter { key: routes::MACHINE_FILTERS[0], label: "Environment", param: "environmentIds", all: "All environments" },
        Filter { key: routes::MACHINE_FILTERS[1], label: "Communication style", param: "commStyles", all: "All styles" },
        Filter { key: routes::MACHINE_FILTERS[2], label: "Proxy", param: "proxyIds", all: "Any connection" },
    ],
    table_label: "Deployment targets",
    columns: &["Name", "Communication", "Environments", "Roles", "Health", "Connection"],
    loading: "Loading deployment targets…",
    empty_title: "No deployment targets yet",
    empty_text: "Add a Listening Tentacle or an SSH target. Polling Tentacles add themselves when they register with the server.",
    no_match_title: "No deployment targets match",
    load,
    later: None,
    bulk: Some(Bulk { label: "Check health", run: check_health, more: Some(change_connection) }),
};

/// The space's deployment targets, filtered and paged in the address.
#[component]
pub fn TargetList() -> impl IntoView {
    view! { <ListPage spec=&SPEC/> }
}

/// A page of targets, with environment and proxy names from one request each for the space.
fn load(space: String, query: ListQuery) -> Loading {
    Box::pin(async move {
        // Together: the names (usually cached) and the page.
        let (names, page) = futures::join!(
            api::lookups(space.clone(), false),
            api::machine_page(space.clone(), query)
        );
        let (names, page) = (names?, page?);
        let options = |list: &[Named]| {
            list.iter()
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect()
        };
        Ok(Loaded::Table(Table {
            has_next: page.links.contains_key("Page.Next"),
            total: page.total_results,
            rows: page.items.iter().map(|m| row(&space, m, &names)).collect(),
            keys: page
                .items
                .iter()
                .map(|m| (text(m, "Id"), text(m, "Name")))
                .collect(),
            set_elsewhere: page
                .items
                .iter()
                .filter(|m| m["Endpoint"]["CommunicationStyle"] == POLLING)
                .map(|m| text(m, "Id"))
                .collect(),
            filter_options: vec![
                options(&names.environments),
                STYLES
                    .iter()
                    .map(|s| (s.to_string(), style_label(s).to_owned()))
                    .collect(),
                std::iter::once((DIRECT.to_owned(), "Direct".to_owned()))
                    .chain(options(&names.proxies))
                    .collect(),
            ],
            ..Table::default()
        }))
    })
}

fn row(space: &str, m: &api::Machine, names: &Lookups) -> Vec<Cell> {
    let endpoint = m.get("Endpoint").cloned().unwrap_or_default();
    let style = text(&endpoint, "CommunicationStyle");
    let environments = texts(m, "EnvironmentIds")
        .iter()
        .map(|id| Lookups::name_of(&names.environments, id))
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
    vec![
        Cell::Link(routes::machine(space, &text(m, "Id")), text(m, "Name")),
        Cell::Text(style_label(&style).to_owned()),
        Cell::Text(environments),
        Cell::Text(texts(m, "Roles").join(", ")),
        Cell::Text(health_label(&text(m, "HealthStatus"))),
        connection,
    ]
}
