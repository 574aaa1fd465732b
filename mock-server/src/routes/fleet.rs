//! Deployment targets and workers are machines of two fleets. Each is described here as data
//! (its tables, ids, groups and rules), so one set of handlers (`machines.rs`) serves both.

use api_model::machine_validation::{
    missing_environment_message, missing_worker_pool_message, validate_machine, validate_worker,
};
use api_model::permissions::{FleetPermissions, TARGET_PERMISSIONS, WORKER_PERMISSIONS};
use api_model::MachineResource;

use crate::filter::{Table, BY_NAME};
use crate::ids::{MACHINES, WORKERS};
use crate::links;
use crate::routes::environments::ENVIRONMENT_TABLE;
use crate::routes::worker_pools::POOL_TABLE;

pub struct Fleet {
    /// Its table (`machines`, `workers`), which is also its collection's name in addresses.
    pub table: Table,
    /// The item type a paged answer names (`Machine`, `Worker`).
    pub item_type: &'static str,
    /// The groups every machine belongs to: its ids of them, the groups' table, and the table
    /// that joins them (its machine column and group column).
    pub groups: fn(&MachineResource) -> &[String],
    pub group_table: &'static Table,
    pub members: &'static str,
    pub member_column: &'static str,
    pub group_column: &'static str,
    /// The list parameter that filters by group.
    pub groups_filter: &'static str,
    pub missing_group: fn(&str) -> String,
    /// The rules that need no database.
    pub validate: fn(&MachineResource) -> Vec<String>,
    /// Whether its machines have roles (deployment targets do; workers do not).
    pub roles: bool,
    /// The list's own parameters besides the common ones, and its link template's.
    pub filters: &'static [&'static str],
    pub link_filters: &'static str,
    /// What it takes to see, add, change and remove one.
    pub permissions: FleetPermissions,
}

/// The extended API's list parameter (the Octopus mode ignores it, as Octopus ignores any
/// parameter it does not know).
pub const PROXY_FILTER: &str = "proxyIds";

/// The lists' own parameters besides the common ones.
pub const TARGET_FILTERS: &[&str] = &[
    "environmentIds",
    "commStyles",
    "roles",
    "isDisabled",
    "healthStatuses",
    PROXY_FILTER,
    "thumbprint",
];
pub const WORKER_FILTERS: &[&str] = &[
    "workerPoolIds",
    "commStyles",
    "isDisabled",
    "healthStatuses",
    PROXY_FILTER,
    "thumbprint",
];

pub static TARGETS: Fleet = Fleet {
    table: Table {
        name: "machines",
        prefix: MACHINES,
        columns: "seq, space_seq, health, body, status_summary",
        noun: "deployment target",
        order: BY_NAME,
    },
    item_type: "Machine",
    groups: |m| &m.environment_ids,
    group_table: &ENVIRONMENT_TABLE,
    members: "machine_environments",
    member_column: "machine_seq",
    group_column: "environment_seq",
    groups_filter: "environmentIds",
    missing_group: missing_environment_message,
    validate: validate_machine,
    roles: true,
    filters: TARGET_FILTERS,
    link_filters: links::MACHINE_FILTERS,
    permissions: TARGET_PERMISSIONS,
};

pub static WORKERS_FLEET: Fleet = Fleet {
    table: Table {
        name: "workers",
        prefix: WORKERS,
        columns: "seq, space_seq, health, body, status_summary",
        noun: "worker",
        order: BY_NAME,
    },
    item_type: "Worker",
    groups: |m| &m.worker_pool_ids,
    group_table: &POOL_TABLE,
    members: "worker_pool_members",
    member_column: "worker_seq",
    group_column: "pool_seq",
    groups_filter: "workerPoolIds",
    missing_group: missing_worker_pool_message,
    validate: validate_worker,
    roles: false,
    filters: WORKER_FILTERS,
    link_filters: links::WORKER_FILTERS,
    permissions: WORKER_PERMISSIONS,
};

/// The fleet a machine id belongs to (`Workers-3` is a worker), deployment targets otherwise.
pub fn of_id(id: &str) -> &'static Fleet {
    if crate::ids::parse(WORKERS, id).is_some() {
        &WORKERS_FLEET
    } else {
        &TARGETS
    }
}
