//! The deployment-target rules that need no database, the only copy. The server adds the ones
//! that do (environments, account and proxy exist; the name is free) with the messages below.

use crate::validation::{validate_host, NAME_MAX_CHARS, PORT_MAX, PORT_MIN};
use crate::{MachineResource, LISTENING, POLLING, SSH};

pub const POLLING_PROXY_MESSAGE: &str = "A Polling Tentacle connects out to the server, so its proxy is set on the \
     Tentacle itself (Tentacle Manager's polling proxy page, or `tentacle polling-proxy`), not on the target: \
     remove the proxy.";

pub fn duplicate_name_message(name: &str) -> String {
    format!(
        "Name \"{}\" is already used by another deployment target in this space.",
        name.trim()
    )
}

pub fn missing_environment_message(id: &str) -> String {
    format!("Environment \"{id}\" does not exist in this space.")
}

pub fn missing_proxy_message(id: &str) -> String {
    format!("Proxy \"{id}\" does not exist in this space.")
}

pub fn missing_account_message(id: &str) -> String {
    format!("Account \"{id}\" does not exist in this space, or is not an SSH account.")
}

/// Every rule that needs no database, in form order.
pub fn validate_machine(m: &MachineResource) -> Vec<String> {
    let mut errors = vec![];
    let name = m.name.trim();
    if name.is_empty() {
        errors.push("Name is required.".into());
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(format!(
            "Name must be {NAME_MAX_CHARS} characters or fewer."
        ));
    }
    if m.environment_ids.iter().all(|e| e.trim().is_empty()) {
        errors.push("Environments: choose at least one environment.".into());
    }
    let Some(endpoint) = &m.endpoint else {
        errors.push("Endpoint is required.".into());
        return errors;
    };
    let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    match endpoint.communication_style.as_str() {
        LISTENING => {
            let uri = endpoint.uri.as_deref().unwrap_or("").trim();
            if !uri.starts_with("https://") || uri.len() <= "https://".len() {
                errors.push("URL must be the Tentacle's https:// address, e.g. https://web01:10933/.".into());
            }
            if !present(&endpoint.thumbprint) {
                errors.push("Thumbprint is required for a Listening Tentacle.".into());
            }
        }
        SSH => {
            if let Some(problem) = validate_host(endpoint.host.as_deref().unwrap_or("")) {
                errors.push(problem);
            }
            if !endpoint.port.is_some_and(|p| (PORT_MIN as i64..=PORT_MAX as i64).contains(&p)) {
                errors.push(format!("Port must be a whole number from {PORT_MIN} to {PORT_MAX}."));
            }
            if !present(&endpoint.account_id) {
                errors.push("Account is required for an SSH target.".into());
            }
        }
        POLLING => {
            if !endpoint.uri.as_deref().unwrap_or("").starts_with("poll://") {
                errors.push("URL of a Polling Tentacle is its subscription, e.g. poll://abcdef0123456789/.".into());
            }
            if !present(&endpoint.thumbprint) {
                errors.push("Thumbprint is required for a Polling Tentacle.".into());
            }
            if endpoint.proxy_id.is_some() {
                errors.push(POLLING_PROXY_MESSAGE.into());
            }
        }
        other => errors.push(format!(
            "Communication style \"{other}\" is not supported here: use TentaclePassive (Listening), \
             TentacleActive (Polling) or Ssh."
        )),
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
    fn name_environments_and_endpoint_are_required() {
        let m = MachineResource::default();
        assert_eq!(validate_machine(&m).len(), 3);
    }
}
