use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::{ApiKeyDialog, SpaceLayout, Toaster};
use crate::pages::proxies::{ProxyList, ProxyPage};
use crate::pages::targets::{TargetList, TargetPage};
use crate::pages::NotFound;
use crate::routes::{self, BASE};
use crate::state::{Session, Toasts};

#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::new());
    provide_context(Toasts::new());
    view! {
        <Router base=BASE>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::nav(&routes::proxies(routes::DEFAULT_SPACE)).to_owned()/> }/>
                <ParentRoute path=path!(":space") view=SpaceLayout>
                    <Route path=path!("infrastructure/proxies") view=ProxyList/>
                    <Route path=path!("infrastructure/proxies/:id") view=ProxyPage/>
                    <Route path=path!("infrastructure/machines") view=TargetList/>
                    <Route path=path!("infrastructure/machines/:id") view=TargetPage/>
                </ParentRoute>
            </Routes>
            <ApiKeyDialog/>
            <Toaster/>
        </Router>
    }
}
