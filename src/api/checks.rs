//! Checks that make the server connect somewhere: testing a proxy, reading a Listening
//! Tentacle's thumbprint, and the Health task (started, then followed until it finishes).

use api_model::{
    ActivityElement, ProxyResource, ProxyTestRequest, ProxyTestResult, TaskDetailsResource,
    TaskResource,
};
use api_model::{LISTENING, SSH};
use serde_json::json;

use super::{client, urls, ApiError, Machine};

/// Can the server reach `host:port` through this proxy as the form holds it? A saved proxy
/// sent without a new password is tested with its stored one. The server checks every value
/// (its 400 names each problem).
pub async fn test_proxy(
    space: String,
    proxy: ProxyResource,
    host: String,
    port: String,
) -> Result<ProxyTestResult, ApiError> {
    let body = ProxyTestRequest {
        proxy,
        host: Some(host),
        port: port.trim().parse().ok(),
    };
    client::post(&urls::proxy_test(&space), &body).await
}

/// The thumbprint of the certificate the Listening Tentacle at `uri` presents, read by the
/// server through `proxy` (or directly).
pub async fn discover_thumbprint(
    space: String,
    uri: String,
    proxy: Option<String>,
) -> Result<String, ApiError> {
    let (host, port) = api_model::listening_host_port(uri.trim());
    let url = urls::discover(&space, &host, port, LISTENING, proxy.as_deref());
    let template: Machine = client::get(&url).await?;
    Ok(thumbprint(&template).unwrap_or_default())
}

/// The thumbprint a discovered template's endpoint carries (a Listening Tentacle's), if any.
fn thumbprint(template: &Machine) -> Option<String> {
    template["Endpoint"]["Thumbprint"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The SSH port: a test through a saved proxy there asks discovery for an SSH server, anywhere
/// else for a Listening Tentacle.
const SSH_PORT: u16 = 22;

/// Can the server reach `host:port` through the saved proxy `proxy`? On a server without the
/// proxy test (Octopus), discovery through the proxy answers it: what it found there, or why
/// it could not (the server's 400 says it in plain words).
pub async fn test_saved_proxy(
    space: String,
    proxy: String,
    host: String,
    port: u16,
) -> Result<String, ApiError> {
    let style = if port == SSH_PORT { SSH } else { LISTENING };
    let url = urls::discover(&space, host.trim(), port, style, Some(&proxy));
    let template: Machine = client::get(&url).await?;
    Ok(match thumbprint(&template) {
        Some(thumbprint) => format!("A Listening Tentacle answered (thumbprint {thumbprint})."),
        None if style == SSH => "An SSH server answered.".to_owned(),
        None => "The far end answered.".to_owned(),
    })
}

/// One machine's part of a health check, from the task's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checked {
    pub name: String,
    /// `Success`, `Failed` or `Skipped` (a Polling Tentacle).
    pub status: String,
    pub lines: Vec<String>,
}

/// A Health task as far as it has got.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthCheck {
    /// `Queued`, `Executing`, `Success` or `Failed`.
    pub state: String,
    pub done: bool,
    /// Which machines could not be reached, when some could not.
    pub error: String,
    pub machines: Vec<Checked>,
}

impl HealthCheck {
    /// A task (`POST tasks`) and its activity log (`GET tasks/{id}/details`; none yet: empty).
    pub fn read(task: TaskResource, log: Vec<ActivityElement>) -> Self {
        let machines = log
            .into_iter()
            .flat_map(|root| root.children)
            .map(|m| Checked {
                name: m.name,
                status: m.status,
                lines: m.log_elements.into_iter().map(|l| l.message_text).collect(),
            })
            .collect();
        Self {
            state: task.state,
            done: task.is_completed,
            error: task.error_message,
            machines,
        }
    }

    fn of_details(details: TaskDetailsResource) -> Self {
        Self::read(details.task, details.activity_logs)
    }
}

/// How often a running check is asked about, and for how long at most (two minutes: each
/// machine's attempt is limited to 10 s, 8 at a time).
const POLL_EVERY_MS: u64 = 500;
const POLLS: u32 = 240;

/// Starts a Health task for `ids` and follows it until it finishes. `progress` sees each state
/// and returns false when nobody is looking any more (its screen is gone), which stops following.
pub async fn check_health(
    space: String,
    ids: Vec<String>,
    progress: impl Fn(&HealthCheck) -> bool,
) -> Result<HealthCheck, ApiError> {
    let body = json!({"Name": "Health", "SpaceId": space, "Description": "Health check from the console",
                      "Arguments": {"MachineIds": ids}});
    let task: TaskResource = client::post(&urls::tasks(&space), &body).await?;
    let id = task.id.clone();
    let mut check = HealthCheck::read(task, vec![]);
    for _ in 0..POLLS {
        if check.done || !progress(&check) {
            break;
        }
        pause(POLL_EVERY_MS).await;
        check = HealthCheck::of_details(client::get(&urls::task_details(&space, &id)).await?);
    }
    Ok(check)
}

/// Waits `ms` milliseconds on the browser's timer (Leptos's `set_timeout`).
async fn pause(ms: u64) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    leptos::prelude::set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(ms),
    );
    let _ = wait.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_task_and_its_log() {
        let queued = HealthCheck::read(
            serde_json::from_value(
                json!({"Id": "ServerTasks-1", "State": "Queued", "IsCompleted": false}),
            )
            .unwrap(),
            vec![],
        );
        assert_eq!(queued.state, "Queued");
        assert!(!queued.done && queued.machines.is_empty());
        let details = json!({
            "Task": {"State": "Failed", "IsCompleted": true, "ErrorMessage": "1 of 1 could not be reached: web01."},
            "ActivityLogs": [{"Children": [{"Name": "web01", "Status": "Failed", "LogElements": [
                {"Category": "Info", "MessageText": "Connected to the proxy in 2 ms."},
                {"Category": "Error", "MessageText": "Thumbprint mismatch."}
            ]}]}]
        });
        let failed = HealthCheck::of_details(serde_json::from_value(details).unwrap());
        assert!(failed.done);
        assert_eq!(failed.state, "Failed");
        assert_eq!(failed.error, "1 of 1 could not be reached: web01.");
        assert_eq!(
            failed.machines,
            vec![Checked {
                name: "web01".into(),
                status: "Failed".into(),
                lines: vec![
                    "Connected to the proxy in 2 ms.".into(),
                    "Thumbprint mismatch.".into()
                ]
            }]
        );
    }
}
