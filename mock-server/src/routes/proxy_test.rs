//! `POST /api/{spaceId}/proxies/test` (an extension): can the server reach a host and port
//! through this proxy? The proxy is sent as its form holds it, saved or not; a saved proxy's
//! stored password is used unless a new one is sent, so it can be tested without retyping it.

use api_model::validation::{normalize, validate_host, validate_port, validate_proxy, ProxyField};
use api_model::{ProxyResource, ProxyTestRequest, ProxyTestResult, SecretChange, SensitiveValue};
use axum::extract::State;
use axum::Json;
use rusqlite::params;

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Scope};
use crate::reach;
use crate::routes::proxies::find;
use crate::routes::spaces::space_seq;
use crate::state::AppState;

/// 200 with how far the attempt got ([`ProxyTestResult`]), whether it succeeded or not; 400 when the
/// proxy or the host and port to reach are not valid.
pub async fn test(
    State(state): State<AppState>,
    scope: Scope,
    JsonBody(body): JsonBody<ProxyTestRequest>,
) -> ApiResult<Json<ProxyTestResult>> {
    let ProxyTestRequest {
        mut proxy,
        host,
        port,
    } = body;
    normalize(&mut proxy);
    let host = host.unwrap_or_default().trim().to_owned();
    let port = port.unwrap_or(0);
    // The proxy's own rules (an unsaved proxy needs no name to be tested), then what to reach.
    let errors: Vec<String> = validate_proxy(&proxy)
        .into_iter()
        .filter(|e| e.field != ProxyField::Name)
        .map(|e| e.message)
        .chain(target_host_problem(&host))
        .chain(
            validate_port(port)
                .map(|_| "Port to reach must be a whole number from 1 to 65535.".into()),
        )
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let password = match SensitiveValue::change(proxy.password.as_ref()) {
        SecretChange::Set(p) => Some(p),
        SecretChange::Clear => None,
        SecretChange::Keep => match proxy.id.clone() {
            Some(id) => {
                saved_proxy(&state, scope.space_id.clone(), id)
                    .await?
                    .password
            }
            None => None,
        },
    };
    let via = reach::Proxy {
        name: proxy.name,
        host: proxy.host,
        port: proxy.port as u16,
        username: proxy.username,
        password,
    };
    let outcome = reach::reach(Some(&via), &host, port as u16, reach::Expect::Either).await;
    Ok(Json(outcome.result))
}

/// The host rules of a proxy, said of the host to reach.
fn target_host_problem(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some(
            "Host to reach is required: the host name or IP address of a Listening Tentacle or an SSH server."
                .into(),
        );
    }
    validate_host(host).map(|e| match e.strip_prefix("Host ") {
        Some(rest) => format!("Host to reach {rest}"),
        None => e,
    })
}

/// A saved proxy as the server connects through it, with its stored password (404 when there
/// is no such proxy in the space).
pub(crate) async fn saved_proxy(
    state: &AppState,
    space_id: String,
    id: String,
) -> ApiResult<reach::Proxy> {
    let secrets = state.db.secrets().clone();
    let (proxy, sealed): (ProxyResource, Option<String>) = state
        .db
        .read(move |c| {
            let space = space_seq(c, &space_id)?;
            let proxy = find(c, space, &id)?;
            let seq = crate::ids::parse(crate::ids::PROXIES, &id).unwrap_or_default();
            let sealed = c.query_row(
                "SELECT password FROM proxies WHERE space_seq = ?1 AND seq = ?2",
                params![space, seq],
                |r| r.get(0),
            )?;
            Ok((proxy, sealed))
        })
        .await?;
    Ok(reach::Proxy {
        name: proxy.name,
        host: proxy.host,
        port: proxy.port as u16,
        username: proxy.username,
        password: sealed.and_then(|s| secrets.open(&s)),
    })
}
