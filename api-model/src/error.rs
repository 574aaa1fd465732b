use serde::{Deserialize, Serialize};

/// The error body every non-2xx answer carries: a summary and one line per problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub error_message: String,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub errors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_exception: Option<String>,
}

impl ErrorBody {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            error_message: message.into(),
            ..Self::default()
        }
    }

    pub fn with_errors(message: impl Into<String>, errors: Vec<String>) -> Self {
        Self {
            error_message: message.into(),
            errors,
            ..Self::default()
        }
    }
}
