use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::ConfirmDialog;

pub const LEAVE_QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";

/// While `dirty`, leaving asks first:
/// - closing or reloading the tab: the browser's own prompt;
/// - a link in the console: a confirm (the router ignores a click we cancel);
/// - the browser's Back button: while dirty, an extra history entry for this same address is
///   pushed, so Back only pops that entry and stays here; we then ask in our own dialog (a
///   confirm() from a popstate listener is not shown by Chrome). Stay pushes the entry again;
///   Leave goes back for real.
#[component]
pub fn LeaveGuard(#[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let armed = Rc::new(Cell::new(false));
    let asking = RwSignal::new(false);
    let leaving = RwSignal::new(false);
    let guarding = move || dirty.get_untracked() && !leaving.get_untracked();

    let arm = {
        let armed = armed.clone();
        move || {
            if !armed.replace(true) {
                if let Ok(h) = window().history() {
                    let _ = h.push_state(&JsValue::from_str("proxy-console-guard"), "");
                }
            }
        }
    };
    let arm_on_change = SendWrapper::new(arm.clone());
    Effect::new(move |_| {
        if dirty.get() {
            arm_on_change();
        }
    });
    {
        let armed = armed.clone();
        on_window("popstate", true, move |e| {
            // Our extra entry was popped and the address is still this form's.
            if armed.replace(false) && guarding() {
                e.stop_immediate_propagation();
                asking.set(true);
            }
        });
    }
    on_window("beforeunload", false, move |e| {
        if guarding() {
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
        if !guarding() || click.default_prevented() || click.button() != 0 {
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

    let stay = SendWrapper::new(arm);
    view! {
        <ConfirmDialog id="leave" open=asking title="Leave without saving?".to_owned() confirm_label="Leave".to_owned()
            busy=Signal::derive(|| false)
            on_confirm=move |_| {
                asking.set(false);
                leaving.set(true);
                if let Ok(h) = window().history() {
                    let _ = h.back();
                }
            }
            on_cancel=move |_| {
                asking.set(false);
                stay();
            }>
            <p>{LEAVE_QUESTION}</p>
        </ConfirmDialog>
    }
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
