use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Links;

pub const LISTENING: &str = "TentaclePassive";
pub const POLLING: &str = "TentacleActive";
pub const SSH: &str = "Ssh";

/// A deployment target (`DeploymentTargetResource`). Only the fields this product reads are
/// typed; everything else is kept in `extra`, so a round trip loses nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MachineResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub environment_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub roles: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub is_disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_status: Option<String>,
    #[serde(default)]
    pub endpoint: Option<EndpointResource>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A machine's endpoint; which fields matter depends on `CommunicationStyle`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointResource {
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub communication_style: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `EnvironmentResource`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvironmentResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sort_order: i64,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
}

/// An SSH account (`AccountResource`): key pair or username/password. Secrets are not modelled.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountResource {
    pub id: String,
    pub space_id: String,
    pub name: String,
    /// `SshKeyPair` or `UsernamePassword`.
    pub account_type: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub links: Links,
}
