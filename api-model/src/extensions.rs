//! The shapes of the mock server's own routes, which Octopus does not have (README, "Extensions
//! of the API"): the server writes them and the console reads them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ProxyResource;

/// `GET proxies/usage`: how many deployment targets and workers use each proxy, by proxy id.
pub type ProxyUsage = BTreeMap<String, i64>;

/// `POST proxies/test`: can the server reach `Host:Port` through this proxy?
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyTestRequest {
    /// The proxy as its form holds it; a saved one (with an `Id`) and no new password is
    /// tested with its stored password.
    #[serde(default)]
    pub proxy: ProxyResource,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub port: Option<i32>,
}

/// How far an attempt to reach a machine got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Stage {
    /// Connecting to the proxy (or, without one, to the machine).
    #[default]
    Connect,
    /// The proxy's answer to its credentials.
    Authenticate,
    /// The proxy's tunnel to the machine.
    Tunnel,
    /// The TLS handshake (or SSH banner) through the tunnel.
    Tls,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Connect => "Connect",
            Stage::Authenticate => "Authenticate",
            Stage::Tunnel => "Tunnel",
            Stage::Tls => "Tls",
        })
    }
}

/// The answer of `POST proxies/test`, whether the attempt succeeded or not.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyTestResult {
    pub success: bool,
    /// Where it stopped (the last stage, on success).
    pub stage: Stage,
    pub message: String,
    pub elapsed_milliseconds: u64,
    /// SHA-1 of the certificate the far end presented (upper-case hex), after a TLS handshake.
    #[serde(default)]
    pub thumbprint: Option<String>,
}

/// `POST machines/proxy` (and `workers/proxy`): these machines connect through `ProxyId` from
/// now on (`null` or absent: directly), all or none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyChange {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub proxy_id: Option<String>,
}

/// The answer of a [`ProxyChange`]: the machines changed and those that already connected so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProxyChangeResult {
    pub proxy_id: Option<String>,
    pub changed: Vec<ChangedMachine>,
    pub unchanged: Vec<ChangedMachine>,
}

/// A machine of a [`ProxyChangeResult`], with the proxy it had before (`None`: direct).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangedMachine {
    pub id: String,
    pub name: String,
    pub previous_proxy_id: Option<String>,
}
