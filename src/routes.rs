//! The console's own addresses (under the `/app` base), built in one place.

/// Where the server serves the console; every route is under it.
pub const BASE: &str = "/app";
use crate::fleet::{Fleet, TARGETS, WORKERS};

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

pub fn audit(space: &str) -> String {
    format!("{BASE}/{}/infrastructure/audit", enc(space))
}

/// The audit list's filters in its address, in order.
pub const AUDIT_FILTERS: [&str; 6] = ["type", "change", "user", "from", "to", "item"];

pub fn proxies(space: &str) -> String {
    format!("{BASE}/{}/infrastructure/proxies", enc(space))
}

pub fn new_proxy(space: &str) -> String {
    format!("{}/new", proxies(space))
}

pub fn proxy(space: &str, id: &str) -> String {
    format!("{}/{}", proxies(space), enc(id))
}

/// A fleet's list (deployment targets at `machines`, workers at `workers`).
pub fn fleet_list(fleet: &Fleet, space: &str) -> String {
    format!("{BASE}/{}/infrastructure/{}", enc(space), fleet.collection)
}

pub fn machines(space: &str) -> String {
    fleet_list(&TARGETS, space)
}

pub fn workers(space: &str) -> String {
    fleet_list(&WORKERS, space)
}

/// The targets list's filters in its address, in order (the workers list has the same three,
/// with the worker pool first).
pub const MACHINE_FILTERS: [&str; 3] = ["environment", "style", "proxy"];
pub const WORKER_FILTERS: [&str; 3] = ["pool", "style", "proxy"];

/// A deployment target's or a worker's settings.
pub fn item(fleet: &Fleet, space: &str, id: &str) -> String {
    format!("{}/{}", fleet_list(fleet, space), enc(id))
}

/// A proxy form opened from a target's form ("Add a proxy") returns there: to the address in
/// its `back` parameter, if that is a deployment target's or a worker's page of this console
/// (nothing else, so a crafted link cannot send the person elsewhere).
pub fn back_to_target(back: Option<&str>) -> Option<String> {
    let back = back?;
    let rest = back.strip_prefix(BASE)?.strip_prefix('/')?;
    let mut parts = rest.split('/');
    let fits = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(space), Some("infrastructure"), Some("machines" | "workers"), Some(id), None)
            if !space.is_empty() && !id.is_empty()
    );
    let plain = !back.contains(['?', '#', '\\', '%']);
    (fits && plain).then(|| back.to_owned())
}

/// The proxy form's address when it is opened from the target form at `target`.
pub fn new_proxy_for(space: &str, target: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("back", target)
        .finish();
    format!("{}?{query}", new_proxy(space))
}

/// The target form again, with the proxy just added chosen.
pub fn target_with_proxy(target: &str, proxy: &str) -> String {
    with_query(target.to_owned(), &[("proxy", proxy)], 1)
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

/// A day in the address (`2026-12-05`, as a date input gives it) as (year, month, day); anything
/// else, or a day that does not exist, is none.
pub fn parse_day(raw: &str) -> Option<(u32, u32, u32)> {
    let mut parts = raw.trim().splitn(3, '-');
    let mut number = |len: usize| {
        let part = parts.next().filter(|p| p.len() == len)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=days).contains(&day).then_some((year, month, day))
}

/// The last page of a list of `total` (page 1 when it is empty).
pub fn last_page(total: i64) -> u32 {
    let pages = (total.max(0) as u64).div_ceil(PAGE_SIZE as u64);
    pages.clamp(1, u32::MAX as u64) as u32
}

/// "Showing 31–60 of 75" for a page of a list.
pub fn showing(skip: u32, shown: usize, total: i64) -> String {
    if shown == 0 {
        return format!("Showing 0 of {total}");
    }
    format!("Showing {}–{} of {total}", skip + 1, skip as usize + shown)
}

/// The tab's title: "Squid in the DMZ · Proxies · Proxy Console", or "Proxies · Proxy Console".
pub fn document_title(item: Option<&str>, area: &str) -> String {
    match item {
        Some(item) => format!("{item} · {area} · Proxy Console"),
        None => format!("{area} · Proxy Console"),
    }
}

/// "2026-11-24 10:03 UTC" from the API's ISO time in UTC (`Z` or `+00:00`); another offset is
/// shown as given.
pub fn api_time(on: &str) -> String {
    let on = on.trim();
    let utc = on.ends_with('Z') || on.ends_with("+00:00");
    match (on.get(..10), on.get(11..16)) {
        (Some(day), Some(time)) if utc => format!("{day} {time} UTC"),
        _ => on.to_owned(),
    }
}

/// "Last modified 2026-11-24 10:03 UTC by admin" from the API's ISO time (UTC, `Z` or
/// `+00:00`); another offset is shown as given. Nothing when the API sent no time.
pub fn last_modified(on: Option<&str>, by: Option<&str>) -> Option<String> {
    let when = api_time(on?);
    Some(match by.map(str::trim).filter(|b| !b.is_empty()) {
        Some(by) => format!("Last modified {when} by {by}"),
        None => format!("Last modified {when}"),
    })
}

/// "1 machine", "3 machines": a count with its noun, (singular, plural).
pub fn count(n: i64, noun: (&str, &str)) -> String {
    match n {
        1 => format!("1 {}", noun.0),
        n => format!("{n} {}", noun.1),
    }
}

/// "4 machines now connect through Squid", "1 target now connects directly".
pub fn now_connect(n: usize, noun: (&str, &str), way: &str) -> String {
    let verb = if n == 1 { "connects" } else { "connect" };
    format!("{} now {verb} {way}", count(n as i64, noun))
}

/// "3 machines", "1 machine", or "Not used" (deployment targets and workers together).
pub fn used_by(n: i64) -> String {
    match n {
        0 => "Not used".into(),
        n => count(n, ("machine", "machines")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_day_as_date_inputs_write_it_and_nothing_else() {
        assert_eq!(parse_day("2026-12-05"), Some((2026, 12, 5)));
        assert_eq!(parse_day(" 2024-02-29 "), Some((2024, 2, 29)));
        for bad in [
            "",
            "2026-12",
            "2026-13-01",
            "2026-00-10",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-12-00",
            "26-12-05",
            "2026-1-05",
            "2026-12-5",
            "2026-12-05T10:00",
            "yesterday",
            "+026-12-05",
            "2026-12-0x",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(parse_day("2000-02-29"), Some((2000, 2, 29)));
    }

    #[test]
    fn used_by_counts_in_words() {
        assert_eq!(super::used_by(0), "Not used");
        assert_eq!(super::used_by(1), "1 machine");
        assert_eq!(super::used_by(12), "12 machines");
    }

    use super::*;

    #[test]
    fn titles_name_the_item_then_the_area() {
        assert_eq!(
            document_title(Some("Squid in the DMZ"), "Proxies"),
            "Squid in the DMZ · Proxies · Proxy Console"
        );
        assert_eq!(document_title(None, "Proxies"), "Proxies · Proxy Console");
    }

    #[test]
    fn last_modified_reads_the_api_time() {
        assert_eq!(
            last_modified(Some("2026-11-24T10:03:12.345Z"), Some("admin")).as_deref(),
            Some("Last modified 2026-11-24 10:03 UTC by admin")
        );
        assert_eq!(
            last_modified(Some("2026-11-24T10:03:12+00:00"), None).as_deref(),
            Some("Last modified 2026-11-24 10:03 UTC")
        );
        assert_eq!(
            last_modified(Some("2026-11-24T10:03:12+02:00"), Some(" ")).as_deref(),
            Some("Last modified 2026-11-24T10:03:12+02:00")
        );
        assert_eq!(last_modified(None, Some("admin")), None);
    }

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
        assert_eq!(
            list_at(&machines("Spaces-1"), MACHINE_FILTERS.into_iter(), &s),
            "/app/Spaces-1/infrastructure/machines?q=web&environment=Environments-3&proxy=Proxies-1&page=2"
        );
        let pool = ListState {
            filters: vec!["WorkerPools-2".into(), String::new(), "Direct".into()],
            ..ListState::default()
        };
        assert_eq!(
            list_at(&workers("Spaces-1"), WORKER_FILTERS.into_iter(), &pool),
            "/app/Spaces-1/infrastructure/workers?pool=WorkerPools-2&proxy=Direct"
        );
        assert_eq!(
            item(&WORKERS, "Spaces-1", "Workers-3"),
            "/app/Spaces-1/infrastructure/workers/Workers-3"
        );
        assert_eq!(
            item(&TARGETS, "Spaces-1", "Machines-3"),
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
    fn add_a_proxy_returns_only_to_a_target_page() {
        let target = "/app/Spaces-1/infrastructure/machines/Machines-3";
        assert_eq!(back_to_target(Some(target)).as_deref(), Some(target));
        let new = "/app/Spaces-2/infrastructure/machines/new";
        assert_eq!(back_to_target(Some(new)).as_deref(), Some(new));
        let worker = "/app/Spaces-1/infrastructure/workers/Workers-2";
        assert_eq!(back_to_target(Some(worker)).as_deref(), Some(worker));
        for bad in [
            "https://evil.example/app/Spaces-1/infrastructure/machines/new",
            "//evil.example/app/Spaces-1/infrastructure/machines/new",
            "/app//infrastructure/machines/new",
            "/app/Spaces-1/infrastructure/proxies/Proxies-1",
            "/app/Spaces-1/infrastructure/machines/new/x",
            "/app/Spaces-1/infrastructure/machines/new?x=1",
            "/app/Spaces-1/infrastructure/machines/%2F%2Fevil",
            "/app/Spaces-1/infrastructure/machines/",
        ] {
            assert_eq!(back_to_target(Some(bad)), None, "{bad}");
        }
        assert_eq!(back_to_target(None), None);
        assert_eq!(
            new_proxy_for("Spaces-1", target),
            "/app/Spaces-1/infrastructure/proxies/new?back=%2Fapp%2FSpaces-1%2Finfrastructure%2Fmachines%2FMachines-3"
        );
        assert_eq!(
            target_with_proxy(target, "Proxies-7"),
            "/app/Spaces-1/infrastructure/machines/Machines-3?proxy=Proxies-7"
        );
    }

    #[test]
    fn the_last_page_holds_the_last_rows() {
        assert_eq!(last_page(0), 1);
        assert_eq!(last_page(30), 1);
        assert_eq!(last_page(31), 2);
        assert_eq!(last_page(40), 2);
        assert_eq!(last_page(-5), 1);
    }

    #[test]
    fn showing_counts_from_one() {
        assert_eq!(showing(0, 30, 75), "Showing 1–30 of 75");
        assert_eq!(showing(60, 15, 75), "Showing 61–75 of 75");
        assert_eq!(showing(90, 0, 75), "Showing 0 of 75");
    }
}
