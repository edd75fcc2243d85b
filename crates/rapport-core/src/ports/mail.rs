//! Mail imported (rapport-store: mail.rs): which message was logged with which contact.

use crate::ids::{ContactId, WorkspaceId};
use crate::interaction::Interaction;
use std::future::Future;

use super::*;

/// The bookkeeping that makes a mail import idempotent.
pub trait MailStore: Send + Sync {
    /// Of the given message keys, the (key, contact) pairs already logged.
    fn mail_logged(
        &self,
        ws: &WorkspaceId,
        keys: &[String],
    ) -> impl Future<Output = StoreResult<Vec<(String, ContactId)>>> + Send;

    /// The conversation a message was logged as with a contact, if it still is.
    fn mail_interaction(
        &self,
        ws: &WorkspaceId,
        key: &str,
        contact: &ContactId,
    ) -> impl Future<Output = StoreResult<Option<crate::ids::InteractionId>>> + Send;

    /// In one transaction: each (message key, interaction) not yet logged for that contact
    /// is inserted, its contact's keep-in-touch clock reset as any interaction does, and the
    /// pair remembered. Returns how many were new (a pair another import logged meanwhile is
    /// left alone).
    fn log_mail(
        &self,
        ws: &WorkspaceId,
        batch: &[(String, Interaction)],
        now: jiff::Timestamp,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
}
