//! Infrastructure › Deployment Targets and Workers: machines of two fleets (`crate::fleet`),
//! each with the same list and the same settings page.

mod checks;
pub mod connection;
mod edit;
mod list;

pub use edit::{TargetPage, WorkerPage};
pub use list::{TargetList, WorkerList};
