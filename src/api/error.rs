use api_model::ErrorBody;

/// Every way a request can fail, as a screen needs to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400 or 409: the request was refused; `errors` has one line per problem.
    #[error("{message}")]
    Validation {
        message: String,
        errors: Vec<String>,
    },
    /// 401: an API key is needed, or the one given is not known.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the key's user lacks a permission (`permission`, when the server names it).
    #[error("{}", forbidden_words(permission.as_deref(), message))]
    Forbidden {
        message: String,
        permission: Option<String>,
    },
    #[error("{0}")]
    NotFound(String),
    /// 412: someone else saved the resource since it was loaded (its ETag no longer matches).
    #[error("{0}")]
    Changed(String),
    /// Any other status, 5xx included.
    #[error("The server answered {status}: {message}")]
    Server { status: u16, message: String },
    /// No answer: the server is down or the connection dropped. The browser's reason ("TypeError:
    /// Failed to fetch") is kept for debugging but never shown: it says nothing to a person.
    #[error("The server could not be reached.")]
    Network(String),
    #[error("The server sent an answer the console could not read: {0}")]
    Decode(String),
}

impl ApiError {
    /// Maps a non-2xx answer. The Octopus error body is used when there is one; an empty or
    /// non-JSON body still gives a useful message.
    pub fn from_response(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<ErrorBody>(body)
            .ok()
            .filter(|b| !b.error_message.is_empty());
        let (message, errors) = match parsed {
            Some(b) => (b.error_message, b.errors),
            None => (fallback_message(status, body), vec![]),
        };
        match status {
            400 | 409 => Self::Validation { message, errors },
            401 => Self::Unauthorized(message),
            403 => Self::Forbidden {
                permission: api_model::permissions::missing_permission(&message).map(str::to_owned),
                message,
            },
            404 => Self::NotFound(message),
            412 => Self::Changed(message),
            _ => Self::Server { status, message },
        }
    }
}

/// A refusal in plain words: what is missing and who can grant it.
fn forbidden_words(permission: Option<&str>, message: &str) -> String {
    match permission {
        Some(p) => format!(
            "You are not allowed to do this: your role lacks the {p} permission. An Octopus administrator can grant it."
        ),
        None => message.to_owned(),
    }
}

fn fallback_message(status: u16, body: &str) -> String {
    let text = body.trim();
    if text.is_empty() || text.starts_with('<') {
        match status {
            401 | 403 => "The server needs an API key.".into(),
            404 => "The resource was not found.".into(),
            _ => format!("The request failed with status {status}."),
        }
    } else {
        text.chars().take(300).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_statuses_to_kinds_with_the_server_message() {
        let body = r#"{"ErrorMessage":"There was a problem with your request.","Errors":["Name is required."]}"#;
        assert_eq!(
            ApiError::from_response(400, body),
            ApiError::Validation {
                message: "There was a problem with your request.".into(),
                errors: vec!["Name is required.".into()]
            }
        );
        assert!(matches!(
            ApiError::from_response(409, body),
            ApiError::Validation { .. }
        ));
        assert_eq!(
            ApiError::from_response(401, r#"{"ErrorMessage":"key"}"#),
            ApiError::Unauthorized("key".into())
        );
        let refused = ApiError::from_response(
            403,
            r#"{"ErrorMessage":"You do not have permission to perform this action. Please contact your Octopus administrator. Missing permission: ProxyEdit"}"#,
        );
        assert!(
            matches!(&refused, ApiError::Forbidden { permission: Some(p), .. } if p == "ProxyEdit")
        );
        assert_eq!(
            refused.to_string(),
            "You are not allowed to do this: your role lacks the ProxyEdit permission. An Octopus administrator can grant it."
        );
        assert!(matches!(
            ApiError::from_response(403, ""),
            ApiError::Forbidden {
                permission: None,
                ..
            }
        ));
        assert_eq!(
            ApiError::from_response(404, r#"{"ErrorMessage":"gone"}"#),
            ApiError::NotFound("gone".into())
        );
        assert_eq!(
            ApiError::from_response(412, r#"{"ErrorMessage":"changed"}"#),
            ApiError::Changed("changed".into())
        );
        assert_eq!(
            ApiError::from_response(500, r#"{"ErrorMessage":"db down"}"#).to_string(),
            "The server answered 500: db down"
        );
    }

    #[test]
    fn tolerates_empty_and_non_json_bodies() {
        assert_eq!(
            ApiError::from_response(502, "<html>Bad gateway</html>").to_string(),
            "The server answered 502: The request failed with status 502."
        );
        assert_eq!(
            ApiError::from_response(500, "plain words").to_string(),
            "The server answered 500: plain words"
        );
        assert_eq!(
            ApiError::from_response(404, "").to_string(),
            "The resource was not found."
        );
    }
}
