use leptos::prelude::*;

use crate::api;

/// Which server the console is talking to, from `GET /api`; on failure the reason and a Retry.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let root = LocalResource::new(api::root);
    view! {
        <div class="server-status" aria-live="polite">
            <Transition fallback=|| view! { <span class="muted">"Connecting to the server…"</span> }>
                <ErrorBoundary fallback=move |errors| {
                    let message = move || {
                        errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()
                    };
                    view! {
                        <span class="error" role="alert">{message}</span>
                        <button type="button" class="button small" on:click=move |_| root.refetch()>
                            "Retry"
                        </button>
                    }
                }>
                    {move || Suspend::new(async move {
                        root.await.map(|r| view! {
                            <span class="dot" aria-hidden="true"></span>
                            <span data-testid="server-version">
                                {format!("{} {}", r.application, r.version)}
                            </span>
                            <span class="muted">{format!(" · API {}", r.api_version)}</span>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}
