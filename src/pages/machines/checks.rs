//! What a target's settings page can ask the server to check: the Listening Tentacle's
//! thumbprint (discovery) and the target's health.

use api_model::machine_validation::MachineField;
use leptos::prelude::*;

use crate::api::{self, HealthCheck};
use crate::components::field::focus_field;
use crate::components::{list_page::BulkWork, CheckReport, Report, Tone};
use crate::fleet::Fleet;
use crate::forms::target::{health_label, TargetDraft};
use crate::forms::FormState;
use crate::state::Session;

/// "Read the thumbprint": the server reaches the Tentacle at the form's URL, through the chosen
/// proxy or directly, and the thumbprint of the certificate it presents fills the field.
#[component]
pub fn Discover(
    space: String,
    draft: RwSignal<TargetDraft>,
    form: FormState<MachineField>,
) -> impl IntoView {
    let session = Session::expect();
    let report = RwSignal::new(None::<Report>);
    let discover = Action::new_local(move |(): &()| {
        let space = space.clone();
        let (uri, proxy) =
            draft.with_untracked(|d| (d.uri.clone(), d.via_proxy.then(|| d.proxy.clone())));
        async move {
            let shown = match session.check(api::discover_thumbprint(space, uri, proxy).await) {
                Ok(thumbprint) => {
                    draft.try_update(|d| d.thumbprint = thumbprint.clone());
                    form.edited(MachineField::Thumbprint);
                    Report::new(Tone::Passed, format!("The Tentacle presented {thumbprint}: it is in the Thumbprint field now."), vec![])
                }
                Err(e) => Report::error(&e),
            };
            report.try_set(Some(shown));
        }
    });
    let run = move |_| {
        if discover.pending().get_untracked() {
            return;
        }
        // The URL (and the proxy, when one is to be used) must be valid first: their own rules.
        let wrong = draft.with_untracked(|d| {
            [MachineField::Url, MachineField::Proxy]
                .into_iter()
                .find(|f| d.error(*f).is_some())
        });
        if let Some(f) = wrong {
            form.left(f);
            focus_field(if f == MachineField::Url {
                "target-url"
            } else {
                "target-proxy"
            });
            return;
        }
        report.set(Some(Report::new(
            Tone::Running,
            "Reading the thumbprint…",
            vec![],
        )));
        discover.dispatch_local(());
    };
    view! {
        <div class="field">
            <button type="button" id="discover" class="button small" on:click=run
                disabled=discover.pending() aria-busy=move || discover.pending().get().then_some("true")>
                "Read the thumbprint from the Tentacle"
            </button>
            <p class="field-hint">"Through the proxy chosen under Connection, or directly."</p>
            <CheckReport report=report testid="discover-report"/>
        </div>
    }
}

/// A check's state while it runs, in words.
fn running(check: &HealthCheck) -> Report {
    let title = match check.state.as_str() {
        "Queued" => "Waiting for its turn…",
        _ => "Checking…",
    };
    Report::new(Tone::Running, title, vec![])
}

/// The outcome of a check of several machines, in words: what was checked, how many of them are
/// unavailable, and the Polling Tentacles that were not checked.
pub fn health_summary(fleet: &Fleet, checked: usize, unavailable: usize, skipped: usize) -> String {
    let (one, many) = fleet.short;
    let mut text = match (checked, unavailable) {
        (0, _) => format!("No {many} were checked."),
        (1, 0) => format!("The {one} checked is healthy."),
        (1, _) => format!("The {one} checked is unavailable."),
        (n, 0) => format!("All {n} {many} checked are healthy."),
        (n, 1) => format!("1 of the {n} {many} checked is unavailable."),
        (n, u) => format!("{u} of the {n} {many} checked are unavailable."),
    };
    match skipped {
        0 => {}
        1 => text.push_str(" 1 Polling Tentacle was not checked: it is checked when it polls."),
        n => text.push_str(&format!(
            " {n} Polling Tentacles were not checked: they are checked when they poll."
        )),
    }
    text
}

/// The list's "Check health" for the selected machines: progress, then which could not be
/// reached and why (the last line each one's check logged).
pub fn check_health(
    fleet: &'static Fleet,
    space: String,
    ids: Vec<String>,
    report: RwSignal<Option<Report>>,
) -> BulkWork {
    let session = Session::expect();
    report.set(Some(Report::new(
        Tone::Running,
        "Starting the health check…",
        vec![],
    )));
    Box::pin(async move {
        let followed =
            api::check_health(space, ids, |c| report.try_set(Some(running(c))).is_none()).await;
        let shown = match session.check(followed) {
            Ok(c) if !c.done => still_running(),
            Ok(c) => {
                let failed: Vec<String> = c
                    .machines
                    .iter()
                    .filter(|m| m.status == "Failed")
                    .map(|m| {
                        format!(
                            "{}: {}",
                            m.name,
                            m.lines.last().cloned().unwrap_or_default()
                        )
                    })
                    .collect();
                let skipped = c.machines.iter().filter(|m| m.status == "Skipped").count();
                let checked = c.machines.len() - skipped;
                let title = health_summary(fleet, checked, failed.len(), skipped);
                let tone = if failed.is_empty() {
                    Tone::Passed
                } else {
                    Tone::Failed
                };
                Report::new(tone, title, crate::forms::at_most(failed, 20))
            }
            Err(e) => Report::error(&e),
        };
        report.try_set(Some(shown));
    })
}

fn still_running() -> Report {
    Report::new(
        Tone::Running,
        "The check is still running on the server: look again later.",
        vec![],
    )
}

/// The target's health, and "Check health": runs the server's Health task for this target
/// (with its saved settings) and shows each step of the check as the server logged it.
#[component]
pub fn CheckHealth(space: String, id: String, health: String, summary: String) -> impl IntoView {
    let session = Session::expect();
    let shown = RwSignal::new((health, summary));
    let report = RwSignal::new(None::<Report>);
    let check = Action::new_local(move |(): &()| {
        let (space, id) = (space.clone(), id.clone());
        async move {
            let followed = api::check_health(space, vec![id], |c| {
                report.try_set(Some(running(c))).is_none()
            })
            .await;
            let outcome = match session.check(followed) {
                Ok(c) if !c.done => still_running(),
                Ok(c) => match c.machines.into_iter().next() {
                    Some(m) => {
                        let health = match m.status.as_str() {
                            "Success" => "Healthy",
                            "Skipped" => "Unknown",
                            _ => "Unavailable",
                        };
                        // Health is said once: the status above, its reasons in the report.
                        shown.try_set((health.to_owned(), String::new()));
                        let tone = if health == "Healthy" {
                            Tone::Passed
                        } else {
                            Tone::Failed
                        };
                        Report::new(tone, "Checked just now:", m.lines)
                    }
                    None => Report::new(Tone::Failed, c.error, vec![]),
                },
                Err(e) => Report::error(&e),
            };
            report.try_set(Some(outcome));
        }
    });
    view! {
        <section class="panel check" aria-labelledby="health-title" data-testid="health">
            <h2 id="health-title">"Health"</h2>
            <p data-testid="health-status">
                <strong>{move || health_label(&shown.get().0)}</strong>
                {move || { let s = shown.get().1; (!s.is_empty()).then(|| format!(": {s}")) }}
            </p>
            <button type="button" id="check-health" class="button" on:click=move |_| { if !check.pending().get_untracked() { check.dispatch_local(()); } }
                disabled=check.pending() aria-busy=move || check.pending().get().then_some("true")>"Check health"</button>
            <p class="field-hint">"The server reaches it with its saved settings (unsaved changes above are not used)."</p>
            <CheckReport report=report testid="health-report"/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::health_summary;
    use crate::fleet::{TARGETS, WORKERS};

    #[test]
    fn a_health_summary_counts_the_fleet_in_plain_words() {
        assert_eq!(
            health_summary(&WORKERS, 2, 2, 1),
            "2 of the 2 workers checked are unavailable. 1 Polling Tentacle was not checked: \
             it is checked when it polls."
        );
        assert_eq!(
            health_summary(&TARGETS, 3, 1, 0),
            "1 of the 3 targets checked is unavailable."
        );
        assert_eq!(
            health_summary(&TARGETS, 3, 0, 0),
            "All 3 targets checked are healthy."
        );
        assert_eq!(
            health_summary(&TARGETS, 1, 0, 0),
            "The target checked is healthy."
        );
        assert_eq!(
            health_summary(&WORKERS, 1, 1, 0),
            "The worker checked is unavailable."
        );
        assert_eq!(
            health_summary(&TARGETS, 0, 0, 2),
            "No targets were checked. 2 Polling Tentacles were not checked: they are checked \
             when they poll."
        );
    }
}
