use leptos::prelude::*;

/// "Showing X–Y of N" with Previous and Next links (disabled at either end).
#[component]
pub fn Pager(prev: Option<String>, next: Option<String>, summary: String) -> impl IntoView {
    let link = |href: Option<String>, rel: &'static str, text: &'static str| match href {
        // A plain link (the router still handles it): <A> would mark it aria-current, as it
        // ignores the query when comparing with the current address.
        Some(href) => view! { <a href=href class="button" rel=rel>{text}</a> }.into_any(),
        None => {
            view! { <span class="button disabled" aria-disabled="true">{text}</span> }.into_any()
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span data-testid="showing">{summary}</span>
            <span class="pager-links">
                {link(prev, "prev", "Previous")}
                {link(next, "next", "Next")}
            </span>
        </nav>
    }
}
