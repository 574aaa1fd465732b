use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub const LEAVE_QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";

/// While `dirty`, leaving asks first: closing or reloading the tab (the browser's own prompt)
/// and following a link in the console (a confirm; the router ignores a click we cancel).
/// Not yet the browser's Back button: Chrome did not show a confirm() from a popstate listener
/// on a real history traversal (it did for a synthetic event), so that needs another approach.
pub fn leave_guard(dirty: Signal<bool>) {
    on_window("beforeunload", false, move |e| {
        if dirty.get_untracked() {
            e.prevent_default();
            if let Some(e) = e.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                e.set_return_value(LEAVE_QUESTION);
            }
        }
    });
    // Capture phase: runs before the router's own click handler on the window.
    on_window("click", true, move |e| {
        let Some(click) = e.dyn_ref::<web_sys::MouseEvent>() else {
            return;
        };
        if !dirty.get_untracked() || click.default_prevented() || click.button() != 0 {
            return;
        }
        let link = click
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten());
        if link.is_some()
            && !window()
                .confirm_with_message(LEAVE_QUESTION)
                .unwrap_or(true)
        {
            click.prevent_default();
            click.stop_propagation();
        }
    });
}

/// A window listener that lives as long as the calling component. (A plain listener: the
/// target never changes, so a reactive one would only add weight to the download.)
fn on_window(event: &'static str, capture: bool, handler: impl Fn(web_sys::Event) + 'static) {
    let callback = Closure::<dyn Fn(web_sys::Event)>::new(handler);
    let _ = window().add_event_listener_with_callback_and_bool(
        event,
        callback.as_ref().unchecked_ref(),
        capture,
    );
    let callback = SendWrapper::new(callback);
    on_cleanup(move || {
        let _ = window().remove_event_listener_with_callback_and_bool(
            event,
            callback.as_ref().unchecked_ref(),
            capture,
        );
    });
}
