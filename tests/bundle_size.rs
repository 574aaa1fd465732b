//! The whole download (wasm + js + css of the release build) stays within its gzip budget.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use std::process::Command;

/// The budget for everything a browser downloads to run the console: 332 KiB for the Proxies and
/// Deployment Targets areas with issue 11's checks (proxy test, discovery, health). Issue 3 set
/// 250 KiB for Proxies alone, issue 4 raised it to 310 KiB; see the README's "The download" for
/// why each raise was made and what it measured.
const BUDGET_GZIP_BYTES: usize = 332 * 1024;

/// Size after `gzip -9`, the same measure the build prints and the README states.
fn gzip_len(path: &std::path::Path) -> usize {
    let out = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .expect("gzip runs");
    assert!(out.status.success(), "gzip failed on {}", path.display());
    out.stdout.len()
}

#[test]
fn release_bundle_fits_the_gzip_budget() {
    let dist = browser::dist_dir();
    let mut total = 0;
    let mut kinds = vec![];
    for entry in std::fs::read_dir(&dist).unwrap() {
        let path = entry.unwrap().path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_owned();
        if ["wasm", "js", "css"].contains(&ext.as_str()) {
            let size = gzip_len(&path);
            println!("{}: {size} bytes gzip", path.display());
            total += size;
            kinds.push(ext);
        }
    }
    for needed in ["wasm", "js", "css"] {
        assert!(
            kinds.iter().any(|k| k == needed),
            "no .{needed} in {}",
            dist.display()
        );
    }
    assert!(
        total <= BUDGET_GZIP_BYTES,
        "the console downloads {total} bytes gzip, over the {BUDGET_GZIP_BYTES} budget"
    );
}
