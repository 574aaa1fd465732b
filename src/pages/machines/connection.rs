//! "Change connection" for the selected targets or workers: Direct or one proxy for all of them
//! (all or nothing on a server with `machines/proxy`; else one by one, and the confirmation says
//! so). Polling Tentacles are left out and said so: their proxy is set on the Tentacle.

use api_model::ChangedMachine;
use leptos::prelude::*;

use crate::api::{self, ConnectionChange, Named};
use crate::components::list_page::Selection;
use crate::components::{CheckReport, ConfirmDialog, Deferred, Report, Tone};
use crate::fleet::Fleet;
use crate::fleet::TARGETS;
use crate::forms::at_most;
use crate::state::Session;

/// The proxy filter's choices (Direct, then the space's proxies) are what a connection can be.
const CONNECTION_CHOICES: usize = 2;
const DIRECT: &str = api::DIRECT;

/// What the confirmation of a change of many says on a server that changes them one by one.
pub const ONE_BY_ONE: &str = "They are changed one at a time: if one cannot be changed, those not yet changed stay as they are, and the report says which changed.";

/// "12 of 37 changed…" while a change goes one by one.
pub fn progress_text(done: usize, total: usize) -> String {
    format!("{done} of {total} changed…")
}

/// The report of a change: each machine changed with how it connected before, then (after a
/// failure) which one failed and why, and those not changed.
pub fn change_report(
    fleet: &Fleet,
    change: &ConnectionChange,
    way: &str,
    name_of: impl Fn(&str) -> String,
) -> Report {
    let was = |m: &ChangedMachine| match &m.previous_proxy_id {
        Some(p) => format!("{}: was through {}", m.name, name_of(p)),
        None => format!("{}: was direct", m.name),
    };
    let mut lines: Vec<String> = change.changed.iter().map(was).collect();
    lines.extend(
        change
            .unchanged
            .iter()
            .map(|m| format!("{}: unchanged", m.name)),
    );
    match &change.failed {
        None => Report::new(
            Tone::Passed,
            format!("{} now connect {way}.", fleet.count(change.changed.len())),
            at_most(lines, 20),
        ),
        Some((failed, e)) => {
            let mut lines = at_most(lines, 20);
            lines.push(format!("{}: not changed: {e}", failed.name));
            if !change.not_changed.is_empty() {
                let names = change.not_changed.iter().map(|m| m.name.clone()).collect();
                lines.push(format!("Not changed: {}", at_most(names, 20).join(", ")));
            }
            Report::new(
                Tone::Failed,
                format!(
                    "Stopped after a failure: {} changed, {} not.",
                    fleet.count(change.changed.len()),
                    1 + change.not_changed.len()
                ),
                lines,
            )
        }
    }
}

pub fn change_connection() -> AnyView {
    let sel = expect_context::<Selection>();
    let session = Session::expect();
    let edit = sel.fleet.unwrap_or(&TARGETS).permissions.edit;
    (move || {
        session
            .may(edit, &sel.space.get())
            .then(|| view! { <ChangeConnection/> })
    })
    .into_any()
}

#[component]
fn ChangeConnection() -> impl IntoView {
    let sel = expect_context::<Selection>();
    let fleet = sel.fleet.unwrap_or(&TARGETS);
    let session = Session::expect();
    let to = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let report = RwSignal::new(None::<Report>);
    let choices = move || {
        sel.choices
            .with(|c| c.get(CONNECTION_CHOICES).cloned().unwrap_or_default())
    };
    let name_of = move |id: &str| {
        choices()
            .into_iter()
            .find(|(v, _)| v == id)
            .map_or_else(|| id.to_owned(), |(_, name)| name)
    };
    // "directly" or "through Squid in the DMZ", for a choice of the Connection select.
    let way = move |to: &str| match to {
        DIRECT => "directly".to_owned(),
        id => format!("through {}", name_of(id)),
    };
    let progress = RwSignal::new(None::<(usize, usize)>);
    // The selected targets that can change, and the names of those that cannot.
    let plan = move || {
        let chosen = sel.selected.get();
        sel.rows.with(|(rows, elsewhere)| {
            let (fixed, movable): (Vec<_>, Vec<_>) =
                chosen.into_iter().partition(|id| elsewhere.contains(id));
            let named = |ids: Vec<String>| {
                ids.into_iter()
                    .map(|id| {
                        let name = rows.iter().find(|(r, _)| *r == id).map(|(_, n)| n.clone());
                        Named {
                            name: name.unwrap_or_else(|| id.clone()),
                            id,
                        }
                    })
                    .collect::<Vec<_>>()
            };
            let skipped = named(fixed).into_iter().map(|n| n.name).collect::<Vec<_>>();
            (named(movable), skipped)
        })
    };
    let summary = move || {
        let (movable, skipped) = plan();
        let way = to.with(|to| way(to));
        let mut text = format!("{} will connect {way}.", fleet.count(movable.len()));
        if !skipped.is_empty() {
            text.push_str(&format!(
                " Skipped: {} (a Polling Tentacle's proxy is set on the Tentacle).",
                at_most(skipped, 10).join(", ")
            ));
        }
        if !api::all_or_none() {
            text.push(' ');
            text.push_str(ONE_BY_ONE);
        }
        text
    };
    let change = Action::new_local(move |(): &()| {
        let (machines, _) = plan();
        let total = machines.len();
        let proxy = Some(to.get_untracked()).filter(|p| p != DIRECT);
        let space = sel.space.get_untracked();
        let way = to.with_untracked(|to| way(to));
        progress.set(None);
        async move {
            let step = |done| {
                progress.try_set(Some((done, total)));
            };
            let answer = api::change_connection(fleet, space, machines, proxy, step).await;
            let shown = match session.check(answer) {
                Ok(change) => {
                    // Those not changed stay selected, to try again.
                    let left = change
                        .failed
                        .iter()
                        .map(|(m, _)| m)
                        .chain(&change.not_changed);
                    sel.selected.try_set(left.map(|m| m.id.clone()).collect());
                    // What changed shows in the table, after a failure too.
                    sel.reload.run(());
                    change_report(fleet, &change, &way, name_of)
                }
                Err(e) => Report::error(&e),
            };
            progress.try_set(None);
            open.try_set(false);
            report.try_set(Some(shown));
        }
    });
    let count = move || sel.selected.with(Vec::len);
    view! {
        <div class="field">
            <label for="bulk-connection">"Connection"</label>
            <select id="bulk-connection" on:change:target=move |ev| to.set(ev.target().value())>
                <option value="" selected>"Choose a connection"</option>
                {move || choices().into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
            </select>
        </div>
        <button type="button" id="bulk-connect" class="button" disabled=move || count() == 0 || to.with(String::is_empty)
            on:click=move |_| open.set(true)>
            {move || format!("Change connection ({} selected)", count())}
        </button>
        // Closed until asked for: built after the first screen.
        <Deferred>
        <ConfirmDialog id="connect" open=open title=Signal::derive(move || format!("Change the connection of {}?", fleet.count(plan().0.len())))
            confirm_label=Signal::derive(move || if plan().0.is_empty() { String::new() } else { "Change connection".into() })
            busy=change.pending() on_confirm=move |_| { change.dispatch_local(()); } on_cancel=move |_| open.set(false)>
            <p data-testid="connect-summary">{summary}</p>
            <p class="field-hint" role="status" data-testid="connect-progress">
                {move || progress.get().map(|(done, total)| progress_text(done, total))}
            </p>
        </ConfirmDialog>
        </Deferred>
        <CheckReport report=report testid="connect-report"/>
    }
}
