//! Reusable widgets.

mod api_key_dialog;
pub mod check_report;
mod confirm_dialog;
mod conflict_dialog;
mod deferred;
pub mod error_panel;
pub mod field;
mod history;
mod layout;
mod leave_guard;
pub mod list_page;
pub mod loaded;
mod modal;
mod page_head;
mod pager;
mod read_only;
pub mod server_status;
mod toaster;

pub use api_key_dialog::ApiKeyDialog;
pub use check_report::{CheckReport, Report, Tone};
pub use confirm_dialog::ConfirmDialog;
pub use conflict_dialog::ConflictDialog;
pub use deferred::Deferred;
pub use error_panel::ErrorPanel;
pub use field::{FormActions, FormProblems, OptionGroup, SelectField, TextField};
pub use history::{History, HistoryPage};
pub use layout::SpaceLayout;
pub use leave_guard::LeaveGuard;
pub use loaded::loaded;
pub use page_head::PageHead;
pub use pager::Pager;
pub use read_only::{read_only_words, ReadOnlyNote};
pub use server_status::ServerStatus;
pub use toaster::Toaster;
