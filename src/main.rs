fn main() {
    // No panic hook: with panic = "abort" a panic is fatal either way, and the hook's message
    // formatting cost 1.4 KB gzip of a download budget that is nearly used up.
    leptos::mount::mount_to_body(proxy_console::App);
}
