use leptos::prelude::*;

use crate::api;
use crate::components::loaded;
use crate::state::Session;

/// What the header says until `GET /api` has answered (also before the status is built).
pub const CONNECTING: &str = "Connecting to the server…";

/// Which server the console is talking to, from `GET /api` (read once for every screen);
/// "Server unreachable" from a request that got no answer until one that gets any (then
/// `GET /api` is asked again).
#[component]
pub fn ServerStatus() -> impl IntoView {
    let session = Session::expect();
    let root = LocalResource::new(move || {
        session.version.track();
        // A request got no answer: ask the server itself again, not the answer kept.
        if !session.reachable.get() {
            api::forget_root();
        }
        async move { session.check(api::root().await) }
    });
    let status = move || {
        if !session.reachable.get() {
            return view! {
                <span class="dot down" aria-hidden="true"></span>
                <span data-testid="server-unreachable">"Server unreachable"</span>
            }
            .into_any();
        }
        loaded(root, CONNECTING, None, |r| {
            view! {
                <span class="dot" aria-hidden="true"></span>
                <span data-testid="server-version">{format!("{} {}", r.application, r.version)}</span>
                <span class="muted">{format!(" · API {}", r.api_version)}</span>
            }
            .into_any()
        })
        .into_any()
    };
    view! { <div class="server-status" aria-live="polite">{status}</div> }
}
