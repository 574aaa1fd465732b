//! The deployment-target form as the user types it, checked with the shared rules from
//! api-model, and written back into the machine document the server sent.

use api_model::machine_validation::{
    validate_account, validate_cluster_url, validate_listening_url, validate_ssh_port,
    validate_thumbprint, MachineField,
};
use api_model::validation::{field_errors, validate_host, validate_name, FieldError};
use api_model::{KUBERNETES, LISTENING, POLLING, SSH};
use serde_json::{json, Map, Value};

use crate::api::Lookups;
use crate::fleet::{Fleet, TARGETS};
use crate::forms::{self, Difference};

/// The SSH port when none is typed.
pub const DEFAULT_SSH_PORT: &str = "22";

/// A communication style in words.
pub fn style_label(style: &str) -> &str {
    match style {
        LISTENING => "Listening Tentacle",
        POLLING => "Polling Tentacle",
        SSH => "SSH",
        KUBERNETES => "Kubernetes API",
        other => other,
    }
}

/// A health status in words ("HasWarnings" is "Has warnings").
pub fn health_label(status: &str) -> String {
    let mut words = String::new();
    for (i, c) in status.chars().enumerate() {
        // The statuses are ASCII identifiers.
        if i > 0 && c.is_ascii_uppercase() {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    if words.is_empty() {
        "Unknown".into()
    } else {
        words
    }
}

/// A text field of a JSON object, or "" when it is missing or null.
pub fn text(doc: &Value, key: &str) -> String {
    match doc.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A list of strings of a JSON object.
pub fn texts(doc: &Value, key: &str) -> Vec<String> {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A field of the machine document and how the draft writes it.
type Written = (&'static str, fn(&TargetDraft) -> Value);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetDraft {
    /// Deployment target or worker: which groups it has, and whether it has roles.
    pub fleet: &'static Fleet,
    pub name: String,
    /// Its environments (a deployment target) or worker pools (a worker).
    pub groups: Vec<String>,
    /// Comma-separated, as typed.
    pub roles: String,
    pub style: String,
    pub uri: String,
    pub thumbprint: String,
    pub host: String,
    pub port: String,
    pub fingerprint: String,
    pub account: String,
    /// `DotNetCorePlatform`; empty is null (full .NET / Mono).
    pub platform: String,
    /// A Kubernetes API target's `ClusterUrl` and `Namespace`.
    pub cluster_url: String,
    pub namespace: String,
    pub via_proxy: bool,
    pub proxy: String,
}

impl Default for TargetDraft {
    fn default() -> Self {
        Self {
            fleet: &TARGETS,
            name: String::new(),
            groups: vec![],
            roles: String::new(),
            style: LISTENING.into(),
            uri: String::new(),
            thumbprint: String::new(),
            host: String::new(),
            port: DEFAULT_SSH_PORT.into(),
            fingerprint: String::new(),
            account: String::new(),
            platform: String::new(),
            cluster_url: String::new(),
            namespace: String::new(),
            via_proxy: false,
            proxy: String::new(),
        }
    }
}

impl TargetDraft {
    /// The draft of a new machine of the fleet.
    pub fn new(fleet: &'static Fleet) -> Self {
        Self {
            fleet,
            ..Self::default()
        }
    }

    pub fn from_machine(fleet: &'static Fleet, m: &Value) -> Self {
        let e = m.get("Endpoint").cloned().unwrap_or(Value::Null);
        let proxy = text(&e, "ProxyId");
        Self {
            fleet,
            name: text(m, "Name"),
            groups: texts(m, fleet.groups_key),
            roles: texts(m, "Roles").join(", "),
            style: text(&e, "CommunicationStyle"),
            uri: text(&e, "Uri"),
            thumbprint: text(&e, "Thumbprint"),
            host: text(&e, "Host"),
            port: text(&e, "Port"),
            fingerprint: text(&e, "Fingerprint"),
            account: text(&e, "AccountId"),
            platform: text(&e, "DotNetCorePlatform"),
            cluster_url: text(&e, "ClusterUrl"),
            namespace: text(&e, "Namespace"),
            via_proxy: !proxy.is_empty(),
            proxy,
        }
    }

    pub fn roles(&self) -> Vec<String> {
        self.roles
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The message for one field, as the server would give it. Fields the style does not
    /// have are never wrong.
    pub fn error(&self, field: MachineField) -> Option<String> {
        let (listening, ssh) = (self.style == LISTENING, self.style == SSH);
        match field {
            MachineField::Name => validate_name(&self.name),
            f if f == self.fleet.groups_field => (self.fleet.validate_groups)(&self.groups),
            MachineField::Url if listening => validate_listening_url(&self.uri),
            MachineField::Thumbprint if listening => validate_thumbprint(&self.thumbprint),
            MachineField::Host if ssh => validate_host(&self.host),
            MachineField::Port if ssh => validate_ssh_port(self.port.trim().parse().ok()),
            MachineField::Account if ssh => validate_account(&self.account),
            MachineField::ClusterUrl if self.style == KUBERNETES => {
                validate_cluster_url(&self.cluster_url)
            }
            MachineField::Proxy if self.style != POLLING && self.via_proxy => {
                self.proxy.is_empty().then(|| {
                    "Proxy: choose one of this space's proxies, or choose a direct connection."
                        .into()
                })
            }
            _ => None,
        }
    }

    pub fn errors(&self) -> Vec<FieldError<MachineField>> {
        field_errors(|field| self.error(field))
    }

    /// The machine to send: `original` as the server sent it (or an empty document for a new
    /// target) with only the fields that differ from `before` written over it, so fields the
    /// console does not know survive. With no `before`, every field is written.
    pub fn to_machine(
        &self,
        before: Option<&TargetDraft>,
        original: &Value,
    ) -> Result<Value, Vec<FieldError<MachineField>>> {
        let errors = self.errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut m = original.clone();
        if !m.is_object() {
            m = Value::Object(Map::new());
        }
        let changed = |get: fn(&TargetDraft) -> Value| before.is_none_or(|b| get(b) != get(self));
        let top: [Written; 3] = [
            ("Name", |d| json!(d.name.trim())),
            (self.fleet.groups_key, |d| json!(d.groups)),
            ("Roles", |d| json!(d.roles())),
        ];
        // Workers have no roles: theirs is never written.
        for (key, get) in top
            .into_iter()
            .filter(|(key, _)| self.fleet.roles || *key != "Roles")
        {
            if changed(get) {
                m[key] = get(self);
            }
        }
        if self.style == POLLING {
            // Nothing of a polling endpoint is edited here.
            return Ok(m);
        }
        if !m["Endpoint"].is_object() {
            m["Endpoint"] = json!({ "CommunicationStyle": self.style });
        }
        let proxy: fn(&TargetDraft) -> Value = |d| match d.via_proxy {
            true => json!(d.proxy),
            false => Value::Null,
        };
        let endpoint: &[Written] = if self.style == SSH {
            &[
                ("Host", |d| json!(d.host.trim())),
                ("Port", |d| json!(d.port.trim().parse::<i64>().unwrap_or(0))),
                ("Fingerprint", |d| json!(d.fingerprint.trim())),
                ("AccountId", |d| json!(d.account)),
                ("DotNetCorePlatform", |d| match d.platform.as_str() {
                    "" => Value::Null,
                    p => json!(p),
                }),
            ]
        } else if self.style == KUBERNETES {
            &[
                ("ClusterUrl", |d| json!(d.cluster_url.trim())),
                ("Namespace", |d| json!(d.namespace.trim())),
            ]
        } else {
            &[
                ("Uri", |d| json!(d.uri.trim())),
                ("Thumbprint", |d| json!(d.thumbprint.trim())),
            ]
        };
        for &(key, get) in endpoint.iter().chain([("ProxyId", proxy)].iter()) {
            if changed(get) {
                m["Endpoint"][key] = get(self);
            }
        }
        Ok(m)
    }
}

/// What is stored now against what was typed, field by field, by name rather than by id, for
/// the fields the target's style has.
pub fn differences(stored: &TargetDraft, typed: &TargetDraft, names: &Lookups) -> Vec<Difference> {
    // In the space's order (the order the lookups hold), whatever order they were ticked in.
    let groups = |d: &TargetDraft| {
        let names: Vec<&str> = names
            .groups
            .iter()
            .filter(|e| d.groups.contains(&e.id))
            .map(|e| e.name.as_str())
            .collect();
        names.join(", ")
    };
    let connection = |d: &TargetDraft| match d.via_proxy {
        true => format!("Through {}", Lookups::name_of(&names.proxies, &d.proxy)),
        false => "Direct".to_owned(),
    };
    let account = |d: &TargetDraft| Lookups::name_of(&names.accounts, &d.account);
    type Shown<'a> = (&'static str, &'a dyn Fn(&TargetDraft) -> String);
    let mut fields: Vec<Shown> = vec![
        ("Name", &|d| d.name.trim().to_owned()),
        (stored.fleet.groups_label, &groups),
    ];
    if stored.fleet.roles {
        fields.push(("Roles", &|d| d.roles().join(", ")));
    }
    if stored.style == LISTENING {
        fields.push(("URL", &|d| d.uri.trim().to_owned()));
        fields.push(("Thumbprint", &|d| d.thumbprint.trim().to_owned()));
    }
    if stored.style == SSH {
        fields.push(("Host", &|d| d.host.trim().to_owned()));
        fields.push(("Port", &|d| d.port.trim().to_owned()));
        fields.push(("Fingerprint", &|d| d.fingerprint.trim().to_owned()));
        fields.push(("Account", &account));
        fields.push((".NET platform", &|d| d.platform.clone()));
    }
    if stored.style == KUBERNETES {
        fields.push(("Cluster URL", &|d| d.cluster_url.trim().to_owned()));
        fields.push(("Namespace", &|d| d.namespace.trim().to_owned()));
    }
    if stored.style != POLLING {
        fields.push(("Connection", &connection));
    }
    forms::differences(
        fields
            .into_iter()
            .map(|(label, show)| (label, show(stored), show(typed)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Named;
    use crate::forms::place_server_errors;

    #[test]
    fn differences_name_environments_and_proxies_and_skip_other_styles() {
        let named = |id: &str, name: &str| Named {
            id: id.into(),
            name: name.into(),
        };
        let names = Lookups {
            groups: vec![
                named("Environments-1", "Dev"),
                named("Environments-2", "Test"),
            ],
            proxies: vec![named("Proxies-2", "Corporate egress")],
            accounts: vec![],
        };
        let stored = TargetDraft::from_machine(&TARGETS, &listening());
        let mut typed = stored.clone();
        typed.groups.push("Environments-2".into());
        typed.via_proxy = true;
        typed.proxy = "Proxies-2".into();
        typed.host = "ignored for a Listening target".into();
        let rows = differences(&stored, &typed, &names);
        assert_eq!(
            crate::forms::shown(&rows),
            [
                ("Environments", "Dev", "Dev, Test"),
                ("Connection", "Direct", "Through Corporate egress"),
            ]
        );
    }

    #[test]
    fn a_kubernetes_target_edits_its_url_namespace_and_connection_and_keeps_the_rest() {
        let stored = json!({
            "Id": "Machines-20", "Name": "aks", "EnvironmentIds": ["Environments-1"],
            "Endpoint": {"CommunicationStyle": "Kubernetes", "ClusterUrl": "https://aks:443/",
                "Namespace": "apps", "SkipTlsVerification": "True", "ProxyId": null,
                "Authentication": {"AuthenticationType": "KubernetesStandard", "AccountId": "Accounts-9"}}
        });
        let before = TargetDraft::from_machine(&TARGETS, &stored);
        assert_eq!(style_label(&before.style), "Kubernetes API");
        let mut typed = before.clone();
        typed.namespace = " web ".into();
        typed.via_proxy = true;
        typed.proxy = "Proxies-2".into();
        let sent = typed.to_machine(Some(&before), &stored).unwrap();
        let e = &sent["Endpoint"];
        assert_eq!(e["Namespace"], "web");
        assert_eq!(e["ProxyId"], "Proxies-2");
        assert_eq!(e["ClusterUrl"], "https://aks:443/");
        assert_eq!(e["SkipTlsVerification"], "True");
        assert_eq!(e["Authentication"]["AccountId"], "Accounts-9");
        assert!(
            e.get("Uri").is_none() && e.get("Thumbprint").is_none(),
            "{e}"
        );
        typed.cluster_url = "http://aks".into();
        let errors = typed.to_machine(Some(&before), &stored).unwrap_err();
        assert_eq!(errors[0].field, MachineField::ClusterUrl);
        let names = Lookups::default();
        let rows = differences(&before, &typed, &names);
        assert!(rows.iter().any(|d| d.label == "Namespace"), "{rows:?}");
    }

    fn listening() -> Value {
        json!({
            "Id": "Machines-1", "Name": "web01", "EnvironmentIds": ["Environments-1"],
            "Roles": ["web"], "MachinePolicyId": "MachinePolicies-1", "Unknown": {"Kept": [1, 2]},
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web01:10933/",
                "Thumbprint": "ABC", "ProxyId": null, "TentacleVersionDetails": {"Version": "8.1"}}
        })
    }

    #[test]
    fn a_save_changes_only_what_was_edited() {
        let original = listening();
        let before = TargetDraft::from_machine(&TARGETS, &original);
        let mut draft = before.clone();
        draft.via_proxy = true;
        draft.proxy = "Proxies-2".into();
        let sent = draft.to_machine(Some(&before), &original).unwrap();
        let mut expected = original.clone();
        expected["Endpoint"]["ProxyId"] = json!("Proxies-2");
        assert_eq!(sent, expected);

        // And back to direct.
        let mut direct = draft.clone();
        direct.via_proxy = false;
        let sent = direct.to_machine(Some(&draft), &sent).unwrap();
        assert_eq!(sent, original);
    }

    #[test]
    fn a_new_ssh_target_is_written_whole() {
        let draft = TargetDraft {
            name: " db01 ".into(),
            groups: vec!["Environments-2".into()],
            roles: "db, , linux ".into(),
            style: SSH.into(),
            host: "db01.corp".into(),
            port: "2222".into(),
            account: "Accounts-1".into(),
            platform: "linux-x64".into(),
            via_proxy: true,
            proxy: "Proxies-1".into(),
            ..TargetDraft::default()
        };
        let m = draft.to_machine(None, &Value::Null).unwrap();
        assert_eq!(
            m,
            json!({
                "Name": "db01", "EnvironmentIds": ["Environments-2"], "Roles": ["db", "linux"],
                "Endpoint": {"CommunicationStyle": "Ssh", "Host": "db01.corp", "Port": 2222,
                    "Fingerprint": "", "AccountId": "Accounts-1", "DotNetCorePlatform": "linux-x64",
                    "ProxyId": "Proxies-1"}
            })
        );
    }

    #[test]
    fn rules_follow_the_style() {
        let mut d = TargetDraft {
            name: "x".into(),
            groups: vec!["Environments-1".into()],
            ..TargetDraft::default()
        };
        let fields = |d: &TargetDraft| d.errors().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&d), [MachineField::Url, MachineField::Thumbprint]);
        d.style = SSH.into();
        d.port = "70000".into();
        assert_eq!(
            fields(&d),
            [
                MachineField::Host,
                MachineField::Port,
                MachineField::Account
            ]
        );
        d.via_proxy = true;
        assert_eq!(fields(&d).last(), Some(&MachineField::Proxy));
        d.style = POLLING.into();
        assert!(
            fields(&d).is_empty(),
            "a polling target's endpoint is not edited here"
        );
        assert!(d
            .to_machine(None, &json!({"Endpoint": {"ProxyId": null}}))
            .is_ok());
    }

    #[test]
    fn polling_endpoints_are_left_alone() {
        let original = json!({"Name": "kiosk", "EnvironmentIds": ["Environments-1"],
            "Endpoint": {"CommunicationStyle": "TentacleActive", "Uri": "poll://abc/", "Thumbprint": "T"}});
        let before = TargetDraft::from_machine(&TARGETS, &original);
        let mut d = before.clone();
        d.name = "kiosk-2".into();
        let sent = d.to_machine(Some(&before), &original).unwrap();
        assert_eq!(sent["Endpoint"], original["Endpoint"]);
        assert_eq!(sent["Name"], "kiosk-2");
    }

    #[test]
    fn server_messages_land_on_target_fields() {
        let (fields, general) = place_server_errors::<MachineField>(&[
            "Environments: \"Environments-9\" does not exist in this space.".into(),
            "Proxy \"Proxies-9\" does not exist in this space.".into(),
            "Something else.".into(),
        ]);
        let placed: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(placed, [MachineField::Environments, MachineField::Proxy]);
        assert_eq!(general, ["Something else."]);
    }

    #[test]
    fn a_worker_is_in_pools_and_has_no_roles() {
        use crate::fleet::WORKERS;
        let stored = json!({
            "Id": "Workers-1", "Name": "w1", "WorkerPoolIds": ["WorkerPools-1"],
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://w1:10933/",
                "Thumbprint": "ABC", "ProxyId": null}
        });
        let before = TargetDraft::from_machine(&WORKERS, &stored);
        assert_eq!(before.groups, ["WorkerPools-1"]);
        let mut typed = before.clone();
        typed.groups.push("WorkerPools-2".into());
        typed.roles = "ignored".into();
        let sent = typed.to_machine(Some(&before), &stored).unwrap();
        assert_eq!(
            sent["WorkerPoolIds"],
            json!(["WorkerPools-1", "WorkerPools-2"])
        );
        assert!(
            sent.get("Roles").is_none() && sent.get("EnvironmentIds").is_none(),
            "{sent}"
        );
        let new = TargetDraft {
            name: "w2".into(),
            roles: "web".into(),
            ..TargetDraft::new(&WORKERS)
        };
        let fields: Vec<_> = new.errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields[0], MachineField::WorkerPools);
        assert_eq!(
            new.error(MachineField::WorkerPools).as_deref(),
            Some("Worker pools are required: choose at least one.")
        );
        assert_eq!(new.error(MachineField::Environments), None);
        let (placed, _) = place_server_errors::<MachineField>(&[
            "Worker pools: \"WorkerPools-9\" does not exist in this space.".into(),
        ]);
        assert_eq!(placed[0].0, MachineField::WorkerPools);
        let names = Lookups {
            groups: vec![
                Named {
                    id: "WorkerPools-1".into(),
                    name: "Default Worker Pool".into(),
                },
                Named {
                    id: "WorkerPools-2".into(),
                    name: "Linux".into(),
                },
            ],
            ..Lookups::default()
        };
        assert_eq!(
            crate::forms::shown(&differences(&before, &typed, &names)),
            [(
                "Worker pools",
                "Default Worker Pool",
                "Default Worker Pool, Linux"
            )]
        );
    }

    #[test]
    fn words_for_styles_and_health() {
        assert_eq!(style_label("TentacleActive"), "Polling Tentacle");
        assert_eq!(style_label("Ssh"), "SSH");
        assert_eq!(health_label("HasWarnings"), "Has warnings");
        assert_eq!(health_label(""), "Unknown");
    }
}
