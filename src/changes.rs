//! What an audit event changed, in the forms' own words: "Port: 3128 → 8080", "Password
//! changed", "Connection: Direct → Squid in the DMZ", "Health: Healthy → Unavailable".

use api_model::EventResource;
use serde_json::Value;

/// The fields a person sees, by their JSON Pointer in the document, with the form's label.
const LABELS: &[(&str, &str)] = &[
    ("/Name", "Name"),
    ("/Host", "Host"),
    ("/Port", "Port"),
    ("/Username", "Username"),
    ("/Endpoint/ProxyId", "Connection"),
    ("/HealthStatus", "Health"),
    ("/EnvironmentIds", "Environments"),
    ("/WorkerPoolIds", "Worker pools"),
    ("/Roles", "Roles"),
    ("/IsDisabled", "Disabled"),
    ("/Endpoint/Uri", "URL"),
    ("/Endpoint/Thumbprint", "Thumbprint"),
    ("/Endpoint/Host", "Host"),
    ("/Endpoint/Port", "Port"),
    ("/Endpoint/AccountId", "Account"),
    ("/Endpoint/ClusterUrl", "Cluster URL"),
    ("/Endpoint/Namespace", "Namespace"),
    ("/Description", "Description"),
];

/// The server's bookkeeping, not something a person changed.
const IGNORED: &[&str] = &[
    "/LastModifiedOn",
    "/LastModifiedBy",
    "/Links",
    "/StatusSummary",
];

/// One line per field the event changed; `name_of` turns an id (a proxy's) into its name.
pub fn describe(event: &EventResource, name_of: &dyn Fn(&str) -> String) -> Vec<String> {
    match event.category.as_str() {
        "Created" => return vec!["Created".to_owned()],
        "Deleted" => return vec!["Deleted".to_owned()],
        _ => {}
    }
    let before = &event.change_details.document_context;
    let mut lines: Vec<String> = vec![];
    let mut push = |line: String| {
        if !lines.contains(&line) {
            lines.push(line);
        }
    };
    for op in &event.change_details.differences {
        let path = op.path.as_str();
        if IGNORED.iter().any(|i| path.starts_with(i)) {
            continue;
        }
        if path.starts_with("/Password") {
            push(password_words(event).to_owned());
            continue;
        }
        let Some((field, label)) = LABELS
            .iter()
            .find(|(f, _)| path == *f || path.starts_with(&format!("{f}/")))
        else {
            push(format!("{} changed", path.trim_start_matches('/')));
            continue;
        };
        if path != *field {
            // An item of a list (an environment, a role): the list changed.
            push(format!("{label} changed"));
            continue;
        }
        let shown = |v: Option<&Value>| value_words(field, v, name_of);
        let after = (op.op != "remove").then_some(&op.value);
        push(format!(
            "{label}: {} \u{2192} {}",
            shown(before.pointer(path)),
            shown(after)
        ));
    }
    lines
}

/// Set, removed or changed: read from whether it had a value before and after.
fn password_words(event: &EventResource) -> &'static str {
    let ops = &event.change_details.differences;
    match ops.iter().find(|o| o.path == "/Password/HasValue") {
        Some(o) if o.value == Value::Bool(true) => "Password set",
        Some(_) => "Password removed",
        None => "Password changed",
    }
}

fn value_words(field: &str, value: Option<&Value>, name_of: &dyn Fn(&str) -> String) -> String {
    match (field, value) {
        ("/Endpoint/ProxyId", None | Some(Value::Null)) => "Direct".to_owned(),
        ("/Endpoint/ProxyId", Some(Value::String(id))) => name_of(id),
        (_, None | Some(Value::Null)) => "none".to_owned(),
        (_, Some(Value::String(s))) if s.is_empty() => "none".to_owned(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Bool(true))) => "yes".to_owned(),
        (_, Some(Value::Bool(false))) => "no".to_owned(),
        (_, Some(Value::Array(items))) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(other)) => other.to_string(),
    }
}

/// "2026-12-05 17:30 UTC by admin" for an event.
pub fn when_and_who(event: &EventResource) -> String {
    let when = crate::routes::api_time(&event.occurred);
    match event.username.trim() {
        "" => when,
        who => format!("{when} by {who}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(category: &str, before: Value, ops: Value) -> EventResource {
        serde_json::from_value(json!({
            "Id": "Events-1", "Category": category, "Occurred": "2026-12-05T17:30:12.345Z",
            "Username": "priya",
            "ChangeDetails": {"DocumentContext": before, "Differences": ops}
        }))
        .unwrap()
    }

    fn names(id: &str) -> String {
        match id {
            "Proxies-1" => "Squid in the DMZ".into(),
            other => other.into(),
        }
    }

    #[test]
    fn says_each_changed_field_in_the_forms_words() {
        let e = event(
            "Modified",
            json!({"Name": "Squid", "Port": 3128, "Password": {"HasValue": true, "Hash": "a"},
                   "Endpoint": {"ProxyId": null}, "HealthStatus": "Healthy", "LastModifiedOn": "x"}),
            json!([
                {"op": "replace", "path": "/LastModifiedOn", "value": "y"},
                {"op": "replace", "path": "/Port", "value": 8080},
                {"op": "replace", "path": "/Password/Hash", "value": "b"},
                {"op": "replace", "path": "/Endpoint/ProxyId", "value": "Proxies-1"},
                {"op": "replace", "path": "/HealthStatus", "value": "Unavailable"},
                {"op": "add", "path": "/EnvironmentIds/1", "value": "Environments-3"},
            ]),
        );
        assert_eq!(
            describe(&e, &names),
            [
                "Port: 3128 \u{2192} 8080",
                "Password changed",
                "Connection: Direct \u{2192} Squid in the DMZ",
                "Health: Healthy \u{2192} Unavailable",
                "Environments changed",
            ]
        );
        assert_eq!(when_and_who(&e), "2026-12-05 17:30 UTC by priya");
    }

    #[test]
    fn a_password_set_or_removed_says_so_and_never_shows_a_value() {
        let set = event(
            "Modified",
            json!({"Password": {"HasValue": false, "Hash": "a"}}),
            json!([{"op": "replace", "path": "/Password/HasValue", "value": true},
                   {"op": "replace", "path": "/Password/Hash", "value": "b"}]),
        );
        assert_eq!(describe(&set, &names), ["Password set"]);
        let removed = event(
            "Modified",
            json!({"Password": {"HasValue": true, "Hash": "a"}}),
            json!([{"op": "replace", "path": "/Password/HasValue", "value": false},
                   {"op": "replace", "path": "/Password/Hash", "value": "b"}]),
        );
        assert_eq!(describe(&removed, &names), ["Password removed"]);
        assert_eq!(
            describe(&event("Created", json!(null), json!([])), &names),
            ["Created"]
        );
    }
}
