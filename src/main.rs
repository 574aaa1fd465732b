fn main() {
    // No panic hook: the release build aborts on a panic at once, so no message would reach a
    // person; the console shows its errors as text in its screens instead.
    // The plain-HTML shell from index.html, painted while the wasm loaded, gives way to the app.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("boot-shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(proxy_console::App);
}
