//! Secrets at rest (a mailbox's password): sealed with ChaCha20-Poly1305 (ring) under a key
//! kept outside the database: `RAPPORT_SECRET_KEY` (32 bytes, base64), or a key file made
//! on first use, readable by its owner only (0600). Never logged, never returned.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

/// The prefix of a sealed value (its format's version).
const SEALED: &str = "v1:";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("RAPPORT_SECRET_KEY must be 32 bytes in base64")]
    BadKey,
    #[error("the key file {0}: {1}")]
    KeyFile(PathBuf, std::io::Error),
    #[error("the key file {0} is not a Rapport key (32 bytes in base64)")]
    BadKeyFile(PathBuf),
    #[error(
        "no place for the key: set RAPPORT_SECRET_KEY (32 bytes in base64), the same on every server"
    )]
    NoPlace,
    #[error("no randomness from the system")]
    Random,
    #[error("the secret cannot be opened with this key (was it sealed with another?)")]
    Open,
}

/// The key secrets are sealed with.
pub struct SecretKey(LessSafeKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

fn decode(text: &str) -> Option<[u8; 32]> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
}

fn key_of(bytes: &[u8; 32]) -> Result<SecretKey, SecretError> {
    UnboundKey::new(&CHACHA20_POLY1305, bytes)
        .map(|k| SecretKey(LessSafeKey::new(k)))
        .map_err(|_| SecretError::BadKey)
}

impl SecretKey {
    /// `RAPPORT_SECRET_KEY` when set, else the key file `file` (made, 0600, when missing).
    pub fn load(file: Option<&Path>) -> Result<SecretKey, SecretError> {
        if let Ok(text) = std::env::var("RAPPORT_SECRET_KEY") {
            return key_of(&decode(&text).ok_or(SecretError::BadKey)?);
        }
        let file = file.ok_or(SecretError::NoPlace)?;
        // Two processes on first use: one makes the file, the other waits for it.
        for _ in 0..40 {
            match std::fs::read_to_string(file) {
                Ok(text) => match decode(&text) {
                    Some(bytes) => return key_of(&bytes),
                    // Being written by the process that made it.
                    None if text.len() < 44 => {}
                    None => return Err(SecretError::BadKeyFile(file.into())),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => match Self::make(file) {
                    Err(SecretError::KeyFile(_, e))
                        if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    made => return made,
                },
                Err(e) => return Err(SecretError::KeyFile(file.into(), e)),
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(SecretError::BadKeyFile(file.into()))
    }

    fn make(file: &Path) -> Result<SecretKey, SecretError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| SecretError::Random)?;
        let io = |e| SecretError::KeyFile(file.into(), e);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(file).map_err(io)?;
        f.write_all(
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .as_bytes(),
        )
        .map_err(io)?;
        f.sync_all().map_err(io)?;
        key_of(&bytes)
    }

    /// Seals a secret: a fresh nonce and the ciphertext, in base64.
    pub fn seal(&self, plain: &str) -> Result<String, SecretError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SecretError::Random)?;
        let mut data = plain.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| SecretError::Random)?;
        let mut all = nonce.to_vec();
        all.extend(data);
        Ok(format!(
            "{SEALED}{}",
            base64::engine::general_purpose::STANDARD.encode(all)
        ))
    }

    /// Opens a sealed secret.
    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let bytes = sealed
            .strip_prefix(SEALED)
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(SecretError::Open)?;
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| SecretError::Open)?;
        let mut data = rest.to_vec();
        let plain = self
            .0
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| SecretError::Open)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SecretError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_opens_only_with_its_key_and_the_key_file_is_private() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("keys/secret.key");
        // (RAPPORT_SECRET_KEY is not set in tests.)
        let key = SecretKey::load(Some(&file)).expect("made");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sealed = key.seal("correct horse").expect("sealed");
        assert!(!sealed.contains("correct"));
        assert_ne!(
            sealed,
            key.seal("correct horse").expect("sealed"),
            "a fresh nonce"
        );
        assert_eq!(key.open(&sealed).expect("opened"), "correct horse");
        let again = SecretKey::load(Some(&file)).expect("read");
        assert_eq!(again.open(&sealed).expect("opened"), "correct horse");
        let other = SecretKey::load(Some(&dir.path().join("other.key"))).expect("made");
        assert!(other.open(&sealed).is_err());
        assert!(key.open("v1:garbage").is_err());
        std::fs::write(dir.path().join("bad.key"), "x".repeat(60)).expect("write");
        assert!(SecretKey::load(Some(&dir.path().join("bad.key"))).is_err());
    }
}
