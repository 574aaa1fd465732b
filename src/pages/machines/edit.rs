use api_model::machine_validation::MachineField;
use api_model::permissions::Permission::TaskCreate;
use api_model::{KUBERNETES, LISTENING, POLLING, SSH};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use super::checks::{CheckHealth, Discover};
use crate::api::{self, ApiError, Lookups, Machine, Named, Tagged};
use crate::components::error_panel::Missing;
use crate::components::field::{focus_field, focus_soon, PROBLEMS_ID};
use crate::components::{
    loaded, read_only_words, ConflictDialog, FormActions, FormProblems, History, HistoryPage,
    LeaveGuard, OptionGroup, PageHead, ReadOnlyNote, SelectField, TextField,
};
use crate::fleet::{Fleet, TARGETS, WORKERS};
use crate::forms::target::{differences, style_label, text, TargetDraft};
use crate::forms::{Difference, FormState};
use crate::routes;
use crate::state::{Detour, Detours, Session, Toasts};

/// `machines/new` adds a deployment target; `machines/{id}` shows one's settings.
#[component]
pub fn TargetPage() -> impl IntoView {
    view! { <MachinePage fleet=&TARGETS/> }
}

/// `workers/new` adds a worker; `workers/{id}` shows one's settings.
#[component]
pub fn WorkerPage() -> impl IntoView {
    view! { <MachinePage fleet=&WORKERS/> }
}

/// Add a machine of the fleet, or its settings.
#[component]
fn MachinePage(fleet: &'static Fleet) -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| {
            (
                p.get("space").unwrap_or_default(),
                p.get("id").unwrap_or_default(),
            )
        })
    });
    let data = LocalResource::new(move || {
        session.version.track();
        let (space, id) = key.get();
        async move {
            // Together: the names and the target.
            let (names, machine) =
                futures::join!(api::lookups(space.clone(), fleet, true), async {
                    match id.as_str() {
                        "new" => Ok(None),
                        _ => api::machine(fleet, space, id).await.map(Some),
                    }
                });
            Ok((session.check(machine)?, session.check(names)?))
        }
    });
    let reload = Callback::new(move |()| data.refetch());
    // Asked together with the machine, not after it.
    let history = HistoryPage::new(
        Memo::new(move |_| key.get().0),
        Memo::new(move |_| key.get().1),
    );
    let detours = Detours::expect();
    // Back from "Add a proxy": the proxy just added, to choose.
    let added = use_query_map().with_untracked(|q| q.get("proxy"));
    let list = routes::fleet_list(fleet, &key.get_untracked().0);
    let missing = Missing {
        title: fleet.missing,
        text: "It may have been deleted, or the address is mistyped.",
        list: list.clone(),
        list_label: fleet.back,
    };
    loaded(
        data,
        fleet.loading,
        Some(missing),
        move |(machine, names)| {
            let (space, id) = key.get_untracked();
            let here = routes::item(fleet, &space, &id);
            // Edits kept while a proxy was added from this form: they come back, on the version
            // they were made on, with the new proxy chosen.
            let (machine, start) = match detours.take(&here) {
                Some(kept) => {
                    let mut draft = kept.draft;
                    if let Some(p) = added
                        .clone()
                        .filter(|p| names.proxies.iter().any(|n| n.id == *p))
                    {
                        draft.via_proxy = true;
                        draft.proxy = p;
                    }
                    (kept.original, Some(draft))
                }
                None => (machine, None),
            };
            let title = machine
                .as_ref()
                .map_or_else(|| format!("Add {}", fleet.noun), |m| text(&m.value, "Name"));
            let note = machine.as_ref().and_then(|m| {
                let at = |key| m.value.get(key).and_then(serde_json::Value::as_str);
                routes::last_modified(at("LastModifiedOn"), at("LastModifiedBy"))
            });
            view! {
                <PageHead title=title area=fleet.title list=list.clone()
                    note=note.unwrap_or_default()/>
                <TargetForm fleet=fleet space=space.clone() here=here original=machine start=start names=names.clone() reload=reload/>
                <History history=history names=names.proxies/>
            }
            .into_any()
        },
    )
}

/// A field's element id, which is how a field with an error gets focus.
fn field_name(field: MachineField) -> &'static str {
    match field {
        MachineField::Name => "target-name",
        MachineField::Environments => "target-environments",
        MachineField::WorkerPools => "target-pools",
        MachineField::Url => "target-url",
        MachineField::Thumbprint => "target-thumbprint",
        MachineField::Host => "target-host",
        MachineField::Port => "target-port",
        MachineField::Account => "target-account",
        MachineField::ClusterUrl => "target-cluster-url",
        MachineField::Proxy => "target-proxy",
    }
}

fn options(list: &[Named]) -> Vec<(String, String)> {
    list.iter()
        .map(|n| (n.id.clone(), n.name.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, t)| ((*v).to_owned(), (*t).to_owned()))
        .collect()
}

/// Add or edit. The same behaviour as the proxy form: rules after a field is left and on
/// Save, the server's messages on their fields, nothing typed lost, a toast on success, and the
/// conflict dialog when someone else saved the target since it was opened.
#[component]
fn TargetForm(
    fleet: &'static Fleet,
    space: String,
    /// This form's own address.
    here: String,
    original: Option<Tagged<Machine>>,
    /// Edits to start from (kept over an "Add a proxy" detour) instead of `original`.
    start: Option<TargetDraft>,
    names: Lookups,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let is_new = original.is_none();
    let etag = StoredValue::new(original.as_ref().and_then(|t| t.etag.clone()));
    let original = original.map(|t| t.value);
    let initial = original
        .as_ref()
        .map(|m| TargetDraft::from_machine(fleet, m))
        .unwrap_or_else(|| TargetDraft::new(fleet));
    let original = StoredValue::new(original.unwrap_or_default());
    let before = StoredValue::new(initial.clone());

    let draft = RwSignal::new(start.unwrap_or_else(|| initial.clone()));
    let initial_style = initial.style.clone();
    // A polling endpoint is shown, not edited.
    let (initial_uri, initial_thumbprint) = (initial.uri.clone(), initial.thumbprint.clone());
    let form = FormState::<MachineField>::new();
    let saved = RwSignal::new(false);
    let dirty =
        Signal::derive(move || !saved.get() && before.with_value(|b| draft.with(|d| d != b)));
    let style = Memo::new(move |_| draft.with(|d| d.style.clone()));

    let error = move |field: MachineField| form.error(field, move |f| draft.with(|d| d.error(f)));
    let value = move |get: fn(&TargetDraft) -> String| Signal::derive(move || draft.with(get));
    let edit = move |field: MachineField, apply: fn(&mut TargetDraft, String)| {
        Callback::new(move |v: String| {
            draft.update(|d| apply(d, v));
            form.edited(field);
        })
    };
    let blur = move |field: MachineField| Callback::new(move |()| form.left(field));
    // A choice (select or radio) is both an edit and leaving the field.
    let choose = move |field: MachineField, apply: fn(&mut TargetDraft, String)| {
        Callback::new(move |v: String| {
            draft.update(|d| apply(d, v));
            form.edited(field);
            form.left(field);
        })
    };
    // A text field of the form: its id, label, hint, value and rule.
    let field = move |f: MachineField,
                      label: &'static str,
                      hint: &'static str,
                      get: fn(&TargetDraft) -> String,
                      set: fn(&mut TargetDraft, String)| {
        view! {
            <TextField name=field_name(f) label=label hint=hint value=value(get)
                error=error(f) on_input=edit(f, set) on_blur=blur(f)/>
        }
    };

    let list = StoredValue::new(routes::fleet_list(fleet, &space));
    let discover_space = space.clone();
    // Health is checked with the saved settings: a target that is saved, and that the server
    // connects to (a Polling Tentacle connects out instead).
    // What the person may do with it: change it only where their role reaches all of its
    // environments (a worker's pools restrict nothing).
    let groups = initial.groups.clone();
    let (s, g) = (space.clone(), groups.clone());
    let editable = Signal::derive(move || match is_new {
        true => session.may(fleet.permissions.create, &s),
        false => session.may_all(fleet.permissions.edit, &s, &g),
    });
    let read_only = match is_new {
        true => read_only_words(
            &format!("{}s", fleet.noun),
            "add them",
            fleet.permissions.create,
        ),
        false => read_only_words(
            &format!("this {}", fleet.noun),
            "change it",
            fleet.permissions.edit,
        ),
    };
    let (s, g) = (space.clone(), groups);
    let may_check = move || session.may_all(TaskCreate, &s, &g);
    let health = (!is_new && initial.style != POLLING).then(|| {
        let at = |key| original.with_value(|m| text(m, key));
        let (space, id, health, summary) = (space.clone(), at("Id"), at("HealthStatus"), at("StatusSummary"));
        move || may_check().then(|| view! {
            <CheckHealth space=space.clone() id=id.clone() health=health.clone() summary=summary.clone()/>
        })
    });
    let add_proxy = routes::new_proxy_for(&space, &here);
    let detours = Detours::expect();
    let keep_edits = move |_| {
        detours.keep(Detour {
            target: here.clone(),
            draft: draft.get_untracked(),
            original: (!is_new).then(|| Tagged {
                value: original.get_value(),
                etag: etag.get_value(),
            }),
        })
    };
    let lookups = StoredValue::new(names.clone());
    // The stored target while the conflict dialog is open, and what differs from the form.
    let conflict = RwSignal::new(None::<(Tagged<Machine>, Vec<Difference>)>);
    // What Save sends; the action takes no input, so that every action has one type.
    let to_send = StoredValue::new(Machine::default());
    let save = Action::new_local(move |(): &()| {
        let (space, machine, navigate) = (space.clone(), to_send.get_value(), navigate.clone());
        async move {
            let id = text(&machine, "Id");
            let loaded = (!is_new).then(|| Tagged {
                value: original.get_value(),
                etag: etag.get_value(),
            });
            let result = api::save_machine(fleet, space.clone(), machine, loaded).await;
            let result = match session.check(result) {
                // Someone saved it since: fetch what is stored now to show beside the form.
                Err(ApiError::Changed(_)) if !id.is_empty() => session
                    .check(api::machine(fleet, space, id).await)
                    .map(|stored| {
                        let now = TargetDraft::from_machine(fleet, &stored.value);
                        let rows = lookups
                            .with_value(|n| draft.with_untracked(|d| differences(&now, d, n)));
                        conflict.try_set(Some((stored, rows)));
                    }),
                result => result.map(|stored| {
                    saved.try_set(true);
                    let name = text(&stored, "Name");
                    toasts.success(format!("{} \u{201c}{name}\u{201d} saved", fleet.noun_title));
                    navigate(routes::nav(&list.get_value()), NavigateOptions::default());
                }),
            };
            match result {
                Ok(()) => {}
                Err(e) => match form.failed(e) {
                    Some(f) => focus_field(field_name(f)),
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
        let prior = (!is_new).then(|| before.get_value());
        let result =
            original.with_value(|o| draft.with_untracked(|d| d.to_machine(prior.as_ref(), o)));
        match result {
            Ok(machine) => {
                to_send.set_value(machine);
                save.dispatch_local(());
            }
            Err(errors) => focus_field(field_name(errors[0].field)),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    // Save over the stored version deliberately: every field that differs from it is written
    // (what the dialog listed); fields the form does not show keep their stored values.
    let overwrite = move |()| {
        if let Some((stored, _)) = conflict.get_untracked() {
            etag.set_value(stored.etag);
            before.set_value(TargetDraft::from_machine(fleet, &stored.value));
            original.set_value(stored.value);
            conflict.set(None);
            send();
        }
    };

    let groups = options(&names.groups);
    let accounts = std::iter::once((String::new(), "Choose an account".to_owned()))
        .chain(options(&names.accounts))
        .collect::<Vec<_>>();
    let proxies = std::iter::once((String::new(), "Choose a proxy".to_owned()))
        .chain(options(&names.proxies))
        .collect::<Vec<_>>();
    let no_proxies = names.proxies.is_empty();
    // An empty space still gets a form that says what is missing, instead of empty choices.
    let (no_groups, no_accounts) = (names.groups.is_empty(), names.accounts.is_empty());
    let platforms = pairs(&[
        ("", "Full .NET or Mono"),
        ("linux-x64", "Linux x64 (self-contained)"),
        ("linux-arm64", "Linux ARM64 (self-contained)"),
        ("linux-arm", "Linux ARM (self-contained)"),
        ("osx-x64", "macOS x64 (self-contained)"),
    ]);

    view! {
        <LeaveGuard dirty=dirty/>
        <ConflictDialog noun=fleet.noun rows=Signal::derive(move || conflict.with(|c| c.as_ref().map(|c| c.1.clone())))
            busy=save.pending() on_overwrite=overwrite
            on_reload=move |()| { saved.set(true); conflict.set(None); reload.run(()) }
            on_cancel=move |()| conflict.set(None)/>
        {move || (!editable.get() && session.access.with(Option::is_some)).then(|| view! { <ReadOnlyNote text=read_only.clone()/> })}
        <form class="panel form" on:submit=submit novalidate>
            <fieldset class="fields" disabled=move || !editable.get()>
            <FormProblems problems=form.general title=fleet.not_saved/>
            {field(MachineField::Name, "Name", "How it is shown in the console.", |d| d.name.clone(), |d, v| d.name = v)}
            <OptionGroup name=field_name(fleet.groups_field) legend=fleet.groups_label
                hint=if no_groups { fleet.no_groups_hint } else { fleet.groups_hint }
                options=groups
                chosen=Signal::derive(move || draft.with(|d| d.groups.clone()))
                error=error(fleet.groups_field)
                on_toggle=Callback::new(move |(id, on): (String, bool)| {
                    draft.update(|d| {
                        d.groups.retain(|e| *e != id);
                        if on { d.groups.push(id) }
                    });
                    form.edited(fleet.groups_field);
                    form.left(fleet.groups_field);
                })/>
            <div hidden=!fleet.roles>
                <TextField name="target-roles" label="Roles" hint="Separate roles with commas, e.g. web-server, linux."
                    value=value(|d| d.roles.clone())
                    on_input=Callback::new(move |v| draft.update(|d| d.roles = v))/>
            </div>

            <h2 class="section-title">"Communication"</h2>
            {if is_new {
                view! {
                    <OptionGroup name="target-style" legend="Communication style" radio=true
                        hint="Polling Tentacles are not added here: they register themselves with the server when they are installed."
                        options=pairs(&[(LISTENING, "Listening Tentacle"), (SSH, "SSH")])
                        chosen=Signal::derive(move || vec![style.get()])
                        on_toggle=Callback::new(move |(s, _): (String, bool)| draft.update(|d| d.style = s))/>
                }.into_any()
            } else {
                view! {
                    <p class="field" data-testid="style"><strong>"Communication style: "</strong>{style_label(&initial_style).to_owned()}</p>
                }.into_any()
            }}
            // Every style's fields are built once and shown or hidden: cheaper than rebuilding.
            <div hidden=move || style.get() != LISTENING>
                {field(MachineField::Url, "URL", "The Tentacle's address, e.g. https://web01:10933/.", |d| d.uri.clone(), |d, v| d.uri = v)}
                {field(MachineField::Thumbprint, "Thumbprint", "The Tentacle's certificate thumbprint, shown by Tentacle Manager.", |d| d.thumbprint.clone(), |d, v| d.thumbprint = v)}
                {move || editable.get().then(|| view! { <Discover space=discover_space.clone() draft=draft form=form/> })}
            </div>
            <div hidden=move || style.get() != KUBERNETES>
                {field(MachineField::ClusterUrl, "Cluster URL", "The cluster API's https:// address, e.g. https://k8s.example.com:6443/.", |d| d.cluster_url.clone(), |d, v| d.cluster_url = v)}
                <TextField name="target-namespace" label="Namespace" hint="The namespace deployments go to; empty for the default one."
                    value=value(|d| d.namespace.clone())
                    on_input=Callback::new(move |v| draft.update(|d| d.namespace = v))/>
                <div class="note"><p>"Its authentication and the rest of its settings are kept as they are stored."</p></div>
            </div>
            <div hidden=move || style.get() != SSH>
                {field(MachineField::Host, "Host", "Host name or IP address of the SSH server.", |d| d.host.clone(), |d, v| d.host = v)}
                {field(MachineField::Port, "Port", "Usually 22.", |d| d.port.clone(), |d, v| d.port = v)}
                <TextField name="target-fingerprint" label="Fingerprint" hint="The host key fingerprint the server expects."
                    value=value(|d| d.fingerprint.clone())
                    on_input=Callback::new(move |v| draft.update(|d| d.fingerprint = v))/>
                <SelectField name=field_name(MachineField::Account) label="Account" options=accounts
                    hint=if no_accounts {
                        "This space has no SSH accounts yet: add one on the server first (this console does not manage accounts)."
                    } else {
                        "The SSH key pair or username and password to log in with."
                    }
                    value=value(|d| d.account.clone()) error=error(MachineField::Account)
                    on_change=choose(MachineField::Account, |d, v| d.account = v)/>
                <SelectField name="target-platform" label=".NET platform" options=platforms
                    hint="Which Calamari it runs: self-contained .NET for the platform, or one that needs .NET or Mono installed."
                    value=value(|d| d.platform.clone())
                    on_change=Callback::new(move |v| draft.update(|d| d.platform = v))/>
            </div>
            <dl class="facts-list" hidden=move || style.get() != POLLING>
                <dt>"Subscription"</dt><dd class="mono">{initial_uri}</dd>
                <dt>"Thumbprint"</dt><dd class="mono">{initial_thumbprint}</dd>
            </dl>
            <div hidden=move || style.get() != POLLING class="note" data-testid="polling-note">
                <p>"A Polling Tentacle opens the connection to the server itself, so the server never connects out to it and there is no proxy to choose here."</p>
                <p>"Its proxy is set on the Tentacle: on the polling proxy page of Tentacle Manager, or with the "<code>"tentacle polling-proxy"</code>" command."</p>
                <p>"If the Tentacle is told to use the system proxy (the Internet Explorer settings on Windows), those settings are read as the user who installed the Tentacle, not as the account its service runs under, so check them as that user."</p>
            </div>
            <div hidden=move || style.get() == POLLING>
                <OptionGroup name="target-connection" legend="Connection" radio=true
                    hint=fleet.reach_hint
                    options=pairs(&[("direct", "Direct"), ("proxy", "Through a proxy")])
                    chosen=Signal::derive(move || vec![if draft.with(|d| d.via_proxy) { "proxy" } else { "direct" }.to_owned()])
                    on_toggle=Callback::new(move |(c, _): (String, bool)| { draft.update(|d| d.via_proxy = c == "proxy"); form.edited(MachineField::Proxy) })/>
                <div hidden=move || !draft.with(|d| d.via_proxy)>
                    <SelectField name=field_name(MachineField::Proxy) label="Proxy" options=proxies
                        hint=if no_proxies { "This space has no proxies yet: add one first." } else { "One of this space's HTTP proxies." }
                        value=value(|d| d.proxy.clone()) error=error(MachineField::Proxy)
                        on_change=choose(MachineField::Proxy, |d, v| d.proxy = v)/>
                    <p class="field" hidden=move || !editable.get()><a href=add_proxy data-keeps-edits on:click=keep_edits>"Add a proxy"</a>
                        <span class="muted">" (your changes here are kept)"</span></p>
                </div>
            </div>
            </fieldset>
            {move || editable.get().then(|| view! { <FormActions saving=save.pending() cancel=list.get_value()/> })}
        </form>
        {health}
    }
}
