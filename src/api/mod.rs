//! The only code that speaks HTTP. Screens call these typed functions and get typed errors.

mod client;
mod error;

pub use error::ApiError;

use api_model::RootResource;

/// `GET /api`: what server this is.
pub async fn root() -> Result<RootResource, ApiError> {
    client::get("/api").await
}
