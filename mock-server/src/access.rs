//! Users, their API keys and role grants, and who is calling. Every `/api` request but the root
//! is made by someone: a user, by one of their API keys, or the built-in administrator (the
//! `--api-key` key, or anyone while no key exists at all). The routes check the caller's
//! permissions (`routes::Need`, and each machine's environments in its handlers).
//!
//! A key is stored only as its SHA-256 digest: keys are 26 random characters from 36 (about
//! 134 bits), so a fast digest is as safe as a slow one and a lookup stays one indexed read.

use std::sync::Arc;

use api_model::permissions::{missing_permission_message, Permission, Reach, Role};
use api_model::{UserPermissionSet, UserResource};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::ids::{self, ENVIRONMENTS, SPACES};
use crate::links;

pub const USERS: &str = "Users";
/// The built-in administrator's row (made by the migration that made the table).
pub const ADMINISTRATOR_SEQ: i64 = 1;

/// The schema step that adds users, keys and grants.
pub const MIGRATION: &str = "CREATE TABLE users (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL,
        display_name TEXT NOT NULL,
        is_service INTEGER NOT NULL DEFAULT 0
     );
     CREATE UNIQUE INDEX users_username ON users(username COLLATE NOCASE);
     INSERT INTO users (seq, username, display_name) VALUES (1, 'admin', 'Administrator');
     CREATE TABLE api_keys (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        digest BLOB NOT NULL UNIQUE,
        created TEXT NOT NULL
     );
     CREATE TABLE role_grants (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        space_seq INTEGER NOT NULL REFERENCES spaces(seq),
        role TEXT NOT NULL,
        environment_ids TEXT NOT NULL DEFAULT '[]'
     );
     CREATE INDEX role_grants_user ON role_grants(user_seq);";

/// The digest a key is stored and looked up by.
pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.trim().as_bytes()).into()
}

/// A new API key as Octopus makes them: `API-` and 26 upper-case letters and digits.
pub fn new_key() -> String {
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut key = String::from("API-");
    while key.len() < 30 {
        let mut byte = [0u8; 1];
        OsRng.fill_bytes(&mut byte);
        // 252 is the largest multiple of 36 under 256: no character is likelier than another.
        if byte[0] < 252 {
            key.push(ALPHABET[(byte[0] % 36) as usize] as char);
        }
    }
    key
}

/// Who is calling, and what they may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserResource,
    /// `None`: the administrator, who may do everything everywhere.
    pub permissions: Option<Arc<UserPermissionSet>>,
}

impl Caller {
    pub fn administrator() -> Self {
        Self {
            user: user_resource(ADMINISTRATOR_SEQ, "admin", "Administrator", false),
            permissions: None,
        }
    }

    /// Where `permission` reaches in `space_id` (any spelling of a space id).
    pub fn reach(&self, permission: Permission, space_id: &str) -> Reach {
        match &self.permissions {
            None => Reach::Everywhere,
            Some(set) => set.reach(permission, &canonical_space(space_id)),
        }
    }

    /// The spaces the caller has any permission in (`None`: every space).
    pub fn spaces(&self) -> Option<Vec<String>> {
        let set = self.permissions.as_ref()?;
        let mut spaces: Vec<String> = set
            .space_permissions
            .values()
            .flatten()
            .filter_map(|g| g.space_id.clone())
            .collect();
        spaces.sort();
        spaces.dedup();
        Some(spaces)
    }

    /// 403 unless the permission reaches somewhere in the space.
    pub fn require(&self, permission: Permission, space_id: &str) -> ApiResult<()> {
        let reach = self.reach(permission, space_id);
        allowed(reach != Reach::Nowhere, permission)
    }

    /// 403 unless the permission reaches one of these environments (to see a document).
    pub fn require_any(
        &self,
        permission: Permission,
        space_id: &str,
        environments: &[String],
    ) -> ApiResult<()> {
        let reach = self.reach(permission, space_id);
        allowed(reach.sees(environments), permission)
    }

    /// 403 unless the permission reaches every one of these environments (to change one).
    pub fn require_all(
        &self,
        permission: Permission,
        space_id: &str,
        environments: &[String],
    ) -> ApiResult<()> {
        let reach = self.reach(permission, space_id);
        allowed(reach.changes(environments), permission)
    }
}

fn allowed(yes: bool, permission: Permission) -> ApiResult<()> {
    match yes {
        true => Ok(()),
        false => Err(forbidden(permission)),
    }
}

/// `Spaces-1` however the address spelled it.
fn canonical_space(space_id: &str) -> String {
    ids::parse(SPACES, space_id).map_or_else(|| space_id.to_owned(), |seq| ids::format(SPACES, seq))
}

pub fn forbidden(permission: Permission) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        missing_permission_message(permission),
    )
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // Set by `middleware::authenticate` for every request past the root.
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("a route ran without its caller"))
    }
}

fn user_resource(seq: i64, username: &str, display_name: &str, is_service: bool) -> UserResource {
    let id = ids::format(USERS, seq);
    let this = links::user(&id);
    UserResource {
        links: [
            ("Self".to_owned(), this.clone()),
            ("Permissions".to_owned(), format!("{this}/permissions")),
            (
                "ApiKeys".to_owned(),
                format!("{this}/apikeys{{/id}}{{?skip,take}}"),
            ),
        ]
        .into(),
        id,
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        email_address: None,
        is_active: true,
        is_service,
    }
}

/// Whether any API key exists (then every route but the root needs one).
pub fn any_key(c: &Connection) -> ApiResult<bool> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM api_keys)", [], |r| r.get(0))?)
}

/// The user a key belongs to, with their permissions; `None` for a key nobody has.
pub fn caller_by_key(c: &Connection, key: &str) -> ApiResult<Option<Caller>> {
    let user = c
        .query_row(
            "SELECT u.seq, u.username, u.display_name, u.is_service FROM api_keys k
             JOIN users u ON u.seq = k.user_seq WHERE k.digest = ?1",
            [digest(key).as_slice()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((seq, username, display_name, is_service)) = user else {
        return Ok(None);
    };
    if seq == ADMINISTRATOR_SEQ {
        return Ok(Some(Caller::administrator()));
    }
    let user = user_resource(seq, &username, &display_name, is_service);
    let permissions = permission_set(c, seq, &user.id)?;
    Ok(Some(Caller {
        user,
        permissions: Some(Arc::new(permissions)),
    }))
}

/// A user's grants, as the permissions answer lists them.
fn permission_set(c: &Connection, user_seq: i64, user_id: &str) -> ApiResult<UserPermissionSet> {
    let mut set = UserPermissionSet {
        id: user_id.to_owned(),
        is_teams_complete: true,
        is_permissions_complete: true,
        ..Default::default()
    };
    let mut stmt = c.prepare_cached(
        "SELECT space_seq, role, environment_ids FROM role_grants WHERE user_seq = ?1 ORDER BY seq",
    )?;
    let grants = stmt.query_map([user_seq], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for grant in grants {
        let (space, role, environments) = grant?;
        let Some(role) = Role::from_name(&role) else {
            continue;
        };
        let environments: Vec<String> = serde_json::from_str(&environments).unwrap_or_default();
        set.grant(role, &ids::format(SPACES, space), &environments);
    }
    Ok(set)
}

/// What `GET /api/users/{id}/permissions` answers for the caller: the administrator's is
/// Space Manager in every space.
pub fn permissions_of(c: &Connection, caller: &Caller) -> ApiResult<UserPermissionSet> {
    let mut set = match &caller.permissions {
        Some(set) => (**set).clone(),
        None => {
            let mut set = UserPermissionSet {
                id: caller.user.id.clone(),
                is_teams_complete: true,
                is_permissions_complete: true,
                system_permissions: ["AdministerSystem", "SpaceView", "UserView", "TeamView"]
                    .map(String::from)
                    .to_vec(),
                ..Default::default()
            };
            let spaces: Vec<i64> = c
                .prepare("SELECT seq FROM spaces ORDER BY seq")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for space in spaces {
                set.grant(Role::SpaceManager, &ids::format(SPACES, space), &[]);
            }
            set
        }
    };
    set.links = [(
        "Self".to_owned(),
        format!("{}/permissions", links::user(&caller.user.id)),
    )]
    .into();
    Ok(set)
}

/// A grant as the command line gives it.
pub struct Grant {
    pub role: Role,
    pub space_id: String,
    pub environment_ids: Vec<String>,
}

/// Adds a grant to a user, after checking the space and environments exist.
fn add_grant(c: &Connection, user_seq: i64, grant: &Grant) -> Result<(), String> {
    let space = ids::parse(SPACES, &grant.space_id)
        .filter(|seq| {
            c.query_row("SELECT 1 FROM spaces WHERE seq = ?1", [seq], |_| Ok(()))
                .optional()
                .ok()
                .flatten()
                .is_some()
        })
        .ok_or_else(|| format!("there is no space with the id \"{}\"", grant.space_id))?;
    let mut environments = vec![];
    for id in &grant.environment_ids {
        let found = ids::parse(ENVIRONMENTS, id).and_then(|seq| {
            c.query_row(
                "SELECT seq FROM environments WHERE seq = ?1 AND space_seq = ?2",
                [seq, space],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .ok()
            .flatten()
        });
        let seq = found.ok_or_else(|| {
            format!(
                "there is no environment with the id \"{id}\" in {}",
                grant.space_id
            )
        })?;
        environments.push(ids::format(ENVIRONMENTS, seq));
    }
    c.execute(
        "INSERT INTO role_grants (user_seq, space_seq, role, environment_ids) VALUES (?1, ?2, ?3, ?4)",
        params![user_seq, space, grant.role.name(), serde_json::to_string(&environments).unwrap_or_default()],
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

fn user_seq(c: &Connection, username: &str) -> Result<Option<i64>, String> {
    c.query_row(
        "SELECT seq FROM users WHERE username = ?1 COLLATE NOCASE",
        [username.trim()],
        |r| r.get(0),
    )
    .optional()
    .map_err(|e| e.to_string())
}

/// `mock-server user add`: a new user with one grant and one new API key, which is returned
/// (and stored only as its digest).
pub fn add_user(c: &mut Connection, username: &str, grant: &Grant) -> Result<String, String> {
    let username = username.trim();
    if username.is_empty() {
        return Err("the user's name is empty".into());
    }
    let tx = c.transaction().map_err(|e| e.to_string())?;
    if user_seq(&tx, username)?.is_some() {
        return Err(format!(
            "there is already a user called \"{username}\" (add a grant with `user grant`)"
        ));
    }
    tx.execute(
        "INSERT INTO users (username, display_name) VALUES (?1, ?1)",
        [username],
    )
    .map_err(|e| e.to_string())?;
    let seq = tx.last_insert_rowid();
    add_grant(&tx, seq, grant)?;
    let key = new_key();
    tx.execute(
        &format!(
            "INSERT INTO api_keys (user_seq, digest, created) VALUES (?1, ?2, {})",
            crate::db::NOW_SQL
        ),
        params![seq, digest(&key).as_slice()],
    )
    .map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())?;
    Ok(key)
}

/// `mock-server user grant`: one more grant for an existing user.
pub fn grant(c: &Connection, username: &str, grant: &Grant) -> Result<(), String> {
    let seq = user_seq(c, username)?
        .ok_or_else(|| format!("there is no user called \"{}\"", username.trim()))?;
    add_grant(c, seq, grant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_look_like_octopus_keys_and_differ() {
        let (a, b) = (new_key(), new_key());
        assert_eq!(a.len(), 30);
        assert!(a.starts_with("API-"));
        assert!(a[4..]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_ne!(a, b);
    }
}
