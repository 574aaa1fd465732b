//! Infrastructure › Audit: the space's audit trail, filtered in the address.

mod list;

pub use list::AuditList;
