//! Which server the console talks to, from `GET /api`: asked once and shared by every screen.
//! Its links say which of the mock server's extensions it has; a real Octopus server has none,
//! and each feature then goes the documented way.

use std::cell::RefCell;

use api_model::RootResource;
use futures::future::{FutureExt, LocalBoxFuture, Shared};

use super::{client, urls, ApiError};

/// The `proxyIds` list filter (an extension; Octopus ignores the parameter).
pub const PROXY_FILTER: &str = "proxyIds";

/// The extensions a server advertises in the links of its root document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extensions {
    /// `proxies/usage`: how many machines use each proxy.
    pub usage: bool,
    /// `proxies/test`: a proxy tested as the form holds it, saved or not.
    pub test: bool,
    /// `machines/proxy` and `workers/proxy`: many machines' connection changed at once, all or
    /// none.
    pub bulk: bool,
    /// `proxyIds` in the machine lists' templates.
    pub proxy_filter: bool,
}

impl Extensions {
    pub fn of(root: &RootResource) -> Self {
        let link = |name: &str| root.links.contains_key(name);
        // A template's query names, e.g. `/api/Spaces-1/machines{/id}{?skip,take,proxyIds}`.
        let filters = |name: &str| {
            root.links.get(name).is_some_and(|t| {
                t.split_once("{?").is_some_and(|(_, q)| {
                    q.trim_end_matches('}')
                        .split(',')
                        .any(|p| p == PROXY_FILTER)
                })
            })
        };
        Self {
            usage: link("ProxyUsage"),
            test: link("ProxyTest"),
            bulk: link("MachinesProxy") && link("WorkersProxy"),
            proxy_filter: filters("Machines") && filters("Workers"),
        }
    }
}

type Root = Shared<LocalBoxFuture<'static, Result<RootResource, ApiError>>>;

thread_local! {
    /// The one `GET /api`, under way or answered; a failed one is asked again next time.
    static ROOT: RefCell<Option<Root>> = const { RefCell::new(None) };
}

/// `GET /api`: what server this is. Asked once for every screen (no screen's departure cancels
/// it); asked again only after it failed.
pub async fn root() -> Result<RootResource, ApiError> {
    let answer = ROOT
        .with(|r| {
            r.borrow_mut()
                .get_or_insert_with(|| client::get_shared(urls::root()).boxed_local().shared())
                .clone()
        })
        .await;
    if answer.is_err() {
        ROOT.with(|r| *r.borrow_mut() = None);
    }
    answer
}

/// Forgets the root document, so the next [`root`] asks the server again (whether it answers at
/// all, after a request got no answer).
pub fn forget_root() {
    ROOT.with(|r| r.borrow_mut().take());
}

/// The server's extensions (none if it is not known yet: the documented way works on both).
pub async fn extensions() -> Result<Extensions, ApiError> {
    root().await.map(|r| Extensions::of(&r))
}

/// The extensions as far as known now, for words a screen shows before it acts (a list's
/// screen has always read them by then).
pub fn known_extensions() -> Extensions {
    ROOT.with(|r| match r.borrow().as_ref().and_then(|root| root.peek()) {
        Some(Ok(root)) => Extensions::of(root),
        _ => Extensions::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(links: &[(&str, &str)]) -> RootResource {
        RootResource {
            application: "Octopus Deploy".into(),
            version: "2024.1".into(),
            api_version: "3.0.0".into(),
            installation_id: String::new(),
            has_long_term_support: false,
            is_early_access_program: false,
            links: links
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn an_octopus_root_has_no_extensions() {
        let octopus = root(&[
            (
                "Machines",
                "/api/Spaces-1/machines{/id}{?skip,take,ids,partialName,environmentIds}",
            ),
            (
                "Workers",
                "/api/Spaces-1/workers{/id}{?skip,take,workerPoolIds}",
            ),
            (
                "Proxies",
                "/api/Spaces-1/proxies{/id}{?skip,take,ids,partialName}",
            ),
        ]);
        assert_eq!(Extensions::of(&octopus), Extensions::default());
    }

    #[test]
    fn reads_each_extension_from_its_link() {
        let extended = root(&[
            (
                "Machines",
                "/api/Spaces-1/machines{/id}{?skip,take,environmentIds,proxyIds}",
            ),
            ("Workers", "/api/Spaces-1/workers{/id}{?skip,take,proxyIds}"),
            ("ProxyUsage", "/api/Spaces-1/proxies/usage{?ids}"),
            ("ProxyTest", "/api/Spaces-1/proxies/test"),
            ("MachinesProxy", "/api/Spaces-1/machines/proxy"),
            ("WorkersProxy", "/api/Spaces-1/workers/proxy"),
        ]);
        let all = Extensions {
            usage: true,
            test: true,
            bulk: true,
            proxy_filter: true,
        };
        assert_eq!(Extensions::of(&extended), all);
        // One fleet's bulk route alone, or a parameter that only starts like the filter: no.
        let partial = root(&[
            ("Machines", "/api/Spaces-1/machines{/id}{?skip,proxyIdsX}"),
            ("Workers", "/api/Spaces-1/workers{/id}{?skip,proxyIds}"),
            ("MachinesProxy", "/api/Spaces-1/machines/proxy"),
        ]);
        assert_eq!(Extensions::of(&partial), Extensions::default());
    }
}
