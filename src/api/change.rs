//! Changing the connection (Direct or a proxy) of many machines of a fleet. A server with the
//! mock's extensions does it in one request, all or none; on one without them (Octopus) each
//! machine is read and written back with only `Endpoint.ProxyId` changed, a few at a time, and a
//! failure stops those not yet started.

use std::cell::Cell;

use api_model::{connection, ChangedMachine, Connection, ProxyChange, ProxyChangeResult};
use futures::StreamExt;
use serde_json::Value;

use super::server::extensions;
use super::{client, forget_names, urls, ApiError, Machine, Named};
use crate::fleet::Fleet;

/// How many machines are changed at once on a server without the bulk route.
const IN_FLIGHT: usize = 4;

/// What a change did, machine by machine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionChange {
    /// Changed, each with the proxy it had before (`None`: direct).
    pub changed: Vec<ChangedMachine>,
    /// Already connected that way.
    pub unchanged: Vec<ChangedMachine>,
    /// The machine whose change failed, and why (the rest were then not started).
    pub failed: Option<(Named, ApiError)>,
    /// Not changed: stopped by the failure (or failed at the same time).
    pub not_changed: Vec<Named>,
}

impl ConnectionChange {
    pub fn complete(&self) -> bool {
        self.failed.is_none()
    }
}

/// Whether this server changes many machines at once, all or none (else one by one).
pub fn all_or_none() -> bool {
    super::known_extensions().bulk
}

/// Points these machines of the fleet at `proxy` (none: Direct). `progress` hears how many of
/// them are done so far, on a server that changes them one by one. On a server that changes
/// them all at once, an error means none changed.
pub async fn change_connection(
    fleet: &Fleet,
    space: String,
    machines: Vec<Named>,
    proxy: Option<String>,
    progress: impl Fn(usize),
) -> Result<ConnectionChange, ApiError> {
    forget_names();
    if extensions().await?.bulk {
        let body = ProxyChange {
            ids: machines.into_iter().map(|m| m.id).collect(),
            proxy_id: proxy,
        };
        let answer: ProxyChangeResult =
            client::post(&urls::machines_proxy(&space, fleet), &body).await?;
        return Ok(ConnectionChange {
            changed: answer.changed,
            unchanged: answer.unchanged,
            ..ConnectionChange::default()
        });
    }
    let stop = Cell::new(false);
    let done = Cell::new(0);
    let outcomes: Vec<(Named, Outcome)> = futures::stream::iter(machines)
        .map(|m| {
            let (space, proxy, stop, done, progress) = (&space, &proxy, &stop, &done, &progress);
            async move {
                if stop.get() {
                    return (m, Outcome::NotStarted);
                }
                let outcome = match change_one(fleet, space, &m.id, proxy.as_deref()).await {
                    Ok(previous) => Outcome::Done(previous),
                    Err(e) => {
                        stop.set(true);
                        Outcome::Failed(e)
                    }
                };
                done.set(done.get() + 1);
                progress(done.get());
                (m, outcome)
            }
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    forget_names();
    let mut change = ConnectionChange::default();
    for (m, outcome) in outcomes {
        let changed = |previous| ChangedMachine {
            id: m.id.clone(),
            name: m.name.clone(),
            previous_proxy_id: previous,
        };
        match outcome {
            Outcome::Done(Previous::Changed(p)) => change.changed.push(changed(p)),
            Outcome::Done(Previous::Same(p)) => change.unchanged.push(changed(p)),
            Outcome::Failed(e) if change.failed.is_none() => change.failed = Some((m, e)),
            Outcome::Failed(_) | Outcome::NotStarted => change.not_changed.push(m),
        }
    }
    Ok(change)
}

enum Outcome {
    Done(Previous),
    Failed(ApiError),
    NotStarted,
}

/// The proxy a machine had: it was changed, or it already connected that way.
enum Previous {
    Changed(Option<String>),
    Same(Option<String>),
}

/// One machine: read, then written back with only its proxy changed (if it needs a change).
async fn change_one(
    fleet: &Fleet,
    space: &str,
    id: &str,
    proxy: Option<&str>,
) -> Result<Previous, ApiError> {
    let url = urls::machine(space, fleet, id);
    let mut machine: Machine = client::get(&url).await?;
    let previous = match connection(&machine["Endpoint"]) {
        Connection::Proxy(p) => Some(p),
        Connection::Direct | Connection::Elsewhere => None,
    };
    if previous.as_deref() == proxy {
        return Ok(Previous::Same(previous));
    }
    machine["Endpoint"]["ProxyId"] = proxy.map_or(Value::Null, Value::from);
    let _: Machine = client::put(&url, &machine, None).await?;
    Ok(Previous::Changed(previous))
}
