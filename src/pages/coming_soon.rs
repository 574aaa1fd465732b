use leptos::prelude::*;

#[component]
pub fn ComingSoon() -> impl IntoView {
    view! {
        <div class="page-head"><h1>"Deployment Targets"</h1></div>
        <div class="panel">
            <p>"Choosing a proxy for each Listening Tentacle and SSH target is coming here soon."</p>
        </div>
    }
}
