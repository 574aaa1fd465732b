use leptos::prelude::*;

use crate::api::ApiError;

/// How a check ended, or that it is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Running,
    Passed,
    Failed,
}

/// What a check (a proxy test, a health check, a discovery) found, shown where it was asked for:
/// a sentence and the lines behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub tone: Tone,
    pub title: String,
    pub lines: Vec<String>,
}

impl Report {
    pub fn new(tone: Tone, title: impl Into<String>, lines: Vec<String>) -> Self {
        Self {
            tone,
            title: title.into(),
            lines,
        }
    }

    /// The request itself failed: the server's message and each problem it named.
    pub fn error(e: &ApiError) -> Self {
        let lines = match e {
            ApiError::Validation { errors, .. } => errors.clone(),
            _ => vec![],
        };
        Self::new(Tone::Failed, e.to_string(), lines)
    }
}

/// The live region a check reports into: always present, so that screen readers announce what
/// appears in it. Focus goes to it when a report appears (the console's rule: after an action,
/// focus goes to its result), so it does not fall to the top of the page when the button that
/// started the check is disabled while it runs.
#[component]
pub fn CheckReport(report: RwSignal<Option<Report>>, testid: &'static str) -> impl IntoView {
    let region = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if report.with(Option::is_some) {
            if let Some(el) = region.get_untracked() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div role="status" aria-live="polite" data-testid=testid tabindex="-1" class="check-region" node_ref=region>
            {move || report.get().map(|r| {
                let (class, tone) = match r.tone {
                    Tone::Running => ("check-report", "running"),
                    Tone::Passed => ("check-report passed", "passed"),
                    Tone::Failed => ("check-report failed", "failed"),
                };
                view! {
                    <div class=class data-tone=tone>
                        <p><strong>{r.title}</strong></p>
                        {(!r.lines.is_empty()).then(|| view! {
                            <ul>{r.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }
            })}
        </div>
    }
}
