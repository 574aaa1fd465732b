//! Who may do what: users with API keys and role grants (Octopus's built-in roles), every route
//! checked against its permission, machines against the environments a grant is restricted to.

mod common;

use api_model::permissions::{Permission, Role};
use common::*;
use mock_server::{Config, Grant, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A server on a database file (so users can be added to it, as the command line does).
struct Served {
    api: Api,
    db: String,
    _dir: tempfile::TempDir,
}

/// The `--api-key` key: the built-in administrator's.
const ADMIN_KEY: &str = "API-ADMINISTRATOR0000000000000";

/// The API as the administrator (`served.api`) and users added to its database.
async fn serve(seed: Seed) -> Served {
    serve_with(seed, Some(ADMIN_KEY)).await
}

/// A server with no key of its own, so open until a user's key exists.
async fn serve_open(seed: Seed) -> Served {
    serve_with(seed, None).await
}

async fn serve_with(seed: Seed, admin_key: Option<&str>) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("perm.db").to_str().unwrap().to_owned();
    let mut api = start_with(Config {
        db: db.clone(),
        api_key: admin_key.map(str::to_owned),
        ..config(seed)
    })
    .await;
    api.key = admin_key.map(str::to_owned);
    Served { api, db, _dir: dir }
}

impl Served {
    /// A new user with one grant; the API as that user.
    fn user(&self, name: &str, role: Role, environments: &[&str]) -> Api {
        let key = mock_server::add_user(&self.db, name, &grant(role, environments))
            .unwrap_or_else(|e| panic!("add {name}: {e}"));
        self.as_key(&key)
    }

    fn as_key(&self, key: &str) -> Api {
        self.api.as_key(key)
    }
}

/// `mock-server` run with these arguments, as a person at a shell would.
fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(args)
        .output()
        .unwrap()
}

fn grant(role: Role, environments: &[&str]) -> Grant {
    Grant {
        role,
        space_id: "Spaces-1".into(),
        environment_ids: environments.iter().map(|e| e.to_string()).collect(),
    }
}

fn listening(name: &str, environment: &str) -> Value {
    json!({"Name": name, "EnvironmentIds": [environment], "Roles": ["web"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web:10933/", "Thumbprint": "AB12"}})
}

fn worker(name: &str) -> Value {
    json!({"Name": name, "WorkerPoolIds": ["WorkerPools-1"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://w:10933/", "Thumbprint": "AB12"}})
}

/// Every route that needs a permission, with a request that would otherwise be served.
fn routes() -> Vec<(Method, &'static str, Option<Value>, Permission)> {
    use Permission::*;
    let proxy = json!({"Name": "New proxy", "Host": "p.example.com", "Port": 3128});
    vec![
        (Method::GET, "/api/Spaces-1/proxies", None, ProxyView),
        (Method::GET, "/api/Spaces-1/proxies/all", None, ProxyView),
        (
            Method::GET,
            "/api/Spaces-1/proxies/Proxies-1",
            None,
            ProxyView,
        ),
        (Method::GET, "/api/Spaces-1/proxies/usage", None, ProxyView),
        (
            Method::POST,
            "/api/Spaces-1/proxies",
            Some(proxy.clone()),
            ProxyCreate,
        ),
        (
            Method::PUT,
            "/api/Spaces-1/proxies/Proxies-1",
            Some(
                json!({"Name": "Squid in the DMZ", "Host": "squid.dmz.example.com", "Port": 3128}),
            ),
            ProxyEdit,
        ),
        (
            Method::POST,
            "/api/Spaces-1/proxies/test",
            Some(json!({"Proxy": proxy, "Host": "127.0.0.1", "Port": 9})),
            ProxyEdit,
        ),
        (
            Method::DELETE,
            "/api/Spaces-1/proxies/Proxies-3",
            None,
            ProxyDelete,
        ),
        (Method::GET, "/api/Spaces-1/machines", None, MachineView),
        (Method::GET, "/api/Spaces-1/machines/all", None, MachineView),
        (
            Method::GET,
            "/api/Spaces-1/machines/Machines-1",
            None,
            MachineView,
        ),
        (
            Method::POST,
            "/api/Spaces-1/machines",
            Some(listening("new-target", "Environments-1")),
            MachineCreate,
        ),
        (
            Method::GET,
            "/api/Spaces-1/machines/discover?host=127.0.0.1&port=9&type=TentaclePassive",
            None,
            MachineCreate,
        ),
        (
            Method::PUT,
            "/api/Spaces-1/machines/Machines-1",
            Some(listening("web-dev-01", "Environments-1")),
            MachineEdit,
        ),
        (
            Method::POST,
            "/api/Spaces-1/machines/proxy",
            Some(json!({"Ids": ["Machines-1"], "ProxyId": null})),
            MachineEdit,
        ),
        (
            Method::DELETE,
            "/api/Spaces-1/machines/Machines-2",
            None,
            MachineDelete,
        ),
        (Method::GET, "/api/Spaces-1/workers", None, WorkerView),
        (
            Method::GET,
            "/api/Spaces-1/workers/Workers-1",
            None,
            WorkerView,
        ),
        (
            Method::POST,
            "/api/Spaces-1/workers",
            Some(worker("new-worker")),
            WorkerEdit,
        ),
        (
            Method::POST,
            "/api/Spaces-1/workers/proxy",
            Some(json!({"Ids": ["Workers-1"], "ProxyId": null})),
            WorkerEdit,
        ),
        (
            Method::DELETE,
            "/api/Spaces-1/workers/Workers-2",
            None,
            WorkerEdit,
        ),
        (Method::GET, "/api/Spaces-1/workerpools", None, WorkerView),
        (
            Method::POST,
            "/api/Spaces-1/workerpools",
            Some(json!({"Name": "New pool"})),
            WorkerEdit,
        ),
        (
            Method::GET,
            "/api/Spaces-1/environments",
            None,
            EnvironmentView,
        ),
        (
            Method::POST,
            "/api/Spaces-1/environments",
            Some(json!({"Name": "Staging"})),
            EnvironmentCreate,
        ),
        (Method::GET, "/api/Spaces-1/accounts/all", None, AccountView),
        (
            Method::POST,
            "/api/Spaces-1/tasks",
            Some(json!({"Name": "Health", "Arguments": {"MachineIds": ["Machines-1"]}})),
            TaskCreate,
        ),
        (
            Method::GET,
            "/api/Spaces-1/tasks/ServerTasks-1",
            None,
            TaskView,
        ),
        (Method::GET, "/api/Spaces-1/events", None, EventView),
        (Method::GET, "/api/events/documenttypes", None, EventView),
    ]
}

#[tokio::test]
async fn each_role_gets_each_route_exactly_when_its_permissions_hold_it() {
    for role in Role::ALL {
        let served = serve(Seed::Demo).await;
        let api = served.user("someone", role, &[]);
        for (method, path, body, needed) in routes() {
            let r = api.send(method.clone(), path, body).await;
            if role.permissions().contains(&needed) {
                assert_ne!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}: {}",
                    role.name(),
                    r.text
                );
                assert_ne!(
                    r.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {method} {path}",
                    role.name()
                );
            } else {
                assert_error(&r, StatusCode::FORBIDDEN);
                assert_eq!(
                    r.message(),
                    format!("You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: {}", needed.name()),
                    "{} {method} {path}", role.name()
                );
            }
        }
        served.api.stop().await;
    }
}

#[tokio::test]
async fn a_refused_write_changes_nothing() {
    let served = serve(Seed::Demo).await;
    let admin = &served.api;
    let viewer = served.user("auditor", Role::EnvironmentViewer, &[]);
    let proxy = admin.get("/api/Spaces-1/proxies/Proxies-1").await.json();
    let target = admin.get("/api/Spaces-1/machines/Machines-1").await.json();
    let count = admin.proxy_count().await;

    let mut renamed = proxy.clone();
    renamed["Name"] = json!("Renamed by the auditor");
    assert_error(
        &viewer.put("/api/Spaces-1/proxies/Proxies-1", renamed).await,
        StatusCode::FORBIDDEN,
    );
    assert_error(
        &viewer.delete("/api/Spaces-1/proxies/Proxies-1").await,
        StatusCode::FORBIDDEN,
    );
    assert_error(
        &viewer
            .post(
                "/api/Spaces-1/proxies",
                json!({"Name": "x", "Host": "x", "Port": 1}),
            )
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_error(
        &viewer
            .post(
                "/api/Spaces-1/machines/proxy",
                json!({"Ids": ["Machines-1"], "ProxyId": "Proxies-2"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(
        admin.get("/api/Spaces-1/proxies/Proxies-1").await.json(),
        proxy
    );
    assert_eq!(
        admin.get("/api/Spaces-1/machines/Machines-1").await.json(),
        target
    );
    assert_eq!(admin.proxy_count().await, count);
}

/// Targets of the demo: web-dev-01 is in Development (Environments-1), web-prod-01 in Production.
async fn target_id(api: &Api, name: &str) -> String {
    let page = api
        .get(&format!("/api/Spaces-1/machines?name={name}"))
        .await
        .json();
    page["Items"][0]["Id"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: {page}"))
        .to_owned()
}

#[tokio::test]
async fn a_grant_restricted_to_development_reaches_development_machines_only_on_every_route() {
    let served = serve(Seed::Demo).await;
    let admin = &served.api;
    let dev = target_id(admin, "web-dev-01").await;
    let prod = target_id(admin, "web-prod-01").await;
    // Environment Manager for Development, Environment Viewer for the whole space.
    let key = mock_server::add_user(
        &served.db,
        "dev-lead",
        &grant(Role::EnvironmentManager, &["Environments-1"]),
    )
    .unwrap();
    mock_server::grant(&served.db, "dev-lead", &grant(Role::EnvironmentViewer, &[])).unwrap();
    let lead = served.as_key(&key);

    // Sees every target (the viewer grant), changes Development's only.
    let all = admin.get("/api/Spaces-1/machines?take=1").await.json()["TotalResults"].clone();
    assert_eq!(
        lead.get("/api/Spaces-1/machines?take=1").await.json()["TotalResults"],
        all
    );
    let dev_body = lead
        .get(&format!("/api/Spaces-1/machines/{dev}"))
        .await
        .json();
    let prod_body = lead
        .get(&format!("/api/Spaces-1/machines/{prod}"))
        .await
        .json();
    let mut edited = dev_body.clone();
    edited["Roles"] = json!(["web", "edited"]);
    assert_eq!(
        lead.put(&format!("/api/Spaces-1/machines/{dev}"), edited)
            .await
            .status,
        StatusCode::OK
    );
    let mut edited = prod_body.clone();
    edited["Roles"] = json!(["web", "edited"]);
    let refused = lead
        .put(&format!("/api/Spaces-1/machines/{prod}"), edited)
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN);
    assert!(
        refused
            .message()
            .ends_with("Missing permission: MachineEdit"),
        "{}",
        refused.text
    );
    // Moving a Development target into Production is a change in Production too.
    let mut moved = dev_body.clone();
    moved["EnvironmentIds"] = json!(["Environments-3"]);
    assert_error(
        &lead
            .put(&format!("/api/Spaces-1/machines/{dev}"), moved)
            .await,
        StatusCode::FORBIDDEN,
    );
    let made = lead
        .post(
            "/api/Spaces-1/machines",
            listening("prod-new", "Environments-3"),
        )
        .await;
    assert_error(&made, StatusCode::FORBIDDEN);
    assert!(made.message().ends_with("MachineCreate"));
    assert_eq!(
        lead.post(
            "/api/Spaces-1/machines",
            listening("dev-new", "Environments-1")
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_error(
        &lead.delete(&format!("/api/Spaces-1/machines/{prod}")).await,
        StatusCode::FORBIDDEN,
    );
    // The bulk change: all or nothing, so one Production target refuses the whole request.
    let bulk = lead
        .post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": [dev, prod], "ProxyId": "Proxies-2"}),
        )
        .await;
    assert_error(&bulk, StatusCode::FORBIDDEN);
    assert_eq!(
        admin
            .get(&format!("/api/Spaces-1/machines/{dev}"))
            .await
            .json()["Endpoint"]["ProxyId"],
        dev_body["Endpoint"]["ProxyId"]
    );
    assert_eq!(
        lead.post(
            "/api/Spaces-1/machines/proxy",
            json!({"Ids": [dev], "ProxyId": "Proxies-2"})
        )
        .await
        .status,
        StatusCode::OK
    );
    // The health task: by machine and by environment.
    let task = |args: Value| json!({"Name": "Health", "Arguments": args});
    let refused = lead
        .post("/api/Spaces-1/tasks", task(json!({"MachineIds": [prod]})))
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN);
    assert!(refused.message().ends_with("TaskCreate"));
    assert_error(
        &lead
            .post(
                "/api/Spaces-1/tasks",
                task(json!({"EnvironmentId": "Environments-3"})),
            )
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(
        lead.post("/api/Spaces-1/tasks", task(json!({"MachineIds": [dev]})))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        lead.post(
            "/api/Spaces-1/tasks",
            task(json!({"EnvironmentId": "Environments-1"}))
        )
        .await
        .status,
        StatusCode::CREATED
    );
    // Proxies are space-wide: the restricted manager edits them.
    let proxy = lead.get("/api/Spaces-1/proxies/Proxies-2").await.json();
    assert_eq!(
        lead.put("/api/Spaces-1/proxies/Proxies-2", proxy)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn without_the_viewer_grant_a_restricted_person_sees_only_their_environments_machines() {
    let served = serve(Seed::Demo).await;
    let admin = &served.api;
    let prod = target_id(admin, "web-prod-01").await;
    let dev_only = served.user("dev-only", Role::EnvironmentManager, &["Environments-1"]);
    let listed = dev_only
        .get("/api/Spaces-1/machines?take=1000")
        .await
        .json();
    let in_dev = admin
        .get("/api/Spaces-1/machines?environmentIds=Environments-1&take=1000")
        .await
        .json();
    assert_eq!(listed["TotalResults"], in_dev["TotalResults"], "{listed}");
    assert!(listed["Items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["EnvironmentIds"] == json!(["Environments-1"])));
    let all: Vec<Value> =
        serde_json::from_value(dev_only.get("/api/Spaces-1/machines/all").await.json()).unwrap();
    assert_eq!(json!(all.len()), in_dev["TotalResults"]);
    let hidden = dev_only
        .get(&format!("/api/Spaces-1/machines/{prod}"))
        .await;
    assert_error(&hidden, StatusCode::FORBIDDEN);
    assert!(hidden.message().ends_with("MachineView"));
}

#[tokio::test]
async fn the_audit_trail_restricted_to_development_shows_development_and_unscoped_events_only() {
    let served = serve(Seed::Demo).await;
    let admin = &served.api;
    let (dev, prod) = (
        target_id(admin, "web-dev-01").await,
        target_id(admin, "web-prod-01").await,
    );
    for id in [&dev, &prod] {
        let path = format!("/api/Spaces-1/machines/{id}");
        let mut machine = admin.get(&path).await.json();
        machine["Roles"] = json!(["web", "audited"]);
        assert_eq!(admin.put(&path, machine).await.status, StatusCode::OK);
    }
    admin
        .create_proxy("Audited proxy", "audit.example.com")
        .await;
    let events = "/api/Spaces-1/events?take=1000";
    let about = |page: &Value, id: &str| {
        page["Items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["RelatedDocumentIds"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(id))
            })
            .map(|e| e["Id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let everything = admin.get(events).await.json();
    let prod_events = about(&everything, &prod);
    assert_eq!(prod_events.len(), 1, "{everything}");

    // A Space Manager for Development only: EventView reaches Development.
    let auditor = served.user("dev-auditor", Role::SpaceManager, &["Environments-1"]);
    let seen = auditor.get(events).await.json();
    assert_eq!(about(&seen, &dev).len(), 1, "{seen}");
    assert!(about(&seen, &prod).is_empty(), "{seen}");
    let proxy_events = seen["Items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["Category"] == "Created" && e["Message"].as_str().unwrap().contains("Audited proxy")
        })
        .count();
    assert_eq!(
        proxy_events, 1,
        "a proxy's events are about no environment: {seen}"
    );
    assert_eq!(
        seen["TotalResults"].as_u64().unwrap() + 1,
        everything["TotalResults"].as_u64().unwrap()
    );
    let hidden = auditor
        .get(&format!("/api/Spaces-1/events/{}", prod_events[0]))
        .await;
    assert_error(&hidden, StatusCode::FORBIDDEN);
    assert!(hidden.message().ends_with("EventView"));
    let dev_event = about(&seen, &dev)[0].clone();
    assert_eq!(
        auditor
            .get(&format!("/api/Spaces-1/events/{dev_event}"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn keys_are_needed_once_one_exists_and_are_stored_only_as_digests() {
    let served = serve_open(Seed::Demo).await;
    // No key anywhere: open, as the administrator.
    assert_eq!(
        served.api.get("/api/users/me").await.json()["Username"],
        "admin"
    );
    let user = served.user("ops", Role::SpaceManager, &[]);
    let key = user.key.clone().unwrap();
    assert!(key.starts_with("API-") && key.len() == 30, "{key}");
    // Now every route but the root needs a key.
    assert_error(
        &served.api.get("/api/Spaces-1/proxies").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(served.api.get("/api").await.status, StatusCode::OK);
    let wrong = served.as_key("API-AAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_error(
        &wrong.get("/api/Spaces-1/proxies").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(
        user.get("/api/Spaces-1/proxies").await.status,
        StatusCode::OK
    );
    // As Octopus.Client sends it too: in the query, and a PUT as POST with a method override.
    let by_query = served
        .api
        .get(&format!("/api/Spaces-1/proxies?apikey={key}"))
        .await;
    assert_eq!(by_query.status, StatusCode::OK);
    let proxy = user.get("/api/Spaces-1/proxies/Proxies-1").await.json();
    let overridden = user
        .http
        .post(format!("{}/api/Spaces-1/proxies/Proxies-1", user.base))
        .header("X-Octopus-ApiKey", &key)
        .header("X-HTTP-Method-Override", "PUT")
        .json(&proxy)
        .send()
        .await
        .unwrap();
    assert_eq!(overridden.status(), StatusCode::OK);
    // The key is nowhere in the database's files.
    let mut bytes = vec![];
    for suffix in ["", "-wal"] {
        bytes.extend(std::fs::read(format!("{}{suffix}", served.db)).unwrap_or_default());
    }
    assert!(
        !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
        "the key is stored in plain text"
    );
    assert!(!bytes.windows(26).any(|w| w == &key.as_bytes()[4..]));
}

#[tokio::test]
async fn a_person_reads_who_they_are_and_their_own_permissions_only() {
    let served = serve(Seed::Demo).await;
    let lead = served.user("dev-lead", Role::EnvironmentManager, &["Environments-1"]);
    let me = lead.get("/api/users/me").await.json();
    assert_eq!(me["Username"], "dev-lead");
    let id = me["Id"].as_str().unwrap().to_owned();
    assert_eq!(
        me["Links"]["Permissions"],
        format!("/api/users/{id}/permissions")
    );
    let set = lead
        .get(&format!("/api/users/{id}/permissions"))
        .await
        .json();
    assert_eq!(set["Id"], id);
    assert_eq!(set["IsPermissionsComplete"], true);
    assert_eq!(
        set["SpacePermissions"]["MachineEdit"],
        json!([{"SpaceId": "Spaces-1", "RestrictedToEnvironmentIds": ["Environments-1"],
                "RestrictedToProjectIds": [], "RestrictedToTenantIds": [], "RestrictedToProjectGroupIds": []}])
    );
    assert_eq!(
        set["SpacePermissions"]["ProxyEdit"][0]["RestrictedToEnvironmentIds"],
        json!([])
    );
    assert!(set["SpacePermissions"].get("EventView").is_none());
    assert_error(
        &lead.get("/api/users/Users-1/permissions").await,
        StatusCode::FORBIDDEN,
    );
    let all = lead.get("/api/permissions/all").await.json();
    assert_eq!(
        all["MachineEdit"]["SupportedRestrictions"],
        json!(["restrictable-environments"])
    );
    assert_eq!(all["ProxyEdit"]["CanApplyAtSpaceLevel"], true);
    // The root links them, as Octopus's does.
    let root = lead.get("/api").await.json();
    assert_eq!(root["Links"]["CurrentUser"], "/api/users/me");
}

#[tokio::test]
async fn the_command_line_adds_users_and_grants_while_the_server_runs() {
    let served = serve(Seed::Demo).await;
    let out = cli(&[
        "user",
        "add",
        "--db",
        &served.db,
        "--name",
        "Dana",
        "--role",
        "Environment Viewer",
        "--space",
        "Spaces-1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(
        key.starts_with("API-") && key.len() == 30,
        "stdout is the key alone: {key:?}"
    );
    let dana = served.as_key(&key);
    assert_error(
        &dana
            .post(
                "/api/Spaces-1/proxies",
                json!({"Name": "x", "Host": "x", "Port": 1}),
            )
            .await,
        StatusCode::FORBIDDEN,
    );
    let out = cli(&[
        "user",
        "grant",
        "--db",
        &served.db,
        "--name",
        "dana",
        "--role",
        "Environment Manager",
        "--space",
        "Spaces-1",
        "--environments",
        "Environments-1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made = dana
        .post(
            "/api/Spaces-1/proxies",
            json!({"Name": "Dana's proxy", "Host": "x.example.com", "Port": 3128}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    // Bad input says what is wrong and adds nothing.
    let out = cli(&[
        "user", "add", "--db", &served.db, "--name", "Eve", "--role", "Overlord", "--space",
        "Spaces-1",
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Space Manager"),
        "names the roles"
    );
    let out = cli(&[
        "user",
        "add",
        "--db",
        &served.db,
        "--name",
        "Eve",
        "--role",
        "Space Manager",
        "--space",
        "Spaces-1",
        "--environments",
        "Environments-99",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Environments-99"));
    assert!(
        mock_server::add_user(&served.db, "Eve", &grant(Role::EnvironmentViewer, &[])).is_ok(),
        "Eve was not half-made"
    );
}

#[tokio::test]
async fn the_team_demo_writes_its_keys_beside_the_database_for_its_owner_only() {
    let served = serve_open(Seed::Team).await;
    let file = format!("{}.keys", served.db);
    let text = std::fs::read_to_string(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    let key = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name}\t")))
            .and_then(|l| l.rsplit('\t').next())
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_owned()
    };
    let lead = served.as_key(&key("dev-lead"));
    let auditor = served.as_key(&key("auditor"));
    let priya = served.as_key(&key("priya"));
    assert_eq!(
        lead.get("/api/users/me").await.json()["Username"],
        "dev-lead"
    );
    let prod = target_id(&priya, "web-prod-01").await;
    let body = lead
        .get(&format!("/api/Spaces-1/machines/{prod}"))
        .await
        .json();
    assert_error(
        &lead
            .put(&format!("/api/Spaces-1/machines/{prod}"), body)
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_error(
        &auditor.delete("/api/Spaces-1/proxies/Proxies-1").await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(
        priya.get("/api/Spaces-1/proxies/Proxies-1").await.status,
        StatusCode::OK
    );
    // The demo without a key is closed now.
    assert_error(
        &served.api.get("/api/Spaces-1/proxies").await,
        StatusCode::UNAUTHORIZED,
    );
}
