//! Infrastructure › Deployment Targets: the list and each target's settings.

mod checks;
mod connection;
mod edit;
mod list;

pub use edit::TargetPage;
pub use list::TargetList;
