//! API tokens (also a phone's device password): made by a member for themselves, shown once,
//! kept only as a SHA-256 digest. The web, the API and `rapport token create` call this.

use jiff::Timestamp;
use serde::Serialize;

use crate::account::TokenId;
use crate::error::{Error, Result};
use crate::ports::AccountStore;
use crate::workspace::Actor;

/// `n` random bytes from the operating system, URL-safe base64 without padding.
pub fn secret(n: usize) -> Result<String> {
    use base64::Engine as _;
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| {
        Error::Store(crate::StoreError::Other(
            format!("no randomness: {e}").into(),
        ))
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// The stored form of a session id, token or link: its SHA-256, hex.
pub fn digest(secret: &str) -> String {
    use sha2::Digest as _;
    let d = sha2::Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new API token: what is shown once, and what is stored.
pub fn new_token() -> Result<(String, String)> {
    let token = format!("rpt_{}", secret(32)?);
    let hash = digest(&token);
    Ok((token, hash))
}

/// A token just made: the only time its secret is seen.
#[derive(Clone, Debug, Serialize)]
pub struct CreatedToken {
    pub id: TokenId,
    pub name: String,
    /// Shown once; only its digest is kept.
    pub token: String,
}

/// Makes an API token for the actor, named as they say (`laptop`, `phone`).
pub async fn create<S: AccountStore>(
    store: &S,
    actor: &Actor,
    name: &str,
    now: Timestamp,
) -> Result<CreatedToken> {
    let name = crate::commitment::clean_text("name", name)?;
    let (token, hash) = new_token()?;
    let id = TokenId::generate();
    store.add_token(actor, &id, &name, &hash, now).await?;
    Ok(CreatedToken { id, name, token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (a, ha) = new_token().expect("token");
        let (b, _) = new_token().expect("token");
        assert_ne!(a, b);
        assert!(a.starts_with("rpt_") && a.len() > 40);
        assert_eq!(ha.len(), 64);
        assert_ne!(ha, a);
        assert_eq!(digest(&a), ha);
    }
}
