use leptos::prelude::*;

use crate::state::Toasts;

/// The live regions for toasts. Mounted once at the root, so the regions exist before any
/// message is added (a screen reader only announces changes to a region it already knows).
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = Toasts::expect();
    let list = move |errors: bool| {
        view! {
            {move || toasts.items.get().into_iter().filter(|t| t.is_error == errors).map(|toast| view! {
                <div class="toast" class:toast-error=toast.is_error data-testid="toast">
                    <span>{toast.message.clone()}</span>
                    <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(toast.id)>
                        "×"
                    </button>
                </div>
            }.into_any()).collect_view()}
        }
    };
    view! {
        <div class="toaster">
            <div role="status" aria-live="polite">{list(false)}</div>
            <div role="alert" aria-live="assertive">{list(true)}</div>
        </div>
    }
}
