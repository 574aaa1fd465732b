use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Links;

/// One entry of the audit trail (`GET /api/{spaceId}/events`), as Octopus answers it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventResource {
    pub id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub message: String,
    /// Where the message names documents (their names, by character position).
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub message_references: Vec<MessageReference>,
    #[serde(default)]
    pub occurred: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub username: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub user_id: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub related_document_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub change_details: ChangeDetails,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
}

/// A document the message names: `Length` characters from `StartIndex`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageReference {
    pub referenced_document_id: String,
    #[serde(default)]
    pub start_index: usize,
    #[serde(default)]
    pub length: usize,
}

impl EventResource {
    /// The document the event is about (the first its message names), with its name.
    pub fn item(&self) -> Option<(String, String)> {
        let r = self.message_references.first()?;
        let name = self
            .message
            .chars()
            .skip(r.start_index)
            .take(r.length)
            .collect();
        Some((r.referenced_document_id.clone(), name))
    }
}

/// The document before the change, and the JSON Patch operations from it to after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeDetails {
    #[serde(default)]
    pub document_context: Value,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub differences: Vec<PatchOperation>,
}

/// One JSON Patch (RFC 6902) operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    pub op: String,
    pub path: String,
    #[serde(default)]
    pub value: Value,
}
