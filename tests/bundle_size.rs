//! The whole download (wasm + js + css of the release build) and what the server sends of the
//! console's files (their brotli twins) stay within what was measured after issue 22, plus a
//! small margin: a change that grows the download has to say so here, and why.

#![cfg(not(target_arch = "wasm32"))]

mod browser;

use std::path::Path;
use std::process::Command;

/// gzip -9 of the wasm, the JS glue, boot.js and the CSS. Issue 22 (session 10) traded size for
/// code written as Leptos and serde are meant to be used (a typed resource per screen, an
/// `Action` per change, typed readers of every answer shared with the server): 296,512 bytes
/// before, 342,243 after. Issue 23 (session 11) made every feature work on a server without the
/// mock's extensions (the documented way beside each extension: counts from every machine, the
/// proxy filter and paging in the console, changes one machine at a time with a report, the test
/// through discovery, a re-read before each write without ETags, boot.js asking for what either
/// server's screen needs): 364,276 after. Issue 25 (session 12) made the console read the
/// person's permissions (users/me and their permission set, typed as the server writes them) and
/// show each screen as that person may use it (Add, Delete, selection, Check health, Test hidden;
/// forms read-only with why; a 403 in words): 380,127 after. Issue 26 (session 12) added the
/// audit trail's screens (a History panel on each proxy and machine page, the Audit list, a
/// change's words field by field): 421,738 after; session 12's note names where to trim it. The
/// margin (about 1%) covers the JS
/// minifier, which orders hoisted constants differently from build to build. The README's "The
/// download" has the steps.
const BUDGET_GZIP_BYTES: usize = 416 * 1024;

/// The brotli twins of the five files the first load asks for (index.html, the glue, boot.js,
/// the CSS, the wasm): 270,016 bytes after issue 22 (236,552 before), 285,094 after issue 23,
/// 297,041 after issue 25 (permissions: the wasm 275,196 → 285,247), 330,015 after issue 26's
/// History and Audit screens (the wasm 285,247 → 317,999), plus about 1%. With the
/// first screen's API answers, the icon and the headers, the first load is about 340,000 bytes on
/// the wire (`scripts/bench`, BENCHMARKS.md): over issue 10's 250,000, a trade issues 22, 23, 25
/// and 26 asked for.
const BUDGET_BROTLI_BYTES: usize = 333_000;

/// Size after `gzip -9`, the same measure the build prints and the README states.
fn gzip_len(path: &Path) -> usize {
    let out = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .expect("gzip runs");
    assert!(out.status.success(), "gzip failed on {}", path.display());
    out.stdout.len()
}

/// The build's files that `pick` keeps (by name), each with its size as `measure` takes it.
fn sizes(pick: impl Fn(&str) -> bool, measure: impl Fn(&Path) -> usize) -> Vec<(String, usize)> {
    let dist = browser::dist_dir();
    let mut files = vec![];
    for entry in std::fs::read_dir(&dist).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if pick(&name) {
            let size = measure(&path);
            println!("{name}: {size} bytes");
            files.push((name, size));
        }
    }
    files
}

fn total(files: &[(String, usize)]) -> usize {
    files.iter().map(|(_, size)| size).sum()
}

#[test]
fn what_the_server_sends_of_the_console_fits_its_budget() {
    // The brotli twins (precompress wrote them) of what the first load asks for.
    let first_load = |name: &str| {
        name.strip_suffix(".br").is_some_and(|served| {
            ["index.html", "boot.js"].contains(&served)
                || [".wasm", ".js", ".css"].iter().any(|e| served.ends_with(e))
        })
    };
    let files = sizes(first_load, |path| {
        std::fs::metadata(path).unwrap().len() as usize
    });
    assert_eq!(files.len(), 5, "{files:?}");
    let total = total(&files);
    assert!(
        total <= BUDGET_BROTLI_BYTES,
        "the server sends {total} bytes of the console's files, over the {BUDGET_BROTLI_BYTES} budget"
    );
}

#[test]
fn release_bundle_fits_the_gzip_budget() {
    let kind = |name: &str| name.rsplit('.').next().unwrap_or_default().to_owned();
    let files = sizes(
        |name| ["wasm", "js", "css"].contains(&kind(name).as_str()),
        gzip_len,
    );
    for needed in ["wasm", "js", "css"] {
        assert!(
            files.iter().any(|(name, _)| kind(name) == needed),
            "no .{needed} in {files:?}"
        );
    }
    let total = total(&files);
    assert!(
        total <= BUDGET_GZIP_BYTES,
        "the console downloads {total} bytes gzip, over the {BUDGET_GZIP_BYTES} budget"
    );
}
