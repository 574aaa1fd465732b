use leptos::prelude::*;

/// Ids that tie a control to its label, hint and error message.
pub fn ids(name: &str) -> (String, String, String) {
    (
        format!("proxy-{name}"),
        format!("proxy-{name}-hint"),
        format!("proxy-{name}-error"),
    )
}

/// A label, a control, a hint and the control's error, wired for assistive technology: the
/// control gets `aria-invalid` and `aria-describedby` pointing at the message.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] on_blur: Callback<()>,
) -> impl IntoView {
    let (id, hint_id, error_id) = ids(name);
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = vec![];
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input id=id type=input_type autocomplete=autocomplete inputmode=inputmode
                prop:value=value
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                on:input:target=move |ev| on_input.run(ev.target().value())
                on:blur=move |_| on_blur.run(())/>
            {move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
        </div>
    }
}
