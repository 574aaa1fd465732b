use serde::{Deserialize, Serialize};

use crate::Links;

/// `GET /api`: what the server is, and the link templates clients navigate by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootResource {
    pub application: String,
    pub version: String,
    pub api_version: String,
    pub installation_id: String,
    #[serde(default)]
    pub has_long_term_support: bool,
    #[serde(default)]
    pub is_early_access_program: bool,
    pub links: Links,
}

/// `GET /api/{spaceId}`: the space-scoped link templates (e.g. `Proxies`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SpaceRootResource {
    pub id: String,
    pub links: Links,
}
