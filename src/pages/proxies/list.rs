use api_model::permissions::Permission;
use leptos::prelude::*;

use super::about::AboutProxies;
use crate::api::{self, ListQuery};
use crate::components::list_page::{
    Cell, Later, LaterCells, ListPage, ListSpec, LoadLater, LoadTable, Table,
};

use crate::forms::proxy::authentication;
use crate::routes;

static SPEC: ListSpec = ListSpec {
    title: "Proxies",
    add_label: "Add proxy",
    add_needs: Some(Permission::ProxyCreate),
    list: routes::proxies,
    search_id: Some("proxy-search"),
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
    bulk: None,
    fleet: None,
    later: Some(Later {
        unavailable: "Counts unavailable",
        load: usage,
    }),
};

/// The space's proxies, searched by name and paged in the address.
#[component]
pub fn ProxyList() -> impl IntoView {
    view! { <ListPage spec=&SPEC><AboutProxies/></ListPage> }
}

/// A page of proxies; how many machines use each comes after, in one request for the page.
fn load(space: String, query: ListQuery) -> LoadTable {
    Box::pin(async move {
        let page = api::proxy_page(space.clone(), query).await?;
        Ok(Table {
            has_next: page.links.contains_key("Page.Next"),
            total: page.total_results,
            rows: page
                .items
                .into_iter()
                .map(|p| {
                    let id = p.id.unwrap_or_default();
                    let has_password = p.password.is_some_and(|p| p.has_value);
                    vec![
                        Cell::Link(routes::proxy(&space, &id), p.name),
                        Cell::Text(p.host),
                        Cell::Text(p.port.to_string()),
                        Cell::Text(authentication(p.username.as_deref(), has_password).into()),
                        Cell::Later(id),
                    ]
                })
                .collect(),
            ..Table::default()
        })
    })
}

/// Each proxy's usage: "3 machines" (deployment targets and workers) linking to the proxy's page,
/// whose Used by lists them, or "Not used".
fn usage(space: String, ids: Vec<String>) -> LoadLater {
    Box::pin(async move {
        let usage = api::proxy_usage(space.clone(), ids).await?;
        Ok(usage
            .into_iter()
            .map(|(id, count)| {
                let text = routes::used_by(count);
                let cell = match count {
                    0 => Cell::Text(text),
                    _ => Cell::Link(routes::proxy(&space, &id), text),
                };
                (id, cell)
            })
            .collect::<LaterCells>())
    })
}
