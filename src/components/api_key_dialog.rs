use leptos::html::{Dialog, Input};
use leptos::prelude::*;

use crate::components::modal::bind_modal;
use crate::state::Session;

/// Asks for the API key when the server refuses a request. The key is kept in this tab's
/// sessionStorage only.
#[component]
pub fn ApiKeyDialog() -> impl IntoView {
    let session = Session::expect();
    let dialog = NodeRef::<Dialog>::new();
    let input = NodeRef::<Input>::new();
    bind_modal(dialog, session.needs_key.into());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(el) = input.get() else { return };
        let key = el.value();
        if !key.trim().is_empty() {
            el.set_value("");
            session.use_key(&key);
        }
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="api-key-title" aria-describedby="api-key-text"
            on:cancel=move |_: web_sys::Event| session.needs_key.set(false)>
            <form on:submit=submit>
                <h2 id="api-key-title">"API key needed"</h2>
                <div id="api-key-text">
                    {move || session.rejected.get().then(|| view! {
                        <p class="field-error" role="alert" data-testid="key-rejected">
                            "That key was not accepted. Check that it was copied whole, or create a new one."
                        </p>
                    })}
                    <p>"This server only answers requests that carry an API key. "
                    "In Octopus, create one under your profile \u{203a} My API Keys; it starts with API-."</p>
                    <p>"The key is kept for this browser tab only and is forgotten when the tab closes."</p>
                </div>
                <label for="api-key-input">"API key"</label>
                <input node_ref=input id="api-key-input" type="password" autocomplete="off" required
                    placeholder="API-XXXXXXXXXXXXXXXXXXXXXXXXXX"/>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| session.needs_key.set(false)>"Cancel"</button>
                    <button type="submit" class="button primary">"Use this key"</button>
                </div>
            </form>
        </dialog>
    }
}
