//! The Octopus REST resources this product speaks, as serde types, and the one copy of the proxy
//! validation rules. JSON is PascalCase exactly as the Octopus API sends it.

mod collection;
mod error;
mod event;
mod extensions;
mod links;
mod machine;
pub mod machine_validation;
pub mod permissions;
mod proxy;
mod root;
mod sensitive;
mod space;
mod task;
pub mod validation;

pub use collection::ResourceCollection;
pub use error::ErrorBody;
pub use event::{ChangeDetails, EventResource, MessageReference, PatchOperation};
pub use extensions::{
    ChangedMachine, ProxyChange, ProxyChangeResult, ProxyTestRequest, ProxyTestResult, ProxyUsage,
    Stage,
};
pub use links::Links;
pub use machine::{
    connection, endpoint_address, listening_host_port, url_host_port, AccountResource, Connection,
    EndpointResource, EnvironmentResource, MachineResource, KUBERNETES, LISTENING, POLLING, SSH,
    TENTACLE_PORT,
};
pub use permissions::{UserPermissionSet, UserResource};
pub use proxy::{ProxyResource, DEFAULT_PORT, PROXY_TYPE_HTTP};
pub use root::{RootResource, SpaceRootResource};
pub use sensitive::{SecretChange, SensitiveValue};
pub use space::SpaceResource;
pub use task::{
    ActivityElement, ActivityLogElement, TaskDetailsResource, TaskProgress, TaskResource,
};

/// Deserializes `null` as the type's default, so `"Name": null` reads like an absent field.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
