//! Accounts: who may sign in, their sessions and API tokens, the one-time set-up link, and
//! login throttling. Secrets never reach the store in the clear: passwords as argon2 hashes
//! (made by the server, off the async threads), session ids and tokens as SHA-256 digests.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::Invalid;
use crate::ids::{UserId, WorkspaceId};
use crate::workspace::{Actor, Role};

crate::ids::id_type!(
    /// An API token (its id, not the secret).
    TokenId
);

/// A password is at least this long (no composition rules: length is what counts).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// And at most this long (argon2 hashes anything, but a megabyte "password" is an attack).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Normalises and checks an email address used to sign in (lower-cased; one `@`, a dot in
/// the domain, no spaces).
pub fn clean_email(email: &str) -> Result<String, Invalid> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(e)
    } else {
        Err(Invalid::new(
            "email",
            format!("{email:?} is not an email address"),
        ))
    }
}

/// A user who may sign in, with their password hash.
#[derive(Clone, Debug)]
pub struct Login {
    pub user_id: UserId,
    pub password_hash: Option<String>,
}

/// A new session, as stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the cookie's value.
    pub id_hash: String,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    /// The session's CSRF token (a form field must match it).
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A live session: who, and the token its forms must carry.
#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
}

/// An API token as listed (never its secret).
#[derive(Clone, Debug, Serialize)]
pub struct TokenInfo {
    pub id: TokenId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A sign-in attempt is refused for a while after this many failures ...
pub const MAX_LOGIN_FAILURES: u64 = 10;

/// ... within this many minutes, for one account or one address.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// A member of a workspace, as the settings page lists them.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub can_sign_in: bool,
}

/// An account and where it belongs: what `rapport user list` shows.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub user_id: UserId,
    pub name: String,
    pub email: Option<String>,
    /// Whether it has a password (else it signs in after set-up or an invitation).
    pub can_sign_in: bool,
    /// The workspaces it is a live member of, by name, with its role there.
    pub workspaces: Vec<AccountMembership>,
}

/// One workspace an account belongs to.
#[derive(Clone, Debug, Serialize)]
pub struct AccountMembership {
    pub workspace: String,
    pub role: Role,
}

/// What a handoff moved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Handoff {
    pub from: Option<UserId>,
    pub to: Option<UserId>,
    pub contacts: u64,
    pub open_commitments: u64,
    pub open_deals: u64,
}

/// Finds a live member of the actor's workspace by email or user id.
pub(crate) fn find_member<'a>(members: &'a [Member], who: &str) -> Option<&'a Member> {
    let key = who.trim().to_lowercase();
    members
        .iter()
        .find(|m| m.user_id.as_str() == key || m.email.as_deref() == Some(key.as_str()))
}

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

/// An invitation as stored: the new member and the link's hash.
#[derive(Clone, Debug)]
pub struct NewInvite {
    pub workspace_id: crate::ids::WorkspaceId,
    pub user_id: UserId,
    pub invited_by: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub token_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The history action written on each commitment a handoff moves.
pub const HANDED_OFF: &str = "handed_off";
