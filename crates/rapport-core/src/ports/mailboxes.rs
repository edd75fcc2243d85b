//! Members' mailboxes read over IMAP (rapport-store: mailboxes.rs).

use jiff::Timestamp;
use std::future::Future;

use crate::ids::{UserId, WorkspaceId};
use crate::model::mailbox::{FolderState, Mailbox};

use super::*;

pub trait MailboxStore: Send + Sync {
    /// Stores a member's mailbox (replacing the one before); what was read of the folders
    /// it still lists is kept.
    fn save_mailbox(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        mailbox: &Mailbox,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    fn mailbox(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
    ) -> impl Future<Output = StoreResult<Option<Mailbox>>> + Send;

    /// Forgets a member's mailbox and what was read of it. False when there was none.
    fn forget_mailbox(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    fn folder_state(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        folder: &str,
    ) -> impl Future<Output = StoreResult<Option<FolderState>>> + Send;

    fn set_folder_state(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        folder: &str,
        state: FolderState,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Takes the mailbox's lease until `until` when it is free or expired: one sync at a
    /// time per mailbox, across servers. False when another holds it.
    fn take_mailbox_lease(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        holder: &str,
        until: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Ends a sync: the lease given back, when it ran and how it went.
    fn finish_mailbox_sync(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        holder: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The members with a connected mailbox, as actors in its workspace.
    fn all_mailboxes(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<crate::workspace::Actor>>> + Send;
}
