//! Screens, one folder per area.

mod coming_soon;
mod not_found;
pub mod proxies;

pub use coming_soon::ComingSoon;
pub use not_found::NotFound;
