//! Accounts: logins, sessions, tokens, invitations, digests, feeds, members (rapport-store:
//! accounts.rs).

use crate::ids::{UserId, WorkspaceId};
use crate::workspace::Actor;
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Accounts: sign-in, sessions, API tokens, the set-up link, login throttling. Secrets are
/// given and kept as hashes only.
pub trait AccountStore: Send + Sync {
    /// Whether any user can sign in (has a password): if none, the server offers set-up.
    fn any_login(&self) -> impl Future<Output = StoreResult<bool>> + Send;

    /// The user with this (normalised) email, with their password hash.
    fn login_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = StoreResult<Option<crate::account::Login>>> + Send;

    /// A user's first membership, as the actor they act as after signing in.
    fn first_actor(&self, user: &UserId)
    -> impl Future<Output = StoreResult<Option<Actor>>> + Send;

    /// Records a one-time set-up token (its hash).
    fn add_setup_token(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Whether a set-up token is unused and no one can sign in yet.
    fn setup_token_valid(&self, hash: &str) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Uses a set-up token: in one transaction, checks it is unused and no one can sign in
    /// yet, marks it used, and gives the first workspace's first owner this email, name and
    /// password hash. `Conflict` if the token is used or set-up already happened.
    fn complete_setup(
        &self,
        hash: &str,
        email: &str,
        name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Actor>> + Send;

    /// Adds a user to the named workspace with a role (and a password hash when given).
    /// `Conflict` if the email is taken; `NotFound` if there is no such workspace.
    fn add_user(
        &self,
        workspace_name: &str,
        email: &str,
        name: &str,
        role: crate::workspace::Role,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Actor>> + Send;

    /// Adds a member to a workspace who has no password yet, and a one-time invitation
    /// (its token's hash) with which they choose one, in one transaction. `Conflict` if
    /// the email is taken.
    fn invite(
        &self,
        invite: &crate::account::NewInvite,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The email and workspace name of a usable invitation (unused, not expired, its member
    /// still in the workspace).
    fn invitation(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<(String, String)>>> + Send;

    /// Uses an invitation: in one transaction, checks it is usable, marks it used and sets
    /// the member's password. `Conflict` if it is used, expired or its member left.
    fn accept_invite(
        &self,
        hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Actor>> + Send;

    /// Sets (`Some("HH:MM")`) or stops (`None`) a member's daily digest.
    fn set_digest(
        &self,
        actor: &Actor,
        send_at: Option<&str>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// An account's other addresses (besides its email), sorted.
    fn my_addresses(&self, user: &UserId) -> impl Future<Output = StoreResult<Vec<String>>> + Send;

    /// Adds and removes an account's other addresses, in one transaction.
    fn change_my_addresses(
        &self,
        user: &UserId,
        add: &[String],
        remove: &[String],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The member's own digest hour (`HH:MM`), if they set one.
    fn digest_at(&self, actor: &Actor) -> impl Future<Output = StoreResult<Option<String>>> + Send;

    /// Every live member who wants a digest and has an email: (actor, send_at, last day sent).
    fn digest_members(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<(Actor, String, Option<String>)>>> + Send;

    /// Claims a member's digest for `day` (`YYYY-MM-DD`): true once per day, whoever asks.
    fn claim_digest(
        &self,
        actor: &Actor,
        day: &str,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Gives a claim back (the send failed): the day's digest may be tried again.
    fn release_digest(
        &self,
        actor: &Actor,
        day: &str,
        previous: Option<&str>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Gives a member a new calendar feed token (its hash), replacing any earlier one.
    fn rotate_feed(
        &self,
        actor: &Actor,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The member a calendar feed token belongs to (live memberships only).
    fn feed_actor(&self, hash: &str) -> impl Future<Output = StoreResult<Option<Actor>>> + Send;

    /// Starts a session.
    fn add_session(
        &self,
        session: &crate::account::NewSession,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The live session with this id hash, if not expired.
    fn session(
        &self,
        id_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<crate::account::Session>>> + Send;

    /// Ends a session.
    fn end_session(&self, id_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;

    /// Records an API token (its hash) for a user in a workspace.
    fn add_token(
        &self,
        actor: &Actor,
        id: &crate::account::TokenId,
        name: &str,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The actor behind an unrevoked token, noting its use.
    fn token_actor(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Actor>>> + Send;

    /// A user's tokens in a workspace, newest first.
    fn tokens(
        &self,
        actor: &Actor,
    ) -> impl Future<Output = StoreResult<Vec<crate::account::TokenInfo>>> + Send;

    /// Revokes one of the acting user's tokens. `NotFound` if it is not theirs.
    fn revoke_token(
        &self,
        actor: &Actor,
        id: &crate::account::TokenId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Reserves a sign-in attempt against each key (the account's email, the client's
    /// address) before its password is checked, atomically however many run in parallel:
    /// `false`, and nothing written, when a key already has `max` failures since `since`;
    /// else the attempt is recorded as a failure of each key under `attempt` until
    /// [`AccountStore::release_login_attempt`] takes it back (it succeeded).
    fn reserve_login_attempt(
        &self,
        keys: &[String],
        attempt: &str,
        since: Timestamp,
        max: u64,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Forgets failures recorded before `before`, and the keys left without any.
    fn prune_login_failures(
        &self,
        before: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Takes back a reserved attempt that succeeded.
    fn release_login_attempt(&self, attempt: &str) -> impl Future<Output = StoreResult<()>> + Send;

    /// The live members of a workspace.
    fn members(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<crate::account::Member>>> + Send;

    /// In one transaction: gives `to` every contact, open commitment and open deal `from`
    /// owns in the workspace, ends `from`'s membership, sessions and tokens there. Counts
    /// what moved. Each moved commitment's history gets a `handed_off` entry by `by`.
    /// `NotFound` unless both are live members.
    fn handoff(
        &self,
        ws: &WorkspaceId,
        by: &UserId,
        from: &UserId,
        to: &UserId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<crate::account::Handoff>> + Send;

    /// Every account with its live memberships, oldest first.
    fn accounts(&self) -> impl Future<Output = StoreResult<Vec<crate::account::Account>>> + Send;

    /// Changes an account's email and/or name. `Conflict` if another account has the email,
    /// `NotFound` if there is no such account.
    fn edit_account(
        &self,
        user: &UserId,
        email: Option<&str>,
        name: Option<&str>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The actor of a user in a workspace found by name (for the admin CLI).
    fn actor_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = StoreResult<Option<Actor>>> + Send;
}
