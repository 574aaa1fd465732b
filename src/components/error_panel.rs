use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::Session;

/// What a screen of one item says when the server has no such item: that it does not exist
/// (any more) and a link back to its list, instead of a Retry that cannot help.
#[derive(Clone)]
pub struct Missing {
    /// The screen's heading: "This proxy does not exist".
    pub title: &'static str,
    pub text: &'static str,
    pub list: String,
    pub list_label: &'static str,
}

/// A failed load: what went wrong and a way to try again (or to give the API key it needs).
#[component]
pub fn ErrorPanel(
    error: ApiError,
    #[prop(optional_no_strip)] missing: Option<Missing>,
    #[prop(into)] on_retry: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let needs_key = matches!(error, ApiError::Unauthorized(_));
    if let (ApiError::NotFound(_), Some(m)) = (&error, missing) {
        return view! {
            <div class="panel error-panel" role="alert" data-testid="missing">
                <h1>{m.title}</h1>
                <p>{m.text}</p>
                <a class="button primary" href=m.list>{m.list_label}</a>
            </div>
        }
        .into_any();
    }
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
    .into_any()
}
