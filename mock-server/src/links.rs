//! The URLs and RFC 6570 templates the API hands out. Clients navigate by these, so they live in
//! one place.

use api_model::Links;

pub const ROOT: &str = "/api";
pub const WEB: &str = "/app";
pub const SPACES_TEMPLATE: &str = "/api/spaces{/id}{?skip,ids,take,partialName}";
pub const SPACES_LIST_TEMPLATE: &str = "/api/spaces{?skip,ids,take,partialName}";
pub const SPACE_HOME_TEMPLATE: &str = "/api/{spaceId}";

pub fn space_home(space_id: &str) -> String {
    format!("/api/{space_id}")
}

pub fn space_self(space_id: &str) -> String {
    format!("/api/spaces/{space_id}")
}

pub fn proxies(space_id: &str) -> String {
    format!("/api/{space_id}/proxies")
}

pub fn proxies_template(space_id: &str) -> String {
    format!("/api/{space_id}/proxies{{/id}}{{?skip,take,ids,partialName}}")
}

pub fn proxies_list_template(space_id: &str) -> String {
    format!("/api/{space_id}/proxies{{?skip,take,ids,partialName}}")
}

pub fn proxy(space_id: &str, proxy_id: &str) -> String {
    format!("/api/{space_id}/proxies/{proxy_id}")
}

/// The space-scoped collection links, shared by the root and space root documents.
pub fn space_scoped(space_id: &str) -> Links {
    Links::from([("Proxies".into(), proxies_template(space_id))])
}

pub fn self_only(href: String) -> Links {
    Links::from([("Self".into(), href)])
}
