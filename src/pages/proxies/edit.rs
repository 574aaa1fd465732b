use api_model::permissions::Permission::{ProxyCreate, ProxyDelete, ProxyEdit};
use api_model::validation::ProxyField;
use api_model::ProxyResource;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use super::delete::DeleteProxy;
use super::test::TestProxy;
use crate::api::{self, ApiError};
use crate::components::error_panel::Missing;
use crate::components::field::{focus_field, focus_soon, PROBLEMS_ID};
use crate::components::{
    loaded, read_only_words, ConflictDialog, FormActions, FormProblems, History, HistoryPage,
    LeaveGuard, PageHead, ReadOnlyNote, TextField,
};
use crate::forms::proxy::{differences, PasswordEdit, ProxyDraft};
use crate::forms::{Difference, FormState};
use crate::routes;
use crate::state::{Session, Toasts};

fn space_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("space").unwrap_or_default()))
}

/// `proxies/new` adds a proxy; `proxies/{id}` edits one (one route: the form is the same).
#[component]
pub fn ProxyPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    move || {
        if id.get() == "new" {
            crate::state::FirstScreen::expect().mark();
            let space = space_param();
            // Opened from a target form's "Add a proxy": it returns there.
            let back = use_query_map()
                .with_untracked(|q| routes::back_to_target(q.get("back").as_deref()));
            let session = Session::expect();
            let editable = Signal::derive(move || session.may(ProxyCreate, &space.get()));
            view! {
                <PageHead title="Add proxy" area="Proxies" list=routes::proxies(&space.get_untracked())/>
                <ProxyForm space=space.get_untracked() original=None reload=Callback::new(|()| {}) back=back address=None
                    editable=editable read_only=read_only_words("proxies", "add them", ProxyCreate)/>
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
    // Asked together with the proxy, not after it.
    let history = HistoryPage::new(space, id);
    let missing = Missing {
        title: "This proxy does not exist",
        text: "It may have been deleted, or the address is mistyped.",
        list: routes::proxies(&space.get_untracked()),
        list_label: "Back to the proxies",
    };
    loaded(
        proxy,
        "Loading the proxy…",
        Some(missing),
        move |(p, users)| {
            let name = p.value.name.clone();
            let space = space.get_untracked();
            let note = routes::last_modified(
                p.value.last_modified_on.as_deref(),
                p.value.last_modified_by.as_deref(),
            );
            let (s, proxy, etag, used) = (
                space.clone(),
                p.value.clone(),
                p.etag.clone(),
                users.clone(),
            );
            let delete = move || {
                session.may(ProxyDelete, &s).then(|| view! {
                    <DeleteProxy space=s.clone() proxy=proxy.clone() etag=etag.clone() users=used.clone()/>
                })
            };
            let s = space.clone();
            let editable = Signal::derive(move || session.may(ProxyEdit, &s));
            view! {
                <PageHead title=name area="Proxies" list=routes::proxies(&space) note=note.unwrap_or_default()>
                    {delete}
                </PageHead>
                <ProxyForm space=space.clone() original=Some(p) reload=reload back=None address=users.address.clone()
                    editable=editable read_only=read_only_words("proxies", "change them", ProxyEdit)/>
                <UsedBy space=space.clone() users=users/>
                <History history=history/>
            }
            .into_any()
        },
    )
}

/// The deployment targets and workers that connect through this proxy, each linking to its
/// settings.
#[component]
fn UsedBy(space: String, users: api::Users) -> impl IntoView {
    let title = match users.count() {
        0 => "Used by".to_owned(),
        n => format!("Used by {}", routes::used_by(n as i64)),
    };
    view! {
        <section class="panel used-by" aria-labelledby="used-by-title" data-testid="used-by">
            <h2 id="used-by-title">{title}</h2>
            {if users.count() == 0 {
                view! { <p>"No deployment target or worker connects through this proxy."</p> }.into_any()
            } else {
                machine_links(&space, &users).into_any()
            }}
        </section>
    }
}

/// The machines that use a proxy, under their fleet's name, each linking to its settings.
pub fn machine_links(space: &str, users: &api::Users) -> impl IntoView {
    users
        .by_fleet()
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(fleet, names)| {
            view! {
                <h3 class="used-by-fleet">{format!("{} ({})", fleet.title, names.len())}</h3>
                <ul class="links" data-testid=fleet.collection>
                    {names.iter().map(|m| view! {
                        <li><a href=routes::item(fleet, space, &m.id)>{m.name.clone()}</a></li>
                    }).collect_view()}
                </ul>
            }
        })
        .collect_view()
}

/// A field's element id, which is how a field with an error gets focus.
fn field_name(field: ProxyField) -> &'static str {
    match field {
        ProxyField::Name => "proxy-name",
        ProxyField::Host => "proxy-host",
        ProxyField::Port => "proxy-port",
        ProxyField::ProxyType => "proxy-type",
        ProxyField::Username => "proxy-username",
        ProxyField::Password => "proxy-password",
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
    /// The target form to return to, with the new proxy chosen (instead of the list).
    back: Option<String>,
    /// Where a target that uses this proxy is reached: the test's host and port to start with.
    address: Option<(String, u16)>,
    /// Whether the person may save it; if not, the fields are read-only and `read_only` says why.
    editable: Signal<bool>,
    read_only: String,
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

    let test_space = space.clone();
    let done = StoredValue::new(back.clone().unwrap_or_else(|| routes::proxies(&space)));
    // The stored proxy while the conflict dialog is open, and what differs from the form.
    let conflict = RwSignal::new(None::<(api::Tagged<ProxyResource>, Vec<Difference>)>);
    // The answer is handled in the action itself: on success back to the list with a toast; on
    // failure the messages go on their fields and everything typed stays. try_set: the form may
    // be gone by the time the server answers.
    // What Save sends; the action takes no input, so that every action has one type.
    let to_send = StoredValue::new(ProxyResource::default());
    let save = Action::new_local(move |(): &()| {
        let (space, resource, navigate, back) = (
            space.clone(),
            to_send.get_value(),
            navigate.clone(),
            back.clone(),
        );
        async move {
            let id = resource.id.clone();
            let loaded = original.get_value().map(|value| api::Tagged {
                value,
                etag: etag.get_value(),
            });
            let result = api::save_proxy(space.clone(), resource, loaded).await;
            let result = match (session.check(result), id) {
                // Someone saved it since: fetch what is stored now to show beside the form.
                (Err(ApiError::Changed(_)), Some(id)) => session
                    .check(api::proxy(space.clone(), id).await)
                    .map(|stored| {
                        let rows = draft.with_untracked(|d| differences(&stored.value, d));
                        conflict.try_set(Some((stored, rows)));
                    }),
                (result, _) => result.map(|stored| {
                    saved.try_set(true);
                    toasts.success(format!("Proxy \u{201c}{}\u{201d} saved", stored.name));
                    // Back to the target form in place of this one, so Back does not reopen it.
                    let (to, replace) = match (&back, &stored.id) {
                        (Some(target), Some(id)) => (routes::target_with_proxy(target, id), true),
                        _ => (routes::proxies(&space), false),
                    };
                    navigate(
                        routes::nav(&to),
                        NavigateOptions {
                            replace,
                            ..NavigateOptions::default()
                        },
                    );
                }),
            };
            match result {
                Ok(()) => {}
                Err(e) => match form.failed(e) {
                    Some(f) => focus(f),
                    None => focus_soon(PROBLEMS_ID),
                },
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
                to_send.set_value(resource);
                save.dispatch_local(());
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
    // Each button replaces itself: focus goes to what replaces it, never to the page's body.
    let set_password = move |p: PasswordEdit, then: &'static str| {
        draft.update(|d| d.password = p);
        form.edited(ProxyField::Password);
        focus_soon(then);
    };
    // A new proxy's empty field means "no password" (Keep); only "Change password" may be empty.
    let typed_password = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let keep_empty = !is_edit && typed.is_empty();
        draft.update(|d| {
            d.password = if keep_empty {
                PasswordEdit::Keep
            } else {
                PasswordEdit::Set(typed)
            }
        });
        form.edited(ProxyField::Password);
    };
    let password_error = error(ProxyField::Password);
    view! {
        <LeaveGuard dirty=dirty/>
        <ConflictDialog noun="proxy" rows=Signal::derive(move || conflict.with(|c| c.as_ref().map(|c| c.1.clone())))
            busy=save.pending() on_overwrite=overwrite
            on_reload=move |()| { saved.set(true); conflict.set(None); reload.run(()) }
            on_cancel=move |()| conflict.set(None)/>
        {move || (!editable.get() && session.access.with(Option::is_some)).then(|| view! { <ReadOnlyNote text=read_only.clone()/> })}
        <form class="panel form" on:submit=submit novalidate>
            <fieldset class="fields" disabled=move || !editable.get()>
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
                        <input id="proxy-password" type="password" autocomplete="new-password" on:input=typed_password
                            aria-invalid=move || password_error.with(Option::is_some).then_some("true")
                            aria-describedby=move || if password_error.with(Option::is_some) { "proxy-password-error proxy-password-hint" } else { "proxy-password-hint" }/>
                        {is_edit.then(|| view! {
                            <button type="button" id="password-keep" class="button small" on:click=move |_| set_password(PasswordEdit::Keep, "password-change")>
                                "Keep the current password"
                            </button>
                        })}
                    }.into_any(),
                    (true, PasswordEdit::Remove) => view! {
                        <p class="password-state" data-testid="password-state">"The password will be removed when you save."</p>
                        <button type="button" id="password-undo" class="button small" on:click=move |_| set_password(PasswordEdit::Keep, "password-change")>"Undo"</button>
                    }.into_any(),
                    (true, PasswordEdit::Keep) => view! {
                        <p class="password-state" data-testid="password-state">
                            {if has_password { "A password is set." } else { "No password is set." }}
                        </p>
                        <div class="inline-actions" hidden=move || !editable.get()>
                            <button type="button" id="password-change" class="button small" on:click=move |_| set_password(PasswordEdit::Set(String::new()), "proxy-password")>
                                {if has_password { "Change password" } else { "Set a password" }}
                            </button>
                            {has_password.then(|| view! {
                                <button type="button" id="password-remove" class="button small" on:click=move |_| set_password(PasswordEdit::Remove, "password-undo")>
                                    "Remove password"
                                </button>
                            })}
                        </div>
                    }.into_any(),
                }}
                {move || password_error.get().map(|e| view! { <p class="field-error" id="proxy-password-error">{e}</p> })}
                <p class="field-hint" id="proxy-password-hint">"Stored on the server and never shown again."</p>
            </div>
            </fieldset>
            {move || editable.get().then(|| view! { <FormActions saving=save.pending() cancel=done.get_value()/> })}
        </form>
        {move || editable.get().then(|| {
            let (space, address) = (test_space.clone(), address.clone());
            view! { <TestProxy space=space draft=draft original=original address=address/> }
        })}
    }
}
