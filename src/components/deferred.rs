use leptos::prelude::*;

use crate::state::FirstScreen;

/// Renders its children once the first screen has shown what it loaded, a frame later (the
/// fallback until then): what the person does not need in the first frame (dialogs, the server's
/// status, the list of spaces, the bulk bar, the about panel) is built and compiled after the
/// first screen's rows, not before them. On later screens it renders at once.
#[component]
pub fn Deferred(
    children: ChildrenFn,
    #[prop(optional, into)] fallback: Option<ViewFn>,
) -> impl IntoView {
    let shown = FirstScreen::expect().shown;
    move || match shown.get() {
        true => children().into_any(),
        false => fallback.as_ref().map(|f| f.run()).into_any(),
    }
}
