use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::{ApiKeyDialog, Deferred, SpaceLayout};
use crate::pages::audit::AuditList;
use crate::pages::machines::{TargetList, TargetPage, WorkerList, WorkerPage};
use crate::pages::proxies::{ProxyList, ProxyPage};
use crate::pages::NotFound;
use crate::routes::{self, BASE};
use crate::state::{Detours, FirstScreen, Leave, Session, Toasts};

fn skip_to_content(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    crate::components::field::focus_field("main");
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    session.read_access();
    provide_context(Toasts::new());
    provide_context(Leave::new());
    provide_context(Detours::new());
    provide_context(FirstScreen::new());
    view! {
        <Router base=BASE>
            // Handled here, not by the router: under <base href="/app/"> it would read "#main" as the
            // console's root and navigate away.
            <a class="skip-link" href="#main" on:click=skip_to_content>"Skip to content"</a>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::nav(&routes::proxies(routes::DEFAULT_SPACE)).to_owned()/> }/>
                <ParentRoute path=path!(":space") view=SpaceLayout>
                    <Route path=path!("infrastructure/proxies") view=ProxyList/>
                    <Route path=path!("infrastructure/proxies/:id") view=ProxyPage/>
                    <Route path=path!("infrastructure/machines") view=TargetList/>
                    <Route path=path!("infrastructure/machines/:id") view=TargetPage/>
                    <Route path=path!("infrastructure/workers") view=WorkerList/>
                    <Route path=path!("infrastructure/workers/:id") view=WorkerPage/>
                    <Route path=path!("infrastructure/audit") view=AuditList/>
                </ParentRoute>
            </Routes>
            <Deferred><ApiKeyDialog/></Deferred>
        </Router>
    }
}
