//! The storage contract. Services talk to storage only through these traits, split by
//! capability (after lldap) so a layer gets only the operations it may use. Every method is
//! scoped by workspace: a row of another workspace is indistinguishable from a missing one.

use std::future::Future;

use jiff::Timestamp;

use crate::contact::{Contact, RelationshipType};
use crate::error::StoreError;
use crate::fact::Fact;
use crate::ids::{ContactId, WorkspaceId};
use crate::interaction::Interaction;
use crate::workspace::Actor;

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Workspaces, users and memberships.
pub trait WorkspaceStore: Send + Sync {
    /// The first workspace and its first owner, creating both (named as given) when the
    /// database is new, so a single user needs no set-up. Safe when two processes start at
    /// once: exactly one workspace is created.
    fn ensure_default_actor(
        &self,
        workspace_name: &str,
        owner_name: &str,
        time_zone: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Actor>> + Send;
}

/// Which contacts a listing returns, and from where.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactFilter {
    pub relationship: Option<RelationshipType>,
    /// A tag, already folded.
    pub tag: Option<String>,
    /// A search over name, organisation, emails and tags, already folded.
    pub search: Option<String>,
    /// Archived contacts instead of live ones.
    pub archived: bool,
    /// Keyset cursor: list contacts ordered after this (folded name, id).
    pub after: Option<(String, ContactId)>,
    pub limit: u32,
}

/// Contacts.
pub trait ContactStore: Send + Sync {
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

    /// A page of contacts ordered by folded name, then id.
    fn list_contacts(
        &self,
        ws: &WorkspaceId,
        filter: &ContactFilter,
    ) -> impl Future<Output = StoreResult<Vec<Contact>>> + Send;

    /// Archives (`Some(time)`) or restores (`None`) a contact. `NotFound` if absent.
    fn set_archived(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
        archived_at: Option<Timestamp>,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// How many contacts the workspace has, archived included.
    fn count_contacts(&self, ws: &WorkspaceId) -> impl Future<Output = StoreResult<u64>> + Send;
}

/// Personal memory.
pub trait FactStore: Send + Sync {
    /// Records a fact on a contact of the workspace. `NotFound` if the contact is not there.
    fn insert_fact(
        &self,
        ws: &WorkspaceId,
        fact: &Fact,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A contact's facts, oldest first.
    fn facts(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> impl Future<Output = StoreResult<Vec<Fact>>> + Send;
}

/// Interactions.
pub trait InteractionStore: Send + Sync {
    /// Records an interaction with a contact of the workspace. `NotFound` if the contact is
    /// not there.
    fn insert_interaction(
        &self,
        ws: &WorkspaceId,
        interaction: &Interaction,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A contact's interactions, newest first (planned ones, in the future, come first).
    fn timeline(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Interaction>>> + Send;

    /// Interactions whose summary or notes contain the folded text, newest first.
    fn search_interactions(
        &self,
        ws: &WorkspaceId,
        folded: &str,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Interaction>>> + Send;
}

/// Bulk loading (demo data, later imports): whole batches in one transaction.
pub trait BulkStore: Send + Sync {
    /// Writes contacts with their facts and interactions in one transaction: all or nothing.
    fn insert_book(
        &self,
        ws: &WorkspaceId,
        contacts: &[Contact],
        facts: &[Fact],
        interactions: &[Interaction],
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Everything a full Rapport needs from storage.
pub trait Store: WorkspaceStore + ContactStore + FactStore + InteractionStore + BulkStore {}

impl<T: WorkspaceStore + ContactStore + FactStore + InteractionStore + BulkStore> Store for T {}
