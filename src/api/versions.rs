//! Two admins on a server without ETags (Octopus): before a save or a delete the resource is
//! read again and compared with the version the form was opened on; a difference refuses the
//! write as a changed ETag would ([`ApiError::Changed`]). It cannot see a change made between
//! that read and the write (a few milliseconds).

use api_model::ProxyResource;
use serde_json::Value;

use super::{ApiError, Machine, Tagged};

/// What a refused write says (the screens show their conflict dialog instead).
const CHANGED: &str = "Someone else changed it since it was opened.";

/// Fields of a machine that change without anyone editing it (health checks), or that only
/// say where it lives.
const VOLATILE: &[&str] = &[
    "Links",
    "HealthStatus",
    "StatusSummary",
    "HasLatestCalamari",
    "IsInProcess",
];

/// The same version of a proxy: by `LastModifiedOn` when both have it, else by every field the
/// form shows and sends.
pub fn same_proxy(a: &ProxyResource, b: &ProxyResource) -> bool {
    if let (Some(x), Some(y)) = (&a.last_modified_on, &b.last_modified_on) {
        return x == y;
    }
    let has_password = |p: &ProxyResource| p.password.as_ref().is_some_and(|s| s.has_value);
    (
        &a.name,
        &a.host,
        a.port,
        &a.proxy_type,
        &a.username,
        has_password(a),
    ) == (
        &b.name,
        &b.host,
        b.port,
        &b.proxy_type,
        &b.username,
        has_password(b),
    )
}

/// The same version of a machine: by `LastModifiedOn` when both have it, else by the whole
/// document a save sends back, less what health checks change.
pub fn same_machine(a: &Machine, b: &Machine) -> bool {
    let modified = |m: &Value| {
        m.get("LastModifiedOn")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if let (Some(x), Some(y)) = (modified(a), modified(b)) {
        return x == y;
    }
    kept(a) == kept(b)
}

/// A machine's fields but the volatile ones.
fn kept(m: &Value) -> Vec<(&String, &Value)> {
    match m {
        Value::Object(fields) => fields
            .iter()
            .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
            .collect(),
        _ => vec![],
    }
}

/// Whether a write may go ahead: with an ETag the server decides (If-Match); without one the
/// stored version (read now by `read`) must be the one loaded.
pub async fn check<T>(
    loaded: Option<&Tagged<T>>,
    read: impl std::future::Future<Output = Result<Tagged<T>, ApiError>>,
    same: fn(&T, &T) -> bool,
) -> Result<Option<String>, ApiError> {
    match loaded {
        Some(Tagged {
            etag: Some(etag), ..
        }) => Ok(Some(etag.clone())),
        Some(Tagged { value, etag: None }) => match same(&read.await?.value, value) {
            true => Ok(None),
            false => Err(ApiError::Changed(CHANGED.into())),
        },
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn proxy(port: i32, modified: Option<&str>) -> ProxyResource {
        serde_json::from_value(
            json!({"Id": "Proxies-1", "Name": "Squid", "Host": "squid", "Port": port,
            "ProxyType": "HTTP", "LastModifiedOn": modified}),
        )
        .unwrap()
    }

    #[test]
    fn a_proxy_is_the_same_version_by_its_modification_time_else_by_its_fields() {
        let at = Some("2026-12-05T10:00:00.000+00:00");
        let later = Some("2026-12-05T10:05:00.000+00:00");
        assert!(same_proxy(&proxy(3128, at), &proxy(3128, at)));
        assert!(!same_proxy(&proxy(3128, at), &proxy(3128, later)));
        assert!(same_proxy(&proxy(3128, None), &proxy(3128, None)));
        assert!(!same_proxy(&proxy(3128, None), &proxy(8080, None)));
        let mut with_password = proxy(3128, None);
        with_password.password = serde_json::from_value(json!({"HasValue": true})).unwrap();
        assert!(!same_proxy(&proxy(3128, None), &with_password));
    }

    #[test]
    fn a_machine_is_the_same_version_whatever_its_health() {
        let m = json!({"Id": "Machines-1", "Name": "web01", "HealthStatus": "Healthy",
            "Endpoint": {"CommunicationStyle": "Ssh", "ProxyId": "Proxies-1"}, "Links": {"Self": "/a"}});
        let mut checked = m.clone();
        checked["HealthStatus"] = "Unavailable".into();
        checked["StatusSummary"] = "Could not connect.".into();
        assert!(same_machine(&m, &checked));
        let mut moved = m.clone();
        moved["Endpoint"]["ProxyId"] = Value::Null;
        assert!(!same_machine(&m, &moved));
        let mut stamped = (m.clone(), m);
        stamped.0["LastModifiedOn"] = "2026-12-05T10:00:00Z".into();
        stamped.1["LastModifiedOn"] = "2026-12-05T10:01:00Z".into();
        assert!(!same_machine(&stamped.0, &stamped.1));
    }
}
