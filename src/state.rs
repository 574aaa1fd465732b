//! App-wide state, provided once at the root: the API key session and the toasts.

use leptos::prelude::*;

use crate::api::{self, ApiError};

/// The API key session. Every loading resource reads `version`, so a new key reloads them all.
#[derive(Clone, Copy)]
pub struct Session {
    pub version: RwSignal<u32>,
    /// The server answered 401/403: ask for a key.
    pub needs_key: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            version: RwSignal::new(0),
            needs_key: RwSignal::new(false),
        }
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// Called with every answer: a refusal opens the API key dialog.
    pub fn check<T>(self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(ApiError::Unauthorized(_)) = &result {
            self.needs_key.set(true);
        }
        result
    }

    pub fn use_key(self, key: &str) {
        api::set_api_key(key);
        self.needs_key.set(false);
        self.version.update(|v| *v += 1);
    }

    pub fn forget_key(self) {
        api::forget_api_key();
        self.version.update(|v| *v += 1);
    }

    pub fn has_key(self) -> bool {
        self.version.track();
        api::api_key().is_some()
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u32,
    pub message: String,
}

/// Short confirmations after an action ("Proxy saved"), announced by the live region in
/// `components::Toaster`. Failures are not toasts: they are shown where they happened.
#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u32>,
}

impl Toasts {
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(vec![]),
            next: StoredValue::new(0),
        }
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// A success message; it goes away by itself after a few seconds.
    pub fn success(self, message: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let message = message.into();
        self.items.update(|items| items.push(Toast { id, message }));
        set_timeout(move || self.dismiss(id), std::time::Duration::from_secs(6));
    }

    pub fn dismiss(self, id: u32) {
        // try_update: the app may be gone when a timer fires.
        self.items.try_update(|items| items.retain(|t| t.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}
