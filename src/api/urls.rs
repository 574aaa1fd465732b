//! Every API URL the console requests, built in one place from typed parts.

use crate::fleet::{Fleet, TARGETS};

/// What clients pass as `take` to get everything in one page.
pub const TAKE_ALL: u32 = i32::MAX as u32;

/// A page of a list: a name search, the page, and any other filters as API parameter pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub partial_name: Option<String>,
    pub skip: u32,
    pub take: u32,
    pub filters: Vec<(&'static str, String)>,
}

/// Percent-encodes one path segment, so an id from the address bar cannot change the path.
pub fn segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn root() -> String {
    "/api".into()
}

/// A document's own audit trail (its document type is its id's prefix: `Proxies-3` is one of
/// `Proxies`), newest first, a page of `take` from `skip`.
pub fn history(space: &str, id: &str, skip: u32, take: u32) -> String {
    let document_type = id.rsplit_once('-').map_or(id, |(kind, _)| kind);
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("regarding", id)
        .append_pair("documentTypes", document_type)
        .append_pair("skip", &skip.to_string())
        .append_pair("take", &take.to_string());
    format!("/api/{}/events?{}", segment(space), query.finish())
}

/// A page of the space's audit trail, filtered.
pub fn events(space: &str, q: &ListQuery) -> String {
    let mut q = q.clone();
    q.partial_name = None;
    list_page(&format!("/api/{}/events", segment(space)), &q)
}

/// Which of these documents were deleted: their Deleted events.
pub fn deleted(space: &str, ids: &[String]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("regardingAny", &ids.join(","))
        .append_pair("eventCategories", "Deleted")
        .append_pair("excludeDifference", "true")
        .append_pair("skip", "0")
        .append_pair("take", &ids.len().to_string());
    format!("/api/{}/events?{}", segment(space), query.finish())
}

/// Who the API key belongs to.
pub fn current_user() -> String {
    "/api/users/me".into()
}

/// What a user may do (the server answers for the caller only).
pub fn permissions(user_id: &str) -> String {
    format!("/api/users/{}/permissions", segment(user_id))
}

pub fn spaces() -> String {
    format!("/api/spaces?skip=0&take={TAKE_ALL}")
}

pub fn proxies(space: &str) -> String {
    format!("/api/{}/proxies", segment(space))
}

pub fn proxy_page(space: &str, q: &ListQuery) -> String {
    list_page(&proxies(space), q)
}

fn list_page(base: &str, q: &ListQuery) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("skip", &q.skip.to_string())
        .append_pair("take", &q.take.to_string());
    if let Some(name) = q
        .partial_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        query.append_pair("partialName", name);
    }
    for (key, value) in q.filters.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(key, value);
    }
    format!("{base}?{}", query.finish())
}

/// How many targets use each of these proxies (an extension of the mock server's API).
pub fn proxy_usage(space: &str, ids: &[String]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("ids", &ids.join(","));
    format!("{}/usage?{}", proxies(space), query.finish())
}

pub fn proxy(space: &str, id: &str) -> String {
    format!("{}/{}", proxies(space), segment(id))
}

/// A fleet's collection: `machines` (deployment targets) or `workers`.
pub fn machines(space: &str, fleet: &Fleet) -> String {
    format!("/api/{}/{}", segment(space), fleet.collection)
}

pub fn machine_page(space: &str, fleet: &Fleet, q: &ListQuery) -> String {
    list_page(&machines(space, fleet), q)
}

pub fn machine(space: &str, fleet: &Fleet, id: &str) -> String {
    format!("{}/{}", machines(space, fleet), segment(id))
}

/// Can the server reach a host through a proxy (an extension of the mock server's API).
pub fn proxy_test(space: &str) -> String {
    format!("{}/test", proxies(space))
}

/// A machine's template read through a proxy (or directly): a Listening Tentacle's
/// (`style` TentaclePassive) thumbprint, or that an SSH server (`Ssh`) answers.
pub fn discover(space: &str, host: &str, port: u16, style: &str, proxy: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("host", host)
        .append_pair("port", &port.to_string())
        .append_pair("type", style);
    if let Some(p) = proxy {
        query.append_pair("proxyId", p);
    }
    format!("{}/discover?{}", machines(space, &TARGETS), query.finish())
}

/// Changes the connection of many machines of a fleet at once (an extension of the mock
/// server's API).
pub fn machines_proxy(space: &str, fleet: &Fleet) -> String {
    format!("{}/proxy", machines(space, fleet))
}

pub fn tasks(space: &str) -> String {
    format!("/api/{}/tasks", segment(space))
}

/// A task with its activity log.
pub fn task_details(space: &str, id: &str) -> String {
    format!("{}/{}/details", tasks(space), segment(id))
}

/// Every item of one of the space's collections (`environments`, `accounts`, `proxies`,
/// `workerpools`).
pub fn all(space: &str, collection: &str) -> String {
    format!("/api/{}/{collection}/all", segment(space))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_proxy_urls() {
        assert_eq!(proxies("Spaces-1"), "/api/Spaces-1/proxies");
        assert_eq!(
            proxy("Spaces-2", "Proxies-7"),
            "/api/Spaces-2/proxies/Proxies-7"
        );
        let q = ListQuery {
            partial_name: Some(" squid & co ".into()),
            skip: 30,
            take: 30,
            ..ListQuery::default()
        };
        assert_eq!(
            proxy_page("Spaces-1", &q),
            "/api/Spaces-1/proxies?skip=30&take=30&partialName=squid+%26+co"
        );
        let blank = ListQuery {
            partial_name: Some("  ".into()),
            skip: 0,
            take: 30,
            ..ListQuery::default()
        };
        assert_eq!(
            proxy_page("Spaces-1", &blank),
            "/api/Spaces-1/proxies?skip=0&take=30"
        );
    }

    #[test]
    fn builds_machine_urls_with_filters() {
        let q = ListQuery {
            partial_name: None,
            skip: 0,
            take: 30,
            filters: vec![
                ("environmentIds", "Environments-2".into()),
                ("commStyles", String::new()),
                ("proxyIds", "Proxies-1".into()),
            ],
        };
        assert_eq!(
            machine_page("Spaces-1", &TARGETS, &q),
            "/api/Spaces-1/machines?skip=0&take=30&environmentIds=Environments-2&proxyIds=Proxies-1"
        );
        assert_eq!(all("Spaces-1", "accounts"), "/api/Spaces-1/accounts/all");
        assert_eq!(
            machine("Spaces-1", &TARGETS, "a/b"),
            "/api/Spaces-1/machines/a%2Fb"
        );
        assert_eq!(
            machine("Spaces-1", &crate::fleet::WORKERS, "Workers-2"),
            "/api/Spaces-1/workers/Workers-2"
        );
    }

    #[test]
    fn builds_check_urls() {
        assert_eq!(proxy_test("Spaces-1"), "/api/Spaces-1/proxies/test");
        assert_eq!(
            machines_proxy("Spaces 1", &TARGETS),
            "/api/Spaces%201/machines/proxy"
        );
        assert_eq!(
            machines_proxy("Spaces-1", &crate::fleet::WORKERS),
            "/api/Spaces-1/workers/proxy"
        );
        assert_eq!(
            discover("Spaces-1", "web 01", 10933, api_model::LISTENING, Some("Proxies-2")),
            "/api/Spaces-1/machines/discover?host=web+01&port=10933&type=TentaclePassive&proxyId=Proxies-2"
        );
        assert_eq!(
            discover("Spaces-1", "::1", 22, api_model::SSH, None),
            "/api/Spaces-1/machines/discover?host=%3A%3A1&port=22&type=Ssh"
        );
        assert_eq!(
            task_details("Spaces-1", "ServerTasks-3"),
            "/api/Spaces-1/tasks/ServerTasks-3/details"
        );
    }

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(
            proxy("Spaces-1", "../../spaces"),
            "/api/Spaces-1/proxies/..%2F..%2Fspaces"
        );
        assert_eq!(segment("a b?c#d"), "a%20b%3Fc%23d");
    }
}
