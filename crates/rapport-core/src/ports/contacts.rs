//! Contacts and their listing (rapport-store: contacts.rs).

use crate::contact::{Contact, RelationshipType};
use crate::ids::{ContactId, WorkspaceId};
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Which contacts a listing returns, and from where.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactFilter {
    pub relationship: Option<RelationshipType>,
    /// A tag, already folded.
    pub tag: Option<String>,
    /// A search over name, organisation, emails and tags, already folded.
    pub search: Option<String>,
    /// Where we met contains this, already folded.
    pub met: Option<String>,
    /// Archived contacts instead of live ones.
    pub archived: bool,
    /// VIPs only.
    pub vip_only: bool,
    /// Only those whose next touch was due before this instant (going cold).
    pub due_before: Option<Timestamp>,
    /// Keyset cursor: list contacts ordered after this (folded name, id).
    pub after: Option<(String, ContactId)>,
    pub limit: u32,
}

/// Where a listed contact stands: when the next touch is due. (Trust comes from
/// `LedgerStore::stored_trust_of`, read by `ledger::trust_now`.)
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub id: ContactId,
    pub touch_due_at: Option<Timestamp>,
}

/// Contacts.
pub trait ContactStore: Send + Sync {
    /// Saves the workspace's keep-in-touch rules and, in the same transaction, moves the
    /// cadence and due time of the contacts of `changed` that follow the default.
    fn set_touch_rules(
        &self,
        ws: &WorkspaceId,
        rules: &crate::touch::TouchRules,
        changed: &[crate::gesture::Audience],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Inserts a new contact. `Conflict` if the id exists.
    fn insert_contact(
        &self,
        ws: &WorkspaceId,
        contact: &Contact,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Replaces a contact's fields (emails, phones and tags included). `NotFound` if absent.
    fn update_contact(
        &self,
        ws: &WorkspaceId,
        contact: &Contact,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// One contact, archived or not.
    fn contact(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
    ) -> impl Future<Output = StoreResult<Option<Contact>>> + Send;

    /// Contacts whose folded name starts with `folded_prefix`, live or archived as asked,
    /// ordered by folded name, at most `limit`.
    fn contacts_named(
        &self,
        ws: &WorkspaceId,
        folded_prefix: &str,
        archived: bool,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;

    /// Contacts (live or archived) whose id starts with `prefix` (lower case), by id, at
    /// most `limit`.
    fn contacts_with_id_prefix(
        &self,
        ws: &WorkspaceId,
        prefix: &str,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;

    /// A page of contacts ordered by folded name, then id.
    fn list_contacts(
        &self,
        ws: &WorkspaceId,
        filter: &ContactFilter,
    ) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;

    /// How many contacts the filter matches in all (its cursor and limit aside), counting
    /// no further than `cap` + 1 (so a count stays cheap on a large book).
    fn count_listed(
        &self,
        ws: &WorkspaceId,
        filter: &ContactFilter,
        cap: u64,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// When the given contacts' next touch is due, in one query per few hundred.
    fn standing(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<Standing>>> + Send;

    /// Archives (`Some(time)`) or restores (`None`) a contact. `NotFound` if absent.
    fn set_archived(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
        archived_at: Option<Timestamp>,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The names of the given contacts of the workspace (those that exist), in one query.
    fn contact_names(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<(ContactId, String)>>> + Send;

    /// How many contacts the workspace has, archived included.
    fn count_contacts(&self, ws: &WorkspaceId) -> impl Future<Output = StoreResult<u64>> + Send;

    /// The contacts of the workspace (archived too) holding any of `handles` (an email in
    /// any case, a phone by its digits): (handle, contact id, name), a few per handle.
    fn contacts_with_handles(
        &self,
        ws: &WorkspaceId,
        handles: &[crate::import::Handle],
    ) -> impl Future<Output = StoreResult<Vec<(crate::import::Handle, ContactId, String)>>> + Send;
}
