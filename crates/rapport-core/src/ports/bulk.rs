//! Bulk writes: imports and the demo book, in large transactions (rapport-store:
//! import.rs, book.rs).

use crate::commitment::Commitment;
use crate::contact::Contact;
use crate::fact::Fact;
use crate::ids::{ContactId, WorkspaceId};
use crate::interaction::Interaction;
use crate::trust::Params;
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// A batch of a book: contacts with everything recorded about them. Each contact's
/// `last_touch_at` must already be its latest interaction in the batch.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub contacts: Vec<Contact>,
    pub facts: Vec<Fact>,
    pub interactions: Vec<Interaction>,
    pub commitments: Vec<Commitment>,
    /// Deals with their give/get ledgers, oldest line first.
    pub deals: Vec<(crate::deal::Deal, Vec<crate::deal::Term>)>,
    pub gestures: Vec<crate::gesture::Gesture>,
    /// Who introduced whom, and when: (referrer, referred, at). Referrers are contacts of
    /// this batch or of earlier ones.
    pub referrals: Vec<(ContactId, ContactId, Timestamp)>,
}

/// One contact an import proposes, with where in its file it comes from.
#[derive(Clone, Debug)]
pub struct ImportItem {
    /// The card's or row's number in the file.
    pub number: usize,
    pub line: usize,
    pub contact: Contact,
    pub facts: Vec<Fact>,
}

/// How an import runs.
#[derive(Clone, Copy, Debug)]
pub struct ImportMode {
    /// Merge a duplicate into the contact it matches (else skip it).
    pub merge: bool,
    /// Keep what was written (else a dry run: everything is done, then rolled back).
    pub commit: bool,
    /// The time the import stamps on what it writes (its contacts' `created_at`).
    pub at: Timestamp,
}

/// The contact an import item duplicates.
#[derive(Clone, Debug)]
pub struct ImportDuplicate {
    pub of: ContactId,
    pub name: String,
    /// The email or phone they share, as the item has it.
    pub by: String,
    /// The contact came from an earlier item of the same import.
    pub earlier_in_import: bool,
}

/// Bulk loading (demo data, later imports): whole batches in one transaction.
pub trait BulkStore: Send + Sync {
    /// Writes an import in one transaction, batch by batch as `next` yields them (so a large
    /// file is never all in memory): all or nothing. An item with the email or phone of a
    /// contact (existing, or added by an earlier item) is a duplicate: `on_duplicate` hears of
    /// it, and it is merged into that contact (see [`crate::import::merge`]) or skipped.
    /// An `Err` from `next` rolls back. Returns the contacts added (or, in a dry run, that
    /// would have been).
    fn import<F, D>(
        &self,
        ws: &WorkspaceId,
        mode: ImportMode,
        next: F,
        on_duplicate: D,
    ) -> impl Future<Output = StoreResult<u64>> + Send
    where
        F: FnMut() -> Option<StoreResult<Vec<ImportItem>>> + Send,
        D: FnMut(&ImportItem, ImportDuplicate) + Send;

    /// The facts of several contacts, each contact's oldest first.
    fn facts_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<Fact>>> + Send;

    /// Writes a batch in one transaction: all or nothing. Commitments' evidence is weighted
    /// with `params`; carried trust scores are not touched (recompute them after the load).
    fn insert_book(
        &self,
        ws: &WorkspaceId,
        batch: &Batch,
        params: &Params,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        let mut one = Some(batch);
        let written = self.insert_book_batches(ws, params, move || one.take());
        async move { written.await.map(|_| ()) }
    }

    /// Writes the batches `next` yields, in order, in one transaction: all or nothing, as
    /// [`BulkStore::insert_book`] for each, with one batch in memory at a time. A large
    /// transaction is what makes a bulk load fast (each commit rewrites every index page the
    /// transaction touched, and random keys touch most of them), and small batches are what
    /// keep its memory small. Returns how many batches were written.
    fn insert_book_batches<B, F>(
        &self,
        ws: &WorkspaceId,
        params: &Params,
        next: F,
    ) -> impl Future<Output = StoreResult<u64>> + Send
    where
        B: std::borrow::Borrow<Batch> + Send,
        F: FnMut() -> Option<B> + Send;

    /// Refreshes the query planner's statistics after a bulk load. Without them PostgreSQL
    /// (where autovacuum may be off or behind) plans for empty tables and can scan a million
    /// rows per row.
    fn refresh_statistics(&self) -> impl Future<Output = StoreResult<()>> + Send;
}
