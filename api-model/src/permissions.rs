//! Who may do what: Octopus's permission names, the three built-in roles this product knows, a
//! person's permissions as `GET /api/users/{id}/permissions` answers them, and the one rule that
//! says whether they allow an action (the server enforces it, the console shows what it allows).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Links;

macro_rules! permissions {
    ($($name:ident, $by_environment:literal, $description:literal;)*) => {
        /// A space permission this product checks or grants.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission { $($name),* }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$name),*];

            /// Its name as the API spells it (`ProxyEdit`).
            pub fn name(self) -> &'static str {
                match self { $(Permission::$name => stringify!($name)),* }
            }

            /// Whether a grant restricted to environments restricts it (else it is space-wide).
            pub fn by_environment(self) -> bool {
                match self { $(Permission::$name => $by_environment),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$name => $description),* }
            }

            pub fn from_name(name: &str) -> Option<Permission> {
                Permission::ALL.iter().copied().find(|p| p.name() == name)
            }
        }
    };
}

permissions! {
    ProxyView, false, "View machine proxies";
    ProxyCreate, false, "Create machine proxies";
    ProxyEdit, false, "Edit machine proxies";
    ProxyDelete, false, "Delete machine proxies";
    MachineView, true, "View deployment targets";
    MachineCreate, true, "Create deployment targets";
    MachineEdit, true, "Edit deployment targets";
    MachineDelete, true, "Delete deployment targets";
    WorkerView, false, "View the workers in worker pools";
    WorkerEdit, false, "Edit workers and worker pools";
    TaskView, true, "View summary-level information associated with a task";
    TaskCreate, true, "Explicitly create (run) server tasks";
    TaskCancel, true, "Cancel server tasks";
    EventView, true, "View events, including access to the Audit screen";
    EnvironmentView, true, "View environments";
    EnvironmentCreate, false, "Create environments";
    EnvironmentEdit, true, "Edit environments";
    EnvironmentDelete, true, "Delete environments";
    AccountView, true, "View accounts";
    AccountCreate, true, "Create accounts";
    AccountEdit, true, "Edit accounts";
    AccountDelete, true, "Delete accounts";
    MachinePolicyView, false, "View machine policies";
    MachinePolicyCreate, false, "Create machine policies";
    MachinePolicyEdit, false, "Edit machine policies";
    MachinePolicyDelete, false, "Delete machine policies";
    TeamView, false, "View teams";
    CertificateView, false, "View certificates";
}

use Permission::*;

const VIEWER: &[Permission] = &[
    EnvironmentView,
    MachineView,
    TaskView,
    TeamView,
    AccountView,
    MachinePolicyView,
    CertificateView,
    ProxyView,
    WorkerView,
];

const MANAGER: &[Permission] = &[
    EnvironmentView,
    MachineView,
    TaskView,
    TeamView,
    AccountView,
    MachinePolicyView,
    CertificateView,
    ProxyView,
    WorkerView,
    EnvironmentCreate,
    EnvironmentEdit,
    EnvironmentDelete,
    MachineCreate,
    MachineEdit,
    MachineDelete,
    TaskCreate,
    TaskCancel,
    AccountCreate,
    AccountEdit,
    AccountDelete,
    ProxyCreate,
    ProxyEdit,
    ProxyDelete,
    MachinePolicyCreate,
    MachinePolicyEdit,
    MachinePolicyDelete,
    WorkerEdit,
];

/// Octopus's built-in space roles, with their permissions (its documentation's default
/// permissions; only those this product knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    SpaceManager,
    EnvironmentManager,
    EnvironmentViewer,
}

impl Role {
    pub const ALL: [Role; 3] = [
        Role::SpaceManager,
        Role::EnvironmentManager,
        Role::EnvironmentViewer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::SpaceManager => "Space Manager",
            Role::EnvironmentManager => "Environment Manager",
            Role::EnvironmentViewer => "Environment Viewer",
        }
    }

    /// By its name, ignoring case.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn permissions(self) -> &'static [Permission] {
        match self {
            // Every space permission.
            Role::SpaceManager => Permission::ALL,
            // The same as Space Manager's for machines and proxies, but no EventView.
            Role::EnvironmentManager => MANAGER,
            Role::EnvironmentViewer => VIEWER,
        }
    }
}

/// The permissions that guard one kind of machine: to see, add, change and remove one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetPermissions {
    pub view: Permission,
    pub create: Permission,
    pub edit: Permission,
    pub delete: Permission,
}

pub const TARGET_PERMISSIONS: FleetPermissions = FleetPermissions {
    view: MachineView,
    create: MachineCreate,
    edit: MachineEdit,
    delete: MachineDelete,
};

/// Octopus has no WorkerCreate or WorkerDelete: WorkerEdit adds and removes workers too.
pub const WORKER_PERMISSIONS: FleetPermissions = FleetPermissions {
    view: WorkerView,
    create: WorkerEdit,
    edit: WorkerEdit,
    delete: WorkerEdit,
};

/// One grant of a permission: in a space, and maybe only for some environments (empty: all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionRestriction {
    #[serde(default)]
    pub space_id: Option<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub restricted_to_environment_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub restricted_to_project_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub restricted_to_tenant_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub restricted_to_project_group_ids: Vec<String>,
}

/// `GET /api/users/{id}/permissions`: every space permission the person has, each with where.
/// Names this product does not know are kept (and never allow anything here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPermissionSet {
    #[serde(default)]
    pub id: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub space_permissions: BTreeMap<String, Vec<PermissionRestriction>>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub system_permissions: Vec<String>,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub teams: Vec<serde_json::Value>,
    #[serde(default)]
    pub is_teams_complete: bool,
    #[serde(default)]
    pub is_permissions_complete: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
}

/// Where in a space a permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Nowhere,
    Everywhere,
    /// Only documents of these environments.
    Only(Vec<String>),
}

impl Reach {
    /// Whether it reaches a document of these environments to see it: one of them is enough.
    pub fn sees(&self, environments: &[String]) -> bool {
        match self {
            Reach::Nowhere => false,
            Reach::Everywhere => true,
            Reach::Only(only) => environments.iter().any(|e| only.contains(e)),
        }
    }

    /// Whether it reaches a document of these environments to change it: every one of them,
    /// so a Development manager does not change a machine that is also Production's.
    pub fn changes(&self, environments: &[String]) -> bool {
        match self {
            Reach::Nowhere => false,
            Reach::Everywhere => true,
            Reach::Only(only) => environments.iter().all(|e| only.contains(e)),
        }
    }
}

impl UserPermissionSet {
    /// Adds a role's permissions in a space, restricted to `environments` where a permission
    /// can be (an empty list: not restricted).
    pub fn grant(&mut self, role: Role, space_id: &str, environments: &[String]) {
        for p in role.permissions() {
            let restricted = match p.by_environment() {
                true => environments.to_vec(),
                false => vec![],
            };
            self.space_permissions
                .entry(p.name().to_owned())
                .or_default()
                .push(PermissionRestriction {
                    space_id: Some(space_id.to_owned()),
                    restricted_to_environment_ids: restricted,
                    ..Default::default()
                });
        }
    }

    /// Where `permission` reaches in `space`: an unrestricted grant reaches everywhere, else the
    /// environments of all its grants together.
    pub fn reach(&self, permission: Permission, space_id: &str) -> Reach {
        let grants = self
            .space_permissions
            .get(permission.name())
            .into_iter()
            .flatten()
            .filter(|g| g.space_id.as_deref() == Some(space_id));
        let mut reach = Reach::Nowhere;
        for g in grants {
            if !permission.by_environment() || g.restricted_to_environment_ids.is_empty() {
                return Reach::Everywhere;
            }
            let mut only = match reach {
                Reach::Only(only) => only,
                _ => vec![],
            };
            only.extend(g.restricted_to_environment_ids.iter().cloned());
            reach = Reach::Only(only);
        }
        reach
    }

    /// The permission somewhere in the space (an Add button, a space-wide route).
    pub fn allows(&self, permission: Permission, space_id: &str) -> bool {
        self.reach(permission, space_id) != Reach::Nowhere
    }

    /// To see a document of these environments ([`Reach::sees`]).
    pub fn allows_any(
        &self,
        permission: Permission,
        space_id: &str,
        environments: &[String],
    ) -> bool {
        self.reach(permission, space_id).sees(environments)
    }

    /// To change (or make) a document of these environments ([`Reach::changes`]).
    pub fn allows_all(
        &self,
        permission: Permission,
        space_id: &str,
        environments: &[String],
    ) -> bool {
        self.reach(permission, space_id).changes(environments)
    }
}

/// The message of a 403 for a missing permission, as Octopus words it.
pub fn missing_permission_message(permission: Permission) -> String {
    format!(
        "You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: {}",
        permission.name()
    )
}

/// The permission a 403's message names, if it names one.
pub fn missing_permission(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("Missing permission: ")?;
    let name = rest.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
    (!name.is_empty()).then_some(name)
}

/// `GET /api/users/me`: who the API key belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserResource {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub is_active: bool,
    #[serde(default)]
    pub is_service: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub links: Links,
}

/// One entry of `GET /api/permissions/all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionDescription {
    pub description: String,
    pub supported_restrictions: Vec<String>,
    pub can_apply_at_space_level: bool,
    pub can_apply_at_system_level: bool,
}

impl From<Permission> for PermissionDescription {
    fn from(p: Permission) -> Self {
        Self {
            description: p.description().to_owned(),
            supported_restrictions: match p.by_environment() {
                true => vec!["restrictable-environments".to_owned()],
                false => vec![],
            },
            can_apply_at_space_level: true,
            can_apply_at_system_level: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envs(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_restricted_grant_restricts_only_what_environments_can_restrict() {
        let mut set = UserPermissionSet::default();
        set.grant(
            Role::EnvironmentManager,
            "Spaces-1",
            &envs(&["Environments-1"]),
        );
        assert_eq!(
            set.reach(MachineEdit, "Spaces-1"),
            Reach::Only(envs(&["Environments-1"]))
        );
        assert_eq!(set.reach(ProxyEdit, "Spaces-1"), Reach::Everywhere);
        assert_eq!(set.reach(ProxyEdit, "Spaces-2"), Reach::Nowhere);
        assert!(!set.allows(EventView, "Spaces-1"));
    }

    #[test]
    fn viewing_needs_one_environment_and_changing_needs_all() {
        let mut set = UserPermissionSet::default();
        set.grant(
            Role::EnvironmentManager,
            "Spaces-1",
            &envs(&["Environments-1"]),
        );
        set.grant(Role::EnvironmentViewer, "Spaces-1", &[]);
        let both = envs(&["Environments-1", "Environments-2"]);
        assert!(set.allows_any(MachineView, "Spaces-1", &both));
        assert!(set.allows_all(MachineEdit, "Spaces-1", &envs(&["Environments-1"])));
        assert!(!set.allows_all(MachineEdit, "Spaces-1", &both));
        assert!(!set.allows_all(MachineEdit, "Spaces-1", &envs(&["Environments-2"])));
        // Two restricted grants reach their environments together.
        set.grant(
            Role::EnvironmentManager,
            "Spaces-1",
            &envs(&["Environments-2"]),
        );
        assert!(set.allows_all(MachineEdit, "Spaces-1", &both));
    }

    #[test]
    fn the_roles_differ_as_documented() {
        assert!(Role::SpaceManager.permissions().contains(&EventView));
        assert!(!Role::EnvironmentManager.permissions().contains(&EventView));
        assert!(Role::EnvironmentManager
            .permissions()
            .contains(&ProxyDelete));
        assert!(Role::EnvironmentViewer
            .permissions()
            .iter()
            .all(|p| p.name().ends_with("View")));
        assert_eq!(
            Role::from_name(" environment manager"),
            Some(Role::EnvironmentManager)
        );
    }

    #[test]
    fn the_permission_set_reads_octopus_answers() {
        let set: UserPermissionSet = serde_json::from_str(
            r#"{"Id":"Users-3","SpacePermissions":{"ProxyView":[{"SpaceId":"Spaces-1","RestrictedToEnvironmentIds":[],"RestrictedToProjectIds":null}],
                "SomethingNew":[{"SpaceId":"Spaces-1"}]},"SystemPermissions":["SpaceView"],"Teams":[],"IsPermissionsComplete":true,"Links":{}}"#,
        )
        .unwrap();
        assert!(set.allows(ProxyView, "Spaces-1"));
        assert!(!set.allows(ProxyEdit, "Spaces-1"));
    }

    #[test]
    fn a_403_names_its_missing_permission() {
        let m = missing_permission_message(ProxyEdit);
        assert_eq!(missing_permission(&m), Some("ProxyEdit"));
        assert_eq!(
            missing_permission("… Missing permission: MachineEdit. The teams …"),
            Some("MachineEdit")
        );
        assert_eq!(missing_permission("Not found"), None);
    }
}
