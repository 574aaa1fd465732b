//! Reusable widgets.

mod server_status;

pub use server_status::ServerStatus;
