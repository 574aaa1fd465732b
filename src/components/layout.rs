use api_model::permissions::Permission::EventView;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};

use crate::api;
use crate::components::server_status::CONNECTING;
use crate::components::{Deferred, ServerStatus, Toaster};
use crate::routes;
use crate::state::{Leave, Session};

/// What the space picker shows for the current space until the spaces' names are known.
const LOADING_SPACES: &str = "Loading spaces…";

/// The space picker's choices, from `GET /api/spaces`; until they are known the current space is
/// shown without its name.
#[component]
fn SpaceOptions(space: Memo<String>) -> impl IntoView {
    let session = Session::expect();
    let spaces = LocalResource::new(move || {
        session.version.track();
        async move { session.check(api::spaces().await) }
    });
    move || {
        let current = space.get();
        let listed = spaces.get();
        let placeholder = if listed.is_none() {
            LOADING_SPACES
        } else {
            "Current space"
        };
        let listed = match listed {
            Some(Ok(s)) => s,
            _ => vec![],
        };
        let mut options: Vec<(String, String)> =
            listed.into_iter().map(|s| (s.id, s.name)).collect();
        if !options.iter().any(|(id, _)| *id == current) {
            options.insert(0, (current.clone(), placeholder.to_owned()));
        }
        options
            .into_iter()
            .map(|(id, name)| {
                let selected = id == current;
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view()
    }
}

/// The frame of every space-scoped screen: header (product, space, server), navigation, content.
#[component]
pub fn SpaceLayout() -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let space = Memo::new(move |_| params.with(|p| p.get("space").unwrap_or_default()));
    let navigate = use_navigate();
    let leave = Leave::expect();
    // Unsaved changes are asked about first; until the answer the picker shows the current space.
    let choose_space =
        move |ev: leptos::ev::Targeted<leptos::ev::Event, web_sys::HtmlSelectElement>| {
            let chosen = ev.target().value();
            if !leave.go(routes::proxies(&chosen), &navigate) {
                ev.target().set_value(&space.get_untracked());
            }
        };
    // The section being shown (its list or any page under it) is marked in the navigation.
    let path = use_location().pathname;
    let current = move |section: fn(&str) -> String| {
        move || {
            let section = section(&space.get());
            path.with(|p| p.starts_with(&section)).then_some("page")
        }
    };
    view! {
        <header class="topbar">
            <a href=routes::proxies(routes::DEFAULT_SPACE) class="brand">"Proxy Console"</a>
            <div class="space-picker">
                <label for="space-select">"Space"</label>
                <select id="space-select" on:change:target=choose_space prop:value=move || space.get()>
                    // The list of spaces comes after the first screen; until then the current one.
                    <Deferred fallback=move || view! { <option value=space.get() selected>{LOADING_SPACES}</option> }>
                        <SpaceOptions space=space/>
                    </Deferred>
                </select>
            </div>
            <div class="topbar-end">
                // Until then it says what it says while GET /api is answered.
                <Deferred fallback=|| view! {
                    <div class="server-status"><div class="panel loading" aria-busy="true">{CONNECTING}</div></div>
                }>
                    <ServerStatus/>
                    {move || session.has_key().then(|| view! {
                        <button type="button" class="button small" on:click=move |_| session.forget_key()>
                            "Forget API key"
                        </button>
                    })}
                </Deferred>
            </div>
        </header>
        <div class="shell">
            <nav class="sidenav" aria-label="Main">
                <p class="nav-section">"Infrastructure"</p>
                <ul>
                    <li><a href=move || routes::machines(&space.get()) aria-current=current(routes::machines)><span class="nav-long">"Deployment "</span>"Targets"</a></li>
                    <li><a href=move || routes::workers(&space.get()) aria-current=current(routes::workers)>"Workers"</a></li>
                    <li><a href=move || routes::proxies(&space.get()) aria-current=current(routes::proxies)>"Proxies"</a></li>
                    // The audit trail needs EventView: not offered to a role without it.
                    {move || session.may(EventView, &space.get()).then(|| view! {
                        <li><a href=move || routes::audit(&space.get()) aria-current=current(routes::audit)>"Audit"</a></li>
                    })}
                </ul>
            </nav>
            <main class="content" id="main" tabindex="-1">
                <Deferred><Toaster/></Deferred>
                <Outlet/>
            </main>
        </div>
    }
}
