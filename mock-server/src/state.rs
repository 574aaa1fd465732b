use std::path::PathBuf;

use crate::db::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub api_key: Option<String>,
    pub static_dir: Option<PathBuf>,
}
