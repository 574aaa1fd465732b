use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Links;

pub const LISTENING: &str = "TentaclePassive";
pub const POLLING: &str = "TentacleActive";
pub const SSH: &str = "Ssh";
/// A Kubernetes API target: the server talks to the cluster's API at `ClusterUrl`.
pub const KUBERNETES: &str = "Kubernetes";
/// The port a Listening Tentacle listens on unless told otherwise.
pub const TENTACLE_PORT: u16 = 10933;

/// The host and port of a Listening Tentacle's `https://host:port/` (10933 when none is given).
pub fn listening_host_port(uri: &str) -> (String, u16) {
    url_host_port(uri, TENTACLE_PORT)
}

/// The host and port of an `https://host:port/` address, `default` when it names no port.
pub fn url_host_port(uri: &str, default: u16) -> (String, u16) {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').unwrap_or((v6, ""));
        let port = after
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .unwrap_or(default);
        return (host.to_owned(), port);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.parse().unwrap_or(default)),
        None => (authority.to_owned(), default),
    }
}

/// Where the server connects to reach a machine: a Listening Tentacle's URL host and port, an
/// SSH target's `Host` and `Port` (22 if none), a Kubernetes cluster's `ClusterUrl` (443 if it
/// names no port); `None` for a Polling Tentacle (it connects out).
pub fn endpoint_address(endpoint: &Value) -> Option<(String, u16)> {
    let text = |key| {
        endpoint
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    match text("CommunicationStyle") {
        LISTENING => Some(listening_host_port(text("Uri"))),
        KUBERNETES => Some(url_host_port(text("ClusterUrl"), 443)),
        SSH => Some((
            text("Host").to_owned(),
            endpoint
                .get("Port")
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(22),
        )),
        _ => None,
    }
}

/// How the server reaches a machine, as far as proxies go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Through this proxy (`Endpoint.ProxyId`).
    Proxy(String),
    /// Directly: a Listening Tentacle, SSH or Kubernetes endpoint without a proxy.
    Direct,
    /// Not set here: a Polling Tentacle connects out and its proxy is set on the Tentacle (and
    /// a style this product does not manage has no proxy setting).
    Elsewhere,
}

/// A machine's [`Connection`], from its endpoint.
pub fn connection(endpoint: &Value) -> Connection {
    let style = endpoint.get("CommunicationStyle").and_then(Value::as_str);
    match endpoint.get("ProxyId").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => Connection::Proxy(id.to_owned()),
        _ if matches!(style, Some(LISTENING | SSH | KUBERNETES)) => Connection::Direct,
        _ => Connection::Elsewhere,
    }
}

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
    /// A worker's pools (deployment targets have environments instead).
    #[serde(
        default,
        deserialize_with = "crate::null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub worker_pool_ids: Vec<String>,
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
    /// A Kubernetes API target's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_url: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_and_port_from_a_tentacle_url() {
        let hp = |u| listening_host_port(u);
        assert_eq!(hp("https://web01:10934/"), ("web01".into(), 10934));
        assert_eq!(hp("https://web01/"), ("web01".into(), TENTACLE_PORT));
        assert_eq!(hp("https://[::1]:443/x?y"), ("::1".into(), 443));
        assert_eq!(hp("https://[fe80::1]"), ("fe80::1".into(), TENTACLE_PORT));
        assert_eq!(hp("web02:1"), ("web02".into(), 1));
        assert_eq!(hp("https://web01:port/"), ("web01".into(), TENTACLE_PORT));
    }

    #[test]
    fn a_machine_connects_through_its_proxy_directly_or_as_set_elsewhere() {
        let of = |e: Value| connection(&e);
        use serde_json::json;
        assert_eq!(
            of(json!({"CommunicationStyle": SSH, "ProxyId": "Proxies-2"})),
            Connection::Proxy("Proxies-2".into())
        );
        for style in [LISTENING, SSH, KUBERNETES] {
            assert_eq!(
                of(json!({"CommunicationStyle": style, "ProxyId": null})),
                Connection::Direct
            );
            assert_eq!(
                of(json!({"CommunicationStyle": style, "ProxyId": ""})),
                Connection::Direct
            );
            assert_eq!(of(json!({"CommunicationStyle": style})), Connection::Direct);
        }
        assert_eq!(
            of(json!({"CommunicationStyle": POLLING})),
            Connection::Elsewhere
        );
        assert_eq!(
            of(json!({"CommunicationStyle": "OfflineDrop"})),
            Connection::Elsewhere
        );
    }

    #[test]
    fn a_machine_is_reached_at_its_url_or_ssh_host() {
        let at = |e: Value| endpoint_address(&e);
        assert_eq!(
            at(serde_json::json!({"CommunicationStyle": LISTENING, "Uri": "https://web01:10934/"})),
            Some(("web01".into(), 10934))
        );
        assert_eq!(
            at(serde_json::json!({"CommunicationStyle": SSH, "Host": "db01", "Port": 2222})),
            Some(("db01".into(), 2222))
        );
        assert_eq!(
            at(serde_json::json!({"CommunicationStyle": SSH, "Host": "db01"})),
            Some(("db01".into(), 22))
        );
        assert_eq!(
            at(serde_json::json!({"CommunicationStyle": POLLING, "Uri": "poll://x/"})),
            None
        );
        assert_eq!(
            at(
                serde_json::json!({"CommunicationStyle": KUBERNETES, "ClusterUrl": "https://k8s.example.com/"})
            ),
            Some(("k8s.example.com".into(), 443))
        );
        assert_eq!(
            at(
                serde_json::json!({"CommunicationStyle": KUBERNETES, "ClusterUrl": "https://10.0.0.5:6443"})
            ),
            Some(("10.0.0.5".into(), 6443))
        );
    }
}
