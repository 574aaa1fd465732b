fn main() {
    // No panic hook: with panic = "abort" a panic is fatal either way, and the hook's message
    // formatting cost 1.4 KB gzip of a download budget that is nearly used up.
    // The plain-HTML shell from index.html, painted while the wasm loaded, gives way to the app.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("boot-shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(proxy_console::App);
}
