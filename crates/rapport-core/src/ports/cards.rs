//! Contacts as cards for devices (rapport-store: cards.rs).

use std::future::Future;

use crate::card::CardMeta;
use crate::contact::Contact;
use crate::fact::Fact;
use crate::ids::{ContactId, FactId, WorkspaceId};

use super::*;

/// A card changed since some card number: its name, number, and whether it is still live
/// (an archived contact's card is gone from the address book).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardChange {
    pub href: String,
    pub seq: i64,
    /// Its ETag.
    pub etag: String,
    pub live: bool,
}

/// One write of a device's card, done in one transaction.
#[derive(Clone, Debug)]
pub struct CardWrite {
    /// The contact as it is to be (new when `created`).
    pub contact: Contact,
    pub created: bool,
    /// Bring an archived contact back (its card was written again).
    pub restore: bool,
    /// The device's UID and resource name (`None`: Rapport's own).
    pub uid: Option<String>,
    pub href: Option<String>,
    /// The card as sent.
    pub text: String,
    /// The card number the device's condition was checked against: the write happens only
    /// if the card is still at it (`Conflict` otherwise), checked in the write's transaction.
    pub expected_seq: Option<i64>,
    pub add_facts: Vec<Fact>,
    pub update_facts: Vec<Fact>,
    pub delete_facts: Vec<FactId>,
}

/// Cards.
pub trait CardStore: Send + Sync {
    /// The workspace's card number and its numbering: its address book's version (CTag)
    /// and newest sync token.
    fn card_number(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<(i64, String)>> + Send;

    /// The cards changed after card number `after`, by number then name, at most `limit`;
    /// with `live_only`, archived contacts are left out (a first sync).
    fn card_changes(
        &self,
        ws: &WorkspaceId,
        after: i64,
        live_only: bool,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<CardChange>>> + Send;

    /// The cards of these names (live or archived); names not found are left out.
    fn cards_named(
        &self,
        ws: &WorkspaceId,
        hrefs: &[String],
    ) -> impl Future<Output = StoreResult<Vec<CardMeta>>> + Send;

    /// The cards of these contacts (live or archived).
    fn cards_of(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<CardMeta>>> + Send;

    /// The card whose UID this is, if any (live or archived).
    fn card_with_uid(
        &self,
        ws: &WorkspaceId,
        uid: &str,
    ) -> impl Future<Output = StoreResult<Option<CardMeta>>> + Send;

    /// These contacts (emails, phones and tags included), live or archived.
    fn contacts_by_id(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;

    /// Archives a live contact's card, if it is still at card number `expected_seq` when
    /// given (checked in the transaction); false when it was not (nothing changed).
    fn archive_card(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
        expected_seq: Option<i64>,
        now: jiff::Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Writes a device's card: the contact, its card columns and its facts, all or nothing.
    /// `Conflict` if the name or UID was taken meanwhile, or the card is no longer at
    /// `expected_seq`.
    fn save_card(
        &self,
        ws: &WorkspaceId,
        write: &CardWrite,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
