//! The whole download (wasm + js + css of the release build) stays within its gzip budget.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use std::io::Write;

/// The budget for everything a browser downloads to run the console.
const BUDGET_GZIP_BYTES: usize = 250 * 1024;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
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
            let size = gzip_len(&std::fs::read(&path).unwrap());
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
