//! Server tasks (`POST tasks`, `GET tasks/{id}`, `GET tasks/{id}/details`) as far as a client
//! follows one: its state and its activity log.

use serde::{Deserialize, Serialize};

/// A task: queued, running or finished, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskResource {
    pub id: String,
    pub name: String,
    /// `Queued`, `Executing`, `Success`, `Failed`, `Canceled`, …
    pub state: String,
    pub is_completed: bool,
    pub finished_successfully: bool,
    #[serde(deserialize_with = "crate::null_as_default")]
    pub error_message: String,
}

/// `GET tasks/{id}/details`: the task and its activity log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskDetailsResource {
    pub task: TaskResource,
    pub activity_logs: Vec<ActivityElement>,
}

/// A step of a task's log (a Health task has one child per machine), with its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ActivityElement {
    pub name: String,
    /// `Pending`, `Running`, `Success`, `Failed`, `Skipped`, …
    pub status: String,
    pub children: Vec<ActivityElement>,
    pub log_elements: Vec<ActivityLogElement>,
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
