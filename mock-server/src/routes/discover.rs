//! `GET /api/{spaceId}/machines/discover{?host,port,type,proxyId}`: a deployment target's
//! template, not stored, with its endpoint read from the machine itself (through the chosen
//! proxy, or directly), as Octopus discovers a Listening Tentacle before it is added: the
//! certificate's thumbprint for `TentaclePassive`, the SSH banner's presence for `Ssh` (the host
//! key's fingerprint is not read: that needs an SSH key exchange, and no SSH crate is kept).
//! Unreachable or not what was asked for: 400 with the reason in plain words.

use std::collections::HashMap;

use api_model::validation::{validate_host, validate_port};
use api_model::{LISTENING, POLLING, SSH};
use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::Scope;
use crate::reach;
use crate::routes::proxy_test::saved_proxy;
use crate::state::AppState;

const SSH_PORT: i32 = 22;

pub async fn discover(
    State(state): State<AppState>,
    scope: Scope,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    // Parameter names ignore case, as the real server's do.
    let params: HashMap<String, String> =
        form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
    let given = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let host = given("host").ok_or_else(|| {
        ApiError::bad_request(
            "The hostname of the machine to discover must be supplied as URI parameter named 'host'.",
        )
    })?;
    if let Some(problem) = validate_host(host) {
        return Err(ApiError::bad_request(problem));
    }
    let style = match given("type").unwrap_or(LISTENING) {
        t if t.eq_ignore_ascii_case(LISTENING) => LISTENING,
        t if t.eq_ignore_ascii_case(SSH) => SSH,
        t if t.eq_ignore_ascii_case(POLLING) => {
            return Err(ApiError::bad_request(
                "A Polling Tentacle cannot be discovered: it registers with the server itself.",
            ))
        }
        _ => {
            return Err(ApiError::bad_request(
                "type must be TentaclePassive (a Listening Tentacle) or Ssh.",
            ))
        }
    };
    let port = match given("port") {
        None => match style {
            SSH => SSH_PORT,
            _ => i32::from(api_model::TENTACLE_PORT),
        },
        Some(p) => p
            .parse::<i32>()
            .ok()
            .filter(|p| validate_port(*p).is_none())
            .ok_or_else(|| ApiError::bad_request("Port must be a whole number from 1 to 65535."))?,
    };
    let proxy_id = given("proxyid").map(str::to_owned);
    let via = match &proxy_id {
        Some(id) => Some(saved_proxy(&state, scope.space_id.clone(), id.clone()).await?),
        None => None,
    };
    let expect = match style {
        SSH => reach::Expect::Ssh,
        _ => reach::Expect::Tls,
    };
    let outcome = reach::reach(via.as_ref(), host, port as u16, expect).await;
    // Not reached at all: the reason as it is. Reached, but a failed handshake or no banner:
    // something else answers there.
    if !outcome.result.success && outcome.result.stage != reach::Stage::Tls {
        return Err(ApiError::bad_request(outcome.result.message));
    }
    let host = host.trim_matches(['[', ']']);
    let authority = reach::authority(host, port as u16);
    let not_a = |what: &str, missing: &str| {
        ApiError::bad_request(format!(
            "{authority} answered, but not as {what} does ({missing}): {}",
            outcome.result.message
        ))
    };
    let endpoint = match (style, &outcome.result.thumbprint, &outcome.ssh_banner) {
        (LISTENING, Some(thumbprint), _) => json!({
            "CommunicationStyle": LISTENING, "Uri": format!("https://{authority}/"),
            "Thumbprint": thumbprint, "ProxyId": proxy_id}),
        (SSH, _, Some(_)) => json!({
            "CommunicationStyle": SSH, "Host": host, "Port": port, "Fingerprint": null,
            "AccountId": null, "ProxyId": proxy_id, "Uri": format!("ssh://{authority}/")}),
        (LISTENING, ..) => return Err(not_a("a Listening Tentacle", "no TLS handshake")),
        _ => return Err(not_a("an SSH server", "no SSH banner")),
    };
    Ok(Json(json!({
        "Id": null, "Name": host, "EnvironmentIds": [], "Roles": [], "TenantIds": [],
        "TenantedDeploymentParticipation": "Untenanted", "IsDisabled": false,
        "HealthStatus": "Unknown", "Status": "Unknown", "StatusSummary": "",
        "HasLatestCalamari": true, "IsInProcess": false, "Endpoint": endpoint, "Links": {}
    })))
}
