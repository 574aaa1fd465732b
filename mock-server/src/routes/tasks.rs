//! `/api/{spaceId}/tasks` (and the unscoped twins): server tasks as Octopus has them. Only the
//! Health task runs here. It reaches each machine as a deployment would (through its proxy, or
//! directly) in the background, a few at a time over all tasks, sets each machine's
//! `HealthStatus` and `StatusSummary`, and logs every step with its time.

use api_model::permissions::Permission::TaskCreate;

use api_model::{
    ActivityElement, ActivityLogElement, TaskDetailsResource, TaskProgress, TaskResource,
};
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::access::Caller;
use crate::audit::Category;
use crate::db::NOW_SQL;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Scope};
use crate::ids::{self, PROXIES, SPACES, TASKS};
use crate::reach;
use crate::routes::fleet::{of_id, TARGETS, WORKERS_FLEET};
use crate::routes::machines;
use crate::routes::proxy_test::saved_proxy;
use crate::routes::spaces::space_seq;
use crate::state::AppState;

const HEALTH: &str = "Health";

/// A machine as the check needs it.
struct ToCheck {
    /// Its table (`machines` or `workers`: Octopus checks both with one task).
    table: &'static str,
    seq: i64,
    name: String,
    endpoint: Value,
    proxy: Option<String>,
    /// A deployment target's environments (a worker has none).
    environments: Vec<String>,
}

/// One machine's part of the log: its name, outcome and lines.
fn entry(name: &str, status: &str, lines: Vec<ActivityLogElement>) -> ActivityElement {
    ActivityElement {
        name: name.to_owned(),
        status: status.to_owned(),
        log_elements: lines,
        ..ActivityElement::default()
    }
}

fn line(category: &str, text: impl Into<String>) -> ActivityLogElement {
    ActivityLogElement {
        category: category.to_owned(),
        message_text: text.into(),
        occurred_at: chrono_now(),
    }
}

/// Now, as the database writes times (UTC, ISO 8601).
fn chrono_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A task's arguments, whose keys Octopus reads ignoring case.
fn argument<'a>(arguments: &'a Value, key: &str) -> Option<&'a Value> {
    arguments
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// 201 with the task, queued; the check runs in the background.
pub async fn create(
    State(state): State<AppState>,
    scope: Scope,
    caller: Caller,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<(StatusCode, Json<TaskResource>)> {
    let name = body.get("Name").and_then(Value::as_str).unwrap_or_default();
    if !name.eq_ignore_ascii_case(HEALTH) {
        return Err(ApiError::bad_request(
            "Only the Health task runs on this server: send \"Name\": \"Health\" with Arguments.MachineIds or Arguments.EnvironmentId.",
        ));
    }
    let space_id = body
        .get("SpaceId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(&scope.space_id)
        .to_owned();
    let arguments = body.get("Arguments").cloned().unwrap_or_else(|| json!({}));
    let machine_ids: Vec<String> = argument(&arguments, "MachineIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let environment = argument(&arguments, "EnvironmentId")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let description = body
        .get("Description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .unwrap_or("Manual health check")
        .to_owned();
    let stored_arguments = arguments.to_string();
    let runner = caller.clone();
    let (task, seq, space, machines) = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let space = space_seq(&tx, &space_id)?;
            let machines = chosen(&tx, space, &machine_ids, environment.as_deref())?;
            // Running a check needs TaskCreate where each machine is (and in the environment
            // asked for, even when it holds none).
            let space_id = ids::format(ids::SPACES, space);
            caller.require_all(TaskCreate, &space_id, environment.as_slice())?;
            for machine in &machines {
                caller.require_all(TaskCreate, &space_id, &machine.environments)?;
            }
            tx.execute(
                &format!(
                    "INSERT INTO tasks (space_seq, name, description, arguments, state, queue_time, last_updated)
                     VALUES (?1, ?2, ?3, ?4, 'Queued', {NOW_SQL}, {NOW_SQL})"
                ),
                params![space, HEALTH, description, stored_arguments],
            )?;
            let seq = tx.last_insert_rowid();
            let task = find_task(&tx, Some(space), seq)?;
            tx.commit()?;
            Ok((task, seq, space, machines))
        })
        .await?;
    tokio::spawn(run(state, seq, space, machines, runner));
    Ok((StatusCode::CREATED, Json(task)))
}

/// The machines a health task checks: these ids (in the order given), then every other machine
/// of this environment (by name). One query; an id that is not a target of this space is a 400.
/// The machines a task checks: the ids given, in their order (deployment targets `Machines-N` and
/// workers `Workers-N`), then the environment's targets by name; 400 for an id that is not in the
/// space, or when nothing is left to check.
fn chosen(
    c: &Connection,
    space: i64,
    ids_given: &[String],
    environment: Option<&str>,
) -> ApiResult<Vec<ToCheck>> {
    let environment = match environment {
        None => None,
        Some(e) => Some(ids::parse(ids::ENVIRONMENTS, e).ok_or_else(|| {
            ApiError::bad_request(format!("There is no environment {e} in this space."))
        })?),
    };
    let mut found: Vec<Option<ToCheck>> = vec![];
    for fleet in [&TARGETS, &WORKERS_FLEET] {
        let table = fleet.table.name;
        let given: Vec<i64> = ids_given
            .iter()
            .filter_map(|id| ids::parse(fleet.table.prefix, id))
            .collect();
        let given = json!(given).to_string();
        // An environment holds deployment targets only.
        let (in_environment, args): (&str, Vec<&dyn rusqlite::ToSql>) =
            match std::ptr::eq(fleet, &TARGETS) {
                true => (
                    "OR seq IN (SELECT machine_seq FROM machine_environments WHERE environment_seq = ?3)",
                    vec![&space, &given, &environment],
                ),
                false => ("", vec![&space, &given]),
            };
        let rows = c
            .prepare(&format!(
                "SELECT seq, name, body, proxy_seq FROM {table} WHERE space_seq = ?1 AND (
                    seq IN (SELECT value FROM json_each(?2)) {in_environment})
                 ORDER BY name COLLATE NOCASE"
            ))?
            .query_map(args.as_slice(), |r| {
                let body: String = r.get(2)?;
                let body: Value = serde_json::from_str(&body).unwrap_or_default();
                Ok(Some(ToCheck {
                    table,
                    seq: r.get(0)?,
                    name: r.get(1)?,
                    endpoint: body.get("Endpoint").cloned().unwrap_or_default(),
                    environments: serde_json::from_value(body["EnvironmentIds"].clone())
                        .unwrap_or_default(),
                    proxy: r.get::<_, Option<i64>>(3)?.map(|p| ids::format(PROXIES, p)),
                }))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        found.extend(rows);
    }
    let at: HashMap<(&str, i64), usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.as_ref().map(|m| ((m.table, m.seq), i)))
        .collect();
    let mut machines = Vec::with_capacity(found.len());
    for id in ids_given {
        let fleet = of_id(id);
        let i = ids::parse(fleet.table.prefix, id)
            .and_then(|seq| at.get(&(fleet.table.name, seq)).copied())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "There is no {} {id} in this space.",
                    fleet.table.noun
                ))
            })?;
        machines.extend(found[i].take());
    }
    machines.extend(found.into_iter().flatten());
    if machines.is_empty() {
        return Err(ApiError::bad_request(
            "A health check needs machines: give Arguments.MachineIds or Arguments.EnvironmentId (with deployment targets in it).",
        ));
    }
    Ok(machines)
}

async fn run(state: AppState, seq: i64, space: i64, machines: Vec<ToCheck>, caller: Caller) {
    let started = state
        .db
        .write(move |c| {
            c.execute(
                &format!("UPDATE tasks SET state = 'Executing', start_time = {NOW_SQL}, last_updated = {NOW_SQL} WHERE seq = ?1"),
                [seq],
            )?;
            Ok(())
        })
        .await;
    if started.is_err() {
        return;
    }
    // Each proxy read once, however many machines go through it.
    let space_id = ids::format(SPACES, space);
    let mut proxies: HashMap<String, Option<Arc<reach::Proxy>>> = HashMap::new();
    for id in machines.iter().filter_map(|m| m.proxy.as_ref()) {
        if !proxies.contains_key(id) {
            let proxy = saved_proxy(&state, space_id.clone(), id.clone()).await;
            proxies.insert(id.clone(), proxy.ok().map(Arc::new));
        }
    }
    // What the summary calls them: workers are machines too, but not deployment targets.
    let noun = match machines.iter().all(|m| m.table == TARGETS.table.name) {
        true => "deployment targets",
        false => "machines",
    };
    // All at once, each waiting its turn; read back in the order asked.
    let checks: Vec<_> = machines
        .into_iter()
        .map(|m| {
            let (state, caller) = (state.clone(), caller.clone());
            let via = match &m.proxy {
                None => Ok(None),
                Some(id) => proxies[id].clone().map(Some).ok_or_else(|| {
                    format!("Its proxy {id} could not be read, so it was not reached.")
                }),
            };
            tokio::spawn(async move {
                let _turn = state.checks.acquire().await;
                check(&state, m, via, caller, space).await
            })
        })
        .collect();
    let mut results = vec![];
    for check in checks {
        results.push(
            check
                .await
                .unwrap_or_else(|e| entry("?", "Failed", vec![line("Error", e.to_string())])),
        );
    }
    let unavailable: Vec<&str> = results
        .iter()
        .filter(|r| r.status == "Failed")
        .map(|r| r.name.as_str())
        .collect();
    let (outcome, error) = match unavailable.len() {
        0 => ("Success", String::new()),
        n => (
            "Failed",
            format!(
                "{n} of {} {noun} could not be reached: {}.",
                results.len(),
                unavailable.join(", ")
            ),
        ),
    };
    let log = serde_json::to_string(&results).unwrap_or_default();
    let _ = state
        .db
        .write(move |c| {
            c.execute(
                &format!("UPDATE tasks SET state = ?2, error_message = ?3, log = ?4, completed_time = {NOW_SQL}, last_updated = {NOW_SQL} WHERE seq = ?1"),
                params![seq, outcome, error, log],
            )?;
            Ok(())
        })
        .await;
}

/// One machine: reach it (through `via`, its proxy as read for the task, or why it could not
/// be), compare what it presents, store its health; its log entry.
async fn check(
    state: &AppState,
    m: ToCheck,
    via: Result<Option<Arc<reach::Proxy>>, String>,
    caller: Caller,
    space: i64,
) -> ActivityElement {
    let style = m.endpoint["CommunicationStyle"]
        .as_str()
        .unwrap_or_default();
    let mut lines = vec![];
    if style == api_model::POLLING {
        lines.push(line(
            "Warning",
            "A Polling Tentacle is checked when it polls the server; this one has not polled this server, so its health is unchanged.",
        ));
        return entry(&m.name, "Skipped", lines);
    }
    let (health, summary) = match via {
        Err(reason) => ("Unavailable", reason),
        Ok(via) => {
            lines.push(match (&m.proxy, &via) {
                (Some(id), Some(p)) => line(
                    "Info",
                    format!(
                        "Connecting through the proxy \u{201c}{}\u{201d} ({id}, {}:{}).",
                        p.name, p.host, p.port
                    ),
                ),
                _ => line("Info", "Connecting directly (no proxy)."),
            });
            reach_and_compare(&m, style, via.as_deref(), &mut lines).await
        }
    };
    let category = if health == "Healthy" { "Info" } else { "Error" };
    lines.push(line(category, summary.clone()));
    let (table, seq, h, s) = (m.table, m.seq, health, summary);
    let _ = state
        .db
        .write(move |c| {
            let tx = c.transaction()?;
            let fleet = if table == TARGETS.table.name {
                &TARGETS
            } else {
                &WORKERS_FLEET
            };
            let id = ids::format(fleet.table.prefix, seq);
            let before = machines::find(fleet, &tx, space, &id)?;
            tx.execute(
                &format!("UPDATE {table} SET health = ?2, status_summary = ?3 WHERE seq = ?1"),
                params![seq, h, s],
            )?;
            // A new health is an event (MachineHealthy, MachineUnavailable, …), as on Octopus;
            // the same health again is not.
            if before["HealthStatus"] != h {
                let after = machines::find(fleet, &tx, space, &id)?;
                let category = Category::Health(h);
                machines::record(
                    fleet,
                    &tx,
                    &caller,
                    space,
                    category,
                    Some(&before),
                    Some(&after),
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await;
    let status = if health == "Healthy" {
        "Success"
    } else {
        "Failed"
    };
    entry(&m.name, status, lines)
}

/// Reaches the machine and judges what it presented: its health and the sentence that says why.
async fn reach_and_compare(
    m: &ToCheck,
    style: &str,
    via: Option<&reach::Proxy>,
    lines: &mut Vec<ActivityLogElement>,
) -> (&'static str, String) {
    let (host, port) = api_model::endpoint_address(&m.endpoint).unwrap_or_default();
    let expect = match style {
        api_model::SSH => reach::Expect::Ssh,
        _ => reach::Expect::Tls,
    };
    let outcome = reach::reach(via, &host, port, expect).await;
    lines.extend(outcome.steps.iter().map(|s| line("Info", s.clone())));
    if !outcome.result.success {
        return ("Unavailable", outcome.result.message);
    }
    if style == api_model::SSH {
        // Expect::Ssh succeeds only on a banner.
        lines.push(line(
            "Info",
            "The host key is not compared: this server does not read SSH host keys.",
        ));
        return (
            "Healthy",
            format!("The SSH server answered{}.", through(via)),
        );
    }
    if style == api_model::KUBERNETES {
        // Its API's certificate is checked against the cluster's CA by kubectl, not here: the
        // cluster is healthy when its API answers TLS.
        return (
            "Healthy",
            format!(
                "The cluster's API at {host}:{port} completed a TLS handshake{}.",
                through(via)
            ),
        );
    }
    let expected = m.endpoint["Thumbprint"].as_str().unwrap_or_default();
    match &outcome.result.thumbprint {
        Some(t) if t.eq_ignore_ascii_case(expected) => (
            "Healthy",
            format!(
                "The Tentacle presented the expected certificate{}.",
                through(via)
            ),
        ),
        Some(t) => (
            "Unavailable",
            format!("Thumbprint mismatch: expected {expected}, presented {t}."),
        ),
        None => (
            "Unavailable",
            format!("{host}:{port} answered, but did not complete a TLS handshake."),
        ),
    }
}

/// " through the proxy “Squid in the DMZ”", by the name a person gave it.
fn through(proxy: Option<&reach::Proxy>) -> String {
    proxy
        .map(|p| format!(" through the proxy \u{201c}{}\u{201d}", p.name))
        .unwrap_or_default()
}

/// A task as Octopus shows it; `space` limits it to one space (scoped routes).
fn find_task(c: &Connection, space: Option<i64>, seq: i64) -> ApiResult<TaskResource> {
    let row = c
        .query_row(
            "SELECT space_seq, name, description, arguments, state, queue_time, start_time, completed_time, last_updated, error_message
             FROM tasks WHERE seq = ?1",
            [seq],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    [1, 2, 3, 4, 5].map(|i| r.get::<_, String>(i).unwrap_or_default()),
                    [6, 7, 8].map(|i| r.get::<_, Option<String>>(i).unwrap_or_default()),
                    r.get::<_, String>(9)?,
                ))
            },
        )
        .optional()?;
    let (
        space_seq,
        [name, description, arguments, task_state, queue_time],
        [start, completed, updated],
        error,
    ) = match row {
        Some(row) if space.is_none_or(|s| s == row.0) => row,
        _ => {
            return Err(ApiError::not_found(format!(
                "There is no task {} here.",
                ids::format(TASKS, seq)
            )))
        }
    };
    let id = ids::format(TASKS, seq);
    let done = !matches!(task_state.as_str(), "Queued" | "Executing" | "Cancelling");
    let links = [
        ("Self", format!("/api/tasks/{id}")),
        ("Web", format!("/app#/tasks/{id}")),
        (
            "Details",
            format!("/api/tasks/{id}/details{{?verbose,tail}}"),
        ),
        ("Raw", format!("/api/tasks/{id}/raw")),
    ];
    Ok(TaskResource {
        space_id: ids::format(SPACES, space_seq),
        name,
        description,
        arguments: serde_json::from_str(&arguments).unwrap_or_default(),
        completed: if done { "Completed" } else { "" }.to_owned(),
        queue_time,
        queue_time_expiry: None,
        start_time: start,
        last_updated_time: updated,
        completed_time: completed,
        server_node: "mock-server".to_owned(),
        duration: String::new(),
        error_message: error,
        has_been_picked_up_by_processor: task_state != "Queued",
        is_completed: done,
        finished_successfully: task_state == "Success",
        has_pending_interruptions: false,
        can_rerun: false,
        has_warnings_or_errors: task_state == "Failed",
        links: links.map(|(k, v)| (k.to_owned(), v)).into(),
        state: task_state,
        id,
    })
}

fn scoped_seq(scope: &Scope) -> ApiResult<i64> {
    ids::parse(TASKS, scope.id())
        .ok_or_else(|| ApiError::not_found(format!("There is no task {} here.", scope.id())))
}

/// `GET tasks/{id}`.
pub async fn get(State(state): State<AppState>, scope: Scope) -> ApiResult<Json<TaskResource>> {
    let seq = scoped_seq(&scope)?;
    let task = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            find_task(c, Some(space), seq)
        })
        .await?;
    Ok(Json(task))
}

/// `GET tasks/{id}/details`: the task and its activity log, one child per machine.
pub async fn details(
    State(state): State<AppState>,
    scope: Scope,
) -> ApiResult<Json<TaskDetailsResource>> {
    let seq = scoped_seq(&scope)?;
    let (task, log) = state
        .db
        .read(move |c| {
            let space = space_seq(c, &scope.space_id)?;
            let task = find_task(c, Some(space), seq)?;
            let log: String =
                c.query_row("SELECT log FROM tasks WHERE seq = ?1", [seq], |r| r.get(0))?;
            Ok((task, log))
        })
        .await?;
    let children: Vec<ActivityElement> = serde_json::from_str(&log).unwrap_or_default();
    let id = task.id.clone();
    let status = match task.state.as_str() {
        "Success" => "Success",
        "Failed" => "Failed",
        "Queued" => "Pending",
        _ => "Running",
    };
    let children = children
        .into_iter()
        .enumerate()
        .map(|(i, child)| ActivityElement {
            id: format!("{id}_machine_{}", i + 1),
            children: vec![],
            show_at_summary_level: true,
            ..child
        })
        .collect();
    let percentage = if task.is_completed { 100 } else { 0 };
    Ok(Json(TaskDetailsResource {
        id: id.clone(),
        activity_logs: vec![ActivityElement {
            id: format!("{id}_root"),
            name: "Check deployment target health".to_owned(),
            status: status.to_owned(),
            started: task.start_time.clone(),
            ended: task.completed_time.clone(),
            show_at_summary_level: true,
            log_elements: vec![],
            children,
            progress_percentage: percentage,
            progress_message: String::new(),
        }],
        progress: TaskProgress {
            progress_percentage: percentage,
            estimated_time_remaining: String::new(),
        },
        physical_log_size: log.len() as u64,
        links: [("Self".to_owned(), format!("/api/tasks/{id}/details"))].into(),
        task,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_781), (2026, 11, 24));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
