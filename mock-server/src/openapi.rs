//! `GET /api/openapi.json`: an OpenAPI 3.1 document of every route, made from the same table the
//! router is built from (`routes::ENDPOINTS`), so it cannot list a route that is not served or
//! miss one that is.

use axum::Json;
use serde_json::{json, Map, Value};

use crate::routes::{Endpoint, Kind, ENDPOINTS};

pub async fn document() -> Json<Value> {
    Json(build())
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn error_ref(status: &str) -> (String, Value) {
    (
        status.to_owned(),
        json!({"$ref": "#/components/responses/Error"}),
    )
}

fn param(name: &str, location: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": location, "required": location == "path", "schema": schema,
           "description": description})
}

fn text(max: Option<usize>) -> Value {
    match max {
        Some(n) => json!({"type": "string", "maxLength": n}),
        None => json!({"type": "string"}),
    }
}

fn count() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": i64::MAX})
}

fn list_params(filters: &[&str]) -> Vec<Value> {
    let name_max = Some(api_model::validation::NAME_MAX_CHARS);
    let mut params = vec![
        param("skip", "query", count(), "Items to skip."),
        param("take", "query", count(), "Items to return (default 30)."),
        param(
            "ids",
            "query",
            text(None),
            "Only these ids (comma-separated or repeated).",
        ),
        param(
            "partialName",
            "query",
            text(name_max),
            "Names containing this, ignoring case.",
        ),
        param(
            "name",
            "query",
            text(name_max),
            "This exact name, ignoring case.",
        ),
    ];
    params.extend(filters.iter().map(|f| {
        param(
            f,
            "query",
            text(None),
            "A filter of this list (comma-separated).",
        )
    }));
    params
}

fn ok(description: &str, schema: Value, tagged: bool) -> Value {
    let mut response = json!({"description": description,
                              "content": {"application/json": {"schema": schema}}});
    if tagged {
        response["headers"] = json!({"ETag": {"$ref": "#/components/headers/ETag"}});
    }
    response
}

fn operation(e: &Endpoint, scoped: bool) -> Value {
    let mut params = vec![];
    if scoped || e.path.contains("{spaceId}") {
        params.push(param(
            "spaceId",
            "path",
            text(None),
            "A space, e.g. Spaces-1.",
        ));
    }
    if e.path.contains("{id}") {
        params.push(param(
            "id",
            "path",
            text(None),
            "The item's id, e.g. Proxies-1.",
        ));
    }
    let item = schema_ref(e.schema);
    let mut responses = Map::new();
    let mut body = None;
    match e.kind {
        Kind::List { filters } => {
            params.extend(list_params(filters));
            let page = json!({"allOf": [schema_ref("Collection"),
                {"type": "object", "properties": {"Items": {"type": "array", "items": item}}}]});
            responses.insert("200".into(), ok("One page.", page, false));
        }
        Kind::All => {
            responses.insert(
                "200".into(),
                ok(
                    "Every item.",
                    json!({"type": "array", "items": item}),
                    false,
                ),
            );
        }
        Kind::Get => {
            responses.insert("200".into(), ok("The item.", item, true));
        }
        Kind::Create => {
            body = Some(item.clone());
            let mut created = ok("Created.", item, true);
            created["headers"]["Location"] = json!({"schema": {"type": "string"}});
            responses.insert("201".into(), created);
        }
        Kind::Update => {
            body = Some(item.clone());
            responses.insert("200".into(), ok("Changed.", item, true));
        }
        Kind::Delete => {
            responses.insert(
                "200".into(),
                json!({"description": "Deleted (empty body)."}),
            );
        }
        Kind::Other => {
            if e.schema == "ProxyUsage" {
                params.push(param("ids", "query", text(None), "Only these proxies."));
            }
            if e.path == "/machines/discover" {
                for (name, what) in [
                    ("host", "The machine's host name or IP address (required)."),
                    (
                        "port",
                        "10933 for TentaclePassive, 22 for Ssh if not given.",
                    ),
                    ("type", "TentaclePassive (default) or Ssh."),
                    ("proxyId", "Reach it through this proxy of the space."),
                ] {
                    params.push(param(name, "query", text(None), what));
                }
            }
            // A POST's request has its own schema, named for the answer's.
            match e.schema {
                "ProxyTestResult" => body = Some(schema_ref("ProxyTest")),
                "MachineProxyChanged" => body = Some(schema_ref("MachineProxyChange")),
                _ => {}
            }
            responses.insert("200".into(), ok(e.summary, item, false));
        }
    }
    if matches!(e.kind, Kind::Update | Kind::Delete) {
        params.push(json!({"$ref": "#/components/parameters/IfMatch"}));
    }
    let mut errors = vec!["400", "401", "404", "503"];
    if body.is_some() {
        errors.extend(["413", "415"]);
    }
    if matches!(e.kind, Kind::Update | Kind::Delete) {
        errors.extend(["409", "412"]);
    }
    responses.extend(errors.into_iter().map(error_ref));
    let mut op = json!({"summary": e.summary, "operationId": operation_id(e, scoped),
                        "parameters": params, "responses": responses});
    if let Some(schema) = body {
        op["requestBody"] = json!({"required": true,
            "content": {"application/json": {"schema": schema}}});
    }
    op
}

fn operation_id(e: &Endpoint, scoped: bool) -> String {
    let words: String = e
        .path
        .split(['/', '{', '}', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let method = e.method.as_str().to_ascii_lowercase();
    format!(
        "{method}{}{}",
        if words.is_empty() { "Root" } else { &words },
        if scoped { "_Spaces" } else { "" }
    )
}

/// The document's paths: each endpoint at `/api…`, and scoped ones at `/api/{spaceId}…` too.
pub fn build() -> Value {
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let mut variants = vec![(format!("/api{}", e.path), false)];
        if e.scoped {
            variants.push((format!("/api/{{spaceId}}{}", e.path), true));
        }
        for (path, scoped) in variants {
            let item = paths.entry(path).or_insert_with(|| json!({}));
            item[e.method.as_str().to_ascii_lowercase()] = operation(e, scoped);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "proxy-console mock Octopus API",
            "version": crate::SERVER_VERSION,
            "description": "The Octopus REST API routes this mock serves, plus its extensions \
                (proxy usage, the proxyIds filter, ETag/If-Match). Every error carries \
                {\"ErrorMessage\", \"Errors\"}."
        },
        "components": components(),
        "security": [{}, {"ApiKeyHeader": []}, {"ApiKeyQuery": []}],
        "paths": paths,
    })
}

fn components() -> Value {
    let links = json!({"type": "object", "additionalProperties": {"type": "string"}});
    let resource = |props: Value| json!({"type": "object", "properties": props});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let user = resource(
        json!({"Id": {"type": "string"}, "Username": {"type": "string"},
        "DisplayName": {"type": "string"}, "EmailAddress": {"type": ["string", "null"]},
        "IsActive": {"type": "boolean"}, "IsService": {"type": "boolean"},
        "Links": schema_ref("Links")}),
    );
    let event = resource(
        json!({"Id": {"type": "string"}, "Category": {"type": "string"},
        "Message": {"type": "string"}, "Occurred": {"type": "string"},
        "Username": {"type": "string"}, "UserId": {"type": "string"},
        "IsService": {"type": "boolean"}, "RelatedDocumentIds": strings,
        "SpaceId": {"type": "string"},
        "ChangeDetails": {"type": "object", "properties": {
            "DocumentContext": {"type": ["object", "null"]},
            "Differences": {"type": ["array", "null"], "items": {"type": "object"}}}},
        "Links": schema_ref("Links")}),
    );
    let restriction = resource(json!({"SpaceId": {"type": "string"},
        "RestrictedToEnvironmentIds": strings}));
    let permission_set = resource(json!({"Id": {"type": "string"},
        "SpacePermissions": {"type": "object",
            "additionalProperties": {"type": "array", "items": restriction}},
        "SystemPermissions": strings, "IsPermissionsComplete": {"type": "boolean"},
        "Links": schema_ref("Links")}));
    let permission_descriptions = json!({"type": "object", "additionalProperties": resource(json!({
        "Description": {"type": "string"}, "SupportedRestrictions": strings,
        "CanApplyAtSpaceLevel": {"type": "boolean"}, "CanApplyAtSystemLevel": {"type": "boolean"}}))});
    json!({
        "securitySchemes": {
            "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Octopus-ApiKey"},
            "ApiKeyQuery": {"type": "apiKey", "in": "query", "name": "apikey"}
        },
        "headers": {"ETag": {"description": "The item's version; send it back as If-Match.",
                             "schema": {"type": "string"}}},
        "parameters": {"IfMatch": {"name": "If-Match", "in": "header", "required": false,
            "schema": {"type": "string"},
            "description": "Write only if the item still has this ETag (else 412)."}},
        "responses": {"Error": {"description": "The request failed.",
            "content": {"application/json": {"schema": schema_ref("Error")}}}},
        "schemas": {
            "Error": {"type": "object", "required": ["ErrorMessage"], "properties": {
                "ErrorMessage": {"type": "string"},
                "Errors": {"type": "array", "items": {"type": "string"}}}},
            "Links": links,
            "Collection": resource(json!({
                "ItemType": {"type": "string"}, "TotalResults": {"type": "integer"},
                "ItemsPerPage": {"type": "integer"}, "NumberOfPages": {"type": "integer"},
                "LastPageNumber": {"type": "integer"}, "IsStale": {"type": "boolean"},
                "Links": schema_ref("Links")})),
            "SensitiveValue": resource(json!({
                "HasValue": {"type": "boolean"}, "NewValue": {"type": ["string", "null"]},
                "Hint": {"type": ["string", "null"]}})),
            "Proxy": {"type": "object", "required": ["Name", "Host"], "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string", "maxLength": 200}, "Host": {"type": "string", "maxLength": 255},
                "Port": {"type": "integer", "minimum": 1, "maximum": 65535},
                "ProxyType": {"type": "string", "enum": ["HTTP"]},
                "Username": {"type": ["string", "null"], "maxLength": 200},
                "Password": schema_ref("SensitiveValue"),
                "LastModifiedOn": {"type": ["string", "null"]}, "Links": schema_ref("Links")}},
            "ProxyUsage": {"type": "object", "additionalProperties": {"type": "integer"}},
            "Task": {"type": "object", "required": ["Name"], "additionalProperties": true, "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"}, "Name": {"type": "string"},
                "Description": {"type": "string"}, "Arguments": {"type": "object"},
                "State": {"type": "string", "enum": ["Queued", "Executing", "Failed", "Canceled", "TimedOut", "Success", "Cancelling"]},
                "IsCompleted": {"type": "boolean"}, "FinishedSuccessfully": {"type": "boolean"},
                "ErrorMessage": {"type": "string"}, "Links": schema_ref("Links")}},
            "TaskDetails": {"type": "object", "properties": {
                "Task": schema_ref("Task"), "ActivityLogs": {"type": "array", "items": {"type": "object"}},
                "Progress": {"type": "object"}, "PhysicalLogSize": {"type": "integer"}}},
            "ProxyTest": {"type": "object", "required": ["Proxy", "Host", "Port"], "properties": {
                "Proxy": schema_ref("Proxy"), "Host": {"type": "string", "maxLength": 255},
                "Port": {"type": "integer", "minimum": 1, "maximum": 65535}}},
            "MachineProxyChange": {"type": "object", "required": ["Ids"], "properties": {
                "Ids": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 10000},
                "ProxyId": {"type": ["string", "null"]}}},
            "MachineProxyChanged": {"type": "object", "properties": {
                "ProxyId": {"type": ["string", "null"]},
                "Changed": {"type": "array", "items": {"type": "object"}},
                "Unchanged": {"type": "array", "items": {"type": "object"}}}},
            "ProxyTestResult": {"type": "object", "properties": {
                "Success": {"type": "boolean"},
                "Stage": {"type": "string", "enum": ["Connect", "Authenticate", "Tunnel", "Tls"]},
                "Message": {"type": "string"}, "ElapsedMilliseconds": {"type": "integer"},
                "Thumbprint": {"type": ["string", "null"]}}},
            "Endpoint": {"type": "object", "required": ["CommunicationStyle"],
                "additionalProperties": true, "properties": {
                "CommunicationStyle": {"type": "string",
                    "enum": ["TentaclePassive", "TentacleActive", "Ssh", "Kubernetes"]},
                "Uri": {"type": ["string", "null"]}, "Thumbprint": {"type": ["string", "null"]},
                "ProxyId": {"type": ["string", "null"]}, "Host": {"type": ["string", "null"]},
                "Port": {"type": ["integer", "null"]}, "AccountId": {"type": ["string", "null"]},
                "Fingerprint": {"type": ["string", "null"]},
                "DotNetCorePlatform": {"type": ["string", "null"]},
                "ClusterUrl": {"type": ["string", "null"]}}},
            "Machine": {"type": "object", "required": ["Name", "EnvironmentIds", "Endpoint"],
                "additionalProperties": true, "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string", "maxLength": 200},
                "EnvironmentIds": {"type": "array", "items": {"type": "string"}},
                "Roles": {"type": "array", "items": {"type": "string"}},
                "IsDisabled": {"type": "boolean"}, "HealthStatus": {"type": "string"},
                "Endpoint": schema_ref("Endpoint"), "Links": schema_ref("Links")}},
            "Worker": {"type": "object", "required": ["Name", "WorkerPoolIds", "Endpoint"],
                "additionalProperties": true, "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string", "maxLength": 200},
                "WorkerPoolIds": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "IsDisabled": {"type": "boolean"}, "HealthStatus": {"type": "string"},
                "Endpoint": schema_ref("Endpoint"), "Links": schema_ref("Links")}},
            "WorkerPool": {"type": "object", "required": ["Name"], "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string", "maxLength": 200}, "Description": {"type": ["string", "null"]},
                "IsDefault": {"type": "boolean"}, "SortOrder": {"type": "integer"},
                "WorkerPoolType": {"type": "string", "enum": ["StaticWorkerPool"]},
                "CanAddWorkers": {"type": "boolean"}, "Links": schema_ref("Links")}},
            "Environment": {"type": "object", "required": ["Name"], "properties": {
                "Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string", "maxLength": 200}, "Description": {"type": ["string", "null"]},
                "SortOrder": {"type": "integer"}, "Links": schema_ref("Links")}},
            "Account": resource(json!({"Id": {"type": "string"}, "SpaceId": {"type": "string"},
                "Name": {"type": "string"}, "AccountType": {"type": "string"},
                "Username": {"type": ["string", "null"]}, "Links": schema_ref("Links")})),
            "Space": resource(json!({"Id": {"type": "string"}, "Name": {"type": "string"},
                "Description": {"type": ["string", "null"]}, "IsDefault": {"type": "boolean"},
                "Slug": {"type": "string"}, "Links": schema_ref("Links")})),
            "Root": resource(json!({"Application": {"type": "string"}, "Version": {"type": "string"},
                "ApiVersion": {"type": "string"}, "InstallationId": {"type": "string"},
                "Links": schema_ref("Links")})),
            "SpaceRoot": resource(json!({"Id": {"type": "string"}, "Links": schema_ref("Links")})),
            "User": user,
            "Event": event,
            "DocumentTypes": {"type": "array", "items": {"type": "object", "properties": {
                "Id": {"type": "string"}, "Name": {"type": "string"}}}},
            "UserPermissionSet": permission_set,
            "PermissionDescriptions": permission_descriptions,
            "OpenApi": {"type": "object"}
        }
    })
}
