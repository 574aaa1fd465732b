use api_model::permissions::Permission::EventView;
use leptos::prelude::*;

use api_model::{EventResource, ResourceCollection};

use crate::api::{self, ApiError, Named};
use crate::changes::{describe, when_and_who};
use crate::state::Session;

/// Changes shown at a time.
const PAGE: u32 = 10;

/// A document's audit trail, loaded by the page that shows it as soon as the page opens (beside
/// its own data, not after it): one page of changes from `skip`. `None` while the person's role
/// lacks EventView (or the page is a new item's).
#[derive(Clone, Copy)]
pub struct HistoryPage {
    page: LocalResource<Option<Result<ResourceCollection<EventResource>, ApiError>>>,
    skip: RwSignal<u32>,
}

impl HistoryPage {
    pub fn new(space: Memo<String>, id: Memo<String>) -> Self {
        let session = Session::expect();
        let skip = RwSignal::new(0u32);
        let page = LocalResource::new(move || {
            session.version.track();
            let (space, id, skip) = (space.get(), id.get(), skip.get());
            let wanted = id != "new" && session.may(EventView, &space);
            async move {
                match wanted {
                    true => Some(api::history(space, id, skip, PAGE).await),
                    false => None,
                }
            }
        });
        Self { page, skip }
    }
}

/// The history on an item's page: each change newest first, who and when, and what changed
/// field by field in the form's words; paged with Newer and Older. Not shown to a person whose
/// role lacks EventView.
#[component]
pub fn History(
    history: HistoryPage,
    /// Names for the ids a change may mention (the space's proxies).
    #[prop(optional)]
    names: Vec<Named>,
) -> impl IntoView {
    let HistoryPage { page, skip } = history;
    let names = StoredValue::new(names);
    let name_of = move |id: &str| names.with_value(|n| api::Lookups::name_of(n, id));
    let may = move || page.with(|p| matches!(p, Some(Some(_))));
    move || {
        may().then(|| {
            let body = move || match page.get().flatten() {
                None => ().into_any(),
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
