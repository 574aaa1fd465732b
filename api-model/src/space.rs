use serde::{Deserialize, Serialize};

use crate::Links;

/// `SpaceResource`: a space that partitions proxies and targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SpaceResource {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub task_queue_stopped: bool,
    #[serde(default)]
    pub space_managers_teams: Vec<String>,
    #[serde(default)]
    pub space_managers_team_members: Vec<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub links: Links,
}
