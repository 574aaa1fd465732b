//! Infrastructure › Proxies: the list and the create/edit form.

mod about;
mod delete;
mod edit;
mod list;
mod test;

pub use edit::ProxyPage;
pub use list::ProxyList;
