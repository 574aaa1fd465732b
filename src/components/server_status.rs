use leptos::prelude::*;

use crate::api;
use crate::components::loaded;

/// Which server the console is talking to, from `GET /api`; on failure the reason and a Retry.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let root = LocalResource::new(api::root);
    let status = loaded(root, "Connecting to the server…", |r| {
        view! {
            <span class="dot" aria-hidden="true"></span>
            <span data-testid="server-version">{format!("{} {}", r.application, r.version)}</span>
            <span class="muted">{format!(" · API {}", r.api_version)}</span>
        }
        .into_any()
    });
    view! { <div class="server-status" aria-live="polite">{status}</div> }
}
