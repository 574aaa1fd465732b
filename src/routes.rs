//! The console's own addresses (under the `/app` base), built in one place.

/// Where the server serves the console; every route is under it.
pub const BASE: &str = "/app";
pub const DEFAULT_SPACE: &str = "Spaces-1";
pub const PAGE_SIZE: u32 = 30;

/// A console address for `navigate` and `<Redirect>`, which add the router's base themselves
/// (links, which do not, take the full address).
pub fn nav(href: &str) -> &str {
    href.strip_prefix(BASE).unwrap_or(href)
}

fn enc(raw: &str) -> String {
    crate::api::urls::segment(raw)
}

pub fn proxies(space: &str) -> String {
    format!("{BASE}/{}/infrastructure/proxies", enc(space))
}

pub fn new_proxy(space: &str) -> String {
    format!("{}/new", proxies(space))
}

pub fn proxy(space: &str, id: &str) -> String {
    format!("{}/{}", proxies(space), enc(id))
}

pub fn machines(space: &str) -> String {
    format!("{BASE}/{}/infrastructure/machines", enc(space))
}

pub fn machine(space: &str, id: &str) -> String {
    format!("{}/{}", machines(space), enc(id))
}

pub fn new_machine(space: &str) -> String {
    format!("{}/new", machines(space))
}

/// What a list shows, as kept in its address: `q`, one value per filter, and `page`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListState {
    pub search: String,
    pub filters: Vec<String>,
    pub page: u32,
}

/// A list's address at a state; `keys` name the filters in the address, in order.
pub fn list_at<'a>(path: &str, keys: impl Iterator<Item = &'a str>, s: &ListState) -> String {
    let pairs: Vec<(&str, &str)> = std::iter::once(("q", s.search.as_str()))
        .chain(keys.zip(s.filters.iter().map(String::as_str)))
        .collect();
    with_query(path.to_owned(), &pairs, s.page)
}

/// A list address with its non-empty parameters and page; the defaults are left out.
fn with_query(path: String, pairs: &[(&str, &str)], page: u32) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.trim().is_empty() {
            query.append_pair(key, value.trim());
        }
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// The page number in the address; anything unreadable is page 1.
pub fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// "Showing 31–60 of 75" for a page of a list.
pub fn showing(skip: u32, shown: usize, total: i64) -> String {
    if shown == 0 {
        return format!("Showing 0 of {total}");
    }
    format!("Showing {}–{} of {total}", skip + 1, skip as usize + shown)
}

/// "3 targets", "1 target", or "Not used".
pub fn used_by(count: i64) -> String {
    match count {
        0 => "Not used".into(),
        1 => "1 target".into(),
        n => format!("{n} targets"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn used_by_counts_in_words() {
        assert_eq!(super::used_by(0), "Not used");
        assert_eq!(super::used_by(1), "1 target");
        assert_eq!(super::used_by(12), "12 targets");
    }

    use super::*;

    /// The proxy list (no filters) at a search and page.
    fn proxies_at(space: &str, search: &str, page: u32) -> String {
        let state = ListState {
            search: search.into(),
            filters: vec![],
            page,
        };
        list_at(&proxies(space), std::iter::empty(), &state)
    }

    #[test]
    fn list_addresses_carry_search_and_page() {
        assert_eq!(
            proxies_at("Spaces-1", "", 1),
            "/app/Spaces-1/infrastructure/proxies"
        );
        assert_eq!(
            proxies_at("Spaces-1", " squid ", 1),
            "/app/Spaces-1/infrastructure/proxies?q=squid"
        );
        assert_eq!(
            proxies_at("Spaces-2", "a&b", 3),
            "/app/Spaces-2/infrastructure/proxies?q=a%26b&page=3"
        );
        assert_eq!(
            proxy("Spaces-1", "Proxies-4"),
            "/app/Spaces-1/infrastructure/proxies/Proxies-4"
        );
        assert_eq!(
            new_proxy("Spaces-1"),
            "/app/Spaces-1/infrastructure/proxies/new"
        );
    }

    #[test]
    fn list_addresses_carry_every_filter() {
        let s = ListState {
            search: "web".into(),
            filters: vec!["Environments-3".into(), String::new(), "Proxies-1".into()],
            page: 2,
        };
        let keys = ["environment", "style", "proxy"];
        assert_eq!(
            list_at(&machines("Spaces-1"), keys.into_iter(), &s),
            "/app/Spaces-1/infrastructure/machines?q=web&environment=Environments-3&proxy=Proxies-1&page=2"
        );
        assert_eq!(
            machine("Spaces-1", "Machines-3"),
            "/app/Spaces-1/infrastructure/machines/Machines-3"
        );
    }

    #[test]
    fn navigation_addresses_leave_the_base_to_the_router() {
        assert_eq!(
            nav(&proxies("Spaces-1")),
            "/Spaces-1/infrastructure/proxies"
        );
        assert_eq!(nav("/elsewhere"), "/elsewhere");
    }

    #[test]
    fn page_numbers_are_forgiving() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("x")), 1);
    }

    #[test]
    fn showing_counts_from_one() {
        assert_eq!(showing(0, 30, 75), "Showing 1–30 of 75");
        assert_eq!(showing(60, 15, 75), "Showing 61–75 of 75");
        assert_eq!(showing(90, 0, 75), "Showing 0 of 75");
    }
}
