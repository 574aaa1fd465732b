use leptos::html::Dialog;
use leptos::prelude::*;

/// Opens a native `<dialog>` as modal while `open` is true (the rest of the page is inert and
/// Escape fires `cancel`), and closes it otherwise.
pub fn bind_modal(dialog: NodeRef<Dialog>, open: Signal<bool>) {
    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        match (open.get(), el.open()) {
            (true, false) => {
                let _ = el.show_modal();
            }
            (false, true) => el.close(),
            _ => {}
        }
    });
}
