//! Duplicates and merging them (rapport-store: merge.rs).

use crate::contact::Contact;
use crate::duplicate::{Holder, Namesake};
use crate::fact::Fact;
use crate::ids::{ContactId, FactId, UserId, WorkspaceId};
use crate::trust::Params;
use jiff::Timestamp;
use serde::Serialize;
use std::future::Future;

use super::*;

/// A merge to write: `keep` as planned, and `other` to empty into it.
#[derive(Clone, Debug)]
pub struct Merge {
    /// The contact kept, as it will be saved (emails, phones and tags included).
    pub keep: Contact,
    /// When `keep` was last changed as read: if it changed since, nothing is written.
    pub keep_updated_at: Timestamp,
    pub other: ContactId,
    /// Its name, for the moved promises' history.
    pub other_name: String,
    /// When `other` was last changed as read.
    pub other_updated_at: Timestamp,
    /// Facts of `other` that repeat one of `keep`'s: forgotten.
    pub same_facts: Vec<FactId>,
    /// The device text `keep`'s card carries from now on, when the merge changes it (what
    /// only `other`'s device card held: its photo, addresses, any X- property).
    pub keep_card_text: Option<String>,
    /// A note recorded on `keep`.
    pub note: Option<Fact>,
    /// Who merges, and when: the moved promises' history says so.
    pub by: UserId,
    pub at: Timestamp,
    /// The workspace's trust parameters, to score `keep` again.
    pub params: Params,
}

/// What a merge moved (or, in a dry run, would move) from one contact to the other.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub facts: u64,
    /// Facts that repeated one the kept contact has: not moved, forgotten.
    pub same_facts: u64,
    pub interactions: u64,
    /// Conversations from a message logged with both (one person, two addresses): the kept
    /// contact's copy stays, the other's goes.
    pub same_messages: u64,
    pub commitments: u64,
    pub requests: u64,
    pub deals: u64,
    pub gestures: u64,
    /// Introductions made by or of the merged contact, now the kept one's.
    pub introductions: u64,
    /// An introduction between the two (one introduced the other): dropped.
    pub introductions_between: u64,
    /// The merged contact's introducer, dropped because the kept one has its own (named in
    /// the note).
    pub introducer_dropped: bool,
    pub suggestions: u64,
    /// Imported messages linked to the merged contact, now to the kept one.
    pub mail_links: u64,
}

/// Finding likely duplicates, and merging two contacts.
pub trait MergeStore: Send + Sync {
    /// Every live contact holding an email, or a phone of at least
    /// `import::MIN_PHONE_DIGITS` digits, that between 2 and `max_shared` live contacts hold.
    fn shared_handles(
        &self,
        ws: &WorkspaceId,
        max_shared: usize,
    ) -> impl Future<Output = StoreResult<Vec<Holder>>> + Send;

    /// Every live contact whose folded name 2 to `max_shared` live contacts bear, and of a
    /// name borne more often, those who bear it with 2 to `max_shared` at one organisation.
    fn namesakes(
        &self,
        ws: &WorkspaceId,
        max_shared: usize,
    ) -> impl Future<Output = StoreResult<Vec<Namesake>>> + Send;

    /// Merges `merge.other` into `merge.keep` in one transaction: saves `keep`; moves every
    /// fact (but the same ones), interaction, commitment (its history saying so), request,
    /// deal, gesture, suggestion, mail link and introduction; scores `keep`'s trust again
    /// from the ledger; moves its keep-in-touch and appreciation clocks to the latest of the
    /// two; archives `other` pointing to `keep`, without emails or phones. `Conflict` when
    /// either changed since read, `keep` is archived, or `other` is already merged; with
    /// `commit` false, rolls it all back and says what it would have moved.
    fn merge_contacts(
        &self,
        ws: &WorkspaceId,
        merge: &Merge,
        commit: bool,
    ) -> impl Future<Output = StoreResult<Moved>> + Send;
}
