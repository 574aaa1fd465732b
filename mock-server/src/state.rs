use std::path::PathBuf;
use std::sync::Arc;

use crate::db::Db;
use crate::middleware::ApiKey;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub api_key: Option<ApiKey>,
    pub static_dir: Option<PathBuf>,
    /// Read once at start: it never changes.
    pub installation_id: Arc<str>,
    /// Machines being reached at once by health tasks, over all of them.
    pub checks: Arc<tokio::sync::Semaphore>,
    /// With or without this server's extensions.
    pub api: crate::ApiMode,
}
