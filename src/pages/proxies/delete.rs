use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::ConfirmDialog;
use crate::routes;
use crate::state::{Session, Toasts};

/// The Delete button and its confirmation. A failed delete says why and leaves the proxy as it is.
#[component]
pub fn DeleteProxy(space: String, proxy: ProxyResource) -> impl IntoView {
    let session = Session::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let name = proxy.name.clone();
    let id = proxy.id.clone().unwrap_or_default();
    let list = routes::proxies(&space);
    let delete = Action::new_local(move |_: &()| api::delete_proxy(space.clone(), id.clone()));
    Effect::new(
        move |_| match delete.value().get().map(|r| session.check(r)) {
            Some(Ok(())) => {
                open.set(false);
                toasts.success("Proxy deleted");
                navigate(routes::nav(&list), NavigateOptions::default());
            }
            Some(Err(e)) => failure.set(Some(e.to_string())),
            None => {}
        },
    );
    let title = format!("Delete proxy \u{201c}{name}\u{201d}?");
    let confirm_label = format!("Delete {name}");
    view! {
        <button type="button" class="button danger" on:click=move |_| { failure.set(None); open.set(true) }>
            "Delete"
        </button>
        <ConfirmDialog id="delete" open=open title=title confirm_label=confirm_label busy=delete.pending()
            on_confirm=move |_| { delete.dispatch_local(()); }
            on_cancel=move |_| open.set(false)>
            <p>"This cannot be undone. A proxy that deployment targets still use is not deleted: switch them to another proxy or to a direct connection first."</p>
            {move || failure.get().map(|f| view! { <p class="form-error" role="alert">"Not deleted: " {f}</p> })}
        </ConfirmDialog>
    }
}
