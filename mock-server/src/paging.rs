//! List queries (`skip`, `take`, `ids`, `partialName`, `name`) and the paged envelope with its links.

use api_model::{Links, ResourceCollection};

use api_model::validation::NAME_MAX_CHARS;

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_TAKE: i64 = 30;
/// What clients pass to mean "everything" (api-client.ts `TakeAll`).
pub const TAKE_ALL: i64 = i32::MAX as i64;

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub skip: i64,
    pub take: i64,
    pub ids: Vec<String>,
    pub partial_name: Option<String>,
    pub name: Option<String>,
    /// The route's own filters (`filters` of `parse`), kept so paging links keep them too. Any
    /// other parameter (`apikey` among them) is ignored and never copied into a link.
    pub extra: Vec<(String, String)>,
}

impl ListQuery {
    /// Everything, unfiltered: what the `/all` routes read.
    pub fn all() -> Self {
        Self {
            take: TAKE_ALL,
            ..Self::default()
        }
    }

    /// Reads the query string, knowing the route's own `filters` besides the common ones.
    /// Names are matched ignoring case, as the real server does; `ids` may be comma-separated,
    /// repeated, or both.
    pub fn parse(raw: Option<&str>, filters: &[&str]) -> ApiResult<Self> {
        let mut q = Self {
            take: DEFAULT_TAKE,
            ..Self::default()
        };
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match key.to_ascii_lowercase().as_str() {
                "skip" => q.skip = parse_count("skip", &value)?,
                "take" => q.take = parse_count("take", &value)?.min(TAKE_ALL),
                "ids" => q.ids.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                ),
                "partialname" => q.partial_name = name_param("partialName", &value)?,
                "name" => q.name = name_param("name", &value)?,
                _ if filters.iter().any(|f| f.eq_ignore_ascii_case(&key)) => {
                    q.extra.push((key.into_owned(), value.into_owned()))
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// The values of a route's own list parameter (`commStyles=a,b` or repeated), matched by name
    /// ignoring case.
    pub fn list_param(&self, name: &str) -> Vec<String> {
        self.extra
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The query string for the same filters at another position.
    fn link(&self, path: &str, skip: i64, take: i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("skip", &skip.to_string())
            .append_pair("take", &take.to_string());
        if !self.ids.is_empty() {
            s.append_pair("ids", &self.ids.join(","));
        }
        if let Some(p) = &self.partial_name {
            s.append_pair("partialName", p);
        }
        if let Some(n) = &self.name {
            s.append_pair("name", n);
        }
        for (key, value) in &self.extra {
            s.append_pair(key, value);
        }
        format!("{path}?{}", s.finish())
    }
}

/// A name to search for: no longer than a name can be (a longer one could match nothing).
fn name_param(param: &str, value: &str) -> ApiResult<Option<String>> {
    if value.chars().count() > NAME_MAX_CHARS {
        return Err(ApiError::bad_request(format!(
            "The {param} parameter must be {NAME_MAX_CHARS} characters or fewer: no name is longer."
        )));
    }
    Ok(Some(value.to_owned()).filter(|s| !s.is_empty()))
}

fn parse_count(name: &str, value: &str) -> ApiResult<i64> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "The {name} parameter must be a whole number of 0 or more, not \"{value}\"."
            ))
        })
}

/// Builds the envelope. Pages are `take` long; `Page.Next` is present only when a next page exists,
/// which is what the C# and Go clients' paging loops rely on to stop.
pub fn envelope<T>(
    item_type: &str,
    path: &str,
    template: &str,
    q: &ListQuery,
    total: i64,
    items: Vec<T>,
) -> ResourceCollection<T> {
    let number_of_pages = if q.take == 0 || total == 0 {
        1
    } else {
        (total + q.take - 1) / q.take
    };
    let last_page_number = number_of_pages - 1;
    let mut links = Links::new();
    links.insert("Self".into(), q.link(path, q.skip, q.take));
    links.insert("Template".into(), template.into());
    links.insert("Page.All".into(), q.link(path, 0, TAKE_ALL));
    links.insert("Page.Current".into(), q.link(path, q.skip, q.take));
    // Saturating: a skip near i64::MAX must not wrap round to a negative one.
    let next = q.skip.saturating_add(q.take);
    if q.take > 0 && next < total {
        links.insert("Page.Next".into(), q.link(path, next, q.take));
    }
    links.insert(
        "Page.Last".into(),
        q.link(path, last_page_number.saturating_mul(q.take), q.take),
    );
    ResourceCollection {
        item_type: item_type.into(),
        total_results: total,
        items_per_page: q.take,
        number_of_pages,
        last_page_number,
        is_stale: false,
        items,
        links,
    }
}

/// `LIKE` pattern for a case-insensitive substring match, with the wildcards in `text` escaped.
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_commas_and_repeats() {
        let q =
            ListQuery::parse(Some("ids=Proxies-1,Proxies-2&IDS=Proxies-3&skip=5"), &[]).unwrap();
        assert_eq!(q.ids, ["Proxies-1", "Proxies-2", "Proxies-3"]);
        assert_eq!((q.skip, q.take), (5, DEFAULT_TAKE));
    }

    #[test]
    fn bad_numbers_are_rejected() {
        assert!(ListQuery::parse(Some("skip=-1"), &[]).is_err());
        assert!(ListQuery::parse(Some("take=ten"), &[]).is_err());
    }

    #[test]
    fn links_keep_filters_and_stop_at_the_last_page() {
        let q = ListQuery::parse(Some("take=10&partialName=sq uid"), &[]).unwrap();
        let page = envelope::<()>("Proxy", "/api/Spaces-1/proxies", "t", &q, 25, vec![]);
        assert_eq!(page.number_of_pages, 3);
        assert_eq!(page.last_page_number, 2);
        assert_eq!(
            page.links["Page.Next"],
            "/api/Spaces-1/proxies?skip=10&take=10&partialName=sq+uid"
        );
        assert_eq!(
            page.links["Page.Last"],
            "/api/Spaces-1/proxies?skip=20&take=10&partialName=sq+uid"
        );
        let last = ListQuery { skip: 20, ..q };
        assert!(!envelope::<()>("Proxy", "/p", "t", &last, 25, vec![])
            .links
            .contains_key("Page.Next"));
    }

    #[test]
    fn the_largest_skip_has_no_next_page_and_no_negative_link() {
        let q = ListQuery::parse(Some("skip=9223372036854775807&take=30"), &[]).unwrap();
        let page = envelope::<()>("Proxy", "/p", "t", &q, 5, vec![]);
        assert!(!page.links.contains_key("Page.Next"));
        assert!(
            page.links.values().all(|l| !l.contains("skip=-")),
            "{:?}",
            page.links
        );
    }

    #[test]
    fn only_known_parameters_reach_links() {
        let q = ListQuery::parse(
            Some("apikey=API-SECRET&roles=web&Other=x&take=1"),
            &["roles"],
        )
        .unwrap();
        let page = envelope::<()>("Machine", "/m", "t", &q, 5, vec![]);
        let all: String = page.links.values().cloned().collect();
        assert!(!all.contains("SECRET") && !all.contains("Other"), "{all}");
        assert!(page.links["Page.Next"].contains("roles=web"));
    }

    #[test]
    fn searches_longer_than_a_name_are_refused() {
        let long = "n".repeat(NAME_MAX_CHARS + 1);
        assert!(ListQuery::parse(Some(&format!("partialName={long}")), &[]).is_err());
        assert!(ListQuery::parse(Some(&format!("name={long}")), &[]).is_err());
        let ok = "n".repeat(NAME_MAX_CHARS);
        assert!(ListQuery::parse(Some(&format!("partialName={ok}")), &[]).is_ok());
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a"), "%50\\%\\_a%");
    }
}
