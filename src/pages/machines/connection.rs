//! "Change connection" for the selected targets or workers: Direct or one proxy for all of them
//! at once (the server's `machines/proxy` or `workers/proxy`, all or nothing). Polling Tentacles
//! are left out and said so: their proxy is set on the Tentacle.

use api_model::ChangedMachine;
use leptos::prelude::*;

use crate::api;
use crate::components::list_page::Selection;
use crate::components::{CheckReport, ConfirmDialog, Report, Tone};
use crate::fleet::TARGETS;
use crate::forms::at_most;
use crate::state::Session;

/// The proxy filter's choices (Direct, then the space's proxies) are what a connection can be.
const CONNECTION_CHOICES: usize = 2;
const DIRECT: &str = "Direct";

pub fn change_connection() -> AnyView {
    view! { <ChangeConnection/> }.into_any()
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
    // The selected targets that can change, and the names of those that cannot.
    let plan = move || {
        let chosen = sel.selected.get();
        sel.rows.with(|(rows, elsewhere)| {
            let (fixed, movable): (Vec<_>, Vec<_>) =
                chosen.into_iter().partition(|id| elsewhere.contains(id));
            let names = fixed
                .iter()
                .filter_map(|id| rows.iter().find(|(r, _)| r == id).map(|(_, n)| n.clone()))
                .collect::<Vec<_>>();
            (movable, names)
        })
    };
    let summary = move || {
        let (movable, skipped) = plan();
        let way = match to.get().as_str() {
            DIRECT => "directly".to_owned(),
            id => format!("through {}", name_of(id)),
        };
        let mut text = format!("{} will connect {way}.", fleet.count(movable.len()));
        if !skipped.is_empty() {
            text.push_str(&format!(
                " Skipped: {} (a Polling Tentacle's proxy is set on the Tentacle).",
                at_most(skipped, 10).join(", ")
            ));
        }
        text
    };
    let change = Action::new_local(move |(): &()| {
        let (ids, _) = plan();
        let proxy = Some(to.get_untracked()).filter(|p| p != DIRECT);
        let space = sel.space.get_untracked();
        let way = proxy.as_deref().map_or_else(
            || "directly".to_owned(),
            |p| format!("through {}", name_of(p)),
        );
        async move {
            let shown = match session.check(api::change_proxy(fleet, space, ids, proxy).await) {
                Ok(answer) => {
                    let was = |m: &ChangedMachine| match &m.previous_proxy_id {
                        Some(p) => format!("was through {}", name_of(p)),
                        None => "was direct".into(),
                    };
                    let lines: Vec<String> = answer
                        .changed
                        .iter()
                        .map(|m| format!("{}: {}", m.name, was(m)))
                        .chain(
                            answer
                                .unchanged
                                .iter()
                                .map(|m| format!("{}: unchanged", m.name)),
                        )
                        .collect();
                    sel.selected.try_set(vec![]);
                    sel.reload.run(());
                    Report::new(
                        Tone::Passed,
                        format!("{} now connect {way}.", fleet.count(answer.changed.len())),
                        at_most(lines, 20),
                    )
                }
                Err(e) => Report::error(&e),
            };
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
        <ConfirmDialog id="connect" open=open title=Signal::derive(move || format!("Change the connection of {}?", fleet.count(plan().0.len())))
            confirm_label=Signal::derive(move || if plan().0.is_empty() { String::new() } else { "Change connection".into() })
            busy=change.pending() on_confirm=move |_| { change.dispatch_local(()); } on_cancel=move |_| open.set(false)>
            <p data-testid="connect-summary">{summary}</p>
        </ConfirmDialog>
        <CheckReport report=report testid="connect-report"/>
    }
}
