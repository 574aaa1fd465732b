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
static AUDIT: ListSpec = ListSpec {
    title: "Audit",
    add_label: "",
    add_needs: None,
    list: routes::audit,
    search_id: None,
    search_label: "",
    filters: &[
        Filter::choice(
            routes::AUDIT_FILTERS[0],
            "Item type",
            "documentTypes",
            "All items",
        ),
        Filter::choice(
            routes::AUDIT_FILTERS[1],
            "Change",
            "eventCategories",
            "Any change",
        ),
        Filter::choice(routes::AUDIT_FILTERS[2], "User", "users", "Anyone"),
        Filter::day(routes::AUDIT_FILTERS[3], "From", "from"),
        Filter::day(routes::AUDIT_FILTERS[4], "To", "to"),
        Filter::choice(routes::AUDIT_FILTERS[5], "Item", "regarding", "Any item"),
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
        // From the start of the first day to the end of the last, in the person's time zone.
        for (param, value) in query.filters.iter_mut() {
            let end = match *param {
                "from" => false,
                "to" => true,
                _ => continue,
            };
            *value = routes::parse_day(value).map_or_else(String::new, |day| instant(day, end));
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
                vec![],
                vec![],
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

/// The start (or the end: the next day's start, less a millisecond, whatever its length) of a
/// local day, as the API's instant.
fn instant((year, month, day): (u32, u32, u32), end: bool) -> String {
    let (day, less) = match end {
        true => (day as i32 + 1, 1.0),
        false => (day as i32, 0.0),
    };
    let start = js_sys::Date::new_with_year_month_day(year, month as i32 - 1, day);
    let at = start.get_time() - less;
    String::from(js_sys::Date::new(&at.into()).to_iso_string())
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
