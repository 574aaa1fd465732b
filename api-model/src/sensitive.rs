use serde::{Deserialize, Serialize};

/// A write-only secret such as a proxy password.
///
/// On read only `HasValue` means anything. On write: a non-null `NewValue` sets the secret,
/// `HasValue: false` without a `NewValue` clears it, and anything else keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SensitiveValue {
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub has_value: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// What a write does to a stored secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Clear,
    Set(String),
}

impl SensitiveValue {
    /// What a server reads back: only whether a value is stored.
    pub fn read(has_value: bool) -> Self {
        Self {
            has_value,
            new_value: None,
            hint: None,
        }
    }

    /// A value that sets the secret to `value`.
    pub fn set(value: impl Into<String>) -> Self {
        Self {
            has_value: true,
            new_value: Some(value.into()),
            hint: None,
        }
    }

    /// A value that clears the secret.
    pub fn clear() -> Self {
        Self::read(false)
    }

    /// The change a write asks for. An empty `NewValue` clears rather than storing an empty secret.
    pub fn change(written: Option<&SensitiveValue>) -> SecretChange {
        match written {
            None => SecretChange::Keep,
            Some(SensitiveValue {
                new_value: Some(v), ..
            }) if v.is_empty() => SecretChange::Clear,
            Some(SensitiveValue {
                new_value: Some(v), ..
            }) => SecretChange::Set(v.clone()),
            Some(SensitiveValue {
                has_value: false, ..
            }) => SecretChange::Clear,
            Some(_) => SecretChange::Keep,
        }
    }
}
