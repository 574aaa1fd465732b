//! Optimistic concurrency (an extension; Octopus's clients neither send nor read these): every
//! single-resource answer carries an `ETag`, a digest of the JSON it sends. A `PUT` or `DELETE`
//! with an `If-Match` that no longer matches what is stored answers 412; without `If-Match` a
//! write behaves as it always did.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// The JSON a resource is sent as: the ETag is computed from these exact bytes.
fn to_json<T: Serialize>(value: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(ApiError::internal)
}

fn etag_of_bytes(json: &[u8]) -> String {
    let digest = Sha256::digest(json);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The ETag a resource is sent with.
pub fn etag_of<T: Serialize>(value: &T) -> ApiResult<String> {
    Ok(etag_of_bytes(&to_json(value)?))
}

/// A single resource answered as JSON with its `ETag`, and a status (200, or 201 with a
/// `Location`).
pub struct Tagged<T> {
    pub status: StatusCode,
    pub location: Option<String>,
    pub value: T,
}

impl<T> Tagged<T> {
    pub fn ok(value: T) -> Self {
        Self {
            status: StatusCode::OK,
            location: None,
            value,
        }
    }

    pub fn created(value: T, location: String) -> Self {
        Self {
            status: StatusCode::CREATED,
            location: Some(location),
            value,
        }
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let json = match to_json(&self.value) {
            Ok(json) => json,
            Err(e) => return e.into_response(),
        };
        let etag = etag_of_bytes(&json);
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response();
        let headers = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, v);
        }
        res
    }
}

/// The request's `If-Match`, if it sent one: `*` or a list of ETags.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(Option<Vec<String>>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut tags = vec![];
        for value in parts.headers.get_all(header::IF_MATCH) {
            let text = value.to_str().map_err(|_| {
                ApiError::bad_request("The If-Match header must be an ETag, as sent by a GET.")
            })?;
            tags.extend(
                text.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            );
        }
        Ok(Self((!tags.is_empty()).then_some(tags)))
    }
}

impl IfMatch {
    /// Ok when no `If-Match` was sent, or it names `current`'s ETag (or `*`); else 412. Weak
    /// tags (`W/"…"`) never match: If-Match compares strongly.
    pub fn check<T: Serialize>(&self, current: &T, noun: &str) -> ApiResult<()> {
        let Some(tags) = &self.0 else {
            return Ok(());
        };
        let etag = etag_of(current)?;
        if tags.iter().any(|t| t == "*" || *t == etag) {
            Ok(())
        } else {
            Err(ApiError::changed_since_loaded(noun))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_the_current_tag_star_or_nothing_sent() {
        let v = json!({"Name": "a"});
        let tag = etag_of(&v).unwrap();
        assert!(IfMatch(None).check(&v, "proxy").is_ok());
        assert!(IfMatch(Some(vec!["*".into()])).check(&v, "proxy").is_ok());
        assert!(IfMatch(Some(vec!["\"x\"".into(), tag.clone()]))
            .check(&v, "proxy")
            .is_ok());
        let stale = IfMatch(Some(vec![tag.clone()]));
        let err = stale.check(&json!({"Name": "b"}), "proxy").unwrap_err();
        assert_eq!(err.status, StatusCode::PRECONDITION_FAILED);
        assert!(IfMatch(Some(vec![format!("W/{tag}")]))
            .check(&v, "proxy")
            .is_err());
    }
}
