//! The proxy form as the user types it, checked with the shared rules from api-model.

use api_model::validation::{
    field_errors, parse_port, validate_host, validate_name, validate_proxy_type, validate_username,
    FieldError, ProxyField,
};
use api_model::{ProxyResource, SensitiveValue, DEFAULT_PORT, PROXY_TYPE_HTTP};

use crate::forms::{self, Difference};

/// What saving does to the password.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PasswordEdit {
    /// Leave it as stored (the request carries no NewValue).
    #[default]
    Keep,
    Remove,
    /// Set it to what was typed (never empty on a valid draft: see the Password rule).
    Set(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyDraft {
    pub name: String,
    pub host: String,
    pub port: String,
    pub username: String,
    pub password: PasswordEdit,
}

impl Default for ProxyDraft {
    fn default() -> Self {
        Self {
            name: String::new(),
            host: String::new(),
            port: DEFAULT_PORT.to_string(),
            username: String::new(),
            password: PasswordEdit::Keep,
        }
    }
}

impl ProxyDraft {
    pub fn from_resource(p: &ProxyResource) -> Self {
        Self {
            name: p.name.clone(),
            host: p.host.clone(),
            port: p.port.to_string(),
            username: p.username.clone().unwrap_or_default(),
            password: PasswordEdit::Keep,
        }
    }

    /// The message for one field, as the server would give it.
    pub fn error(&self, field: ProxyField) -> Option<String> {
        match field {
            ProxyField::Name => validate_name(&self.name),
            ProxyField::Host => validate_host(&self.host),
            ProxyField::Port => parse_port(&self.port).err(),
            ProxyField::ProxyType => validate_proxy_type(PROXY_TYPE_HTTP),
            ProxyField::Username => validate_username(Some(&self.username)),
            // Only "Change password" leads here with nothing typed: a new proxy's empty
            // password field is `Keep` (no password).
            ProxyField::Password => (self.password == PasswordEdit::Set(String::new())).then(|| {
                "Password is empty: type the new password, or choose \u{201c}Keep the current password\u{201d}.".into()
            }),
        }
    }

    /// Every field's problem, in form order.
    pub fn errors(&self) -> Vec<FieldError> {
        field_errors(|field| self.error(field))
    }

    /// The resource to send: the one read (so unknown fields, Id and Links survive) with the
    /// form's fields replaced, or a new one.
    pub fn to_resource(
        &self,
        original: Option<&ProxyResource>,
    ) -> Result<ProxyResource, Vec<FieldError>> {
        let errors = self.errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.as_typed(original))
    }

    /// The resource as typed, unchecked: what a proxy test sends (the server checks it, and an
    /// unsaved proxy needs no name to be tested).
    pub fn as_typed(&self, original: Option<&ProxyResource>) -> ProxyResource {
        let mut p = original.cloned().unwrap_or_default();
        p.name = self.name.trim().to_owned();
        p.host = self.host.trim().to_owned();
        p.port = parse_port(&self.port).unwrap_or(DEFAULT_PORT);
        p.proxy_type = PROXY_TYPE_HTTP.to_owned();
        p.username = Some(self.username.trim().to_owned()).filter(|u| !u.is_empty());
        p.password = match &self.password {
            PasswordEdit::Keep => None,
            PasswordEdit::Remove => Some(SensitiveValue::clear()),
            PasswordEdit::Set(v) => Some(SensitiveValue::set(v.clone())),
        };
        p
    }
}

/// The list's Authentication column, from `Username` and `Password.HasValue`.
pub fn authentication(username: Option<&str>, has_password: bool) -> &'static str {
    let has_username = username.is_some_and(|u| !u.trim().is_empty());
    match (has_username, has_password) {
        (true, true) => "Username and password",
        (true, false) => "Username only",
        (false, true) => "Password only",
        (false, false) => "None",
    }
}

/// What is stored now against what was typed, field by field (a password only as set or not:
/// its value is never shown).
pub fn differences(stored: &ProxyResource, typed: &ProxyDraft) -> Vec<Difference> {
    let has_password = stored.password.as_ref().is_some_and(|p| p.has_value);
    let password = |set: bool| if set { "Set" } else { "None" }.to_owned();
    let typed_password = match &typed.password {
        PasswordEdit::Keep => password(has_password),
        PasswordEdit::Set(v) if v.is_empty() => password(has_password),
        PasswordEdit::Set(_) => "A new one".to_owned(),
        PasswordEdit::Remove => password(false),
    };
    let typed_port = parse_port(&typed.port).map_or_else(|_| typed.port.clone(), |p| p.to_string());
    forms::differences(vec![
        ("Name", stored.name.clone(), typed.name.trim().to_owned()),
        ("Host", stored.host.clone(), typed.host.trim().to_owned()),
        ("Port", stored.port.to_string(), typed_port),
        (
            "Username",
            stored.username.clone().unwrap_or_default(),
            typed.username.trim().to_owned(),
        ),
        ("Password", password(has_password), typed_password),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::place_server_errors;

    fn valid() -> ProxyDraft {
        ProxyDraft {
            name: " Squid ".into(),
            host: "squid.local".into(),
            port: "3128".into(),
            ..ProxyDraft::default()
        }
    }

    #[test]
    fn a_new_draft_defaults_to_port_80_and_reports_required_fields() {
        let d = ProxyDraft::default();
        assert_eq!(d.port, "80");
        let fields: Vec<_> = d.errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, [ProxyField::Name, ProxyField::Host]);
    }

    #[test]
    fn field_messages_are_the_servers() {
        let d = ProxyDraft {
            host: "http://x".into(),
            port: "99999".into(),
            ..valid()
        };
        assert!(d.error(ProxyField::Host).unwrap().contains("scheme"));
        assert!(d
            .error(ProxyField::Port)
            .unwrap()
            .starts_with("Port must be"));
        assert_eq!(d.error(ProxyField::Name), None);
    }

    #[test]
    fn to_resource_keeps_what_it_read_and_replaces_the_fields() {
        let mut original = ProxyResource {
            id: Some("Proxies-3".into()),
            name: "Old".into(),
            ..ProxyResource::default()
        };
        original
            .links
            .insert("Self".into(), "/api/Spaces-1/proxies/Proxies-3".into());
        original.password = Some(SensitiveValue::read(true));
        let p = valid().to_resource(Some(&original)).unwrap();
        assert_eq!(p.id.as_deref(), Some("Proxies-3"));
        assert_eq!(p.links["Self"], "/api/Spaces-1/proxies/Proxies-3");
        assert_eq!(
            (p.name.as_str(), p.host.as_str(), p.port),
            ("Squid", "squid.local", 3128)
        );
        assert_eq!(p.username, None);
        assert_eq!(
            p.password, None,
            "an untouched password is not sent, so it is kept"
        );
    }

    #[test]
    fn password_edits_become_sensitive_value_writes() {
        let with = |password| {
            ProxyDraft {
                password,
                ..valid()
            }
            .to_resource(None)
            .unwrap()
            .password
        };
        assert_eq!(with(PasswordEdit::Keep), None);
        assert_eq!(with(PasswordEdit::Remove), Some(SensitiveValue::clear()));
        assert_eq!(
            with(PasswordEdit::Set("pw".into())),
            Some(SensitiveValue::set("pw"))
        );
    }

    #[test]
    fn authentication_says_what_the_proxy_sends() {
        assert_eq!(authentication(Some("svc"), true), "Username and password");
        assert_eq!(authentication(Some("svc"), false), "Username only");
        assert_eq!(authentication(None, true), "Password only");
        assert_eq!(authentication(Some(" "), false), "None");
        assert_eq!(authentication(None, false), "None");
    }

    #[test]
    fn a_password_chosen_to_change_must_be_typed() {
        let empty = ProxyDraft {
            password: PasswordEdit::Set(String::new()),
            ..valid()
        };
        let errors = empty.to_resource(None).unwrap_err();
        assert_eq!(errors[0].field, ProxyField::Password);
        assert!(errors[0].message.starts_with("Password is empty"));
    }

    #[test]
    fn invalid_drafts_are_not_turned_into_requests() {
        let bad = ProxyDraft {
            name: String::new(),
            ..valid()
        };
        assert_eq!(
            bad.to_resource(None).unwrap_err()[0].field,
            ProxyField::Name
        );
    }

    #[test]
    fn server_errors_land_on_their_fields() {
        let (fields, general) = place_server_errors::<ProxyField>(&[
            "Name \"Squid\" is already used by another proxy in this space.".into(),
            "Port must be a whole number from 1 to 65535.".into(),
            "The request body is not valid: x".into(),
        ]);
        assert_eq!(fields[0].0, ProxyField::Name);
        assert!(fields[0].1.contains("already used"));
        assert_eq!(fields[1].0, ProxyField::Port);
        assert_eq!(general, ["The request body is not valid: x"]);
    }

    #[test]
    fn differences_show_what_is_stored_next_to_what_was_typed_never_a_password() {
        let mut stored = valid().to_resource(None).unwrap();
        stored.port = 8080;
        stored.password = Some(SensitiveValue::read(true));
        let typed = ProxyDraft {
            name: "Squid (renamed)".into(),
            password: PasswordEdit::Set("hunter2".into()),
            ..valid()
        };
        let rows = differences(&stored, &typed);
        assert_eq!(
            crate::forms::shown(&rows),
            [
                ("Name", "Squid", "Squid (renamed)"),
                ("Port", "8080", "3128"),
                ("Password", "Set", "A new one"),
            ]
        );
        assert!(rows.iter().all(|d| !d.typed.contains("hunter2")));
        let same = ProxyDraft::from_resource(&stored);
        assert_eq!(differences(&stored, &same), vec![]);
    }
}
