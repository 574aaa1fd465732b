//! The deployment-target rules that need no database, the only copy. The server adds the ones
//! that do (environments, account and proxy exist; the name is free) with the messages below.
//!
//! As with proxies, every message about a field starts with that field's label, so the console
//! can put the server's messages back on its fields.

use crate::validation::{validate_host, validate_name, FormField, PORT_MAX, PORT_MIN};
use crate::{MachineResource, KUBERNETES, LISTENING, POLLING, SSH};

pub const POLLING_PROXY_MESSAGE: &str = "A Polling Tentacle connects out to the server, so its proxy is set on the \
     Tentacle itself (Tentacle Manager's polling proxy page, or `tentacle polling-proxy`), not on the target: \
     remove the proxy.";

/// The fields of the deployment-target form, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MachineField {
    Name,
    Environments,
    /// A worker's pools (in place of a deployment target's environments).
    WorkerPools,
    Url,
    Thumbprint,
    Host,
    Port,
    Account,
    /// A Kubernetes API target's address.
    ClusterUrl,
    Proxy,
}

impl FormField for MachineField {
    const ALL: &'static [Self] = &[
        Self::Name,
        Self::Environments,
        Self::WorkerPools,
        Self::Url,
        Self::Thumbprint,
        Self::Host,
        Self::Port,
        Self::Account,
        Self::ClusterUrl,
        Self::Proxy,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Environments => "Environments",
            Self::WorkerPools => "Worker pools",
            Self::Url => "URL",
            Self::Thumbprint => "Thumbprint",
            Self::Host => "Host",
            Self::Port => "Port",
            Self::Account => "Account",
            Self::ClusterUrl => "Cluster URL",
            Self::Proxy => "Proxy",
        }
    }
}

pub fn duplicate_name_message(name: &str) -> String {
    format!(
        "Name \"{}\" is already used by another deployment target in this space.",
        name.trim()
    )
}

pub fn missing_environment_message(id: &str) -> String {
    format!("Environments: \"{id}\" does not exist in this space.")
}

pub fn missing_proxy_message(id: &str) -> String {
    format!("Proxy \"{id}\" does not exist in this space.")
}

pub fn missing_account_message(id: &str) -> String {
    format!("Account \"{id}\" does not exist in this space, or is not an SSH account.")
}

pub fn validate_environments(ids: &[String]) -> Option<String> {
    ids.iter()
        .all(|e| e.trim().is_empty())
        .then(|| "Environments are required: choose at least one.".into())
}

/// An https:// address with a host, in words that add to the field's hint rather than repeat it.
fn validate_https_address(label: &str, address: &str) -> Option<String> {
    let address = address.trim();
    let lower = address.to_ascii_lowercase();
    if address.is_empty() {
        Some(format!("{label} is required."))
    } else if !lower.starts_with("https://") {
        Some(format!("{label} must start with https://."))
    } else if address["https://".len()..].trim_matches('/').is_empty() {
        Some(format!("{label} must name a host after https://."))
    } else {
        None
    }
}

/// A Listening Tentacle's address: https, with a host.
pub fn validate_listening_url(uri: &str) -> Option<String> {
    validate_https_address("URL", uri)
}

pub fn validate_thumbprint(thumbprint: &str) -> Option<String> {
    thumbprint
        .trim()
        .is_empty()
        .then(|| "Thumbprint is required: the Tentacle's certificate thumbprint.".into())
}

pub fn validate_ssh_port(port: Option<i64>) -> Option<String> {
    (!port.is_some_and(|p| (PORT_MIN as i64..=PORT_MAX as i64).contains(&p)))
        .then(|| format!("Port must be a whole number from {PORT_MIN} to {PORT_MAX}."))
}

pub fn validate_account(account_id: &str) -> Option<String> {
    account_id
        .trim()
        .is_empty()
        .then(|| "Account is required: choose the account it signs in with.".into())
}

/// A Kubernetes API target's address: https, with a host.
pub fn validate_cluster_url(url: &str) -> Option<String> {
    validate_https_address("Cluster URL", url)
}

/// A worker's pools: at least one.
pub fn validate_worker_pools(ids: &[String]) -> Option<String> {
    ids.iter()
        .all(|p| p.trim().is_empty())
        .then(|| "Worker pools are required: choose at least one.".into())
}

pub fn missing_worker_pool_message(id: &str) -> String {
    format!("Worker pools: \"{id}\" does not exist in this space.")
}

/// Every rule that needs no database, in form order.
pub fn validate_machine(m: &MachineResource) -> Vec<String> {
    let mut errors = vec![
        validate_name(&m.name),
        validate_environments(&m.environment_ids),
    ];
    errors.extend(endpoint_errors(m, true));
    errors.into_iter().flatten().collect()
}

/// A worker's rules: a deployment target's, with worker pools in place of environments and
/// without the Kubernetes API style (a cluster is a deployment target, not a worker).
pub fn validate_worker(m: &MachineResource) -> Vec<String> {
    let mut errors = vec![
        validate_name(&m.name),
        validate_worker_pools(&m.worker_pool_ids),
    ];
    errors.extend(endpoint_errors(m, false));
    errors.into_iter().flatten().collect()
}

fn endpoint_errors(m: &MachineResource, kubernetes: bool) -> Vec<Option<String>> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut errors = vec![];
    let Some(endpoint) = &m.endpoint else {
        errors.push(Some("Endpoint is required.".into()));
        return errors;
    };
    match endpoint.communication_style.as_str() {
        LISTENING => {
            errors.push(validate_listening_url(&text(&endpoint.uri)));
            errors.push(validate_thumbprint(&text(&endpoint.thumbprint)));
        }
        SSH => {
            errors.push(validate_host(&text(&endpoint.host)));
            errors.push(validate_ssh_port(endpoint.port));
            errors.push(validate_account(&text(&endpoint.account_id)));
        }
        KUBERNETES if kubernetes => {
            errors.push(validate_cluster_url(&text(&endpoint.cluster_url)))
        }
        POLLING => {
            if !text(&endpoint.uri).starts_with("poll://") {
                errors.push(Some(
                    "URL of a Polling Tentacle is its subscription, e.g. poll://abcdef0123456789/."
                        .into(),
                ));
            }
            errors.push(validate_thumbprint(&text(&endpoint.thumbprint)));
            if endpoint.proxy_id.is_some() {
                errors.push(Some(POLLING_PROXY_MESSAGE.into()));
            }
        }
        other => errors.push(Some(format!(
            "Communication style \"{other}\" is not supported here: use TentaclePassive (Listening), \
             TentacleActive (Polling){}.",
            if kubernetes { ", Ssh or Kubernetes" } else { " or Ssh" }
        ))),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EndpointResource;

    fn machine(endpoint: EndpointResource) -> MachineResource {
        MachineResource {
            name: "web01".into(),
            environment_ids: vec!["Environments-1".into()],
            endpoint: Some(endpoint),
            ..MachineResource::default()
        }
    }

    fn listening() -> EndpointResource {
        EndpointResource {
            communication_style: LISTENING.into(),
            uri: Some("https://web01:10933/".into()),
            thumbprint: Some("ABC".into()),
            ..EndpointResource::default()
        }
    }

    #[test]
    fn a_complete_listening_target_passes() {
        assert!(validate_machine(&machine(listening())).is_empty());
    }

    #[test]
    fn listening_needs_https_and_a_thumbprint() {
        let e = EndpointResource {
            uri: Some("http://web01:10933/".into()),
            thumbprint: None,
            ..listening()
        };
        let errors = validate_machine(&machine(e));
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn a_worker_needs_a_pool_not_an_environment_and_is_no_cluster() {
        let mut m = machine(listening());
        m.environment_ids = vec![];
        assert_eq!(
            validate_worker(&m),
            ["Worker pools are required: choose at least one."]
        );
        m.worker_pool_ids = vec!["WorkerPools-1".into()];
        assert!(validate_worker(&m).is_empty());
        m.endpoint = Some(EndpointResource {
            communication_style: KUBERNETES.into(),
            cluster_url: Some("https://k8s.example.com/".into()),
            ..EndpointResource::default()
        });
        let errors = validate_worker(&m);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].ends_with("TentacleActive (Polling) or Ssh."),
            "{errors:?}"
        );
    }

    #[test]
    fn kubernetes_needs_an_https_cluster_url_and_may_use_a_proxy() {
        let k8s = |url: Option<&str>| EndpointResource {
            communication_style: KUBERNETES.into(),
            cluster_url: url.map(str::to_owned),
            proxy_id: Some("Proxies-1".into()),
            ..EndpointResource::default()
        };
        assert!(validate_machine(&machine(k8s(Some("https://k8s.example.com:6443/")))).is_empty());
        // Each says what is wrong without repeating the field's hint (the example address).
        for (wrong, message) in [
            (None, "Cluster URL is required."),
            (Some(" "), "Cluster URL is required."),
            (
                Some("http://k8s:6443"),
                "Cluster URL must start with https://.",
            ),
            (
                Some("k8s-prod-west.example.com:6443"),
                "Cluster URL must start with https://.",
            ),
            (
                Some("https://"),
                "Cluster URL must name a host after https://.",
            ),
            (
                Some("https:///"),
                "Cluster URL must name a host after https://.",
            ),
        ] {
            let errors = validate_machine(&machine(k8s(wrong)));
            assert_eq!(errors, [message], "{wrong:?}");
        }
    }

    #[test]
    fn ssh_needs_host_port_and_account() {
        let e = EndpointResource {
            communication_style: SSH.into(),
            port: Some(70000),
            ..EndpointResource::default()
        };
        let errors = validate_machine(&machine(e));
        assert!(
            errors.iter().any(|m| m.starts_with("Host is required")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|m| m.starts_with("Port must be")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|m| m.starts_with("Account is required")),
            "{errors:?}"
        );
    }

    #[test]
    fn polling_refuses_a_proxy_and_says_where_it_belongs() {
        let e = EndpointResource {
            communication_style: POLLING.into(),
            uri: Some("poll://abc/".into()),
            thumbprint: Some("T".into()),
            proxy_id: Some("Proxies-1".into()),
            ..EndpointResource::default()
        };
        assert_eq!(validate_machine(&machine(e)), [POLLING_PROXY_MESSAGE]);
    }

    #[test]
    fn every_field_message_names_its_field() {
        use crate::validation::field_of_message;
        let cases = [
            (validate_environments(&[]), MachineField::Environments),
            (
                Some(missing_environment_message("Environments-9")),
                MachineField::Environments,
            ),
            (validate_worker_pools(&[]), MachineField::WorkerPools),
            (
                Some(missing_worker_pool_message("WorkerPools-9")),
                MachineField::WorkerPools,
            ),
            (validate_listening_url("http://web01"), MachineField::Url),
            (validate_listening_url("https://"), MachineField::Url),
            (validate_thumbprint(" "), MachineField::Thumbprint),
            (validate_ssh_port(Some(0)), MachineField::Port),
            (validate_ssh_port(None), MachineField::Port),
            (validate_account(""), MachineField::Account),
            (
                Some(missing_account_message("Accounts-9")),
                MachineField::Account,
            ),
            (
                Some(missing_proxy_message("Proxies-9")),
                MachineField::Proxy,
            ),
            (Some(duplicate_name_message("web01")), MachineField::Name),
        ];
        for (message, field) in cases {
            let message = message.expect("the rule reports a problem");
            assert_eq!(field_of_message(&message), Some(field), "{message}");
        }
        assert_eq!(
            field_of_message::<MachineField>(POLLING_PROXY_MESSAGE),
            None
        );
        assert_eq!(validate_listening_url("https://web01:10933/"), None);
        assert_eq!(validate_ssh_port(Some(22)), None);
    }

    #[test]
    fn name_environments_and_endpoint_are_required() {
        let m = MachineResource::default();
        assert_eq!(validate_machine(&m).len(), 3);
    }
}
