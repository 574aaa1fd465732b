use leptos::html::Dialog;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Opens a native `<dialog>` as modal while `open` is true (the rest of the page is inert and
/// Escape fires `cancel`), and closes it otherwise. Closing gives focus back to what had it
/// before (the button that opened it), if that is still on the page.
pub fn bind_modal(dialog: NodeRef<Dialog>, open: Signal<bool>) {
    let opener = StoredValue::new(SendWrapper::new(None::<web_sys::HtmlElement>));
    Effect::new(move || {
        let Some(el) = dialog.get() else { return };
        match (open.get(), el.open()) {
            (true, false) => {
                let active = document()
                    .active_element()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                opener.set_value(SendWrapper::new(active));
                let _ = el.show_modal();
            }
            (false, true) => {
                el.close();
                opener.with_value(|o| match o.as_ref() {
                    Some(o) if o.is_connected() => {
                        let _ = o.focus();
                    }
                    _ => {}
                });
            }
            _ => {}
        }
    });
}
