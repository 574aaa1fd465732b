use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::components::ServerStatus;
use crate::pages::{Home, NotFound};

/// Where the server serves the console; every route is under it.
pub const BASE: &str = "/app";

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router base=BASE>
            <header class="topbar">
                <A href="" attr:class="brand">"Proxy Console"</A>
                <ServerStatus/>
            </header>
            <main class="content">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=Home/>
                </Routes>
            </main>
        </Router>
    }
}
