use api_model::validation::ProxyField;
use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use super::delete::DeleteProxy;
use crate::api::{self, ApiError};
use crate::components::field::focus_field;
use crate::components::{loaded, ConflictDialog, FormActions, FormProblems, LeaveGuard, TextField};
use crate::forms::proxy::{differences, PasswordEdit, ProxyDraft};
use crate::forms::{Difference, FormState};
use crate::routes;
use crate::state::{Session, Toasts};

fn space_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("space").unwrap_or_default()))
}

/// `proxies/new` adds a proxy; `proxies/{id}` edits one. (One route, not two: every route
/// adds to the download.)
#[component]
pub fn ProxyPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    move || {
        if id.get() == "new" {
            let space = space_param();
            view! {
                <div class="page-head"><h1>"Add proxy"</h1></div>
                <ProxyForm space=space.get_untracked() original=None reload=Callback::new(|()| {})/>
            }
            .into_any()
        } else {
            view! { <EditProxy id=id/> }.into_any()
        }
    }
}

#[component]
fn EditProxy(id: Memo<String>) -> impl IntoView {
    let session = Session::expect();
    let space = space_param();
    let proxy = LocalResource::new(move || {
        session.version.track();
        let (space, id) = (space.get(), id.get());
        async move { session.check(api::proxy_with_users(space, id).await) }
    });
    let reload = Callback::new(move |()| proxy.refetch());
    loaded(proxy, "Loading the proxy…", move |(p, users)| {
        let name = p.value.name.clone();
        let space = space.get_untracked();
        view! {
            <div class="page-head">
                <h1>{name}</h1>
                <DeleteProxy space=space.clone() proxy=p.value.clone() etag=p.etag.clone() users=users.clone()/>
            </div>
            <ProxyForm space=space.clone() original=Some(p) reload=reload/>
            <UsedBy space=space users=users/>
        }
        .into_any()
    })
}

/// The deployment targets that connect through this proxy, each linking to its settings.
#[component]
fn UsedBy(space: String, users: Vec<api::Named>) -> impl IntoView {
    let count = routes::used_by(users.len() as i64);
    view! {
        <section class="panel used-by" aria-labelledby="used-by-title" data-testid="used-by">
            <h2 id="used-by-title">"Used by: " {count}</h2>
            {if users.is_empty() {
                view! { <p>"No deployment target connects through this proxy."</p> }.into_any()
            } else {
                view! {
                    <ul class="links">
                        {users.into_iter().map(|t| view! {
                            <li><a href=routes::machine(&space, &t.id)>{t.name}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// A field's element id, which is how a field with an error gets focus.
fn field_name(field: ProxyField) -> &'static str {
    match field {
        ProxyField::Name => "proxy-name",
        ProxyField::Host => "proxy-host",
        ProxyField::Port => "proxy-port",
        ProxyField::ProxyType => "proxy-type",
        ProxyField::Username => "proxy-username",
    }
}

fn focus(field: ProxyField) {
    focus_field(field_name(field));
}

/// Create or edit. Checks each field after its first blur and everything on submit, shows the
/// server's answers on their fields, keeps what was typed on failure, and returns to the list
/// with a toast on success. A save sends the ETag the proxy was loaded with: if someone saved it
/// since, the conflict dialog shows both versions and lets the person choose (`reload` loads the
/// stored one).
#[component]
fn ProxyForm(
    space: String,
    original: Option<api::Tagged<ProxyResource>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let etag = StoredValue::new(original.as_ref().and_then(|t| t.etag.clone()));
    let original = original.map(|t| t.value);
    let initial = original
        .as_ref()
        .map(ProxyDraft::from_resource)
        .unwrap_or_default();
    let has_password = original
        .as_ref()
        .and_then(|p| p.password.as_ref())
        .is_some_and(|p| p.has_value);
    let is_edit = original.is_some();
    let original = StoredValue::new(original);

    let draft = RwSignal::new(initial.clone());
    let form = FormState::<ProxyField>::new();
    let saved = RwSignal::new(false);
    let dirty = Signal::derive(move || !saved.get() && draft.with(|d| *d != initial));

    let error = move |field: ProxyField| form.error(field, move |f| draft.with(|d| d.error(f)));
    let edit = move |field: ProxyField, apply: fn(&mut ProxyDraft, String)| {
        Callback::new(move |value: String| {
            draft.update(|d| apply(d, value));
            form.edited(field);
        })
    };
    let blur = move |field: ProxyField| Callback::new(move |()| form.left(field));

    let list_space = StoredValue::new(space.clone());
    // The stored proxy while the conflict dialog is open, and what differs from the form.
    let conflict = RwSignal::new(None::<(api::Tagged<ProxyResource>, Vec<Difference>)>);
    // The answer is handled in the action itself: on success back to the list with a toast; on
    // failure the messages go on their fields and everything typed stays. try_set: the form may
    // be gone by the time the server answers.
    let save = Action::new_local(move |resource: &ProxyResource| {
        let (space, resource, navigate) = (space.clone(), resource.clone(), navigate.clone());
        async move {
            let id = resource.id.clone();
            let result = api::save_proxy(space.clone(), resource, etag.get_value()).await;
            let result = match (session.check(result), id) {
                // Someone saved it since: fetch what is stored now to show beside the form.
                (Err(ApiError::Changed(_)), Some(id)) => session
                    .check(api::proxy(space.clone(), id).await)
                    .map(|stored| {
                        let rows = draft.with_untracked(|d| differences(&stored.value, d));
                        conflict.try_set(Some((stored, rows)));
                    }),
                (result, _) => result.map(|_| {
                    saved.try_set(true);
                    toasts.success("Proxy saved");
                    navigate(
                        routes::nav(&routes::proxies(&space)),
                        NavigateOptions::default(),
                    );
                }),
            };
            match result {
                Ok(()) => {}
                Err(e) => {
                    if let Some(f) = form.failed(e) {
                        focus(f);
                    }
                }
            }
        }
    });

    let send = move || {
        if save.pending().get_untracked() {
            return;
        }
        form.submit();
        let current = original.with_value(|o| draft.with_untracked(|d| d.to_resource(o.as_ref())));
        match current {
            Ok(resource) => {
                save.dispatch_local(resource);
            }
            Err(errors) => focus(errors[0].field),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    // Save over the stored version deliberately: from now on the form edits that version.
    let overwrite = move |()| {
        if let Some((stored, _)) = conflict.get_untracked() {
            etag.set_value(stored.etag);
            original.set_value(Some(stored.value));
            conflict.set(None);
            send();
        }
    };

    let password = move || draft.with(|d| d.password.clone());
    let set_password = move |p: PasswordEdit| draft.update(|d| d.password = p);
    let typed_password =
        move |ev: leptos::ev::Event| set_password(PasswordEdit::Set(event_target_value(&ev)));
    view! {
        <LeaveGuard dirty=dirty/>
        <ConflictDialog noun="proxy" rows=Signal::derive(move || conflict.with(|c| c.as_ref().map(|c| c.1.clone())))
            busy=save.pending() on_overwrite=overwrite
            on_reload=move |()| { saved.set(true); conflict.set(None); reload.run(()) }
            on_cancel=move |()| conflict.set(None)/>
        <form class="panel form" on:submit=submit novalidate>
            <FormProblems problems=form.general title="The proxy was not saved."/>
            <TextField name=field_name(ProxyField::Name) label="Name" hint="How this proxy is shown when a target picks it."
                value=Signal::derive(move || draft.with(|d| d.name.clone()))
                error=error(ProxyField::Name) on_input=edit(ProxyField::Name, |d, v| d.name = v) on_blur=blur(ProxyField::Name)/>
            <TextField name=field_name(ProxyField::Host) label="Host" hint="Host name or IP address only, e.g. proxy.example.com (no http://, no port)."
                value=Signal::derive(move || draft.with(|d| d.host.clone()))
                error=error(ProxyField::Host) on_input=edit(ProxyField::Host, |d, v| d.host = v) on_blur=blur(ProxyField::Host)/>
            <TextField name=field_name(ProxyField::Port) label="Port" hint="1 to 65535; 80 if left empty." inputmode="numeric"
                value=Signal::derive(move || draft.with(|d| d.port.clone()))
                error=error(ProxyField::Port) on_input=edit(ProxyField::Port, |d, v| d.port = v) on_blur=blur(ProxyField::Port)/>
            <div class="field">
                <label for="proxy-type">"Proxy type"</label>
                <select id="proxy-type" aria-describedby="proxy-type-hint">
                    <option value="HTTP" selected>"HTTP"</option>
                </select>
                <p class="field-hint" id="proxy-type-hint">"Only HTTP proxies are supported (with HTTPS tunnelling); SOCKS is not."</p>
            </div>
            <TextField name=field_name(ProxyField::Username) label="Username" hint="Leave empty if the proxy needs no authentication." autocomplete="off"
                value=Signal::derive(move || draft.with(|d| d.username.clone()))
                error=error(ProxyField::Username) on_input=edit(ProxyField::Username, |d, v| d.username = v) on_blur=blur(ProxyField::Username)/>
            <div class="field">
                <label for="proxy-password">"Password"</label>
                {move || match (is_edit, password()) {
                    (false, _) | (true, PasswordEdit::Set(_)) => view! {
                        // Not bound to the draft: what is typed is never written back into the page.
                        <input id="proxy-password" type="password" autocomplete="new-password" on:input=typed_password/>
                        {is_edit.then(|| view! {
                            <button type="button" class="button small" on:click=move |_| set_password(PasswordEdit::Keep)>
                                "Keep the current password"
                            </button>
                        })}
                    }.into_any(),
                    (true, PasswordEdit::Remove) => view! {
                        <p class="password-state" data-testid="password-state">"The password will be removed when you save."</p>
                        <button type="button" class="button small" on:click=move |_| set_password(PasswordEdit::Keep)>"Undo"</button>
                    }.into_any(),
                    (true, PasswordEdit::Keep) => view! {
                        <p class="password-state" data-testid="password-state">
                            {if has_password { "A password is set." } else { "No password is set." }}
                        </p>
                        <div class="inline-actions">
                            <button type="button" class="button small" on:click=move |_| set_password(PasswordEdit::Set(String::new()))>
                                {if has_password { "Change password" } else { "Set a password" }}
                            </button>
                            {has_password.then(|| view! {
                                <button type="button" class="button small" on:click=move |_| set_password(PasswordEdit::Remove)>
                                    "Remove password"
                                </button>
                            })}
                        </div>
                    }.into_any(),
                }}
                <p class="field-hint">"Stored on the server and never shown again."</p>
            </div>
            <FormActions saving=save.pending() cancel=routes::proxies(&list_space.get_value())/>
        </form>
    }
}
