use leptos::prelude::*;

use super::about::AboutProxies;
use crate::api::{self, ListQuery};
use crate::components::list_page::{Cell, ListPage, ListSpec, Loading, Table};
use crate::routes;

static SPEC: ListSpec = ListSpec {
    title: "Proxies",
    add_label: "Add proxy",
    list: routes::proxies,
    search_id: "proxy-search",
    search_label: "Name",
    filters: &[],
    table_label: "Proxies",
    columns: &["Name", "Host", "Port", "Authentication", "Used by"],
    loading: "Loading proxies…",
    empty_title: "No proxies yet",
    empty_text:
        "Add the HTTP proxy the server should use to reach Listening Tentacles or SSH targets.",
    no_match_title: "No proxies match",
    load,
};

/// The space's proxies, searched by name and paged in the address.
#[component]
pub fn ProxyList() -> impl IntoView {
    view! { <ListPage spec=&SPEC><AboutProxies/></ListPage> }
}

/// A page of proxies with how many targets use each (one request for the whole page).
fn load(space: String, query: ListQuery) -> Loading {
    Box::pin(async move {
        let (page, usage) = api::proxies_with_usage(space.clone(), query).await?;
        Ok(Table {
            has_next: page.links.contains_key("Page.Next"),
            total: page.total_results,
            rows: page
                .items
                .into_iter()
                .map(|p| {
                    let id = p.id.unwrap_or_default();
                    vec![
                        Cell::Link(routes::proxy(&space, &id), p.name),
                        Cell::Text(p.host),
                        Cell::Text(p.port.to_string()),
                        Cell::Text(p.username.unwrap_or_else(|| "None".into())),
                        Cell::Text(routes::used_by(usage.get(&id).copied().unwrap_or(0))),
                    ]
                })
                .collect(),
            filter_options: vec![],
        })
    })
}
