//! Resource ids look like `Proxies-12`: the collection name and a number that is never reused.

pub const SPACES: &str = "Spaces";
pub const PROXIES: &str = "Proxies";
pub const ENVIRONMENTS: &str = "Environments";
pub const ACCOUNTS: &str = "Accounts";
pub const MACHINES: &str = "Machines";
pub const WORKERS: &str = "Workers";
pub const WORKER_POOLS: &str = "WorkerPools";
pub const TASKS: &str = "ServerTasks";
pub const DEFAULT_SPACE_ID: &str = "Spaces-1";

pub fn format(prefix: &str, seq: i64) -> String {
    format!("{prefix}-{seq}")
}

/// The number in an id of this collection; the prefix is matched ignoring case.
pub fn parse(prefix: &str, id: &str) -> Option<i64> {
    let (head, number) = id.rsplit_once('-')?;
    if !head.eq_ignore_ascii_case(prefix) || number.starts_with('+') {
        return None;
    }
    number.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_only_its_own_collection() {
        assert_eq!(super::parse("Proxies", "Proxies-12"), Some(12));
        assert_eq!(super::parse("Proxies", "proxies-3"), Some(3));
        assert_eq!(super::parse("Proxies", "Spaces-1"), None);
        assert_eq!(super::parse("Proxies", "Proxies-0"), None);
        assert_eq!(super::parse("Proxies", "Proxies-x"), None);
        assert_eq!(super::parse("Proxies", "Proxies-+1"), None);
    }
}
