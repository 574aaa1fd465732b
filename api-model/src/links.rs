use std::collections::BTreeMap;

/// `Links`: relation name to URL or RFC 6570 URI template (e.g. `Self`, `Page.Next`).
pub type Links = BTreeMap<String, String>;
