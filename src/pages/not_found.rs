use leptos::prelude::*;

use crate::components::ServerStatus;
use crate::routes;

#[component]
pub fn NotFound() -> impl IntoView {
    let home = routes::proxies(routes::DEFAULT_SPACE);
    document().set_title("Page not found · Proxy Console");
    crate::state::FirstScreen::expect().mark();
    view! {
        <header class="topbar">
            <a href=home.clone() class="brand">"Proxy Console"</a>
            <ServerStatus/>
        </header>
        <main class="content" id="main" tabindex="-1">
            <section class="panel">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <p><a href=home>"Go to the proxies"</a></p>
            </section>
        </main>
    }
}
