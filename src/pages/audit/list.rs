use api_model::EventResource;
use leptos::prelude::*;

use crate::api::{self, ListQuery};
use crate::changes::{describe, when_and_who};
use crate::components::list_page::{Cell, Filter, ListPage, ListSpec, LoadTable, Table};
use crate::fleet::{TARGETS, WORKERS};
use crate::routes;

/// The kinds of item the console shows (the API's document types) and the categories.
const TYPES: &[(&str, &str)] = &[
    ("Proxies", "Proxies"),
    ("Machines", "Deployment targets"),
    ("Workers", "Workers"),
];
const CATEGORIES: &[(&str, &str)] = &[
    ("Created", "Created"),
    ("Modified", "Modified"),
    ("Deleted", "Deleted"),
    ("MachineHealthy", "Became healthy"),
    ("MachineUnavailable", "Became unavailable"),
];
/// The periods offered, as days back from now.
const PERIODS: &[(&str, &str)] = &[
    ("1", "Last 24 hours"),
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
];

static AUDIT: ListSpec = ListSpec {
    title: "Audit",
    add_label: "",
    add_needs: None,
    list: routes::audit,
    search_id: None,
    search_label: "",
    filters: &[
        Filter {
            key: routes::AUDIT_FILTERS[0],
            label: "Item type",
            param: "documentTypes",
            all: "All items",
        },
        Filter {
            key: routes::AUDIT_FILTERS[1],
            label: "Change",
            param: "eventCategories",
            all: "Any change",
        },
        Filter {
            key: routes::AUDIT_FILTERS[2],
            label: "User",
            param: "users",
            all: "Anyone",
        },
        Filter {
            key: routes::AUDIT_FILTERS[3],
            label: "When",
            param: "from",
            all: "Any time",
        },
        Filter {
            key: routes::AUDIT_FILTERS[4],
            label: "Item",
            param: "regarding",
            all: "Any item",
        },
    ],
    table_label: "Changes",
    columns: &["When and who", "What", "Changes"],
    loading: "Loading the audit trail…",
    empty_title: "No changes recorded yet",
    empty_text:
        "Every change made to proxies, deployment targets and workers is listed here, newest first.",
    no_match_title: "No changes match",
    load,
    later: None,
    bulk: None,
    fleet: None,
};

/// The space's changes to proxies, deployment targets and workers, newest first.
#[component]
pub fn AuditList() -> impl IntoView {
    view! { <ListPage spec=&AUDIT/> }
}

/// A page of events, each linking to its item, or saying that it was deleted and linking to
/// its history here; one more request says which items of the page were deleted.
fn load(space: String, mut query: ListQuery) -> LoadTable {
    Box::pin(async move {
        // Only the kinds of item the console shows, unless one is chosen.
        let kind = query
            .filters
            .iter()
            .find(|(p, _)| *p == "documentTypes")
            .map(|(_, v)| v.clone());
        if kind.as_deref().is_none_or(str::is_empty) {
            query.filters.retain(|(p, _)| *p != "documentTypes");
            query
                .filters
                .push(("documentTypes", "Proxies,Machines,Workers".into()));
        }
        // "Last 7 days": from that many days before now.
        for (param, value) in query.filters.iter_mut() {
            if *param == "from" && !value.is_empty() {
                let days: f64 = value.parse().unwrap_or(0.0);
                let from = js_sys::Date::new(&(js_sys::Date::now() - days * 86_400_000.0).into());
                *value = String::from(from.to_iso_string());
            }
        }
        let chosen = |p: &str| {
            query
                .filters
                .iter()
                .find(|(k, _)| *k == p)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (user, item) = (chosen("users"), chosen("regarding"));
        let page = api::events(space.clone(), query).await?;
        let ids: Vec<String> = page
            .items
            .iter()
            .filter_map(|e| Some(e.item()?.0))
            .collect();
        let deleted = api::deleted(space.clone(), ids).await?;
        let mut users: Vec<(String, String)> = page
            .items
            .iter()
            .map(|e| (e.user_id.clone(), e.username.clone()))
            .collect();
        let mut items: Vec<(String, String)> =
            page.items.iter().filter_map(EventResource::item).collect();
        for (list, kept) in [(&mut users, user), (&mut items, item)] {
            if !kept.is_empty() && !list.iter().any(|(id, _)| *id == kept) {
                list.push((kept.clone(), kept));
            }
            list.sort();
            list.dedup();
        }
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect()
        };
        Ok(Table {
            has_next: page.links.contains_key("Page.Next"),
            total: page.total_results,
            filter_options: vec![
                pairs(TYPES),
                pairs(CATEGORIES),
                users,
                pairs(PERIODS),
                items,
            ],
            rows: page
                .items
                .iter()
                .map(|e| {
                    let what = match e.item().map(|(id, _)| id) {
                        Some(id) if deleted.contains(&id) => Cell::Link(
                            format!("{}?item={}", routes::audit(&space), api::urls::segment(&id)),
                            match e.category.as_str() {
                                "Deleted" => format!("{} (see its history)", e.message),
                                _ => format!("{} (deleted since: see its history)", e.message),
                            },
                        ),
                        Some(id) => match item_page(&space, &id) {
                            Some(href) => Cell::Link(href, e.message.clone()),
                            None => Cell::Text(e.message.clone()),
                        },
                        None => Cell::Text(e.message.clone()),
                    };
                    vec![
                        Cell::Text(when_and_who(e)),
                        what,
                        Cell::Text(describe(e, &|id: &str| id.to_owned()).join("; ")),
                    ]
                })
                .collect(),
            ..Table::default()
        })
    })
}

/// The console's page for an item, by its id's kind.
fn item_page(space: &str, id: &str) -> Option<String> {
    match id.rsplit_once('-')?.0 {
        "Proxies" => Some(routes::proxy(space, id)),
        "Machines" => Some(routes::item(&TARGETS, space, id)),
        "Workers" => Some(routes::item(&WORKERS, space, id)),
        _ => None,
    }
}
