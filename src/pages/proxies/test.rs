use api_model::validation::ProxyField;
use api_model::ProxyResource;
use leptos::prelude::*;

use crate::api;
use crate::components::{CheckReport, Report, TextField, Tone};
use crate::forms::proxy::ProxyDraft;
use crate::state::Session;

/// "Test this proxy": can the server reach a host and port through the proxy as the form holds
/// it now, saved or not? The host and port start as those of a target that uses the proxy.
#[component]
pub fn TestProxy(
    space: String,
    draft: RwSignal<ProxyDraft>,
    original: StoredValue<Option<ProxyResource>>,
    address: Option<(String, u16)>,
) -> impl IntoView {
    let session = Session::expect();
    let (host, port) = address.map_or_else(Default::default, |(h, p)| (h, p.to_string()));
    let (host, port) = (RwSignal::new(host), RwSignal::new(port));
    let report = RwSignal::new(None::<Report>);
    let test = Action::new_local(move |(): &()| {
        let space = space.clone();
        let proxy = original.with_value(|o| draft.with_untracked(|d| d.as_typed(o.as_ref())));
        let (to_host, to_port) = (host.get_untracked(), port.get_untracked());
        let target = format!("{}:{}", to_host.trim(), to_port.trim());
        async move {
            let outcome = session.check(api::test_proxy(space, proxy, to_host, to_port).await);
            let shown = match outcome {
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
            };
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
        report.set(Some(Report::new(Tone::Running, "Testing…", vec![])));
        test.dispatch_local(());
    };
    view! {
        <section class="panel check" aria-labelledby="test-title" data-testid="proxy-test">
            <h2 id="test-title">"Test this proxy"</h2>
            <p class="field-hint">"The server connects to the proxy as the form above holds it (saved or not), asks it for a tunnel to this host and port, and makes a TLS handshake through it when the far end speaks TLS."</p>
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
