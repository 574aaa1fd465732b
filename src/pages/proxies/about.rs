use leptos::prelude::*;

/// What these proxies are for, always in view on the list.
#[component]
pub fn AboutProxies() -> impl IntoView {
    view! {
        <aside class="panel about" aria-labelledby="about-title">
            <h2 id="about-title">"What these proxies are for"</h2>
            <ul>
                <li>"The server connects through one of these proxies to reach the machines set to use it: Listening Tentacles and SSH servers (deployment targets or workers) and Kubernetes clusters."</li>
                <li>"HTTP proxies only (with HTTPS tunnelling); SOCKS proxies are not supported."</li>
                <li>"A Polling Tentacle connects out to the server, so its proxy is set on the Tentacle itself, not here."</li>
                <li>"Do not enable SSL offloading on the proxy for Tentacle traffic: Tentacles authenticate with client certificates and need an unbroken TLS tunnel."</li>
            </ul>
        </aside>
    }
}
