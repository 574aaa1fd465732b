use api_model::permissions::Permission::EventView;
use leptos::prelude::*;

use crate::api::{self, ApiError, Named};
use crate::changes::{describe, when_and_who};
use crate::state::Session;

/// Changes shown at a time.
const PAGE: u32 = 10;

/// A document's audit trail on its page: each change newest first, who and when, and what
/// changed field by field in the form's words. Not shown to a person whose role lacks
/// EventView; paged with Newer and Older.
#[component]
pub fn History(
    space: String,
    id: String,
    /// Names for the ids a change may mention (the space's proxies).
    #[prop(optional)]
    names: Vec<Named>,
) -> impl IntoView {
    let session = Session::expect();
    let skip = RwSignal::new(0u32);
    let may = {
        let space = space.clone();
        move || session.may(EventView, &space)
    };
    let page = LocalResource::new(move || {
        session.version.track();
        let (space, id, skip) = (space.clone(), id.clone(), skip.get());
        async move { session.check(api::history(space, id, skip, PAGE).await) }
    });
    let names = StoredValue::new(names);
    let name_of = move |id: &str| names.with_value(|n| api::Lookups::name_of(n, id));
    move || {
        may().then(|| {
            let body = move || match page.get() {
                None => view! { <p class="muted" aria-busy="true">"Loading the history…"</p> }.into_any(),
                Some(Err(ApiError::Forbidden { .. })) => ().into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{format!("The history could not be loaded. {e}")}</p> }.into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! { <p>"No changes recorded."</p> }.into_any(),
                Some(Ok(p)) => {
                    let (total, at) = (p.total_results, skip.get_untracked());
                    let older = i64::from(at + PAGE) < total;
                    view! {
                        <ol class="history" data-testid="history">
                            {p.items.into_iter().map(|e| {
                                let lines = describe(&e, &name_of);
                                view! {
                                    <li>
                                        <p class="muted small">{when_and_who(&e)}</p>
                                        <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        <div class="inline-actions">
                            {(at > 0).then(|| view! {
                                <button type="button" class="button small" on:click=move |_| skip.update(|s| *s = s.saturating_sub(PAGE))>"Newer"</button>
                            })}
                            {older.then(|| view! {
                                <button type="button" class="button small" on:click=move |_| skip.update(|s| *s += PAGE)>"Older"</button>
                            })}
                        </div>
                    }.into_any()
                }
            };
            view! {
                <section class="panel used-by" aria-labelledby="history-title">
                    <h2 id="history-title">"History"</h2>
                    {body}
                </section>
            }
        })
    }
}
