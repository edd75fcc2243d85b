//! The commitment ledger, requests and carried trust scores (rapport-store: ledger.rs).

use crate::commitment::{Commitment, CommitmentId, Direction, Request, RequestId};
use crate::contact::Contact;
use crate::ids::{ContactId, UserId, WorkspaceId};
use crate::trust::{Event, Evidence, Params};
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Requests, oldest first: created, then id.
pub type AfterRequest = (Timestamp, crate::commitment::RequestId);

/// One entry of a commitment's history.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub commitment_id: CommitmentId,
    pub at: Timestamp,
    pub user_id: UserId,
    /// What happened: `created`, `kept`, `at_risk`, `corrected:broken→kept`...
    pub action: String,
    /// The commitment as it was after the change.
    pub snapshot: Commitment,
}

impl HistoryEntry {
    /// What happened, as a person reads it ("flagged at risk", "told them of the risk",
    /// "corrected: kept → broken"), for the web and the CLI alike.
    pub fn label(&self) -> String {
        match self.action.as_str() {
            "at_risk" => "flagged at risk".to_owned(),
            "told: bad news" => "told them of the risk".to_owned(),
            "told: done" => "told them it is done".to_owned(),
            other => other.replace('_', " "),
        }
    }

    /// When what it records happened, when that is not when it was recorded: an outcome
    /// given a time (`--on`), or a correction keeping the time it happened.
    pub fn happened_at(&self) -> Option<Timestamp> {
        let resolves = matches!(
            self.action.split(':').next().unwrap_or_default(),
            "kept" | "broken" | "deceptive" | "released" | "corrected"
        );
        self.snapshot
            .resolved_at
            .filter(|t| resolves && *t != self.at)
    }
}

/// How one change moves a direction's carried trust evidence: the event it takes back (a
/// corrected label) and the one it adds.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustDelta {
    pub contact_id: ContactId,
    pub direction: Direction,
    pub remove: Option<Event>,
    pub add: Option<Event>,
    pub now: Timestamp,
    pub params: Params,
}

/// A change to the ledger, written in one transaction: a commitment updated (or created),
/// perhaps a successor created, the history entries, and the trust update.
#[derive(Clone, Debug)]
pub struct LedgerChange {
    /// Inserted when `created`, else updated.
    pub commitment: Commitment,
    pub created: bool,
    /// A renegotiation's successor.
    pub successor: Option<Commitment>,
    pub history: Vec<HistoryEntry>,
    pub trust: Option<TrustDelta>,
    /// The workspace's trust parameters, for the commitments' stored evidence.
    pub params: Params,
    /// A deal won, written with the thank-you promise it opens.
    pub deal_won: Option<DealWon>,
    /// The suggestion (a promise found in mail) this new commitment accepts: marked accepted
    /// in the same transaction, which fails with a conflict if it is no longer open.
    pub accepted: Option<crate::suggestion::SuggestionId>,
}

/// A deal won: the deal as it now stands, and its contact if they become a customer.
#[derive(Clone, Debug, PartialEq)]
pub struct DealWon {
    pub deal: crate::deal::Deal,
    /// The contact made a customer and a VIP, when it was not both already.
    pub promoted: Option<Contact>,
}

/// Which commitments a listing returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommitmentFilter {
    pub contact: Option<ContactId>,
    pub direction: Option<Direction>,
    pub open_only: bool,
    pub owner: Option<UserId>,
    /// Only those due on this day.
    pub due_on: Option<jiff::civil::Date>,
    /// Keyset cursor: only those after this (deadline, created_at, id) in listing order.
    pub after: Option<(Timestamp, Timestamp, CommitmentId)>,
    pub limit: u32,
    /// Latest due first (the CLI's default), instead of earliest due first.
    pub newest_first: bool,
}

/// A direction's carried evidence as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredTrust {
    pub contact_id: ContactId,
    pub direction: Direction,
    pub evidence: Evidence,
    pub model_version: String,
    pub half_life_days: u32,
}

/// Outcomes by (promiser, size), newest first.
pub type Outcomes = std::collections::HashMap<
    (OutcomesOf, crate::trust::Size),
    Vec<crate::model::foresight::Outcome>,
>;

/// Whose outcomes foresight reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OutcomesOf {
    /// Every scored promise of the workspace one way (ours, or theirs to us).
    Workspace(crate::commitment::Direction),
    /// A member's own promises (mine, owned by them).
    Member(crate::ids::UserId),
    /// A contact's promises to us (theirs).
    Contact(ContactId),
}

/// The requests one member answered with a promise of theirs: how many, and how many of
/// them without knowing why they mattered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAnswers {
    pub user_id: UserId,
    pub email: Option<String>,
    pub name: String,
    pub answered: u64,
    pub answered_without_why: u64,
}

/// The commitment ledger.
pub trait LedgerStore: Send + Sync {
    /// Per member, the requests answered (linked to a promise of that member's) since
    /// `since` (by when the answer was linked), and how many of those had no why.
    fn answered_requests(
        &self,
        ws: &WorkspaceId,
        since: Option<Timestamp>,
    ) -> impl Future<Output = StoreResult<Vec<MemberAnswers>>> + Send;

    /// The kept, broken and deceptive commitments of these contacts one way (what the
    /// ladder reads), in one query per few hundred contacts.
    fn resolved_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
        direction: Direction,
    ) -> impl Future<Output = StoreResult<Vec<Commitment>>> + Send;

    /// For each (promiser, size) asked — a member's own promises, a contact's promises to
    /// us, or the whole workspace's — its latest `limit` outcomes at that size, newest
    /// first: when each resolved, and whether it was kept on time (what foresight reads).
    /// A handful of queries however many are asked (one for all the contacts, one for all
    /// the members, one per size for the workspace).
    fn outcomes(
        &self,
        ws: &WorkspaceId,
        keys: &[(OutcomesOf, crate::trust::Size)],
        limit: u32,
    ) -> impl Future<Output = StoreResult<Outcomes>> + Send;

    /// How many requests are still unanswered with their why unknown.
    fn open_requests_without_why(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Writes a change in one transaction. For a new commitment of mine with
    /// `load_limit: Some(n)`, first counts the owner's open commitments of mine due the same
    /// day; with `n` or more, writes nothing and returns them.
    fn apply_change(
        &self,
        ws: &WorkspaceId,
        change: &LedgerChange,
        load_limit: Option<u32>,
    ) -> impl Future<Output = StoreResult<Vec<Commitment>>> + Send;

    /// One commitment.
    fn commitment(
        &self,
        ws: &WorkspaceId,
        id: &CommitmentId,
    ) -> impl Future<Output = StoreResult<Option<Commitment>>> + Send;

    /// Commitments, by due date then creation.
    fn commitments(
        &self,
        ws: &WorkspaceId,
        filter: &CommitmentFilter,
    ) -> impl Future<Output = StoreResult<Vec<Commitment>>> + Send;

    /// A commitment's history, oldest first.
    fn history(
        &self,
        ws: &WorkspaceId,
        id: &CommitmentId,
    ) -> impl Future<Output = StoreResult<Vec<HistoryEntry>>> + Send;

    /// The carried trust evidence of a contact (0, 1 or 2 directions).
    fn stored_trust(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> impl Future<Output = StoreResult<Vec<StoredTrust>>> + Send;

    /// The carried trust evidence of several contacts, in one query per few hundred.
    fn stored_trust_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<StoredTrust>>> + Send;

    /// Recomputes every carried score of the workspace from the ledger, as of `now`, in one
    /// transaction; returns how many scores were written.
    fn recompute_trust(
        &self,
        ws: &WorkspaceId,
        now: Timestamp,
        params: &Params,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Records a request.
    fn insert_request(
        &self,
        ws: &WorkspaceId,
        request: &Request,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Saves a request's why and answer. `NotFound` if absent.
    fn update_request(
        &self,
        ws: &WorkspaceId,
        request: &Request,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// One request.
    fn request(
        &self,
        ws: &WorkspaceId,
        id: &RequestId,
    ) -> impl Future<Output = StoreResult<Option<Request>>> + Send;

    /// Requests, of one contact or all, oldest first; only those without a why if asked;
    /// after the keyset `after` when given.
    fn requests(
        &self,
        ws: &WorkspaceId,
        contact: Option<&ContactId>,
        without_why: bool,
        after: Option<&AfterRequest>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Request>>> + Send;

    /// Commitments that were flagged at risk or told of being done: the raw material of the
    /// bad-news and good-news latency report.
    fn news(&self, ws: &WorkspaceId) -> impl Future<Output = StoreResult<Vec<Commitment>>> + Send;
}
