use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::Session;

/// A failed load: what went wrong and a way to try again (or to give the API key it needs).
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let needs_key = matches!(error, ApiError::Unauthorized(_));
    view! {
        <div class="panel error-panel" role="alert" data-testid="error-panel">
            <p>{error.to_string()}</p>
            {needs_key.then(|| view! {
                <button type="button" class="button primary" on:click=move |_| session.needs_key.set(true)>
                    "Enter API key"
                </button>
            })}
            <button type="button" class="button" on:click=move |_| on_retry.run(())>"Retry"</button>
        </div>
    }
}
