//! Round trips of JSON shaped as the Octopus API and its clients send it (see octopus-api.md).

use api_model::validation::field_of_message;
use api_model::{
    validation::ProxyField, ErrorBody, ProxyResource, ResourceCollection, RootResource,
    SensitiveValue, SpaceResource,
};
use serde_json::{json, Value};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> Value {
    let typed: T = serde_json::from_value(v).expect("deserializes");
    serde_json::to_value(typed).expect("serializes")
}

#[test]
fn proxy_as_the_server_sends_it_round_trips_exactly() {
    let sample = json!({
        "Id": "Proxies-1",
        "SpaceId": "Spaces-1",
        "Name": "Squid in DMZ",
        "Host": "squid.dmz.example.com",
        "Port": 3128,
        "ProxyType": "HTTP",
        "Username": "octo",
        "Password": {"HasValue": true},
        "LastModifiedOn": "2026-01-02T03:04:05.000Z",
        "LastModifiedBy": "admin",
        "Links": {"Self": "/api/Spaces-1/proxies/Proxies-1"}
    });
    assert_eq!(round_trip::<ProxyResource>(sample.clone()), sample);
}

#[test]
fn proxy_from_a_minimal_client_takes_defaults() {
    // The TS/Go clients may omit Port and ProxyType, and null out optional fields.
    let p: ProxyResource = serde_json::from_value(json!({
        "Name": "p", "Host": "h", "Port": null, "Username": null, "Links": null
    }))
    .unwrap();
    assert_eq!(p.port, 80);
    assert_eq!(p.proxy_type, "HTTP");
    assert_eq!(p.username, None);
    assert_eq!(p.password, None, "absent password means keep");
    assert!(p.links.is_empty());
}

#[test]
fn go_client_sensitive_value_shape_reads() {
    // go-octopusdeploy serializes all three fields, with nulls.
    let v: SensitiveValue =
        serde_json::from_value(json!({"HasValue": true, "Hint": null, "NewValue": "s3cret"}))
            .unwrap();
    assert_eq!(v, SensitiveValue::set("s3cret"));
    // On read the server sends only HasValue; NewValue is never serialized when absent.
    assert_eq!(
        serde_json::to_value(SensitiveValue::read(true)).unwrap(),
        json!({"HasValue": true})
    );
}

#[test]
fn sensitive_value_write_rules() {
    use api_model::SecretChange::*;
    assert_eq!(SensitiveValue::change(None), Keep);
    assert_eq!(
        SensitiveValue::change(Some(&SensitiveValue::read(true))),
        Keep
    );
    assert_eq!(
        SensitiveValue::change(Some(&SensitiveValue::clear())),
        Clear
    );
    assert_eq!(
        SensitiveValue::change(Some(&SensitiveValue::set("x"))),
        Set("x".into())
    );
    assert_eq!(
        SensitiveValue::change(Some(&SensitiveValue::set(""))),
        Clear
    );
    // C#'s default SensitiveValue (HasValue false, NewValue null) clears.
    let csharp_default: SensitiveValue =
        serde_json::from_value(json!({"HasValue": false, "NewValue": null})).unwrap();
    assert_eq!(SensitiveValue::change(Some(&csharp_default)), Clear);
}

#[test]
fn paged_envelope_round_trips() {
    let sample = json!({
        "ItemType": "Proxy",
        "TotalResults": 31,
        "ItemsPerPage": 30,
        "NumberOfPages": 2,
        "LastPageNumber": 1,
        "IsStale": false,
        "Items": [],
        "Links": {
            "Self": "/api/Spaces-1/proxies?skip=0&take=30",
            "Template": "/api/Spaces-1/proxies{?skip,take,ids,partialName}",
            "Page.All": "/api/Spaces-1/proxies?skip=0&take=2147483647",
            "Page.Current": "/api/Spaces-1/proxies?skip=0&take=30",
            "Page.Next": "/api/Spaces-1/proxies?skip=30&take=30",
            "Page.Last": "/api/Spaces-1/proxies?skip=30&take=30"
        }
    });
    assert_eq!(
        round_trip::<ResourceCollection<ProxyResource>>(sample.clone()),
        sample
    );
}

#[test]
fn error_body_reads_client_fixtures() {
    // Shape fed to OctopusExceptionFactoryFixture; extra fields (Details, HelpLink) are tolerated.
    let e: ErrorBody = serde_json::from_value(json!({
        "ErrorMessage": "There was a problem with your request.",
        "Errors": ["The Steps field is required."],
        "HelpText": "help", "HelpLink": "x", "Details": {}
    }))
    .unwrap();
    assert_eq!(e.errors, vec!["The Steps field is required."]);
    assert_eq!(e.help_text.as_deref(), Some("help"));
    // A 500 body may carry only ErrorMessage.
    let e: ErrorBody = serde_json::from_value(json!({"ErrorMessage": "boom"})).unwrap();
    assert!(e.errors.is_empty());
}

#[test]
fn root_and_space_round_trip() {
    let root = json!({
        "Application": "Octopus Deploy",
        "Version": "2025.1.0",
        "ApiVersion": "3.0.0",
        "InstallationId": "00000000-0000-0000-0000-000000000001",
        "HasLongTermSupport": false,
        "IsEarlyAccessProgram": false,
        "Links": {"Self": "/api", "Spaces": "/api/spaces{/id}{?skip,ids,take,partialName}"}
    });
    assert_eq!(round_trip::<RootResource>(root.clone()), root);
    let space = json!({
        "Id": "Spaces-1", "Name": "Default", "Description": null, "IsDefault": true,
        "TaskQueueStopped": false, "SpaceManagersTeams": [], "SpaceManagersTeamMembers": [],
        "Slug": "default", "Links": {"Self": "/api/spaces/Spaces-1", "SpaceHome": "/api/Spaces-1"}
    });
    assert_eq!(round_trip::<SpaceResource>(space.clone()), space);
}

#[test]
fn server_messages_map_to_fields() {
    assert_eq!(
        field_of_message("Port must be a whole number from 1 to 65535."),
        Some(ProxyField::Port)
    );
}

#[test]
fn machine_keeps_fields_it_does_not_know() {
    use api_model::MachineResource;
    // The SSH endpoint sample from go-octopusdeploy, plus fields this product does not model.
    let sample = json!({
        "Id": "Machines-1",
        "Name": "ssh01",
        "EnvironmentIds": ["Environments-1"],
        "Roles": ["web"],
        "IsDisabled": false,
        "TenantedDeploymentParticipation": "Untenanted",
        "MachinePolicyId": "MachinePolicies-1",
        "Endpoint": {
            "CommunicationStyle": "Ssh", "AccountId": "Accounts-316", "Host": "example.com", "Port": 22,
            "Fingerprint": "aa:bb", "Uri": "ssh://example.com:22/", "ProxyId": "Proxies-1",
            "DotNetCorePlatform": "linux-x64", "HostKeyAlgorithm": "ssh-ed25519"
        },
        "Links": {"Self": "/api/Spaces-1/machines/Machines-1"}
    });
    let m: MachineResource = serde_json::from_value(sample.clone()).unwrap();
    assert_eq!(
        m.endpoint.as_ref().unwrap().proxy_id.as_deref(),
        Some("Proxies-1")
    );
    assert_eq!(m.extra["MachinePolicyId"], "MachinePolicies-1");
    assert_eq!(serde_json::to_value(&m).unwrap(), sample);
}
