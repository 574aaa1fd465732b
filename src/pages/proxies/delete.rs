use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::{ConfirmDialog, Work};
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
    let space_for_links = space.clone();
    // The answer is handled in the action itself (try_set: the page may be gone by then).
    let deleted = format!("Proxy \u{201c}{name}\u{201d} deleted");
    let delete = Action::new_local(move |_: &()| -> Work {
        let (space, id, list, navigate, etag, deleted) = (
            space.clone(),
            id.clone(),
            list.clone(),
            navigate.clone(),
            etag.clone(),
            deleted.clone(),
        );
        Box::pin(async move {
            match session.check(api::delete_proxy(space, id, etag).await) {
                Ok(()) => {
                    open.try_set(false);
                    toasts.success(deleted);
                    navigate(routes::nav(&list), NavigateOptions::default());
                }
                Err(ApiError::Validation { message, errors }) => {
                    failure.try_set(Some((message, errors)));
                }
                Err(e) => {
                    failure.try_set(Some((e.to_string(), vec![])));
                }
            }
        })
    });
    // A proxy in use cannot be deleted: the dialog says so and lists the targets to switch.
    let (title, confirm_label, cancel_label) = if used {
        (
            format!("Proxy \u{201c}{name}\u{201d} is in use"),
            String::new(),
            "Close",
        )
    } else {
        (
            format!("Delete proxy \u{201c}{name}\u{201d}?"),
            format!("Delete {name}"),
            "Cancel",
        )
    };
    view! {
        <button type="button" class="button danger" on:click=move |_| { failure.set(None); open.set(true) }>
            "Delete"
        </button>
        <ConfirmDialog id="delete" open=open title=title confirm_label=confirm_label cancel_label=cancel_label busy=delete.pending()
            on_confirm=move |_| { delete.dispatch_local(()); }
            on_cancel=move |_| open.set(false)>
            {if used {
                view! {
                    <p>"It cannot be deleted while deployment targets connect through it. Switch these to another proxy or to a direct connection first:"</p>
                    <ul data-testid="delete-users">{users.into_iter().map(|t| view! {
                        <li><a href=routes::machine(&space_for_links, &t.id)>{t.name}</a></li>
                    }).collect_view()}</ul>
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
