//! "Change connection" for the selected targets or workers: Direct or one proxy for all of them
//! (all or nothing on a server with `machines/proxy`; else one by one, and the confirmation says
//! so). Polling Tentacles are left out and said so: their proxy is set on the Tentacle.

use std::collections::BTreeMap;

use api_model::permissions::Permission::TaskCreate;
use api_model::ChangedMachine;
use leptos::prelude::*;

use super::checks::check_health;
use crate::api::{self, ConnectionChange, Named};
use crate::components::list_page::{RowKey, Selection};
use crate::components::{CheckReport, ConfirmDialog, Deferred, Report, Tone};
use crate::fleet::Fleet;
use crate::fleet::TARGETS;
use crate::forms::at_most;
use crate::routes;
use crate::state::Session;

/// The proxy filter's choices (Direct, then the space's proxies) are what a connection can be.
const CONNECTION_CHOICES: usize = 2;
const DIRECT: &str = api::DIRECT;

/// What the confirmation of a change of many says on a server that changes them one by one.
pub const ONE_BY_ONE: &str = "They are changed one at a time: if one cannot be changed, those not yet changed stay as they are, and the report says which changed.";

/// Said after a change of connection: the Health column is from before it.
pub const HEALTH_BEFORE_MOVE: &str =
    "Their health was last checked on the old connection: check it again to see it on the new one.";

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
            format!(
                "{}.",
                routes::now_connect(change.changed.len(), fleet.short, way)
            ),
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

/// What a change of connection does to the selected machines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Those that change.
    pub moving: Vec<Named>,
    /// The names of those that already connect that way.
    pub unchanged: Vec<String>,
    /// The names of those whose connection is set elsewhere (Polling Tentacles).
    pub set_elsewhere: Vec<String>,
}

/// What changing the `chosen` rows' connection to `to` does to each: one lookup per row, as a
/// selection can be every matching row of a large fleet.
pub fn plan_change(chosen: Vec<String>, rows: &[RowKey], to: &str) -> Plan {
    let by_id: BTreeMap<&str, &RowKey> = rows.iter().map(|k| (k.id.as_str(), k)).collect();
    let mut plan = Plan::default();
    for id in chosen {
        let key = by_id.get(id.as_str());
        let name = key.map_or_else(|| id.clone(), |k| k.name.clone());
        match key.map(|k| k.connection.as_deref()) {
            Some(None) => plan.set_elsewhere.push(name),
            Some(Some(now)) if now == to => plan.unchanged.push(name),
            _ => plan.moving.push(Named { id, name }),
        }
    }
    plan
}

/// The confirmation's words: what changes, then what is left as it is and why.
pub fn summary_text(fleet: &Fleet, plan: &Plan, way: &str, all_or_none: bool) -> String {
    let mut text = match plan.moving.len() {
        0 => format!("No selected {} would change.", fleet.short.1),
        n => format!("{} will connect {way}.", fleet.count(n)),
    };
    if !plan.unchanged.is_empty() {
        let names = at_most(plan.unchanged.clone(), 10).join(", ");
        text.push_str(&format!(
            " Already connecting {way}, left as they are: {names}."
        ));
    }
    if !plan.set_elsewhere.is_empty() {
        let names = at_most(plan.set_elsewhere.clone(), 10).join(", ");
        text.push_str(&format!(
            " Skipped: {names} (a Polling Tentacle's proxy is set on the Tentacle)."
        ));
    }
    if !all_or_none && !plan.moving.is_empty() {
        text.push(' ');
        text.push_str(ONE_BY_ONE);
    }
    text
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
    // The machines the last change moved, whose health may now differ.
    let moved = RwSignal::new(Vec::<String>::new());
    let check_moved = Action::new_local(move |(): &()| {
        let ids = moved.get_untracked();
        moved.set(vec![]);
        let work = check_health(fleet, sel.space.get_untracked(), ids, report);
        async move {
            work.await;
            // The Health column shows what the check found.
            sel.reload.run(());
        }
    });
    let may_check = move || session.may(TaskCreate, &sel.space.get());
    // Once per change of the selection or the choice (the title, the button and the summary
    // read it).
    let plan = Memo::new(move |_| {
        let chosen = sel.selected.get();
        to.with(|to| sel.rows.with(|rows| plan_change(chosen, rows, to)))
    });
    let summary = move || {
        let way = to.with(|to| way(to));
        plan.with(|plan| summary_text(fleet, plan, &way, api::all_or_none()))
    };
    let change = Action::new_local(move |(): &()| {
        let machines = plan.with_untracked(|p| p.moving.clone());
        let total = machines.len();
        let proxy = Some(to.get_untracked()).filter(|p| p != DIRECT);
        let space = sel.space.get_untracked();
        let way = to.with_untracked(|to| way(to));
        progress.set(None);
        moved.set(vec![]);
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
                    moved.try_set(change.changed.iter().map(|m| m.id.clone()).collect());
                    let mut report = change_report(fleet, &change, &way, name_of);
                    if !change.changed.is_empty() {
                        report.lines.insert(0, HEALTH_BEFORE_MOVE.to_owned());
                    }
                    report
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
        <ConfirmDialog id="connect" open=open title=Signal::derive(move || format!("Change the connection of {}?", fleet.count(plan.with(|p| p.moving.len()))))
            confirm_label=Signal::derive(move || if plan.with(|p| p.moving.is_empty()) { String::new() } else { "Change connection".into() })
            busy=change.pending() on_confirm=move |_| { change.dispatch_local(()); } on_cancel=move |_| open.set(false)>
            <p data-testid="connect-summary">{summary}</p>
            <p class="field-hint" role="status" data-testid="connect-progress">
                {move || progress.get().map(|(done, total)| progress_text(done, total))}
            </p>
        </ConfirmDialog>
        </Deferred>
        <CheckReport report=report testid="connect-report"/>
        {move || (may_check() && !moved.with(Vec::is_empty)).then(|| view! {
            <button type="button" id="check-moved" class="button" on:click=move |_| { check_moved.dispatch_local(()); }>
                {format!("Check health of the {} moved", fleet.count(moved.with(Vec::len)))}
            </button>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(names: &[&str]) -> Vec<Named> {
        names
            .iter()
            .map(|n| Named {
                id: format!("Machines-{n}"),
                name: n.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_confirmation_counts_only_what_changes_and_names_what_is_left() {
        let plan = Plan {
            moving: named(&["web-01", "web-02"]),
            unchanged: vec!["db-01".into()],
            set_elsewhere: vec!["poll-01".into()],
        };
        assert_eq!(
            summary_text(&TARGETS, &plan, "directly", true),
            "2 targets will connect directly. Already connecting directly, left as they are: \
             db-01. Skipped: poll-01 (a Polling Tentacle's proxy is set on the Tentacle)."
        );
        let one_by_one = summary_text(&TARGETS, &plan, "directly", false);
        assert!(one_by_one.ends_with(ONE_BY_ONE), "{one_by_one}");
    }

    #[test]
    fn a_plan_sorts_the_selection_by_what_the_change_does_to_each() {
        let key = |id: &str, connection: Option<&str>| RowKey {
            id: id.into(),
            name: format!("name of {id}"),
            connection: connection.map(str::to_owned),
        };
        let rows = [
            key("Machines-1", Some(DIRECT)),
            key("Machines-2", Some("Proxies-1")),
            key("Machines-3", None),
        ];
        let chosen = ["Machines-1", "Machines-2", "Machines-3", "Machines-9"];
        let plan = plan_change(chosen.map(String::from).to_vec(), &rows, DIRECT);
        assert_eq!(
            plan.moving,
            [
                Named {
                    id: "Machines-2".into(),
                    name: "name of Machines-2".into()
                },
                // Not on the page any more: changed, under its id.
                Named {
                    id: "Machines-9".into(),
                    name: "Machines-9".into()
                },
            ]
        );
        assert_eq!(plan.unchanged, ["name of Machines-1"]);
        assert_eq!(plan.set_elsewhere, ["name of Machines-3"]);
    }

    #[test]
    fn nothing_to_change_says_so_without_the_one_by_one_warning() {
        let plan = Plan {
            unchanged: vec!["a".into(), "b".into()],
            ..Plan::default()
        };
        assert_eq!(
            summary_text(&crate::fleet::WORKERS, &plan, "through Squid", false),
            "No selected workers would change. Already connecting through Squid, left as they \
             are: a, b."
        );
    }
}
