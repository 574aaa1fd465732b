use std::sync::atomic::{AtomicBool, Ordering};

use leptos::html::H1;
use leptos::prelude::*;

use crate::routes;

/// Set once the first screen has shown: the first screen of a visit keeps the browser's own
/// focus (the start of the page); every later one moves focus to its heading.
static SHOWN_ONE: AtomicBool = AtomicBool::new(false);

/// A screen's heading, its breadcrumb and the tab's title ("Squid · Proxies · Proxy Console").
/// After a navigation inside the console the heading takes focus, so keyboard and screen reader
/// users start at the new content instead of on the body.
#[component]
pub fn PageHead(
    #[prop(into)] title: String,
    /// The area's name, as in the navigation ("Proxies").
    area: &'static str,
    /// The area's list, for the breadcrumb of a screen below it; none on the list itself.
    #[prop(optional)]
    list: Option<String>,
    /// Shown under the heading when not empty ("Last modified …").
    #[prop(optional)]
    note: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let heading = NodeRef::<H1>::new();
    let item = list.is_some().then_some(title.as_str());
    document().set_title(&routes::document_title(item, area));
    Effect::new(move || {
        if let Some(h1) = heading.get() {
            if SHOWN_ONE.swap(true, Ordering::Relaxed) {
                let _ = h1.focus();
            }
        }
    });
    let crumb = list.map(|href| {
        view! {
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <a href=href>{area}</a><span aria-hidden="true">" › "</span>
            </nav>
        }
    });
    view! {
        {crumb}
        <div class="page-head">
            <div class="page-title">
                <h1 node_ref=heading tabindex="-1">{title}</h1>
                {(!note.is_empty()).then(|| view! { <p class="muted small" data-testid="last-modified">{note}</p> })}
            </div>
            {children.map(|c| c())}
        </div>
    }
}
