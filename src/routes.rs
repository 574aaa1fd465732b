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

/// The list at a search and page (1-based); the defaults are left out of the address.
pub fn proxies_at(space: &str, search: &str, page: u32) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !search.trim().is_empty() {
        query.append_pair("q", search.trim());
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        proxies(space)
    } else {
        format!("{}?{query}", proxies(space))
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
