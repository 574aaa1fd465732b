//! Screens, one folder per area as they grow.

mod home;
mod not_found;

pub use home::Home;
pub use not_found::NotFound;
