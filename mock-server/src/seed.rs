//! `--seed demo`: a believable set of proxies for demos, written only into an empty database.

use api_model::permissions::Role;
use rusqlite::params;
use serde_json::{json, Value};

use api_model::validation::name_key;

use crate::db::{Db, NOW_SQL};
use crate::error::ApiResult;
use crate::routes::fleet::{Fleet, TARGETS, WORKERS_FLEET};

/// (space, name, host, port, username, password)
type DemoProxy = (
    i64,
    &'static str,
    &'static str,
    i32,
    Option<&'static str>,
    Option<&'static str>,
);

const DEMO_PROXIES: &[DemoProxy] = &[
    (
        1,
        "Squid in the DMZ",
        "squid.dmz.example.com",
        3128,
        Some("octopus-svc"),
        Some("demo-only-password"),
    ),
    (
        1,
        "Corporate egress",
        "proxy.corp.example.com",
        8080,
        None,
        None,
    ),
    (
        1,
        "Sydney branch office",
        "10.42.0.15",
        3128,
        Some("svc-deploy"),
        Some("demo-only-password"),
    ),
    (1, "Lab gateway (IPv6)", "2001:db8::15", 8080, None, None),
    (
        2,
        "Platform squid",
        "squid.platform.example.com",
        3128,
        None,
        None,
    ),
];

/// Seeds the demo set (and with `at_scale`, 100 more proxies and 10,000 more targets); returns
/// false (and writes nothing) when the database already holds data.
pub fn demo(db: &Db, at_scale: bool) -> ApiResult<bool> {
    db.with_conn(|c| {
        let has_data: bool = c.query_row(
            "SELECT EXISTS(SELECT 1 FROM proxies) OR (SELECT COUNT(*) FROM spaces) > 1
                 OR EXISTS(SELECT 1 FROM meta WHERE key = 'seeded')",
            [],
            |r| r.get(0),
        )?;
        if has_data {
            return Ok(false);
        }
        let secrets = db.secrets().clone();
        let tx = c.transaction()?;
        tx.execute(
            "INSERT INTO spaces (name, description, is_default, slug)
             VALUES ('Platform Engineering', 'Shared build and hosting infrastructure', 0, 'platform-engineering')",
            [],
        )?;
        for (space, name, host, port, username, password) in DEMO_PROXIES {
            tx.execute(
                &format!(
                    "INSERT INTO proxies (space_seq, name, name_key, host, port, proxy_type, username, password, last_modified_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'HTTP', ?6, ?7, {NOW_SQL})"
                ),
                params![space, name, name_key(name), host, port, username, password.map(|p| secrets.seal(p))],
            )?;
        }
        seed_targets(&tx)?;
        if at_scale {
            seed_scale(&tx)?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', 'demo')", [])?;
        tx.commit()?;
        Ok(true)
    })
}

/// (name, environment, roles, endpoint, health)
fn demo_targets() -> Vec<(&'static str, i64, Vec<&'static str>, Value, &'static str)> {
    let listening = |host: &str, proxy: Option<&str>| {
        json!({"CommunicationStyle": "TentaclePassive", "Uri": format!("https://{host}:10933/"),
               "Thumbprint": "8F3A1C5B9E2D4F6A7B8C9D0E1F2A3B4C5D6E7F80", "ProxyId": proxy})
    };
    let ssh = |host: &str, account: &str, proxy: Option<&str>| {
        json!({"CommunicationStyle": "Ssh", "Host": host, "Port": 22, "AccountId": account,
               "Fingerprint": "SHA256:3m5Jq8rUu0c2Vn6pXy1Zk4Wd7Ab9Cf0Eg2Hi4Jk6Lm8", "ProxyId": proxy,
               "DotNetCorePlatform": "linux-x64"})
    };
    let polling = |id: &str| {
        json!({"CommunicationStyle": "TentacleActive", "Uri": format!("poll://{id}/"),
               "Thumbprint": "1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E"})
    };
    // Environments: 1 Development, 2 Test, 3 Production. Proxies: 1 Squid in the DMZ,
    // 2 Corporate egress, 3 Sydney branch office. Accounts: 1 key pair, 2 username/password.
    vec![
        (
            "web-dev-01",
            1,
            vec!["web"],
            listening("web-dev-01.corp.example.com", None),
            "Healthy",
        ),
        (
            "web-test-01",
            2,
            vec!["web"],
            listening("web-test-01.corp.example.com", None),
            "Healthy",
        ),
        (
            "web-prod-01",
            3,
            vec!["web"],
            listening("web-prod-01.dmz.example.com", Some("Proxies-1")),
            "Healthy",
        ),
        (
            "web-prod-02",
            3,
            vec!["web"],
            listening("web-prod-02.dmz.example.com", Some("Proxies-1")),
            "HasWarnings",
        ),
        (
            "syd-app-01",
            3,
            vec!["app"],
            listening("syd-app-01.example.com.au", Some("Proxies-3")),
            "Healthy",
        ),
        (
            "build-agent-01",
            1,
            vec!["build"],
            ssh("build-01.corp.example.com", "Accounts-1", None),
            "Healthy",
        ),
        (
            "db-test-01",
            2,
            vec!["db"],
            ssh(
                "db-test-01.corp.example.com",
                "Accounts-1",
                Some("Proxies-2"),
            ),
            "Healthy",
        ),
        (
            "db-prod-01",
            3,
            vec!["db"],
            ssh(
                "db-prod-01.dmz.example.com",
                "Accounts-1",
                Some("Proxies-2"),
            ),
            "Healthy",
        ),
        (
            "bastion-prod",
            3,
            vec!["bastion"],
            ssh("bastion.dmz.example.com", "Accounts-2", Some("Proxies-1")),
            "Unavailable",
        ),
        (
            "laptop-dev-07",
            1,
            vec!["web", "app"],
            polling("a1b2c3d4e5f60718"),
            "Healthy",
        ),
        (
            "kiosk-test-03",
            2,
            vec!["kiosk"],
            polling("b2c3d4e5f6071829"),
            "Unknown",
        ),
        (
            "store-prod-12",
            3,
            vec!["pos"],
            polling("c3d4e5f607182930"),
            "Unavailable",
        ),
        (
            "k8s-prod-west",
            3,
            vec!["k8s"],
            json!({"CommunicationStyle": "Kubernetes", "ClusterUrl": "https://k8s-prod-west.example.com:6443/",
                   "Namespace": "apps", "SkipTlsVerification": "False", "ProxyId": "Proxies-3",
                   "Authentication": {"AuthenticationType": "KubernetesStandard", "AccountId": "Accounts-1"}}),
            "Healthy",
        ),
    ]
}

/// (name, pool, endpoint, health): pool 1 is the default pool, 3 "Linux workers (DMZ)".
fn demo_workers() -> Vec<(&'static str, i64, Value, &'static str)> {
    vec![
        (
            "worker-win-01",
            1,
            json!({"CommunicationStyle": "TentaclePassive", "Uri": "https://worker-win-01.corp.example.com:10933/",
                   "Thumbprint": "4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F6071", "ProxyId": null}),
            "Healthy",
        ),
        (
            "worker-linux-01",
            3,
            json!({"CommunicationStyle": "Ssh", "Host": "worker-linux-01.dmz.example.com", "Port": 22,
                   "AccountId": "Accounts-1", "Fingerprint": "SHA256:9Zk4Wd7Ab9Cf0Eg2Hi4Jk6Lm83m5Jq8rUu0c2Vn6pXy1",
                   "DotNetCorePlatform": "linux-x64", "ProxyId": "Proxies-1"}),
            "Healthy",
        ),
        (
            "worker-linux-02",
            3,
            json!({"CommunicationStyle": "Ssh", "Host": "worker-linux-02.dmz.example.com", "Port": 22,
                   "AccountId": "Accounts-1", "Fingerprint": "SHA256:Ab9Cf0Eg2Hi4Jk6Lm83m5Jq8rUu0c2Vn6pXy19Zk4Wd7",
                   "DotNetCorePlatform": "linux-x64", "ProxyId": "Proxies-1"}),
            "HasWarnings",
        ),
        (
            "worker-poll-01",
            1,
            json!({"CommunicationStyle": "TentacleActive", "Uri": "poll://d4e5f60718293a4b/",
                   "Thumbprint": "2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F"}),
            "Unknown",
        ),
    ]
}

fn seed_targets(tx: &rusqlite::Connection) -> ApiResult<()> {
    for (name, order) in [("Development", 1), ("Test", 2), ("Production", 3)] {
        tx.execute(
            "INSERT INTO environments (space_seq, name, name_key, sort_order) VALUES (1, ?1, ?2, ?3)",
            params![name, name_key(name), order],
        )?;
    }
    tx.execute(
        "INSERT INTO environments (space_seq, name, name_key, sort_order) VALUES (2, 'Shared', ?1, 1)",
        [name_key("Shared")],
    )?;
    tx.execute(
        "INSERT INTO accounts (space_seq, name, account_type, username) VALUES
            (1, 'Deploy key (ed25519)', 'SshKeyPair', 'deploy'),
            (1, 'Bastion login', 'UsernamePassword', 'ops')",
        [],
    )?;
    for (name, env, roles, endpoint, health) in demo_targets() {
        let body = json!({
            "Name": name, "EnvironmentIds": [format!("Environments-{env}")], "Roles": roles,
            "IsDisabled": false, "TenantedDeploymentParticipation": "Untenanted",
            "MachinePolicyId": "MachinePolicies-1", "Endpoint": endpoint,
        });
        seed_machine(tx, &TARGETS, body, health)?;
    }
    tx.execute(
        "INSERT INTO worker_pools (space_seq, name, name_key, sort_order, body)
         VALUES (1, 'Linux workers (DMZ)', ?1, 2, '{\"Description\":\"SSH workers that reach the DMZ\"}')",
        [name_key("Linux workers (DMZ)")],
    )?;
    for (name, pool, endpoint, health) in demo_workers() {
        let body = json!({
            "Name": name, "WorkerPoolIds": [format!("WorkerPools-{pool}")], "IsDisabled": false,
            "MachinePolicyId": "MachinePolicies-1", "Endpoint": endpoint,
        });
        seed_machine(tx, &WORKERS_FLEET, body, health)?;
    }
    Ok(())
}

/// One machine of the fleet, written through the same checks as the API, with its health.
fn seed_machine(
    tx: &rusqlite::Connection,
    fleet: &Fleet,
    body: Value,
    health: &str,
) -> ApiResult<()> {
    let checked = crate::routes::machines::check(fleet, tx, 1, body, None)?;
    let seq = crate::routes::machines::store(fleet, tx, 1, None, &checked)?;
    tx.execute(
        &format!("UPDATE {} SET health = ?2 WHERE seq = ?1", fleet.table.name),
        params![seq, health],
    )?;
    Ok(())
}

const SCALE_PROXIES: usize = 100;
const SCALE_TARGETS: usize = 10_000;
/// Roles at scale: `r0` … `r49` (so `roles=r3` matches one target in 50), and `scale` on all.
const SCALE_ROLES: usize = 50;
const HEALTH: [&str; 5] = [
    "Healthy",
    "Unavailable",
    "Unknown",
    "HasWarnings",
    "Unhealthy",
];

/// A space grown large, for load tests and benchmarks: every style, environment, health and
/// role spread evenly, half of the Listening and SSH targets through one of 100 proxies.
/// Written through the same checks as the API.
fn seed_scale(tx: &rusqlite::Connection) -> ApiResult<()> {
    let mut proxies = vec![];
    for i in 1..=SCALE_PROXIES {
        let name = format!("Scale proxy {i:03}");
        tx.execute(
            &format!(
                "INSERT INTO proxies (space_seq, name, name_key, host, port, proxy_type, last_modified_on)
                 VALUES (1, ?1, ?2, ?3, 3128, 'HTTP', {NOW_SQL})"
            ),
            params![name, name_key(&name), format!("proxy-{i:03}.scale.example.com")],
        )?;
        proxies.push(format!("Proxies-{}", tx.last_insert_rowid()));
    }
    for i in 0..SCALE_TARGETS {
        let name = format!("scale-target-{i:05}");
        let proxy = i
            .is_multiple_of(2)
            .then(|| proxies[i / 2 % SCALE_PROXIES].as_str());
        let endpoint = match i % 3 {
            0 => {
                json!({"CommunicationStyle": "TentaclePassive", "Uri": format!("https://{name}.scale.example.com:10933/"),
                        "Thumbprint": "8F3A1C5B9E2D4F6A7B8C9D0E1F2A3B4C5D6E7F80", "ProxyId": proxy})
            }
            1 => {
                json!({"CommunicationStyle": "Ssh", "Host": format!("{name}.scale.example.com"), "Port": 22,
                        "AccountId": "Accounts-1", "Fingerprint": "SHA256:scale", "ProxyId": proxy})
            }
            _ => json!({"CommunicationStyle": "TentacleActive", "Uri": format!("poll://{i:016x}/"),
                        "Thumbprint": "1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E"}),
        };
        let body = json!({
            "Name": name, "EnvironmentIds": [format!("Environments-{}", i % 3 + 1)],
            "Roles": [format!("r{}", i % SCALE_ROLES), "scale"], "IsDisabled": i % 10 == 9,
            "MachinePolicyId": "MachinePolicies-1", "Endpoint": endpoint,
        });
        let checked = crate::routes::machines::check(&TARGETS, tx, 1, body, None)?;
        let seq = crate::routes::machines::store(&TARGETS, tx, 1, None, &checked)?;
        tx.execute(
            "UPDATE machines SET health = ?2 WHERE seq = ?1",
            params![seq, HEALTH[i % HEALTH.len()]],
        )?;
    }
    Ok(())
}

/// A role in the default space, maybe only for some environments.
type TeamGrant = (Role, &'static [&'static str]);

/// The demo team (`--seed team`): who each is, their grants in the default space.
const TEAM: &[(&str, &[TeamGrant])] = &[
    ("priya", &[(Role::SpaceManager, &[])]),
    (
        "dev-lead",
        &[
            (Role::EnvironmentManager, &["Environments-1"]),
            (Role::EnvironmentViewer, &[]),
        ],
    ),
    ("auditor", &[(Role::EnvironmentViewer, &[])]),
];

/// Adds the demo team and writes their keys to `DB.keys` (readable by its owner only), one
/// `name role key` line each. Returns the file's path.
pub fn team(db: &Db, path: &str) -> Result<std::path::PathBuf, String> {
    if path == ":memory:" {
        return Err("--seed team needs a database file: its keys are written beside it".into());
    }
    let mut lines = String::from(
        "# The demo team's API keys (mock-server --seed team). Paste one into the console.\n",
    );
    for (name, grants) in TEAM {
        let grant = |(role, environments): &TeamGrant| crate::access::Grant {
            role: *role,
            space_id: crate::ids::DEFAULT_SPACE_ID.into(),
            environment_ids: environments.iter().map(|e| e.to_string()).collect(),
        };
        let key = db
            .with_conn(|c| Ok(crate::access::add_user(c, name, &grant(&grants[0]))))
            .map_err(|e| e.body.error_message)??;
        for more in &grants[1..] {
            db.with_conn(|c| Ok(crate::access::grant(c, name, &grant(more))))
                .map_err(|e| e.body.error_message)??;
        }
        let roles: Vec<String> = grants
            .iter()
            .map(|(role, envs)| match envs.is_empty() {
                true => role.name().to_owned(),
                false => format!("{} for {}", role.name(), envs.join(",")),
            })
            .collect();
        lines.push_str(&format!("{name}\t{}\t{key}\n", roles.join(" + ")));
    }
    let file = std::path::PathBuf::from(format!("{path}.keys"));
    write_private(&file, &lines).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file)
}

fn write_private(file: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?.write_all(text.as_bytes())
}
