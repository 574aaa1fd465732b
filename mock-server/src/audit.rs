//! The audit trail: every change is an event, written in the same transaction as the change
//! (so there is no change without its event, and no event for a change that did not happen),
//! in Octopus's shape: who, when, the document before the change and the differences (JSON
//! Patch from before to after). A secret never appears: a changed password shows only as an
//! opaque hash that differs every time (a fresh random salt), as Octopus records it.

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::access::Caller;
use crate::db::NOW_SQL;
use crate::error::ApiResult;
use crate::ids::{self, SPACES};

/// The schema step that adds the events and the documents each is about.
pub const MIGRATION: &str = "CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_seq INTEGER,
        category TEXT NOT NULL,
        document_type TEXT NOT NULL,
        occurred TEXT NOT NULL,
        user_id TEXT NOT NULL,
        body TEXT NOT NULL
     );
     CREATE INDEX events_space ON events(space_seq, seq);
     CREATE INDEX events_category ON events(space_seq, category, seq);
     CREATE TABLE event_documents (
        event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
        document_id TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (document_id, event_seq)
     ) WITHOUT ROWID;";

/// Event ids: `Events-12`.
pub const EVENTS: &str = "Events";

/// What happened to a document, in Octopus's category names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Created,
    Modified,
    Deleted,
    /// A health check's outcome changed the machine's health.
    Health(&'static str),
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Created => "Created",
            Category::Modified => "Modified",
            Category::Deleted => "Deleted",
            Category::Health("Healthy") => "MachineHealthy",
            Category::Health("HasWarnings") => "MachineHasWarnings",
            Category::Health("Unhealthy") => "MachineUnhealthy",
            Category::Health(_) => "MachineUnavailable",
        }
    }

    /// The end of the message: "was modified", "is unavailable".
    fn words(self) -> &'static str {
        match self {
            Category::Created => "was created",
            Category::Modified => "was modified",
            Category::Deleted => "was deleted",
            Category::Health("Healthy") => "is healthy",
            Category::Health("HasWarnings") => "has warnings",
            Category::Health("Unhealthy") => "is unhealthy",
            Category::Health(_) => "is unavailable",
        }
    }
}

/// The kinds of document the trail records, as `/api/events/documenttypes` lists them: the id
/// prefix (which is Octopus's document type id) and a person's word for one.
pub const DOCUMENT_TYPES: &[(&str, &str, &str)] = &[
    (ids::PROXIES, "Proxies", "Proxy"),
    (ids::MACHINES, "Machines", "Deployment target"),
    (ids::WORKERS, "Workers", "Worker"),
    (ids::WORKER_POOLS, "Worker Pools", "Worker pool"),
    (ids::ENVIRONMENTS, "Environments", "Environment"),
];

/// One change to record.
pub struct Change<'a> {
    pub category: Category,
    /// The document's id (`Proxies-3`): its prefix is its document type.
    pub id: &'a str,
    pub name: &'a str,
    /// The document as the API answers it, before and after (`None`: it did not exist).
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Other documents the event is about (a machine's proxy and environments).
    pub related: Vec<String>,
}

/// The document type of an id (`Proxies-3` → `Proxies`).
pub fn document_type(id: &str) -> &'static str {
    let prefix = id.rsplit_once('-').map_or(id, |(p, _)| p);
    DOCUMENT_TYPES
        .iter()
        .find(|(p, _, _)| p.eq_ignore_ascii_case(prefix))
        .map_or("Unknown", |(p, _, _)| p)
}

fn noun(id: &str) -> &'static str {
    let kind = document_type(id);
    DOCUMENT_TYPES
        .iter()
        .find(|(p, _, _)| *p == kind)
        .map_or("Document", |(_, _, noun)| noun)
}

/// Writes the event, on the connection (the transaction) that made the change.
pub fn record(c: &Connection, caller: &Caller, space: i64, change: Change) -> ApiResult<()> {
    let lead = format!("{} ", noun(change.id));
    let message = format!("{lead}{} {}", change.name, change.category.words());
    let mut related = vec![change.id.to_owned()];
    related.extend(change.related.into_iter().filter(|r| !r.is_empty()));
    related.dedup();
    let before = change.before.clone().unwrap_or(Value::Null);
    let differences = match change.category {
        Category::Deleted => Value::Null,
        _ => serde_json::to_value(json_patch::diff(
            &change.before.unwrap_or_else(|| json!({})),
            &change.after.unwrap_or_else(|| json!({})),
        ))
        .unwrap_or(Value::Null),
    };
    let space_id = ids::format(SPACES, space);
    let body = json!({
        "Category": change.category.name(),
        "Message": message,
        "MessageHtml": null,
        "MessageReferences": [{
            "ReferencedDocumentId": change.id,
            "StartIndex": lead.chars().count(),
            "Length": change.name.chars().count(),
        }],
        "Username": caller.user.username,
        "UserId": caller.user.id,
        "IsService": caller.user.is_service,
        "IdentityEstablishedWith": "API key",
        "RelatedDocumentIds": related,
        "Comments": null,
        "Details": null,
        "ChangeDetails": {"DocumentContext": before, "Differences": differences},
        "SpaceId": space_id,
    });
    c.execute(
        &format!(
            "INSERT INTO events (space_seq, category, document_type, occurred, user_id, body)
             VALUES (?1, ?2, ?3, {NOW_SQL}, ?4, ?5)"
        ),
        params![
            space,
            change.category.name(),
            document_type(change.id),
            caller.user.id,
            body.to_string()
        ],
    )?;
    let seq = c.last_insert_rowid();
    for id in &related {
        c.execute(
            "INSERT OR IGNORE INTO event_documents (event_seq, document_id) VALUES (?1, ?2)",
            params![seq, id],
        )?;
    }
    Ok(())
}

/// The event for a change to a document as the API answers it (its `Id` and `Name` taken from
/// it), about `related` documents too.
pub fn record_document(
    c: &Connection,
    caller: &Caller,
    space: i64,
    category: Category,
    before: Option<&Value>,
    after: Option<&Value>,
    related: Vec<String>,
) -> ApiResult<()> {
    let doc = after.or(before).cloned().unwrap_or_default();
    record(
        c,
        caller,
        space,
        Change {
            category,
            id: doc["Id"].as_str().unwrap_or_default(),
            name: doc["Name"].as_str().unwrap_or_default(),
            before: before.cloned(),
            after: after.cloned(),
            related,
        },
    )
}

/// Removes the events that occurred before `before` (ISO 8601) and the record of what they were
/// about; returns how many went. The space they took is reused by new events (`VACUUM` returns it
/// to the file system).
pub fn prune(c: &Connection, before: &str) -> Result<usize, String> {
    let cutoff: Option<String> = c
        .query_row(
            "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1)",
            [before.trim()],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    let cutoff = cutoff.ok_or_else(|| {
        format!("\"{before}\" is not a date: give one in ISO 8601, e.g. 2026-01-01")
    })?;
    // The documents cascade with their event (foreign keys are on for every connection).
    c.execute("DELETE FROM events WHERE occurred < ?1", [cutoff])
        .map_err(|e| e.to_string())
}

/// Marks a secret that changed (set, replaced or removed) in the two documents with opaque
/// hashes under `field` (`Password`): each a digest of fresh random bytes, so the trail says
/// that it changed and nothing about it (not even whether it came back to an earlier value).
pub fn secret_changed(before: &mut Value, after: &mut Value, field: &str) {
    for doc in [before, after] {
        if let Some(secret) = doc.get_mut(field).filter(|s| s.is_object()) {
            let mut salt = [0u8; 32];
            OsRng.fill_bytes(&mut salt);
            secret["Hash"] = json!(format!("{:x}", Sha256::digest(salt)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_secret_shows_only_as_hashes_that_differ() {
        let mut before = json!({"Password": {"HasValue": true, "NewValue": null}});
        let mut after = before.clone();
        secret_changed(&mut before, &mut after, "Password");
        let diff = serde_json::to_value(json_patch::diff(&before, &after)).unwrap();
        assert_eq!(diff[0]["op"], "replace");
        assert_eq!(diff[0]["path"], "/Password/Hash");
        assert_ne!(before["Password"]["Hash"], after["Password"]["Hash"]);
    }

    #[test]
    fn names_each_kind_of_document() {
        assert_eq!(document_type("Proxies-3"), "Proxies");
        assert_eq!(document_type("workers-2"), "Workers");
        assert_eq!(noun("Machines-1"), "Deployment target");
        assert_eq!(Category::Health("Unavailable").name(), "MachineUnavailable");
    }
}
