use leptos::prelude::*;

use crate::state::Toasts;

/// The live region for toasts, at the top of the content (in the flow of the page, so a toast
/// never covers a control). Mounted with the frame, which stays while pages change, so the
/// region exists before any message is added (a screen reader only announces changes to a
/// region it already knows).
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = Toasts::expect();
    let path = leptos_router::hooks::use_location().pathname;
    Effect::new(move || {
        path.track();
        toasts.page_changed();
    });
    view! {
        <div class="toaster" role="status" aria-live="polite">
            {move || toasts.items.get().into_iter().map(|toast| view! {
                <div class="toast" data-testid="toast">
                    <span>{toast.message}</span>
                    <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(toast.id)>
                        "×"
                    </button>
                </div>
            }.into_any()).collect_view()}
        </div>
    }
}
