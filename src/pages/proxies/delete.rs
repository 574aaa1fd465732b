use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::ConfirmDialog;
use crate::routes;
use crate::state::{Session, Toasts};

/// The Delete button and its confirmation. A failed delete says why and leaves the proxy as it is.
#[component]
pub fn DeleteProxy(
    space: String,
    proxy: ProxyResource,
    /// What the proxy was loaded with: a delete of a proxy changed since is refused.
    etag: Option<String>,
    users: Vec<api::Named>,
) -> impl IntoView {
    let session = Session::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    // Why a delete was refused, and what the server listed (e.g. the targets that use the proxy).
    let failure = RwSignal::new(None::<(String, Vec<String>)>);
    let name = proxy.name.clone();
    let used = !users.is_empty();
    let id = proxy.id.clone().unwrap_or_default();
    let list = routes::proxies(&space);
    // The answer is handled in the action itself (try_set: the page may be gone by then).
    let delete = Action::new_local(move |_: &()| {
        let (space, id, list, navigate, etag) = (
            space.clone(),
            id.clone(),
            list.clone(),
            navigate.clone(),
            etag.clone(),
        );
        async move {
            match session.check(api::delete_proxy(space, id, etag).await) {
                Ok(()) => {
                    open.try_set(false);
                    toasts.success("Proxy deleted");
                    navigate(routes::nav(&list), NavigateOptions::default());
                }
                Err(ApiError::Validation { message, errors }) => {
                    failure.try_set(Some((message, errors)));
                }
                Err(e) => {
                    failure.try_set(Some((e.to_string(), vec![])));
                }
            }
        }
    });
    let title = format!("Delete proxy \u{201c}{name}\u{201d}?");
    let confirm_label = format!("Delete {name}");
    view! {
        <button type="button" class="button danger" on:click=move |_| { failure.set(None); open.set(true) }>
            "Delete"
        </button>
        <ConfirmDialog id="delete" open=open title=title confirm_label=confirm_label busy=Signal::derive(move || used || delete.pending().get())
            on_confirm=move |_| { delete.dispatch_local(()); }
            on_cancel=move |_| open.set(false)>
            {if used {
                view! {
                    <p>"This proxy cannot be deleted while deployment targets connect through it. Switch these to another proxy or to a direct connection first:"</p>
                    <ul data-testid="delete-users">{users.into_iter().map(|t| view! { <li>{t.name}</li> }).collect_view()}</ul>
                }.into_any()
            } else {
                view! { <p>"This cannot be undone. A proxy that deployment targets still use is not deleted: switch them to another proxy or to a direct connection first."</p> }.into_any()
            }}
            {move || failure.get().map(|(message, items)| view! {
                <div class="form-error" role="alert" data-testid="delete-error">
                    <p>"Not deleted: " {message}</p>
                    <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                </div>
            })}
        </ConfirmDialog>
    }
}
