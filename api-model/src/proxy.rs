use serde::{Deserialize, Serialize};

use crate::{Links, SensitiveValue};

pub const DEFAULT_PORT: i32 = 80;
pub const PROXY_TYPE_HTTP: &str = "HTTP";

/// `ProxyResource`: an HTTP proxy the server uses to reach Listening Tentacles and SSH targets.
///
/// The same type is read and written. On write, absent or null fields take their defaults
/// (`Port` 80, `ProxyType` HTTP) and read-only fields (`Id`, `SpaceId`, `Links`, ...) are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub host: String,
    /// i32 as in the C# model, so an out-of-range port is a validation error, not a parse error.
    #[serde(default = "default_port", deserialize_with = "null_as_default_port")]
    pub port: i32,
    #[serde(default = "default_proxy_type", deserialize_with = "null_as_http")]
    pub proxy_type: String,
    #[serde(default)]
    pub username: Option<String>,
    /// Absent on write means "keep the stored password".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SensitiveValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
}

impl Default for ProxyResource {
    fn default() -> Self {
        Self {
            id: None,
            space_id: None,
            name: String::new(),
            host: String::new(),
            port: DEFAULT_PORT,
            proxy_type: default_proxy_type(),
            username: None,
            password: None,
            last_modified_on: None,
            last_modified_by: None,
            links: Links::new(),
        }
    }
}

fn default_port() -> i32 {
    DEFAULT_PORT
}

fn default_proxy_type() -> String {
    PROXY_TYPE_HTTP.to_owned()
}

fn null_as_default_port<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    Ok(Option::<i32>::deserialize(d)?.unwrap_or(DEFAULT_PORT))
}

fn null_as_http<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(default_proxy_type))
}
