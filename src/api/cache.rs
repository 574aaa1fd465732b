//! What the console keeps between screens: the space's names and its machines' connections,
//! used for a minute, forgotten at once after any change this console makes.

/// How long a kept answer is used before it is asked for again.
const MAX_AGE_MS: f64 = 60_000.0;

/// An answer kept under the key it was asked with (a space, or an address).
#[derive(Debug)]
pub struct Entry<T> {
    key: String,
    at: f64,
    value: T,
}

impl<T> Entry<T> {
    pub fn new(key: &str, value: T) -> Self {
        Self {
            key: key.to_owned(),
            at: js_sys::Date::now(),
            value,
        }
    }
}

/// The kept value for `key`, if there is one young enough.
pub fn fresh<T: Clone>(entry: &Option<Entry<T>>, key: &str) -> Option<T> {
    entry
        .as_ref()
        .filter(|e| e.key == key && js_sys::Date::now() - e.at < MAX_AGE_MS)
        .map(|e| e.value.clone())
}
