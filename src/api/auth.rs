//! The API key, when the server asks for one: kept in sessionStorage only (gone when the tab
//! closes), never in the URL or a log.

const KEY: &str = "proxy-console.api-key";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn api_key() -> Option<String> {
    storage()?.get_item(KEY).ok()?.filter(|k| !k.is_empty())
}

pub fn set_api_key(key: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, key.trim());
    }
}

pub fn forget_api_key() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

/// Where the API is: the console's own origin, unless the page sets
/// `<meta name="proxy-console-api" content="https://octopus.example.com">`.
pub fn api_base() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=proxy-console-api]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .map(|c| c.trim().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}
