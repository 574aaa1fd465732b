//! Screens, one folder per area.

pub mod audit;
pub mod machines;
mod not_found;
pub mod proxies;

pub use not_found::NotFound;
