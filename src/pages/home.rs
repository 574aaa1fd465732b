use leptos::prelude::*;

/// The landing screen: what this console is for.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Proxies for deployment targets"</h1>
            <p>
                "The server can reach its Listening Tentacles and SSH targets through HTTP proxies. "
                "Define the proxies here, then choose one in each target's communication settings."
            </p>
            <ul class="facts">
                <li>"HTTP proxies only; SOCKS proxies are not supported."</li>
                <li>"A Polling Tentacle connects out to the server, so its proxy is set on the Tentacle itself."</li>
                <li>"Leave SSL offloading off for Tentacle traffic: it needs an unbroken TLS tunnel."</li>
            </ul>
        </section>
    }
}
