//! App-wide state, provided once at the root: the API key session and the toasts.

use leptos::prelude::*;

use api_model::permissions::Permission;
use api_model::UserPermissionSet;

use crate::api::{self, Access, ApiError, Machine, Tagged};
use crate::forms::target::TargetDraft;

/// The API key session. Every loading resource reads `version`, so a new key reloads them all.
#[derive(Clone, Copy)]
pub struct Session {
    pub version: RwSignal<u32>,
    /// The server answered 401/403: ask for a key.
    pub needs_key: RwSignal<bool>,
    /// False from a request that got no answer until one that gets any answer.
    pub reachable: RwSignal<bool>,
    /// The server refused the key this tab gave it.
    pub rejected: RwSignal<bool>,
    /// What the person may do; `None` until first read.
    pub access: RwSignal<Option<Access>>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            version: RwSignal::new(0),
            needs_key: RwSignal::new(false),
            reachable: RwSignal::new(true),
            rejected: RwSignal::new(false),
            access: RwSignal::new(None),
        }
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// Called with every answer: a refusal of the key opens the API key dialog, a missing
    /// permission reads the person's permissions again (a role changed meanwhile), and whether
    /// there was an answer at all sets the server indicator. `try_set`: the app may be gone by
    /// then.
    pub fn check<T>(self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        match &result {
            Err(ApiError::Unauthorized(_)) => {
                self.needs_key.try_set(true);
                self.rejected.try_set(api::api_key().is_some());
            }
            Err(ApiError::Forbidden { .. }) => self.read_access(),
            _ => {}
        }
        let answered = !matches!(result, Err(ApiError::Network(_)));
        if self.reachable.get_untracked() != answered {
            self.reachable.try_set(answered);
        }
        result
    }

    pub fn use_key(self, key: &str) {
        api::set_api_key(key);
        self.needs_key.set(false);
        self.rejected.set(false);
        self.version.update(|v| *v += 1);
        self.read_access();
    }

    pub fn forget_key(self) {
        api::forget_api_key();
        self.version.update(|v| *v += 1);
        self.read_access();
    }

    /// Reads the person's permissions (again); what was known stays shown until the answer.
    pub fn read_access(self) {
        api::forget_access();
        leptos::task::spawn_local(async move {
            let access = api::access().await;
            self.access.try_set(Some(access));
        });
    }

    /// Whether to offer something that needs `permission` somewhere in `space`: not before the
    /// permissions are read, always when the server does not say (it decides then).
    pub fn may(self, permission: Permission, space: &str) -> bool {
        self.allows(|p| p.allows(permission, space))
    }

    /// The same for one machine: to change it the permission must reach all its environments.
    pub fn may_all(self, permission: Permission, space: &str, environments: &[String]) -> bool {
        self.allows(|p| p.allows_all(permission, space, environments))
    }

    pub fn has_key(self) -> bool {
        self.version.track();
        api::api_key().is_some()
    }

    fn allows(self, check: impl Fn(&UserPermissionSet) -> bool) -> bool {
        self.access.with(|a| match a {
            None => false,
            Some(Access::Unknown) => true,
            Some(Access::Known(permissions)) => check(permissions),
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether the first screen of the visit has shown what it loaded (its rows, its form, or why it
/// could not): what [`crate::components::Deferred`] waits for.
#[derive(Clone, Copy)]
pub struct FirstScreen {
    pub shown: RwSignal<bool>,
}

impl FirstScreen {
    pub fn new() -> Self {
        Self {
            shown: RwSignal::new(false),
        }
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// The first screen's content is in the page: the rest follows after the frame that paints
    /// it. Called by every screen when it shows its content; only the first call counts.
    pub fn mark(self) {
        if !self.shown.get_untracked() {
            request_animation_frame(move || {
                // Set once: a screen that marked twice before the frame (its rows, then its
                // permissions) must not make what waits on this render again.
                if self.shown.try_get_untracked() == Some(false) {
                    self.shown.try_set(true);
                }
            });
        }
    }
}

impl Default for FirstScreen {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a person asked to go while a form had unsaved changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// A console address (a link, Cancel, or another space).
    To(String),
    /// The browser's Back button.
    Back,
}

/// The one leave guard's shared state: whether the form on screen has unsaved changes, and the
/// way out waiting for an answer in its dialog. Code outside the form (the space picker) asks
/// through [`Leave::go`] instead of navigating.
#[derive(Clone, Copy)]
pub struct Leave {
    pub dirty: RwSignal<bool>,
    pub asking: RwSignal<Option<Exit>>,
}

impl Leave {
    pub fn new() -> Self {
        Self {
            dirty: RwSignal::new(false),
            asking: RwSignal::new(None),
        }
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// Goes to `href` now, or asks first when there are unsaved changes. Returns whether it went.
    pub fn go(self, href: String, navigate: impl Fn(&str, leptos_router::NavigateOptions)) -> bool {
        if self.dirty.get_untracked() {
            self.asking.set(Some(Exit::To(href)));
            false
        } else {
            navigate(crate::routes::nav(&href), Default::default());
            true
        }
    }
}

impl Default for Leave {
    fn default() -> Self {
        Self::new()
    }
}

/// A target form's edits, kept while the person adds a proxy from it ("Add a proxy"), with the
/// version they were made on (a save still refuses to overwrite a change made since).
#[derive(Clone)]
pub struct Detour {
    /// The target form's address, where the proxy form returns.
    pub target: String,
    pub draft: TargetDraft,
    pub original: Option<Tagged<Machine>>,
}

/// At most one detour at a time, in memory only (never in storage).
#[derive(Clone, Copy)]
pub struct Detours(StoredValue<Option<Detour>>);

impl Detours {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    pub fn expect() -> Self {
        expect_context()
    }

    pub fn keep(self, detour: Detour) {
        self.0.set_value(Some(detour));
    }

    /// The edits kept for the form at `target`, once.
    pub fn take(self, target: &str) -> Option<Detour> {
        self.0
            .try_update_value(|kept| match kept {
                Some(d) if d.target == target => kept.take(),
                _ => None,
            })
            .flatten()
    }
}

impl Default for Detours {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u32,
    pub message: String,
    /// Not yet carried over a change of page: it is for the page being opened now.
    pub fresh: bool,
}

/// Short confirmations after an action ("Proxy “Squid” saved"), announced by the live region
/// in `components::Toaster`, at the top of the page that follows the action. They stay until
/// dismissed or the next change of page (a timer would move the page under the pointer when it
/// took them away). Failures are not toasts: they are shown where they happened.
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

    pub fn success(self, message: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let message = message.into();
        self.items.update(|items| {
            items.push(Toast {
                id,
                message,
                fresh: true,
            })
        });
    }

    /// A new page is shown: toasts from before the page that followed their action go.
    pub fn page_changed(self) {
        self.items.update(|items| {
            items.retain(|t| t.fresh);
            items.iter_mut().for_each(|t| t.fresh = false);
        });
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
