use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::components::ConfirmDialog;
use crate::routes;
use crate::state::{Exit, Leave};

pub const LEAVE_QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";

/// While `dirty`, every way out asks first, in one dialog ([`Leave`] holds the way out):
/// - a link in the console (Cancel included): the click is stopped before the router sees it;
/// - another space in the space picker: the picker asks through [`Leave::go`];
/// - the browser's Back button: while dirty, an extra history entry for this same address is
///   pushed, so Back only pops that entry and stays here; Keep editing pushes it again, Leave
///   goes back for real;
/// - closing or reloading the tab: the browser's own prompt (the only one a page may not style).
#[component]
pub fn LeaveGuard(#[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let leave = Leave::expect();
    let armed = Rc::new(Cell::new(false));
    let leaving = RwSignal::new(false);
    let guarding = move || dirty.get_untracked() && !leaving.get_untracked();
    Effect::new(move || leave.dirty.set(dirty.get() && !leaving.get()));
    on_cleanup(move || {
        leave.dirty.try_set(false);
        leave.asking.try_set(None);
    });

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
    Effect::new(move || {
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
                leave.asking.set(Some(Exit::Back));
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
    // Capture phase: runs before the router's own click handler on the window. A click that
    // opens a new tab or window leaves nothing behind, so it is not stopped.
    on_window("click", true, move |e| {
        let Some(click) = e.dyn_ref::<web_sys::MouseEvent>() else {
            return;
        };
        let new_tab = click.ctrl_key() || click.meta_key() || click.shift_key();
        if !guarding() || click.default_prevented() || click.button() != 0 || new_tab {
            return;
        }
        let href = click
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            // A link that keeps the edits (the target form's "Add a proxy") leaves nothing behind.
            .and_then(|el| el.closest("a[href]:not([data-keeps-edits])").ok().flatten())
            .and_then(|a| a.get_attribute("href"));
        if let Some(href) = href.filter(|h| !h.starts_with('#')) {
            click.prevent_default();
            click.stop_propagation();
            leave.asking.set(Some(Exit::To(href)));
        }
    });

    let navigate = use_navigate();
    let stay = SendWrapper::new(arm.clone());
    let armed_now = SendWrapper::new(armed);
    let go = move || {
        let Some(exit) = leave.asking.get_untracked() else {
            return;
        };
        leave.asking.set(None);
        leaving.set(true);
        match exit {
            // Replaces the extra entry, so Back from there skips the form's second copy.
            Exit::To(href) => navigate(
                routes::nav(&href),
                NavigateOptions {
                    replace: armed_now.get(),
                    ..NavigateOptions::default()
                },
            ),
            Exit::Back => {
                if let Ok(h) = window().history() {
                    let _ = h.back();
                }
            }
        }
    };
    view! {
        <ConfirmDialog id="leave" open=Signal::derive(move || leave.asking.with(Option::is_some))
            title="Leave without saving?".to_owned() confirm_label="Leave".to_owned()
            cancel_label="Keep editing" busy=Signal::derive(|| false)
            on_confirm=move |_| go()
            on_cancel=move |_| {
                if leave.asking.get_untracked() == Some(Exit::Back) {
                    stay();
                }
                leave.asking.set(None);
            }>
            <p>{LEAVE_QUESTION}</p>
        </ConfirmDialog>
    }
}

/// A window listener that lives as long as the calling component (its target never changes,
/// so it needs nothing reactive).
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
