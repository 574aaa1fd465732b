use std::future::Future;
use std::pin::Pin;

use api_model::ProxyResource;
use leptos::prelude::*;

use crate::api::{ApiError, Lookups, Machine, Named, Server, Tagged, Users};
use crate::components::error_panel::{ErrorPanel, Missing};
use crate::components::list_page::Table;

/// What any resource of the console loads. One type (and one boxed future type) for every
/// resource: Leptos's resource machinery is generic over both, and each type of its own added
/// KBs to the download.
#[derive(Debug, Clone)]
pub enum Loaded {
    Table(Table),
    Proxy(Box<Tagged<ProxyResource>>, Users),
    /// A target (none for a new one) and the space's names.
    Target(Option<Tagged<Machine>>, Lookups),
    Spaces(Vec<Named>),
    Root(Server),
}

pub type Loading = Pin<Box<dyn Future<Output = Result<Loaded, ApiError>>>>;

/// A resource of the console: `fetch` runs again whenever a signal it reads changes. Every
/// screen's resource goes through this one function with one closure type, so Leptos's resource
/// machinery (generic over the closure too) is compiled once: seven copies cost 12 KB of wasm.
pub fn resource(fetch: Box<dyn Fn() -> Loading>) -> LocalResource<Result<Loaded, ApiError>> {
    LocalResource::new(fetch)
}

/// An effect of the console: `run` runs again whenever a signal it reads changes. One closure
/// type for every effect, like [`resource`].
pub fn effect(run: Box<dyn Fn()>) {
    Effect::new(move |_| run());
}

/// What a button sets going (a save, a check, a delete), boxed.
pub type Work = Pin<Box<dyn Future<Output = ()>>>;

/// An action of the console, `Action<(), ()>`: `work` runs on each dispatch. One function and one
/// closure type for every action, like [`resource`]: each type of its own added KBs.
pub fn action(work: Box<dyn Fn() -> Work>) -> Action<(), ()> {
    Action::new_local(move |(): &()| work())
}

/// Shows what a resource loads: a placeholder until the first answer (after that the last view
/// stays while it reloads, so nothing jumps), the view on success, the reason and Retry on failure.
///
/// One small function instead of Transition + ErrorBoundary + Suspend at each screen: those are
/// generic over every closure and made the download too big for its budget.
pub fn loaded(
    resource: LocalResource<Result<Loaded, ApiError>>,
    loading: &'static str,
    missing: Option<Missing>,
    render: impl Fn(Loaded) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || match resource.get() {
        None => view! { <div class="panel loading" aria-busy="true">{loading}</div> }.into_any(),
        Some(Ok(value)) => render(value),
        Some(Err(error)) => {
            let missing = missing.clone();
            view! { <ErrorPanel error=error missing=missing on_retry=move |_| resource.refetch()/> }
                .into_any()
        }
    }
}
