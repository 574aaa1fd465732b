//! The proxy validation rules, the only copy. The server answers 400 with these messages and the
//! console shows the same text next to the field before anything is sent.
//!
//! Every message starts with its field's label, so a message from the server can be put back on
//! the field it belongs to ([`field_of_message`]).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::{ProxyResource, PROXY_TYPE_HTTP};

pub const NAME_MAX_CHARS: usize = 200;
pub const HOST_MAX_CHARS: usize = 255;
pub const USERNAME_MAX_CHARS: usize = 200;
pub const PORT_MIN: i32 = 1;
pub const PORT_MAX: i32 = 65535;

/// The fields of the proxy form, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyField {
    Name,
    Host,
    Port,
    ProxyType,
    Username,
    /// Only the form checks it (a password chosen to be changed must be typed): the API's
    /// write-only value has no rule.
    Password,
}

impl ProxyField {
    pub const ALL: [ProxyField; 6] = [
        Self::Name,
        Self::Host,
        Self::Port,
        Self::ProxyType,
        Self::Username,
        Self::Password,
    ];

    /// The label every message about this field starts with.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Host => "Host",
            Self::Port => "Port",
            Self::ProxyType => "Proxy type",
            Self::Username => "Username",
            Self::Password => "Password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError<F = ProxyField> {
    pub field: F,
    pub message: String,
}

/// The fields of a form, each with the label its messages start with.
pub trait FormField: Copy + 'static {
    /// Every field, in form order.
    const ALL: &'static [Self];
    fn label(self) -> &'static str;
}

impl FormField for ProxyField {
    const ALL: &'static [Self] = &Self::ALL;
    fn label(self) -> &'static str {
        ProxyField::label(self)
    }
}

/// Each field's problem, in form order.
pub fn field_errors<F: FormField>(check: impl Fn(F) -> Option<String>) -> Vec<FieldError<F>> {
    F::ALL
        .iter()
        .filter_map(|&field| check(field).map(|message| FieldError { field, message }))
        .collect()
}

/// Which field a message (ours or the server's) is about, if it names one: it starts with the
/// field's label followed by a space or a colon.
pub fn field_of_message<F: FormField>(message: &str) -> Option<F> {
    // Longer labels first, so "Proxy type" wins over a shorter label that prefixes it.
    let mut best: Option<F> = None;
    for &f in F::ALL {
        let matches = message
            .strip_prefix(f.label())
            .is_some_and(|rest| rest.starts_with([' ', ':']));
        if matches && best.is_none_or(|b| b.label().len() < f.label().len()) {
            best = Some(f);
        }
    }
    best
}

pub fn validate_name(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        Some("Name is required.".into())
    } else if name.chars().count() > NAME_MAX_CHARS {
        Some(format!(
            "Name must be {NAME_MAX_CHARS} characters or fewer."
        ))
    } else if name.chars().any(char::is_control) {
        Some("Name must not contain control characters such as tabs, line breaks or NUL.".into())
    } else {
        None
    }
}

/// The one form of a name that uniqueness is decided on, by the rules and by the database's
/// unique index alike: trimmed and lower-cased (Unicode), so "Squid" and " SQUID" are one name.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The message for a name another proxy in the space already has (compared ignoring case).
pub fn duplicate_name_message(name: &str) -> String {
    format!(
        "Name \"{}\" is already used by another proxy in this space.",
        name.trim()
    )
}

pub fn validate_host(host: &str) -> Option<String> {
    let host = host.trim();
    let problem = if host.is_empty() {
        "Host is required.".to_owned()
    } else if host.chars().count() > HOST_MAX_CHARS {
        format!("Host must be {HOST_MAX_CHARS} characters or fewer.")
    } else if host.chars().any(char::is_whitespace) {
        "Host must not contain spaces.".into()
    } else if host.contains("://") {
        "Host must not include a scheme (http://): only the host name or IP address.".into()
    } else if host.parse::<Ipv6Addr>().is_ok() {
        return None;
    } else if host.contains('/') {
        "Host must not include a path; enter only the host name or IP address.".into()
    } else if host.contains(':') && !host.starts_with('[') {
        "Host must not include a port; enter the port in the Port field.".into()
    } else if !is_hostname_or_ipv4(host) {
        "Host must be a host name, an IPv4 address or an IPv6 address.".into()
    } else {
        return None;
    };
    Some(problem)
}

fn is_hostname_or_ipv4(host: &str) -> bool {
    // All digits and dots: only a well-formed IPv4 address will do.
    if host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return host.parse::<Ipv4Addr>().is_ok();
    }
    host.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

pub fn validate_port(port: i32) -> Option<String> {
    (!(PORT_MIN..=PORT_MAX).contains(&port)).then(port_range_message)
}

fn port_range_message() -> String {
    format!("Port must be a whole number from {PORT_MIN} to {PORT_MAX}.")
}

/// Reads the port as typed in a form; empty means the default port.
pub fn parse_port(text: &str) -> Result<i32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(crate::DEFAULT_PORT);
    }
    let port = text.parse::<i32>().map_err(|_| port_range_message())?;
    validate_port(port).map_or(Ok(port), Err)
}

pub fn validate_proxy_type(proxy_type: &str) -> Option<String> {
    (proxy_type != PROXY_TYPE_HTTP).then(|| {
        format!("Proxy type \"{proxy_type}\" is not supported: only HTTP proxies are supported (SOCKS is not).")
    })
}

pub fn validate_username(username: Option<&str>) -> Option<String> {
    username
        .filter(|u| u.trim().chars().count() > USERNAME_MAX_CHARS)
        .map(|_| format!("Username must be {USERNAME_MAX_CHARS} characters or fewer."))
}

/// Trims what the server trims before storing (Name, Host and Username); an empty username is none.
pub fn normalize(proxy: &mut ProxyResource) {
    proxy.name = proxy.name.trim().to_owned();
    proxy.host = proxy.host.trim().to_owned();
    proxy.username = proxy
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
}

/// Every rule that needs no database, one error per field at most, in form order.
pub fn validate_proxy(proxy: &ProxyResource) -> Vec<FieldError> {
    [
        (ProxyField::Name, validate_name(&proxy.name)),
        (ProxyField::Host, validate_host(&proxy.host)),
        (ProxyField::Port, validate_port(proxy.port)),
        (
            ProxyField::ProxyType,
            validate_proxy_type(&proxy.proxy_type),
        ),
        (
            ProxyField::Username,
            validate_username(proxy.username.as_deref()),
        ),
    ]
    .into_iter()
    .filter_map(|(field, message)| message.map(|message| FieldError { field, message }))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(name: &str, host: &str) -> ProxyResource {
        ProxyResource {
            name: name.into(),
            host: host.into(),
            ..ProxyResource::default()
        }
    }

    #[test]
    fn name_rules() {
        assert_eq!(validate_name("  ").as_deref(), Some("Name is required."));
        assert_eq!(validate_name("Squid"), None);
        assert_eq!(validate_name(&"n".repeat(200)), None);
        assert!(validate_name(&"n".repeat(201))
            .unwrap()
            .contains("200 characters"));
        // Counted in characters, not bytes, and after trimming.
        assert_eq!(validate_name(&format!("  {}  ", "é".repeat(200))), None);
    }

    #[test]
    fn names_with_control_characters_are_refused() {
        for bad in ["x\u{0}a", "tab\there", "line\nbreak", "del\u{7f}"] {
            let message = validate_name(bad).expect(bad);
            assert!(
                message.starts_with("Name must not contain control"),
                "{message}"
            );
        }
        assert_eq!(validate_name("Squid (DMZ) – ünïcode"), None);
    }

    #[test]
    fn name_key_ignores_case_and_surrounding_space() {
        assert_eq!(name_key("  Squid ÄÖ "), name_key("squid äö"));
        assert_ne!(name_key("x\u{0}a"), name_key("x\u{0}b"));
    }

    #[test]
    fn host_accepts_names_and_addresses() {
        for ok in [
            "proxy",
            "proxy.corp.example.com",
            "10.0.0.1",
            "::1",
            "fe80::1",
            "2001:db8::8",
            "my_proxy-01",
        ] {
            assert_eq!(validate_host(ok), None, "{ok}");
        }
    }

    #[test]
    fn host_rejects_with_a_reason() {
        let cases = [
            ("", "required"),
            ("http://proxy", "scheme"),
            ("proxy:3128", "port"),
            ("proxy/path", "path"),
            ("my proxy", "spaces"),
            ("999.1.1.1", "host name, an IPv4"),
            ("-bad.example", "host name, an IPv4"),
            ("a..b", "host name, an IPv4"),
            ("[::1]", "host name, an IPv4"),
        ];
        for (host, reason) in cases {
            let msg = validate_host(host).unwrap_or_else(|| panic!("{host} accepted"));
            assert!(msg.contains(reason), "{host}: {msg}");
        }
        assert!(validate_host(&"a".repeat(256)).unwrap().contains("255"));
    }

    #[test]
    fn port_rules() {
        assert_eq!(validate_port(1), None);
        assert_eq!(validate_port(65535), None);
        assert!(validate_port(0).is_some());
        assert!(validate_port(65536).is_some());
        assert_eq!(parse_port(""), Ok(80));
        assert_eq!(parse_port(" 3128 "), Ok(3128));
        assert!(parse_port("80a").is_err());
        assert!(parse_port("70000").is_err());
    }

    #[test]
    fn only_http_is_supported() {
        assert_eq!(validate_proxy_type("HTTP"), None);
        let msg = validate_proxy_type("SOCKS5").unwrap();
        assert!(msg.contains("only HTTP proxies are supported"), "{msg}");
    }

    #[test]
    fn username_length() {
        assert_eq!(validate_username(None), None);
        assert_eq!(validate_username(Some(&"u".repeat(200))), None);
        assert!(validate_username(Some(&"u".repeat(201))).is_some());
    }

    #[test]
    fn every_message_maps_back_to_its_field() {
        let mut p = proxy("", "http://x");
        p.port = 0;
        p.proxy_type = "SOCKS4".into();
        p.username = Some("u".repeat(201));
        let errors = validate_proxy(&p);
        assert_eq!(errors.len(), 5);
        for e in &errors {
            assert_eq!(field_of_message(&e.message), Some(e.field), "{}", e.message);
        }
        assert_eq!(
            field_of_message(&duplicate_name_message("x")),
            Some(ProxyField::Name)
        );
        assert_eq!(
            field_of_message::<ProxyField>("Something else went wrong."),
            None
        );
    }

    #[test]
    fn normalize_trims_and_drops_empty_username() {
        let mut p = proxy("  Squid ", " proxy.local ");
        p.username = Some("   ".into());
        normalize(&mut p);
        assert_eq!(
            (p.name.as_str(), p.host.as_str(), p.username),
            ("Squid", "proxy.local", None)
        );
    }
}
