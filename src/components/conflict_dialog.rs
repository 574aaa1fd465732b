use leptos::prelude::*;

use crate::components::ConfirmDialog;
use crate::forms::Difference;

/// A save found that someone else changed the resource since it was opened. Shows, field by
/// field, what is stored now next to what was typed (the form below keeps it all), and offers
/// the choices: keep editing, reload the stored version, or save over it deliberately.
#[component]
pub fn ConflictDialog(
    /// "proxy" or "deployment target".
    noun: &'static str,
    /// The differing fields while the dialog is open.
    #[prop(into)]
    rows: Signal<Option<Vec<Difference>>>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] on_overwrite: Callback<()>,
    #[prop(into)] on_reload: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <ConfirmDialog id="conflict" open=Signal::derive(move || rows.with(Option::is_some))
            title=format!("This {noun} was changed since you opened it")
            confirm_label="Save mine over it".to_owned() cancel_label="Keep editing" busy=busy
            on_confirm=on_overwrite on_cancel=on_cancel>
            <p>"Someone else saved it while you were editing. Nothing you typed is lost: it is still in the form."</p>
            <p hidden=move || rows.with(|r| r.as_ref().is_none_or(|r| !r.is_empty()))>
                "What you typed now matches what is stored in every field."
            </p>
            <table class="conflict" data-testid="conflict-rows">
                <thead><tr><th scope="col">"Field"</th><th scope="col">"Stored now"</th><th scope="col">"Yours"</th></tr></thead>
                <tbody>
                    {move || rows.get().unwrap_or_default().into_iter().map(|d| view! {
                        <tr><th scope="row">{d.label}</th><td>{d.stored}</td><td>{d.typed}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p>
                <button type="button" class="button" on:click=move |_| on_reload.run(())>
                    "Reload the stored version (drops your changes)"
                </button>
            </p>
        </ConfirmDialog>
    }
}
