//! The URLs and RFC 6570 templates the API hands out. Clients navigate by these, so they live in
//! one place.

use api_model::Links;

use crate::routes::fleet::PROXY_FILTER;
use crate::ApiMode;

pub const ROOT: &str = "/api";
pub const WEB: &str = "/app";
pub const SPACES_TEMPLATE: &str = "/api/spaces{/id}{?skip,ids,take,partialName}";
pub const SPACES_LIST_TEMPLATE: &str = "/api/spaces{?skip,ids,take,partialName}";
pub const SPACE_HOME_TEMPLATE: &str = "/api/{spaceId}";

pub const CURRENT_USER: &str = "/api/users/me";
pub const PERMISSIONS: &str = "/api/permissions/all";

/// A user's own address: `/api/users/Users-2`.
pub fn user(user_id: &str) -> String {
    format!("/api/users/{user_id}")
}

pub fn space_home(space_id: &str) -> String {
    format!("/api/{space_id}")
}

pub fn space_self(space_id: &str) -> String {
    format!("/api/spaces/{space_id}")
}

/// `/api/{space}/{collection}`.
pub fn collection(space_id: &str, collection: &str) -> String {
    format!("/api/{space_id}/{collection}")
}

pub fn item(space_id: &str, collection: &str, id: &str) -> String {
    format!("/api/{space_id}/{collection}/{id}")
}

/// `/api/{space}/{collection}{/id}{?filters}`: the template a root document links to.
pub fn item_template(space_id: &str, collection: &str, filters: &str) -> String {
    format!("/api/{space_id}/{collection}{{/id}}{{?{filters}}}")
}

/// `/api/{space}/{collection}{?filters}`: a list's own `Template` link.
pub fn list_template(space_id: &str, collection: &str, filters: &str) -> String {
    format!("/api/{space_id}/{collection}{{?{filters}}}")
}

pub const MACHINE_FILTERS: &str =
    "skip,take,name,ids,partialName,roles,isDisabled,healthStatuses,commStyles,environmentIds";
pub const WORKER_FILTERS: &str =
    "skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint";
pub const SIMPLE_FILTERS: &str = "skip,take,ids,partialName";
pub const EVENT_FILTERS: &str =
    "skip,take,ids,regarding,regardingAny,documentTypes,eventCategories,users,from,to,excludeDifference";

/// The space-scoped collection links, shared by the root and space root documents. The extended
/// API adds its routes under names no Octopus link uses, and its `proxyIds` filter to the
/// machine lists' templates, so a client learns what it may use from the first document it reads
/// (Octopus's clients ignore links they do not know).
pub fn space_scoped(space_id: &str, mode: ApiMode) -> Links {
    let extended = mode == ApiMode::Extended;
    let machine_filters = |filters: &str| match extended {
        true => format!("{filters},{PROXY_FILTER}"),
        false => filters.to_owned(),
    };
    let mut links = Links::from([
        (
            "Proxies".into(),
            item_template(space_id, "proxies", SIMPLE_FILTERS),
        ),
        (
            "Machines".into(),
            item_template(space_id, "machines", &machine_filters(MACHINE_FILTERS)),
        ),
        (
            "Environments".into(),
            item_template(space_id, "environments", SIMPLE_FILTERS),
        ),
        (
            "Accounts".into(),
            item_template(space_id, "accounts", SIMPLE_FILTERS),
        ),
        (
            "Workers".into(),
            item_template(space_id, "workers", &machine_filters(WORKER_FILTERS)),
        ),
        (
            "WorkerPools".into(),
            item_template(space_id, "workerpools", SIMPLE_FILTERS),
        ),
        (
            "DiscoverWorker".into(),
            format!("/api/{space_id}/workers/discover{{?host,port,type,proxyId}}"),
        ),
        (
            "Events".into(),
            item_template(space_id, "events", EVENT_FILTERS),
        ),
    ]);
    if extended {
        links.extend([
            (
                "ProxyUsage".into(),
                format!("/api/{space_id}/proxies/usage{{?ids}}"),
            ),
            ("ProxyTest".into(), format!("/api/{space_id}/proxies/test")),
            (
                "MachinesProxy".into(),
                format!("/api/{space_id}/machines/proxy"),
            ),
            (
                "WorkersProxy".into(),
                format!("/api/{space_id}/workers/proxy"),
            ),
        ]);
    }
    links
}

pub fn self_only(href: String) -> Links {
    Links::from([("Self".into(), href)])
}
