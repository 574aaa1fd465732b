//! The `/api` routes, described as data: the router is built from [`ENDPOINTS`] and so is the
//! OpenAPI document (`crate::openapi`), so the two cannot differ. Each space-scoped route has an
//! unscoped twin that means the default space.

mod discover;
pub(crate) mod environments;
mod events;
pub(crate) mod fleet;
mod machine_proxy;
pub(crate) mod machines;
pub(crate) mod proxies;
mod proxy_test;
pub(crate) mod root;
mod spaces;
mod tasks;
mod users;
pub(crate) mod worker_pools;

pub use root::{API_VERSION, SERVER_VERSION};

use axum::http::Method;
use axum::routing::{any, delete, get, post, put, MethodRouter};
use axum::Router;

use api_model::permissions::Permission::{self, *};

use crate::access::Caller;
use crate::error::ApiError;
use crate::extract::Scope;
use crate::state::AppState;
use crate::ApiMode;

/// What an endpoint does, for the OpenAPI document: its shape decides parameters and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A paged list of `schema`, with the common filters and `filters`.
    List {
        filters: &'static [&'static str],
    },
    /// Every item, as a bare array.
    All,
    /// One item by `{id}`.
    Get,
    Create,
    Update,
    Delete,
    /// Another answer, described by `schema` alone.
    Other,
}

/// What a route asks of its caller.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Nothing: the root document.
    Public,
    /// Any caller the server knows (a valid key, or none while no key exists).
    SignedIn,
    /// This permission, somewhere in the route's space.
    One(Permission),
    /// One of these permissions, somewhere in the route's space.
    AnyOf(&'static [Permission]),
}

const fn need(permission: Permission) -> Need {
    Need::One(permission)
}

pub struct Endpoint {
    pub method: Method,
    /// Under `/api` (and, when `scoped`, under `/api/{spaceId}` too).
    pub path: &'static str,
    pub scoped: bool,
    pub kind: Kind,
    /// The component schema of the item (or the whole answer, for `Kind::Other`).
    pub schema: &'static str,
    pub summary: &'static str,
    /// What the caller needs to be let in; a route may check more (a machine's environments).
    pub need: Need,
    pub handler: fn() -> MethodRouter<AppState>,
    /// Not in Octopus: not served in the Octopus mode.
    pub extension: bool,
}

macro_rules! endpoint {
    ($method:ident $path:literal, scoped: $scoped:literal, $kind:expr, $schema:literal,
     $summary:literal, $need:expr, $route:ident($handler:path)) => {
        endpoint!(@ false, $method $path, $scoped, $kind, $schema, $summary, $need, $route($handler))
    };
    (extension $method:ident $path:literal, scoped: $scoped:literal, $kind:expr, $schema:literal,
     $summary:literal, $need:expr, $route:ident($handler:path)) => {
        endpoint!(@ true, $method $path, $scoped, $kind, $schema, $summary, $need, $route($handler))
    };
    (@ $extension:literal, $method:ident $path:literal, $scoped:literal, $kind:expr,
     $schema:literal, $summary:literal, $need:expr, $route:ident($handler:path)) => {
        Endpoint {
            method: Method::$method,
            path: $path,
            scoped: $scoped,
            kind: $kind,
            schema: $schema,
            summary: $summary,
            need: $need,
            handler: || $route($handler),
            extension: $extension,
        }
    };
}

/// Every route of the API.
pub const ENDPOINTS: &[Endpoint] = &[
    endpoint!(GET "", scoped: false, Kind::Other, "Root", "The root document: server version and link templates (no API key needed).", Need::Public, get(root::root)),
    endpoint!(extension GET "/openapi.json", scoped: false, Kind::Other, "OpenApi", "This document.", Need::SignedIn, get(crate::openapi::document)),
    endpoint!(GET "/spaces", scoped: false, Kind::List { filters: &[] }, "Space", "Spaces, sorted by name.", Need::SignedIn, get(spaces::list)),
    endpoint!(GET "/spaces/{id}", scoped: false, Kind::Get, "Space", "One space.", Need::SignedIn, get(spaces::get)),
    endpoint!(GET "/{spaceId}", scoped: false, Kind::Other, "SpaceRoot", "A space's root document: its link templates.", Need::SignedIn, get(root::space_root)),
    endpoint!(GET "/users/me", scoped: false, Kind::Other, "User", "The user the API key belongs to.", Need::SignedIn, get(users::me)),
    endpoint!(GET "/users/{id}/permissions", scoped: false, Kind::Other, "UserPermissionSet", "The caller's own permissions in every space (another user's: 403).", Need::SignedIn, get(users::permissions)),
    endpoint!(GET "/permissions/all", scoped: false, Kind::Other, "PermissionDescriptions", "Every permission: what it allows and what can restrict it.", Need::SignedIn, get(users::all)),
    endpoint!(GET "/proxies", scoped: true, Kind::List { filters: &[] }, "Proxy", "Proxies, sorted by name.", need(ProxyView), get(proxies::list)),
    endpoint!(POST "/proxies", scoped: true, Kind::Create, "Proxy", "Create a proxy.", need(ProxyCreate), post(proxies::create)),
    endpoint!(GET "/proxies/all", scoped: true, Kind::All, "Proxy", "Every proxy of the space.", need(ProxyView), get(proxies::all)),
    endpoint!(extension POST "/proxies/test", scoped: true, Kind::Other, "ProxyTestResult", "Extension: can the server reach a host and port through this proxy (saved or not)? Connects, opens a CONNECT tunnel and makes a TLS handshake.", Need::AnyOf(&[ProxyEdit, ProxyCreate]), post(proxy_test::test)),
    endpoint!(extension GET "/proxies/usage", scoped: true, Kind::Other, "ProxyUsage", "Extension: how many deployment targets use each proxy (all, or `ids`).", need(ProxyView), get(proxies::usage)),
    endpoint!(GET "/proxies/{id}", scoped: true, Kind::Get, "Proxy", "One proxy.", need(ProxyView), get(proxies::get)),
    endpoint!(PUT "/proxies/{id}", scoped: true, Kind::Update, "Proxy", "Change a proxy.", need(ProxyEdit), put(proxies::update)),
    endpoint!(DELETE "/proxies/{id}", scoped: true, Kind::Delete, "Proxy", "Delete a proxy no target uses (409 names the targets that do).", need(ProxyDelete), delete(proxies::delete)),
    endpoint!(POST "/tasks", scoped: true, Kind::Create, "Task", "Start a server task: only `Health` runs here (`Arguments.MachineIds` or `Arguments.EnvironmentId`); 201 with the task, queued.", need(TaskCreate), post(tasks::create)),
    endpoint!(GET "/tasks/{id}", scoped: true, Kind::Get, "Task", "One server task.", need(TaskView), get(tasks::get)),
    endpoint!(GET "/tasks/{id}/details", scoped: true, Kind::Other, "TaskDetails", "A task and its activity log: one child per machine, each step with its time.", need(TaskView), get(tasks::details)),
    endpoint!(GET "/environments", scoped: true, Kind::List { filters: &[] }, "Environment", "Environments, in their sort order.", need(EnvironmentView), get(environments::list_environments)),
    endpoint!(POST "/environments", scoped: true, Kind::Create, "Environment", "Create an environment.", need(EnvironmentCreate), post(environments::create_environment)),
    endpoint!(GET "/environments/all", scoped: true, Kind::All, "Environment", "Every environment of the space.", need(EnvironmentView), get(environments::all_environments)),
    endpoint!(GET "/environments/{id}", scoped: true, Kind::Get, "Environment", "One environment.", need(EnvironmentView), get(environments::get_environment)),
    endpoint!(GET "/accounts", scoped: true, Kind::List { filters: &[] }, "Account", "SSH accounts, sorted by name.", need(AccountView), get(environments::list_accounts)),
    endpoint!(GET "/accounts/all", scoped: true, Kind::All, "Account", "Every account of the space.", need(AccountView), get(environments::all_accounts)),
    endpoint!(GET "/accounts/{id}", scoped: true, Kind::Get, "Account", "One account.", need(AccountView), get(environments::get_account)),
    endpoint!(GET "/machines", scoped: true, Kind::List { filters: fleet::TARGET_FILTERS }, "Machine", "Deployment targets, sorted by name; `proxyIds` is an extension.", need(MachineView), get(machines::targets::list)),
    endpoint!(POST "/machines", scoped: true, Kind::Create, "Machine", "Create a deployment target.", need(MachineCreate), post(machines::targets::create)),
    endpoint!(GET "/machines/all", scoped: true, Kind::All, "Machine", "Every deployment target of the space (the list's filters apply).", need(MachineView), get(machines::targets::all)),
    endpoint!(GET "/machines/discover", scoped: true, Kind::Other, "Machine", "A deployment target's template, not stored, with its endpoint read from the machine (through `proxyId`, or directly): the Tentacle's thumbprint for `TentaclePassive`; for `Ssh` the banner is checked, the host key is not read.", need(MachineCreate), get(discover::discover)),
    endpoint!(extension POST "/machines/proxy", scoped: true, Kind::Other, "MachineProxyChanged", "Extension: change the connection of many deployment targets at once (`{\"Ids\": [...], \"ProxyId\": \"Proxies-2\" | null}`): all or nothing; Polling Tentacles are refused by name.", need(MachineEdit), post(machine_proxy::change_targets)),
    endpoint!(GET "/machines/{id}", scoped: true, Kind::Get, "Machine", "One deployment target.", need(MachineView), get(machines::targets::get)),
    endpoint!(PUT "/machines/{id}", scoped: true, Kind::Update, "Machine", "Change a deployment target.", need(MachineEdit), put(machines::targets::update)),
    endpoint!(DELETE "/machines/{id}", scoped: true, Kind::Delete, "Machine", "Delete a deployment target.", need(MachineDelete), delete(machines::targets::delete)),
    endpoint!(GET "/workers", scoped: true, Kind::List { filters: fleet::WORKER_FILTERS }, "Worker", "Workers, sorted by name; `proxyIds` is an extension.", need(WorkerView), get(machines::workers::list)),
    endpoint!(POST "/workers", scoped: true, Kind::Create, "Worker", "Create a worker (in at least one worker pool).", need(WorkerEdit), post(machines::workers::create)),
    endpoint!(GET "/workers/all", scoped: true, Kind::All, "Worker", "Every worker of the space (the list's filters apply).", need(WorkerView), get(machines::workers::all)),
    endpoint!(GET "/workers/discover", scoped: true, Kind::Other, "Machine", "A worker's template, not stored, read from the machine as `machines/discover` does.", need(WorkerEdit), get(discover::discover)),
    endpoint!(extension POST "/workers/proxy", scoped: true, Kind::Other, "MachineProxyChanged", "Extension: change the connection of many workers at once, as `machines/proxy` does.", need(WorkerEdit), post(machine_proxy::change_workers)),
    endpoint!(GET "/workers/{id}", scoped: true, Kind::Get, "Worker", "One worker.", need(WorkerView), get(machines::workers::get)),
    endpoint!(PUT "/workers/{id}", scoped: true, Kind::Update, "Worker", "Change a worker.", need(WorkerEdit), put(machines::workers::update)),
    endpoint!(DELETE "/workers/{id}", scoped: true, Kind::Delete, "Worker", "Delete a worker.", need(WorkerEdit), delete(machines::workers::delete)),
    endpoint!(GET "/events", scoped: true, Kind::List { filters: events::EVENT_FILTERS }, "Event", "The audit trail, newest first: every change made through the API (`regarding` all of these documents, `regardingAny` any of them, `documentTypes`, `eventCategories`, `users`, `from`, `to`, `excludeDifference`).", need(EventView), get(events::list)),
    endpoint!(GET "/events/documenttypes", scoped: false, Kind::Other, "DocumentTypes", "The kinds of document the trail has events about.", need(EventView), get(events::document_types)),
    endpoint!(GET "/events/{id}", scoped: true, Kind::Get, "Event", "One event, with its differences.", need(EventView), get(events::get)),
    endpoint!(GET "/workerpools", scoped: true, Kind::List { filters: &[] }, "WorkerPool", "Worker pools, in their sort order.", need(WorkerView), get(worker_pools::list)),
    endpoint!(POST "/workerpools", scoped: true, Kind::Create, "WorkerPool", "Create a static worker pool.", need(WorkerEdit), post(worker_pools::create)),
    endpoint!(GET "/workerpools/all", scoped: true, Kind::All, "WorkerPool", "Every worker pool of the space.", need(WorkerView), get(worker_pools::all)),
    endpoint!(GET "/workerpools/{id}", scoped: true, Kind::Get, "WorkerPool", "One worker pool.", need(WorkerView), get(worker_pools::get)),
    endpoint!(PUT "/workerpools/{id}", scoped: true, Kind::Update, "WorkerPool", "Change a worker pool.", need(WorkerEdit), put(worker_pools::update)),
    endpoint!(DELETE "/workerpools/{id}", scoped: true, Kind::Delete, "WorkerPool", "Delete an empty worker pool (not the default one; 409 names its workers).", need(WorkerEdit), delete(worker_pools::delete)),
];

/// The paths an endpoint is served at, in the router's syntax (`{space_id}`, `{id}`).
pub fn router_paths(e: &Endpoint) -> Vec<String> {
    let path = e.path.replace("{spaceId}", "{space_id}");
    let mut paths = vec![format!("/api{path}")];
    if e.scoped {
        paths.push(format!("/api/{{space_id}}{path}"));
    }
    paths
}

/// The fixed words of every route (`api`, `proxies`, `all`, …), by their lower-case form.
static FIXED_WORDS: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| {
        ENDPOINTS
            .iter()
            .flat_map(|e| e.path.split('/'))
            .chain(["api"])
            .filter(|w| !w.is_empty() && !w.starts_with('{'))
            .map(|w| (w.to_ascii_lowercase(), w))
            .collect()
    });

/// Octopus matches its routes ignoring case (Octoterra calls `/api/Spaces-1/Proxies`): an `/api`
/// path's fixed words are spelled as the router has them. Ids and the query are left alone. Runs
/// before routing (it wraps the router).
pub fn canonical_api_path(mut req: axum::extract::Request) -> axum::extract::Request {
    let path = req.uri().path();
    let is_api = path
        .split('/')
        .nth(1)
        .is_some_and(|w| w.eq_ignore_ascii_case("api"));
    if !is_api || !path.bytes().any(|b| b.is_ascii_uppercase()) {
        return req;
    }
    let canonical: Vec<&str> = path
        .split('/')
        .map(|w| {
            FIXED_WORDS
                .get(&w.to_ascii_lowercase())
                .copied()
                .unwrap_or(w)
        })
        .collect();
    let mut uri = canonical.join("/");
    if let Some(q) = req.uri().query() {
        uri = format!("{uri}?{q}");
    }
    if let Ok(parsed) = uri.parse() {
        *req.uri_mut() = parsed;
    }
    req
}

pub fn api(mode: ApiMode) -> Router<AppState> {
    let mut router = Router::new().route("/api/", get(root::root));
    for e in ENDPOINTS {
        for path in router_paths(e) {
            // An extension's path in the Octopus mode is not found, whatever the method (not a
            // 405 from a neighbouring `{id}` route).
            router = match e.extension && mode == ApiMode::Octopus {
                true => router.route(&path, any(not_found)),
                false => router.route(&path, guarded(e)),
            };
        }
    }
    router.fallback(not_found)
}

/// The endpoint's handler behind the check of what it needs.
fn guarded(e: &Endpoint) -> MethodRouter<AppState> {
    match e.need {
        // The root has no caller; every other route has one (`middleware::authenticate`).
        Need::Public | Need::SignedIn => (e.handler)(),
        need => (e.handler)().route_layer(axum::middleware::from_fn_with_state(need, check_need)),
    }
}

/// 403 with the missing permission's name unless the caller has one of those the route needs,
/// somewhere in its space (the handler checks environments where they matter).
async fn check_need(
    axum::extract::State(need): axum::extract::State<Need>,
    scope: Scope,
    caller: Caller,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let permissions: &[Permission] = match &need {
        Need::Public | Need::SignedIn => &[],
        Need::One(p) => std::slice::from_ref(p),
        Need::AnyOf(ps) => ps,
    };
    // Refused only when none is held; the answer names the first.
    let held = permissions
        .iter()
        .any(|p| caller.require(*p, &scope.space_id).is_ok());
    match (held, permissions.first()) {
        (false, Some(first)) => {
            axum::response::IntoResponse::into_response(crate::access::forbidden(*first))
        }
        _ => next.run(req).await,
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("The resource you requested was not found.")
}
