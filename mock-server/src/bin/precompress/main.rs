//! Readies the console's build for serving: writes `NAME.br` (brotli, quality 11) and `NAME.gz`
//! (gzip, level 9) beside each file that compresses (wasm, JS, CSS, HTML, SVG), so the server
//! sends them compressed without compressing on every request. Trunk runs it after each build
//! (the `post_build` hook in Trunk.toml, on `$TRUNK_STAGING_DIR`); by hand, give the directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "html", "svg", "json", "txt"];
/// Smaller files gain nothing worth a second request path.
const MIN_BYTES: usize = 256;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR"))
        .map(PathBuf::from);
    let Some(dir) = dir else {
        eprintln!("usage: precompress DIR (or set TRUNK_STAGING_DIR)");
        return ExitCode::from(2);
    };
    match compress_dir(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("precompress {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn compress_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if path.is_file() && COMPRESSIBLE.contains(&ext) {
            compress_file(&path)?;
        }
    }
    Ok(())
}

/// Writes each compressed form only when it is smaller than the file (and removes an old one
/// that is not), so the server never sends a bigger or stale version.
fn compress_file(path: &Path) -> std::io::Result<()> {
    let raw = std::fs::read(path)?;
    let forms: [(&str, Vec<u8>); 2] = [("br", brotli(&raw)?), ("gz", gzip(&raw)?)];
    for (suffix, packed) in forms {
        let mut name = path.as_os_str().to_owned();
        name.push(".");
        name.push(suffix);
        let target = PathBuf::from(name);
        if raw.len() >= MIN_BYTES && packed.len() < raw.len() {
            std::fs::write(&target, packed)?;
        } else if target.exists() {
            std::fs::remove_file(&target)?;
        }
    }
    Ok(())
}

fn brotli(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(raw)?;
    encoder.finish()
}
