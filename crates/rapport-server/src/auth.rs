//! Secrets, passwords and who is asking: API tokens (`Authorization: Bearer`), cookie
//! sessions with a CSRF token for forms, the one-time set-up link, login throttling.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use jiff::Timestamp;
use rapport_core::account::{LOGIN_WINDOW_MINUTES, MAX_LOGIN_FAILURES, NewSession, Session};
use rapport_core::ports::AccountStore;
use rapport_core::workspace::Actor;

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rapport_session";
/// Sessions last this long.
pub const SESSION_DAYS: i64 = 14;

/// `n` random bytes, URL-safe base64 without padding.
pub fn secret(n: usize) -> Result<String, ApiError> {
    Ok(rapport_core::usecases::tokens::secret(n)?)
}

pub use rapport_core::usecases::tokens::digest;

/// How long a sign-in waits for a free hashing slot before it is told to come back.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// One argon2 hash at a time per core: each takes 19 MiB, so unbounded parallel sign-ins
/// (even for unknown emails) would take the server's memory. The rest wait their turn, at
/// most [`HASH_WAIT`], then get 503.
async fn hashing_slot() -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    static SLOTS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        std::sync::Arc::new(tokio::sync::Semaphore::new(cores))
    });
    match tokio::time::timeout(HASH_WAIT, slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(e)) => Err(ApiError::internal(e)),
        Err(_) => Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "too many sign-ins at once: try again in a few seconds",
        )),
    }
}

type HashJob = Box<dyn FnOnce() + Send>;

/// The threads argon2 runs on: one per core, for the life of the process. Each hash takes
/// 19 MiB, which the allocator keeps in the arena of the thread that used it; on tokio's
/// blocking pool (hundreds of threads) that memory piled up thread by thread (10 sign-ins,
/// 200 MB), on these few threads it is reused.
fn hash_threads() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<HashJob>> {
    static POOL: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        for i in 0..cores {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("rapport-argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(p) => p.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                eprintln!("rapport: cannot start a hashing thread: {e}");
            }
        }
        std::sync::Mutex::new(tx)
    })
}

/// Runs `f` on a hashing thread (after taking a hashing slot) and waits for its answer.
async fn on_hash_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    // The slot goes with the job, not the request: a client that hangs up does not free it
    // while its hash still runs, so queued work stays bounded by the cores.
    let slot = hashing_slot().await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(ApiError::internal("a password hash panicked")));
        drop(slot);
        let _ = tx.send(answer);
    });
    hash_threads()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job)
        .map_err(|_| ApiError::internal("the hashing threads are gone"))?;
    rx.await.map_err(ApiError::internal)?
}

thread_local! {
    /// argon2's working memory (19 MiB with the default parameters), kept by each hashing
    /// thread and reused: allocated afresh for every hash, it was not given back and the
    /// server grew by 19 MiB a sign-in.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// argon2 of `password` and `salt` into `out`, in this thread's reused working memory.
fn argon2_into(a: &Argon2, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), ApiError> {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let need = a.params().block_count();
        if blocks.len() < need {
            blocks.resize(need, argon2::Block::default());
        }
        a.hash_password_into_with_memory(password, salt, out, &mut blocks[..need])
            .map_err(ApiError::internal)
    })
}

/// Hashes a password with argon2 (default parameters: argon2id, 19 MiB, 2 passes) into a
/// PHC string, on a hashing thread.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    on_hash_thread(move || hash_now(password.as_bytes())).await
}

fn hash_now(password: &[u8]) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let a = Argon2::default();
    let mut out = [0u8; argon2::Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&a, password, &salt, &mut out)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: argon2::password_hash::ParamsString::try_from(a.params())
            .map_err(ApiError::internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(argon2::password_hash::Output::new(&out).map_err(ApiError::internal)?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored hash, on a hashing thread. A missing hash is checked
/// against a dummy so a wrong email costs as much time as a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, ApiError> {
    on_hash_thread(move || {
        let known = hash.is_some();
        let stored = match hash {
            Some(h) => h,
            None => dummy_hash()?,
        };
        let ok = verify_now(password.as_bytes(), &stored)?;
        Ok(ok && known)
    })
    .await
}

fn verify_now(password: &[u8], stored: &str) -> Result<bool, ApiError> {
    let unreadable = |e: argon2::password_hash::Error| {
        ApiError::internal(format!("unreadable password hash: {e}"))
    };
    let parsed = PasswordHash::new(stored).map_err(unreadable)?;
    let algorithm = argon2::Algorithm::try_from(parsed.algorithm).map_err(unreadable)?;
    let version = parsed
        .version
        .map(argon2::Version::try_from)
        .transpose()
        .map_err(|e| ApiError::internal(format!("unreadable password hash: {e}")))?
        .unwrap_or_default();
    let params = argon2::Params::try_from(&parsed).map_err(unreadable)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(ApiError::internal(
            "unreadable password hash: no salt or hash",
        ));
    };
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).map_err(unreadable)?;
    let a = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    argon2_into(&a, password, salt, &mut out)?;
    // Constant time, like the crate's own check.
    Ok(out.len() == expected.as_bytes().len()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0)
}

/// A hash of no one's password, to check a sign-in for an unknown email against.
fn dummy_hash() -> Result<String, ApiError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h.clone());
    }
    let h = hash_now(b"no such account")?;
    Ok(DUMMY.get_or_init(|| h).clone())
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_DAYS * 86_400
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn cleared_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// Starts a session for an actor: returns the cookie's value.
pub async fn start_session(state: &AppState, actor: &Actor) -> Result<String, ApiError> {
    let id = secret(32)?;
    let now = Timestamp::now();
    let expires = now
        .checked_add(jiff::SignedDuration::from_hours(24 * SESSION_DAYS))
        .map_err(ApiError::internal)?;
    state
        .db
        .add_session(&NewSession {
            id_hash: digest(&id),
            user_id: actor.user.id.clone(),
            workspace_id: actor.workspace.id.clone(),
            csrf: secret(24)?,
            created_at: now,
            expires_at: expires,
        })
        .await?;
    Ok(id)
}

/// The caller of an API route, from `Authorization: Bearer TOKEN`.
#[derive(Debug)]
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        // Looked up on every request, never cached: a token revoked, or a member handed off,
        // by any process (the CLI, another server) stops working on the very next request.
        let actor = state
            .db
            .token_actor(&digest(token), Timestamp::now())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if let Some(slot) = parts.extensions.get::<crate::cache::WriteSlot>() {
            slot.fill(&actor.workspace.id);
        }
        Ok(ApiActor(actor))
    }
}

/// A signed-in browser, from the session cookie (`None` when signed out).
#[derive(Debug)]
pub struct WebSession(pub Option<(String, Session)>);

impl FromRequestParts<AppState> for WebSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(id) = cookie(parts, SESSION_COOKIE) else {
            return Ok(WebSession(None));
        };
        let hash = digest(&id);
        let session = state.db.session(&hash, Timestamp::now()).await?;
        if let (Some(slot), Some(s)) = (parts.extensions.get::<crate::cache::WriteSlot>(), &session)
        {
            slot.fill(&s.actor.workspace.id);
        }
        Ok(WebSession(session.map(|s| (hash, s))))
    }
}

/// The keys a failed sign-in counts against: the account (by its digest, so that whatever
/// is typed as an email the key stays small) and the client's address.
pub fn throttle_keys(email: &str, address: Option<&str>) -> Vec<String> {
    let mut keys = vec![format!("email:{}", digest(email))];
    if let Some(a) = address {
        keys.push(format!("addr:{a}"));
    }
    keys
}

/// Reserves a sign-in attempt for these keys: its id, or `None` when sign-in is refused for
/// now (a key has had [`MAX_LOGIN_FAILURES`] in the window). The attempt counts as a failure
/// until `release_login_attempt` takes it back.
pub async fn reserve_attempt(
    state: &AppState,
    keys: &[String],
) -> Result<Option<String>, ApiError> {
    let now = Timestamp::now();
    let since = now
        .checked_sub(jiff::SignedDuration::from_mins(LOGIN_WINDOW_MINUTES))
        .map_err(ApiError::internal)?;
    let attempt = secret(16)?;
    let reserved = state
        .db
        .reserve_login_attempt(keys, &attempt, since, MAX_LOGIN_FAILURES, now)
        .await?;
    Ok(reserved.then_some(attempt))
}

/// Constant-time comparison of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_made_by_the_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let old = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_now(b"correct horse battery", &old).expect("verify"));
        assert!(!verify_now(b"wrong horse battery", &old).expect("verify"));
        let ours = hash_now(b"correct horse battery").expect("hash");
        use argon2::PasswordVerifier as _;
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok(),
            "the crate reads ours"
        );
    }

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2"));
        assert!(
            verify_password("correct horse battery".into(), Some(h.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("wrong horse battery".into(), Some(h))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("anything at all".into(), None)
                .await
                .expect("no account")
        );
    }
}
