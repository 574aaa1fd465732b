use api_model::permissions::Permission;
use leptos::prelude::*;

/// Why a screen shows what the person may not change, in one line: "You can view proxies but not
/// change them: your role lacks ProxyEdit."
pub fn read_only_words(things: &str, doing: &str, permission: Permission) -> String {
    format!(
        "You can view {things} but not {doing}: your role lacks {}.",
        permission.name()
    )
}

/// That line, where the screen's actions would be.
#[component]
pub fn ReadOnlyNote(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="panel read-only" role="note" data-testid="read-only">{text}</p> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_cannot_be_done_and_the_missing_permission() {
        assert_eq!(
            read_only_words("proxies", "change them", Permission::ProxyEdit),
            "You can view proxies but not change them: your role lacks ProxyEdit."
        );
    }
}
