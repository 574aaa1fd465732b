use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::error_panel::{ErrorPanel, Missing};
use crate::state::FirstScreen;

/// Shows what a screen's resource loads: a placeholder until the first answer (after that the
/// last view stays while it reloads, so nothing jumps), the view on success, the reason and
/// Retry on failure.
pub fn loaded<T: Clone + 'static>(
    resource: LocalResource<Result<T, ApiError>>,
    loading: &'static str,
    missing: Option<Missing>,
    render: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    let first = FirstScreen::expect();
    move || match resource.get() {
        None => view! { <div class="panel loading" aria-busy="true">{loading}</div> }.into_any(),
        Some(Ok(value)) => {
            first.mark();
            render(value)
        }
        Some(Err(error)) => {
            first.mark();
            let missing = missing.clone();
            view! { <ErrorPanel error=error missing=missing on_retry=move |_| resource.refetch()/> }
                .into_any()
        }
    }
}
