use leptos::html::Dialog;
use leptos::prelude::*;

use crate::components::modal::bind_modal;

/// A destructive confirmation (WAI-ARIA alert dialog): starts on Cancel, Escape cancels, and
/// Tab stays inside while it is open.
#[component]
pub fn ConfirmDialog(
    /// Prefix of the element ids, unique on the page.
    id: &'static str,
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    /// The destructive button; an empty label leaves only the safe one (the dialog informs).
    #[prop(into)]
    confirm_label: Signal<String>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
    /// What the safe choice says; "Cancel" unless a dialog needs plainer words.
    #[prop(default = "Cancel")]
    cancel_label: &'static str,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    // showModal() focuses the `autofocus` button: Cancel, the least destructive choice.
    bind_modal(dialog, open);
    view! {
        <dialog node_ref=dialog class="dialog" role="alertdialog" aria-modal="true"
            aria-labelledby=format!("{id}-title") aria-describedby=format!("{id}-body")
            on:cancel=move |ev: web_sys::Event| { ev.prevent_default(); on_cancel.run(()) }>
            <h2 id=format!("{id}-title")>{title}</h2>
            <div id=format!("{id}-body")>{children()}</div>
            <div class="dialog-actions">
                <button type="button" class="button" autofocus on:click=move |_| on_cancel.run(())>
                    {cancel_label}
                </button>
                {move || (!confirm_label.with(String::is_empty)).then(|| view! {
                    <button type="button" class="button danger" disabled=busy on:click=move |_| on_confirm.run(())>
                        {confirm_label}
                    </button>
                })}
            </div>
        </dialog>
    }
}
