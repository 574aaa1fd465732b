use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use leptos_use::use_debounce_fn_with_arg;

use super::about::AboutProxies;
use crate::api::{self, ProxyQuery};
use crate::components::loaded;
use crate::routes::{self, page_number, PAGE_SIZE};
use crate::state::Session;

/// The space's proxies: search by name (in the address as `q`), paged on the server (`page`).
#[component]
pub fn ProxyList() -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let query = use_query_map();
    let space = Memo::new(move |_| params.with(|p| p.get("space").unwrap_or_default()));
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| page_number(q.get("page").as_deref())));

    // The address follows what is typed after a pause (one request per pause, not per key),
    // and the list follows the address, so reload and back/forward restore the search.
    let navigate = use_navigate();
    let search_for = use_debounce_fn_with_arg(
        move |text: String| {
            if text.trim() != search.get_untracked().trim() {
                let to = routes::proxies_at(&space.get_untracked(), &text, 1);
                navigate(
                    routes::nav(&to),
                    NavigateOptions {
                        replace: true,
                        ..NavigateOptions::default()
                    },
                );
            }
        },
        300.0,
    );

    let proxies = LocalResource::new(move || {
        session.version.track();
        let q = ProxyQuery {
            partial_name: Some(search.get()).filter(|s| !s.trim().is_empty()),
            skip: (page.get() - 1) * PAGE_SIZE,
            take: PAGE_SIZE,
        };
        let space = space.get();
        async move { session.check(api::proxies_with_usage(space, q).await) }
    });

    view! {
        <div class="page-head">
            <h1>"Proxies"</h1>
            <a class="button primary" href=move || routes::new_proxy(&space.get())>"Add proxy"</a>
        </div>
        <AboutProxies/>
        <div class="toolbar">
            <label for="proxy-search" class="sr-only">"Search proxies by name"</label>
            <input id="proxy-search" type="search" placeholder="Search by name" autocomplete="off"
                prop:value=move || search.get()
                on:input:target=move |ev| { search_for(ev.target().value()); }/>
        </div>
        {loaded(proxies, "Loading proxies…", move |(result, usage)| {
            let skip = (page.get_untracked() - 1) * PAGE_SIZE;
            let has_next = result.links.contains_key("Page.Next");
            let searching = search.get_untracked();
            if result.items.is_empty() && result.total_results == 0 {
                return view! { <EmptyState space=space.get_untracked() search=searching/> }.into_any();
            }
            let summary = routes::showing(skip, result.items.len(), result.total_results);
            view! {
                <ProxyTable space=space.get_untracked() items=result.items usage=usage/>
                <Pager space=space.get_untracked() search=searching page=page.get_untracked()
                    has_next=has_next summary=summary/>
            }
            .into_any()
        })}
    }
}

#[component]
fn ProxyTable(space: String, items: Vec<ProxyResource>, usage: api::Usage) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" aria-label="Proxies">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Host"</th>
                        <th scope="col">"Port"</th>
                        <th scope="col">"Authentication"</th>
                        <th scope="col">"Used by"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|p| {
                            let id = p.id.clone().unwrap_or_default();
                            let auth = p.username.clone().unwrap_or_else(|| "None".into());
                            let used = crate::routes::used_by(usage.get(&id).copied().unwrap_or(0));
                            view! {
                                <tr>
                                    <td data-label="Name"><A href=routes::proxy(&space, &id)>{p.name}</A></td>
                                    <td data-label="Host" class="mono">{p.host}</td>
                                    <td data-label="Port">{p.port}</td>
                                    <td data-label="Authentication">{auth}</td>
                                    <td data-label="Used by">{used}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Pager(
    space: String,
    search: String,
    page: u32,
    has_next: bool,
    summary: String,
) -> impl IntoView {
    let prev = (page > 1).then(|| routes::proxies_at(&space, &search, page - 1));
    let next = has_next.then(|| routes::proxies_at(&space, &search, page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            <span data-testid="showing">{summary}</span>
            <span class="pager-links">
                {match prev {
                    Some(href) => view! { <A href=href attr:class="button" attr:rel="prev">"Previous"</A> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">"Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(href) => view! { <A href=href attr:class="button" attr:rel="next">"Next"</A> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">"Next"</span> }.into_any(),
                }}
            </span>
        </nav>
    }
}

#[component]
fn EmptyState(space: String, search: String) -> impl IntoView {
    if search.trim().is_empty() {
        view! {
            <div class="panel empty" data-testid="empty">
                <h2>"No proxies yet"</h2>
                <p>"Add the HTTP proxy the server should use to reach Listening Tentacles or SSH targets."</p>
                <a class="button primary" href=routes::new_proxy(&space)>"Add proxy"</a>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="panel empty" data-testid="empty">
                <h2>"No proxies match"</h2>
                <p>"No proxy name contains \u{201c}" {search} "\u{201d}."</p>
                <a class="button" href=routes::proxies(&space)>"Clear the search"</a>
            </div>
        }
        .into_any()
    }
}
