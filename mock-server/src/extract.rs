//! Extractors shared by the handlers: the space a route is scoped to, and a JSON body that fails
//! with an Octopus error body (never a bare 4xx text or a 500).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{header, request::Parts, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::ids::DEFAULT_SPACE_ID;

/// `/api/{space_id}/...` or its unscoped twin, which means the default space; plus the item id if any.
pub struct Scope {
    pub space_id: String,
    pub id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let mut scope = Scope {
            space_id: DEFAULT_SPACE_ID.into(),
            id: None,
        };
        for (key, value) in &params {
            match key {
                "space_id" => scope.space_id = value.to_owned(),
                "id" => scope.id = Some(value.to_owned()),
                _ => {}
            }
        }
        Ok(scope)
    }
}

impl Scope {
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

/// A JSON request body of type `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        // The size first: a body over the limit is 413 whatever it claims to be.
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::new(
                    status,
                    format!(
                        "The request body could not be read: {}",
                        rejection.body_text()
                    ),
                )
            }
        })?;
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime != "application/json" && !mime.ends_with("+json") {
            let shown: String = content_type.chars().take(100).collect();
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "The request body must be JSON sent with Content-Type: application/json (got \"{shown}\")."
                ),
            ));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("No request body was supplied."));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                let detail = describe(e.inner());
                let detail = if path == "." {
                    detail
                } else {
                    format!("{path}: {detail}")
                };
                ApiError::validation(vec![format!("The request body is not valid: {detail}")])
            })
    }
}

/// serde's message without the value it quotes ("invalid type: string \"hunter2\", expected
/// …"): a value sent in the wrong place may be a secret, so an answer never repeats it.
pub fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    match text.split_once(", expected ") {
        Some((_, expected)) => format!("expected {expected}"),
        None if e.is_data() => "a value has the wrong type or form".into(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_never_quote_the_value() {
        for body in [
            r#"{"Password": "hunter2"}"#,
            r#"{"Kind": "hunter2"}"#,
            r#"{"Port": "hunter2"}"#,
        ] {
            #[derive(serde::Deserialize, Debug)]
            #[allow(dead_code)]
            #[serde(rename_all = "PascalCase")]
            struct T {
                password: Option<api_model::SensitiveValue>,
                kind: Option<Kind>,
                port: Option<i32>,
            }
            #[derive(serde::Deserialize, Debug)]
            enum Kind {
                A,
            }
            let e = serde_json::from_str::<T>(body).unwrap_err();
            let text = super::describe(&e);
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.starts_with("expected"), "{text}");
        }
    }
}
