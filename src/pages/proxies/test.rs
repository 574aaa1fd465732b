use api_model::validation::{validate_port, ProxyField};
use api_model::ProxyResource;
use leptos::prelude::*;

use futures::future::FutureExt;

use crate::api;
use crate::components::{CheckReport, Report, TextField, Tone};
use crate::forms::proxy::ProxyDraft;
use crate::state::Session;

/// "Test this proxy": can the server reach a host and port through the proxy as the form holds
/// it now, saved or not? The host and port start as those of a target that uses the proxy.
/// A server without the proxy test (Octopus) tests the saved proxy, through discovery.
#[component]
pub fn TestProxy(
    space: String,
    draft: RwSignal<ProxyDraft>,
    original: StoredValue<Option<ProxyResource>>,
    address: Option<(String, u16)>,
) -> impl IntoView {
    let (host, port) = address.map_or_else(Default::default, |(h, p)| (h, p.to_string()));
    let (host, port) = (RwSignal::new(host), RwSignal::new(port));
    let session = Session::expect();
    let report = RwSignal::new(None::<Report>);
    // Known before the person can click (read once for every screen).
    let extensions = LocalResource::new(api::extensions);
    let saved_only = move || {
        extensions
            .get()
            .and_then(Result::ok)
            .is_some_and(|e| !e.test)
    };
    let test = Action::new_local(move |(): &()| {
        let (space, to_host, to_port) = (space.clone(), host.get_untracked(), port.get_untracked());
        let outcome = match saved_only() {
            true => {
                let id = original.with_value(|o| o.as_ref().and_then(|p| p.id.clone()));
                saved_test(session, space, id.unwrap_or_default(), to_host, to_port).boxed_local()
            }
            false => {
                let proxy =
                    original.with_value(|o| draft.with_untracked(|d| d.as_typed(o.as_ref())));
                form_test(session, space, proxy, to_host, to_port).boxed_local()
            }
        };
        async move {
            let shown = outcome.await;
            report.try_set(Some(shown));
        }
    });
    let run = move |_| {
        if test.pending().get_untracked() {
            return;
        }
        // The proxy's own host and port must make sense before the server is asked to use them.
        let problems: Vec<String> = draft.with_untracked(|d| {
            [ProxyField::Host, ProxyField::Port]
                .into_iter()
                .filter_map(|f| d.error(f))
                .collect()
        });
        if !problems.is_empty() {
            report.set(Some(Report::new(
                Tone::Failed,
                "Fix the proxy's host and port first.",
                problems,
            )));
            return;
        }
        let edited = original.with_value(|o| {
            o.as_ref()
                .is_none_or(|o| draft.with_untracked(|d| *d != ProxyDraft::from_resource(o)))
        });
        if saved_only() && edited {
            report.set(Some(Report::new(
                Tone::Failed,
                "Save the proxy first: this server tests the proxy as it is saved.",
                vec![],
            )));
            return;
        }
        report.set(Some(Report::new(Tone::Running, "Testing…", vec![])));
        test.dispatch_local(());
    };
    view! {
        <section class="panel check" aria-labelledby="test-title" data-testid="proxy-test">
            <h2 id="test-title">"Test this proxy"</h2>
            <p class="field-hint">{move || if saved_only() {
                "The server connects to the proxy as it is saved (not edits you have not saved) and, through it, discovers what answers at this host and port: a Listening Tentacle, or an SSH server on port 22."
            } else {
                "The server connects to the proxy as the form above holds it (saved or not), asks it for a tunnel to this host and port, and makes a TLS handshake through it when the far end speaks TLS."
            }}</p>
            <div class="check-row">
                <TextField name="test-host" label="Host to reach" value=host on_input=Callback::new(move |v| host.set(v))/>
                <TextField name="test-port" label="Port" inputmode="numeric" value=port on_input=Callback::new(move |v| port.set(v))/>
                <button type="button" id="test-proxy" class="button" on:click=run disabled=test.pending()
                    aria-busy=move || test.pending().get().then_some("true")>"Test"</button>
            </div>
            <CheckReport report=report testid="proxy-test-report"/>
        </section>
    }
}

/// The proxy test of the mock server's API: the proxy as the form holds it.
async fn form_test(
    session: Session,
    space: String,
    proxy: ProxyResource,
    host: String,
    port: String,
) -> Report {
    let target = format!("{}:{}", host.trim(), port.trim());
    match session.check(api::test_proxy(space, proxy, host, port).await) {
        Ok(r) if r.success => Report::new(
            Tone::Passed,
            format!(
                "The proxy reached {target} ({} ms).",
                r.elapsed_milliseconds
            ),
            vec![r.message],
        ),
        Ok(r) => Report::new(
            Tone::Failed,
            format!(
                "Failed at the {} stage after {} ms.",
                r.stage, r.elapsed_milliseconds
            ),
            vec![r.message],
        ),
        Err(e) => Report::error(&e),
    }
}

/// The test on a server without the proxy test (Octopus): discovery through the saved proxy.
async fn saved_test(
    session: Session,
    space: String,
    id: String,
    host: String,
    port: String,
) -> Report {
    let target = format!("{}:{}", host.trim(), port.trim());
    // The port rule the forms use (a number that is not one fails it as 0 does).
    let port = port.trim().parse::<i32>().unwrap_or(0);
    if let Some(problem) = validate_port(port) {
        return Report::new(Tone::Failed, problem, vec![]);
    }
    let port = port as u16;
    let started = js_sys::Date::now();
    match session.check(api::test_saved_proxy(space, id, host, port).await) {
        Ok(found) => Report::new(
            Tone::Passed,
            format!(
                "The saved proxy reached {target} ({} ms).",
                (js_sys::Date::now() - started) as u64
            ),
            vec![found],
        ),
        Err(e) => Report::error(&e),
    }
}
