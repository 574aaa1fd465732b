//! Server tasks (`POST tasks`, `GET tasks/{id}`, `GET tasks/{id}/details`): a task's state and
//! its activity log, as Octopus shows them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Links;

/// A task: queued, running or finished, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskResource {
    pub id: String,
    pub space_id: String,
    /// What it does (`Health`).
    pub name: String,
    pub description: String,
    /// What it was started with (`MachineIds`, `EnvironmentId`).
    pub arguments: Value,
    /// `Queued`, `Executing`, `Success`, `Failed`, `Canceled`, …
    pub state: String,
    /// "Completed" once finished, else empty.
    pub completed: String,
    pub queue_time: String,
    pub queue_time_expiry: Option<String>,
    pub start_time: Option<String>,
    pub last_updated_time: Option<String>,
    pub completed_time: Option<String>,
    pub server_node: String,
    pub duration: String,
    #[serde(deserialize_with = "crate::null_as_default")]
    pub error_message: String,
    pub has_been_picked_up_by_processor: bool,
    pub is_completed: bool,
    pub finished_successfully: bool,
    pub has_pending_interruptions: bool,
    pub can_rerun: bool,
    pub has_warnings_or_errors: bool,
    pub links: Links,
}

/// `GET tasks/{id}/details`: the task and its activity log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskDetailsResource {
    pub id: String,
    pub task: TaskResource,
    pub activity_logs: Vec<ActivityElement>,
    pub progress: TaskProgress,
    pub physical_log_size: u64,
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskProgress {
    pub progress_percentage: u8,
    pub estimated_time_remaining: String,
}

/// A step of a task's log (a Health task has one child per machine), with its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ActivityElement {
    pub id: String,
    pub name: String,
    /// `Pending`, `Running`, `Success`, `Failed`, `Skipped`, …
    pub status: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub show_at_summary_level: bool,
    pub children: Vec<ActivityElement>,
    pub log_elements: Vec<ActivityLogElement>,
    pub progress_percentage: u8,
    pub progress_message: String,
}

/// One line of a task's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ActivityLogElement {
    /// `Info`, `Warning`, `Error`, …
    pub category: String,
    pub message_text: String,
    pub occurred_at: String,
}
