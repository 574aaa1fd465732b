//! Screens, one folder per area.

mod not_found;
pub mod proxies;
pub mod targets;

pub use not_found::NotFound;
