//! Deployment targets and workers are machines of two fleets. What differs between them is
//! described here as data, so one list, one settings form and one set of API calls serve both.

use api_model::machine_validation::{validate_environments, validate_worker_pools, MachineField};
use api_model::permissions::{FleetPermissions, TARGET_PERMISSIONS, WORKER_PERMISSIONS};
use api_model::{KUBERNETES, LISTENING, POLLING, SSH};

#[derive(Debug)]
pub struct Fleet {
    /// Its collection, in API addresses and in the console's (`machines`, `workers`).
    pub collection: &'static str,
    /// The screen's title and the navigation's words.
    pub title: &'static str,
    /// One of them in words (and at the start of a sentence), and the short form counts use
    /// ("2 targets").
    pub noun: &'static str,
    pub noun_title: &'static str,
    pub short: (&'static str, &'static str),
    /// The groups every machine is in: its field, the form's field, their collection, and the
    /// field's words.
    pub groups_key: &'static str,
    pub groups_field: MachineField,
    pub groups_collection: &'static str,
    pub groups_label: &'static str,
    pub validate_groups: fn(&[String]) -> Option<String>,
    /// The settings page's words: loading, missing, the way back, a refused save, the groups
    /// field's hint (and its hint when the space has no groups), the connection's hint.
    pub loading: &'static str,
    pub missing: &'static str,
    pub back: &'static str,
    pub not_saved: &'static str,
    pub groups_hint: &'static str,
    pub no_groups_hint: &'static str,
    pub reach_hint: &'static str,
    /// Whether its machines have roles (deployment targets do; workers do not).
    pub roles: bool,
    /// The communication styles it has, in the list's filter order.
    pub styles: &'static [&'static str],
    /// What it takes to see, add, change and remove one (the server's own table).
    pub permissions: FleetPermissions,
}

pub static TARGETS: Fleet = Fleet {
    collection: "machines",
    title: "Deployment Targets",
    noun: "deployment target",
    noun_title: "Deployment target",
    short: ("target", "targets"),
    groups_key: "EnvironmentIds",
    groups_field: MachineField::Environments,
    groups_collection: "environments",
    groups_label: "Environments",
    validate_groups: validate_environments,
    loading: "Loading the deployment target…",
    missing: "This deployment target does not exist",
    back: "Back to the deployment targets",
    not_saved: "The deployment target was not saved.",
    groups_hint: "The environments this target is deployed to.",
    no_groups_hint: "This space has no environments yet: create one on the server first (this console does not manage environments), then reload this page.",
    reach_hint: "How the server reaches this target.",
    roles: true,
    styles: &[LISTENING, SSH, KUBERNETES, POLLING],
    permissions: TARGET_PERMISSIONS,
};

pub static WORKERS: Fleet = Fleet {
    collection: "workers",
    title: "Workers",
    noun: "worker",
    noun_title: "Worker",
    short: ("worker", "workers"),
    groups_key: "WorkerPoolIds",
    groups_field: MachineField::WorkerPools,
    groups_collection: "workerpools",
    groups_label: "Worker pools",
    validate_groups: validate_worker_pools,
    loading: "Loading the worker…",
    missing: "This worker does not exist",
    back: "Back to the workers",
    not_saved: "The worker was not saved.",
    groups_hint: "The worker pools this worker runs deployment steps for.",
    no_groups_hint: "This space has no worker pools yet: create one on the server first (this console does not manage worker pools), then reload this page.",
    reach_hint: "How the server reaches this worker.",
    roles: false,
    styles: &[LISTENING, SSH, POLLING],
    permissions: WORKER_PERMISSIONS,
};

/// A fleet is known by its collection (drafts compare their fleets).
impl PartialEq for Fleet {
    fn eq(&self, other: &Self) -> bool {
        self.collection == other.collection
    }
}
impl Eq for Fleet {}

impl Fleet {
    /// "1 target", "3 workers".
    pub fn count(&self, n: usize) -> String {
        crate::routes::count(n as i64, self.short)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_words() {
        assert_eq!(TARGETS.count(1), "1 target");
        assert_eq!(TARGETS.count(0), "0 targets");
        assert_eq!(WORKERS.count(12), "12 workers");
    }

    #[test]
    fn workers_are_grouped_in_pools_and_have_no_kubernetes_style() {
        assert_eq!(
            (WORKERS.validate_groups)(&[]).as_deref(),
            Some("Worker pools are required: choose at least one.")
        );
        assert!((TARGETS.validate_groups)(&[])
            .unwrap()
            .starts_with("Environments"));
        assert!(!WORKERS.styles.contains(&KUBERNETES));
        assert!(TARGETS.styles.contains(&KUBERNETES));
    }
}
