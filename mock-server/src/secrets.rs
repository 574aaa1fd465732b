//! Passwords at rest: sealed with XChaCha20-Poly1305 under a master key that lives in its own file
//! beside the database (`<db>.masterkey`, created on first start, readable by its owner only), as
//! the real server keeps its master key apart from its database. A copy of the database file
//! alone reveals no password. Whoever can read the key file too, or the server's memory, can.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305};

/// What a sealed value starts with in the database (a version, for a future change of scheme).
const PREFIX: &str = "v1:";
/// Binds a sealed value to its use: a proxy password cannot be passed off as another secret.
const PURPOSE: &[u8] = b"proxy-password";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct Secrets {
    cipher: Arc<XChaCha20Poly1305>,
}

impl Secrets {
    /// The key of the database at `db`: read from `<db>.masterkey`, or made and written there on
    /// first start. `None` (a throwaway database) keeps a fresh key in memory only.
    pub fn for_database(db: Option<&Path>) -> Result<Self, String> {
        let key = match db {
            None => XChaCha20Poly1305::generate_key(&mut OsRng),
            Some(db) => load_or_create(&key_path(db))?,
        };
        Ok(Self {
            cipher: Arc::new(XChaCha20Poly1305::new(&key)),
        })
    }

    /// The sealed form of `plain`, as stored. A fresh nonce each time, so one password stored
    /// twice looks different.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: PURPOSE,
        };
        let sealed = self
            .cipher
            .encrypt(&nonce, payload)
            .expect("XChaCha20-Poly1305 encrypts any message this size");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{PREFIX}{}", B64.encode(bytes))
    }

    /// The password in a stored value; `None` when it was not sealed under this key. Only the
    /// server's own connections read it (the proxy test); it is never sent back.
    pub fn open(&self, stored: &str) -> Option<String> {
        let bytes = B64.decode(stored.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: sealed,
            aad: PURPOSE,
        };
        let plain = self
            .cipher
            .decrypt(chacha20poly1305::XNonce::from_slice(nonce), payload)
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// Whether a stored value is sealed (older databases hold plain text until `Db` seals it).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".masterkey");
    db.with_file_name(name)
}

fn load_or_create(path: &Path) -> Result<Key, String> {
    let shown = path.display();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = B64
                .decode(text.trim())
                .map_err(|_| format!("the master key file {shown} is not valid base64"))?;
            if bytes.len() != 32 {
                return Err(format!(
                    "the master key file {shown} does not hold a 32-byte key"
                ));
            }
            Ok(*Key::from_slice(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = XChaCha20Poly1305::generate_key(&mut OsRng);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .map_err(|e| format!("cannot create the master key file {shown}: {e}"))?;
            writeln!(file, "{}", B64.encode(key))
                .and_then(|_| file.sync_all())
                .map_err(|e| format!("cannot write the master key file {shown}: {e}"))?;
            tracing::info!(
                "created the master key {shown}: keep it with the database, and private"
            );
            Ok(key)
        }
        Err(e) => Err(format!("cannot read the master key file {shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_never_stores_the_plain_text() {
        let s = Secrets::for_database(None).unwrap();
        let sealed = s.seal("hunter2");
        assert!(Secrets::is_sealed(&sealed));
        assert!(!sealed.contains("hunter2"));
        assert_ne!(sealed, s.seal("hunter2"), "a fresh nonce each time");
        assert_eq!(s.open(&sealed).as_deref(), Some("hunter2"));
        let other = Secrets::for_database(None).unwrap();
        assert_eq!(other.open(&sealed), None, "another key cannot open it");
    }

    #[test]
    fn the_key_file_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let sealed = Secrets::for_database(Some(&db)).unwrap().seal("pw");
        assert!(key_path(&db).exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = Secrets::for_database(Some(&db)).unwrap();
        assert_eq!(again.open(&sealed).as_deref(), Some("pw"));
    }
}
