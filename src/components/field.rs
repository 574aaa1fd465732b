use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The ids of a control's hint and error message; the control's own id is its `name`.
fn message_ids(name: &str) -> (String, String) {
    (format!("{name}-hint"), format!("{name}-error"))
}

/// Moves focus to a field (a control, or a group that has `tabindex="-1"`).
pub fn focus_field(name: &str) {
    if let Some(el) = document()
        .get_element_by_id(name)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Moves focus to an element that is being rendered now (after the next frame). Focus scrolls
/// it into view.
pub fn focus_soon(name: &'static str) {
    request_animation_frame(move || focus_field(name));
}

/// `aria-describedby` of a control: its error (while there is one), then its hint.
fn described(
    name: &'static str,
    hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let (hint_id, error_id) = message_ids(name);
        let mut ids = vec![];
        if error.with(Option::is_some) {
            ids.push(error_id);
        }
        if hint {
            ids.push(hint_id);
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The error and hint under a control.
#[component]
fn Messages(
    name: &'static str,
    hint: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let (hint_id, error_id) = message_ids(name);
    view! {
        {move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
        {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
    }
}

/// A label, a text input, a hint and the input's error, wired for assistive technology: the
/// input gets `aria-invalid` and `aria-describedby` pointing at the message. A field checked
/// when focus leaves it (`on_blur`) keeps a line free for its error: the error that appears as
/// the person clicks elsewhere moves nothing under the pointer, so the click lands.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(into)] value: Signal<String>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into, optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="field" class:error-space=on_blur.is_some() class:field-invalid=move || error.with(Option::is_some)>
            <label for=name>{label}</label>
            <input id=name type=input_type autocomplete=autocomplete inputmode=inputmode
                prop:value=value
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described(name, hint.is_some(), error)
                on:input:target=move |ev| on_input.run(ev.target().value())
                on:blur=move |_| if let Some(f) = on_blur { f.run(()) }/>
            <Messages name=name hint=hint error=error/>
        </div>
    }
}

/// A label and a select of `(value, text)` options.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(String, String)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into)] on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=name>{label}</label>
            <select id=name
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described(name, hint.is_some(), error)
                on:change:target=move |ev| on_change.run(ev.target().value())>
                {options.into_iter().map(|(v, text)| {
                    let selected = v.clone();
                    view! { <option value=v prop:selected=move || value.with(|c| *c == selected)>{text}</option> }
                }).collect_view()}
            </select>
            <Messages name=name hint=hint error=error/>
        </div>
    }
}

/// A group of checkboxes (several may be chosen) or radio buttons (one), with a legend. The
/// group takes focus when its error is the first one.
#[component]
pub fn OptionGroup(
    name: &'static str,
    legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] radio: bool,
    options: Vec<(String, String)>,
    #[prop(into)] chosen: Signal<Vec<String>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    /// An option was checked (`true`) or unchecked.
    #[prop(into)]
    on_toggle: Callback<(String, bool)>,
) -> impl IntoView {
    let kind = if radio { "radio" } else { "checkbox" };
    view! {
        <fieldset id=name tabindex="-1" class="field options" class:field-invalid=move || error.with(Option::is_some)
            aria-describedby=described(name, hint.is_some(), error)>
            <legend>{legend}</legend>
            {options.into_iter().map(|(v, text)| {
                let (mine, toggled) = (v.clone(), v.clone());
                view! {
                    <label class="option">
                        <input type=kind name=name value=v prop:checked=move || chosen.with(|c| c.contains(&mine))
                            on:change:target=move |ev| on_toggle.run((toggled.clone(), ev.target().checked()))/>
                        {text}
                    </label>
                }
            }).collect_view()}
            <Messages name=name hint=hint error=error/>
        </fieldset>
    }
}

/// The id of a form's problems: a failed save that belongs to no field moves focus there.
pub const PROBLEMS_ID: &str = "form-problems";

/// Why a form was not saved, above the form, for what belongs to no single field.
#[component]
pub fn FormProblems(problems: RwSignal<Vec<String>>, title: &'static str) -> impl IntoView {
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="form-error" role="alert" data-testid="form-error" id=PROBLEMS_ID tabindex="-1">
                    <p><strong>{title}</strong></p>
                    <ul>{list.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                </div>
            }
        })
    }
}

/// Save (busy while saving) and Cancel (back to `cancel`).
#[component]
pub fn FormActions(#[prop(into)] saving: Signal<bool>, cancel: String) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="button primary" disabled=saving
                aria-busy=move || saving.get().then_some("true")>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
            <a class="button" href=cancel>"Cancel"</a>
        </div>
    }
}
