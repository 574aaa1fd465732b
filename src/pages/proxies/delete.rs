use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::edit::machine_links;
use crate::api::{self, ApiError};
use crate::components::ConfirmDialog;
use crate::fleet::TARGETS;
use crate::pages::machines::connection::{change_report, progress_text};
use crate::routes;
use crate::state::{Session, Toasts};

/// "Proxy “Squid” deleted: 4 machines now connect through Corporate egress."
pub fn moved(deleted: &str, machines: usize, way: &str) -> String {
    let moved = routes::now_connect(machines, ("machine", "machines"), way);
    format!("{deleted}: {moved}.")
}

/// The Delete button and its confirmation. A failed delete says why and leaves the proxy as it is.
/// A proxy in use offers to move its machines first (Direct or another proxy), then deletes it.
#[component]
pub fn DeleteProxy(
    space: String,
    proxy: ProxyResource,
    /// What the proxy was loaded with: a delete of a proxy changed since is refused.
    etag: Option<String>,
    users: api::Users,
) -> impl IntoView {
    let session = Session::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    // Why a delete was refused, and what the server listed (e.g. the targets that use the proxy).
    let failure = RwSignal::new(None::<(String, Vec<String>)>);
    let name = proxy.name.clone();
    let proxy_name = StoredValue::new(name.clone());
    let used = users.count() > 0;
    let proxy_id = proxy.id.clone().unwrap_or_default();
    // What a delete checks is still stored (the version loaded).
    let loaded = api::Tagged { value: proxy, etag };
    let list = routes::proxies(&space);
    let links = machine_links(&space, &users);
    // The answer is handled in the action itself (try_set: the page may be gone by then).
    let deleted = format!("Proxy \u{201c}{name}\u{201d} deleted");
    // Where its machines go first: "" (not chosen), "Direct" or another proxy's id.
    let move_to = RwSignal::new(String::new());
    // Each fleet's machines to move.
    let to_move: Vec<_> = users
        .by_fleet()
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(fleet, names)| (fleet, names.clone()))
        .collect();
    let total = users.count();
    let progress = RwSignal::new(None::<usize>);
    let choices_space = space.clone();
    // The other proxies, asked for when the dialog opens (not with the page).
    let choices = used.then(|| {
        LocalResource::new(move || {
            let (space, wanted) = (choices_space.clone(), open.get());
            async move {
                match wanted {
                    true => api::lookups(space, &TARGETS, false).await,
                    false => Ok(api::Lookups::default()),
                }
            }
        })
    });
    let delete = Action::new_local(move |(): &()| {
        let (space, loaded, list, navigate, deleted) = (
            space.clone(),
            loaded.clone(),
            list.clone(),
            navigate.clone(),
            deleted.clone(),
        );
        let to = move_to.get_untracked();
        let moving = match to.is_empty() {
            true => vec![],
            false => to_move.clone(),
        };
        let to = Some(to).filter(|t| t != api::DIRECT);
        // The confirmation names the move too: "…deleted: 4 machines now connect directly."
        let done = match (moving.is_empty(), &to) {
            (true, _) => deleted,
            (false, None) => moved(&deleted, total, "directly"),
            (false, Some(id)) => {
                let name = choices
                    .and_then(|c| c.get_untracked())
                    .and_then(Result::ok)
                    .and_then(|names| names.proxies.into_iter().find(|p| p.id == *id))
                    .map_or_else(|| id.clone(), |p| p.name);
                moved(&deleted, total, &format!("through {name}"))
            }
        };
        progress.set(None);
        async move {
            // Each fleet's move, then the delete; the first failure stops the rest, and the
            // proxy is deleted only when every machine moved.
            let moved = async {
                let mut done = 0;
                for (fleet, machines) in moving {
                    let count = machines.len();
                    let step = |n| {
                        progress.try_set(Some(done + n));
                    };
                    let change =
                        api::change_connection(fleet, space.clone(), machines, to.clone(), step);
                    match session.check(change.await) {
                        Ok(change) if change.complete() => done += count,
                        Ok(change) => {
                            // Each machine moved came from this proxy.
                            let report =
                                change_report(fleet, &change, "", |_| proxy_name.get_value());
                            let title = format!("{} The proxy was not deleted.", report.title);
                            return Err((title, report.lines));
                        }
                        Err(e) => return Err((e.to_string(), vec![])),
                    }
                }
                Ok(())
            }
            .await;
            progress.try_set(None);
            if let Err(why) = moved {
                failure.try_set(Some(why));
                return;
            }
            let result = api::delete_proxy(space, loaded).await;
            match session.check(result) {
                Ok(()) => {
                    open.try_set(false);
                    toasts.success(done);
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
    // A proxy in use cannot be deleted: the dialog says so and lists the targets to switch.
    let (title, confirm_label, cancel_label) = if used {
        (
            format!("Proxy \u{201c}{name}\u{201d} is in use"),
            format!(
                "Move {} and delete",
                crate::routes::used_by(users.count() as i64)
            ),
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
        <ConfirmDialog id="delete" open=open title=title
            confirm_label=Signal::derive(move || if used && move_to.with(String::is_empty) { String::new() } else { confirm_label.clone() })
            cancel_label=cancel_label busy=delete.pending()
            on_confirm=move |_| { delete.dispatch_local(()); }
            on_cancel=move |_| open.set(false)>
            {if used {
                view! {
                    <p>"It cannot be deleted while these machines connect through it:"</p>
                    <div class="delete-users" data-testid="delete-users">{links}</div>
                    <label for="delete-move-to">"Move them to"</label>
                    <select id="delete-move-to" on:change:target=move |ev| move_to.set(ev.target().value())>
                        <option value="" selected>"Choose a connection"</option>
                        <option value="Direct">"Direct"</option>
                        {move || match choices.and_then(|c| c.get()) {
                            Some(Ok(names)) => names.proxies.into_iter()
                                .filter(|p| p.id != proxy_id)
                                .map(|p| view! { <option value=p.id>{p.name}</option> })
                                .collect_view()
                                .into_any(),
                            _ => ().into_any(),
                        }}
                    </select>
                    <p class="field-hint">{if api::all_or_none() {
                        "The deployment targets are moved together (all or none), then the workers, then the proxy is deleted."
                    } else {
                        "The machines are moved one at a time, deployment targets first: if one cannot be moved, those not yet moved stay as they are and the proxy is not deleted."
                    }}</p>
                    <p class="field-hint" role="status" data-testid="delete-progress">
                        {move || progress.get().map(|done| progress_text(done, total))}
                    </p>
                }.into_any()
            } else {
                view! { <p>"This cannot be undone. A proxy that deployment targets or workers still use is not deleted: switch them to another proxy or to a direct connection first."</p> }.into_any()
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_confirmation_of_a_move_then_delete_names_the_move() {
        assert_eq!(
            super::moved(
                "Proxy \u{201c}Squid\u{201d} deleted",
                4,
                "through Corporate egress"
            ),
            "Proxy \u{201c}Squid\u{201d} deleted: 4 machines now connect through Corporate egress."
        );
        assert_eq!(
            super::moved("Proxy \u{201c}Squid\u{201d} deleted", 1, "directly"),
            "Proxy \u{201c}Squid\u{201d} deleted: 1 machine now connects directly."
        );
    }
}
