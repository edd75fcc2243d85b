//! The storage contract. Services talk to storage only through these traits, split by
//! capability (after lldap) so a layer gets only the operations it may use. Every method is
//! scoped by workspace: a row of another workspace is indistinguishable from a missing one.

use std::future::Future;

use jiff::Timestamp;

use crate::commitment::{Commitment, CommitmentId, Direction, Request, RequestId};
use crate::contact::{Contact, RelationshipType};
use crate::error::StoreError;
use crate::fact::Fact;
use crate::ids::{ContactId, UserId, WorkspaceId};
use crate::interaction::Interaction;
use crate::trust::{Event, Evidence, Params};
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

    /// Saves a workspace's settings (time zone, promise-load threshold). `NotFound` if absent.
    fn update_workspace(
        &self,
        workspace: &crate::workspace::Workspace,
    ) -> impl Future<Output = StoreResult<()>> + Send;
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

/// Personal memory.
pub trait FactStore: Send + Sync {
    /// The facts with a yearly date of the live contacts `owner` owns, with the contact's
    /// name (for the calendar feed).
    fn dated_facts(
        &self,
        ws: &WorkspaceId,
        owner: &UserId,
    ) -> impl Future<Output = StoreResult<Vec<(Fact, String)>>> + Send;

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

    /// A contact's interactions, newest first (planned ones, in the future, come first),
    /// after the keyset `after` when given.
    fn timeline(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
        after: Option<&AfterInteraction>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Interaction>>> + Send;

    /// Interactions whose summary or notes contain the folded text, newest first.
    fn search_interactions(
        &self,
        ws: &WorkspaceId,
        folded: &str,
        after: Option<&AfterInteraction>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Interaction>>> + Send;
}

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

/// Keyset cursors: a page of a list starts after the item with this sort key (the key of
/// the previous page's last item, in the list's order; ids break ties).
/// Interactions, newest first: when, then id.
pub type AfterInteraction = (Timestamp, crate::ids::InteractionId);
/// Requests, oldest first: created, then id.
pub type AfterRequest = (Timestamp, crate::commitment::RequestId);
/// Gestures, newest first: the day given, when recorded, then id.
pub type AfterGesture = (jiff::civil::Date, Timestamp, crate::gesture::GestureId);
/// Deals: expected close ([`crate::deal::NO_CLOSE_DATE`] for none), created, then id.
pub type AfterDeal = (jiff::civil::Date, Timestamp, crate::deal::DealId);

/// Which deals a listing returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DealFilter {
    /// Only deals not yet won or lost.
    pub open_only: bool,
    /// Only this contact's.
    pub contact: Option<ContactId>,
    /// Only deals at this stage.
    pub stage: Option<crate::deal::Stage>,
}

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

/// The commitment ledger.
pub trait LedgerStore: Send + Sync {
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

/// The day Today is computed for, in the workspace's time zone.
#[derive(Clone, Debug, PartialEq)]
pub struct TodayWindow {
    pub date: jiff::civil::Date,
    /// The (month, day) pairs of yearly dates to show (see `today::window_days`).
    pub yearly_days: Vec<(i8, i8)>,
    pub day_start: Timestamp,
    pub day_end: Timestamp,
    pub now: Timestamp,
}

/// What Today needs, gathered in indexed SQL rather than by loading the book.
pub trait TodayStore: Send + Sync {
    /// The user's open commitments at risk and untold or due by the window's day, the yearly
    /// dates of their live contacts in the window, their contacts past the keep-in-touch
    /// cadence (the most valuable first, at most `cold_limit`), and the requests without a
    /// why of their contacts met that day.
    fn today_data(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        window: &TodayWindow,
        params: &Params,
        cold_limit: u32,
    ) -> impl Future<Output = StoreResult<crate::today::TodayData>> + Send;
}

/// Deals and their give/get ledgers.
pub trait DealStore: Send + Sync {
    /// Records a new deal.
    fn insert_deal(
        &self,
        ws: &WorkspaceId,
        deal: &crate::deal::Deal,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Saves a deal's title, value, stage, expected close and closing time. `NotFound` if
    /// absent.
    fn update_deal(
        &self,
        ws: &WorkspaceId,
        deal: &crate::deal::Deal,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// One deal with its give/get ledger, oldest line first.
    fn deal(
        &self,
        ws: &WorkspaceId,
        id: &crate::deal::DealId,
    ) -> impl Future<Output = StoreResult<Option<(crate::deal::Deal, Vec<crate::deal::Term>)>>> + Send;

    /// Deals that match `filter`, by expected close (those without one last) then
    /// creation; after the keyset `after` when given.
    fn deals(
        &self,
        ws: &WorkspaceId,
        filter: &DealFilter,
        after: Option<&AfterDeal>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<crate::deal::Deal>>> + Send;

    /// How many deals match `filter` (after `after`, when given): what a page leaves out.
    fn count_deals(
        &self,
        ws: &WorkspaceId,
        filter: &DealFilter,
        after: Option<&AfterDeal>,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Each stage's number of deals and their total value, counted in the database.
    fn deal_stages(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<crate::deal::StageTotal>>> + Send;

    /// The give/get lines of several deals, each deal's oldest first.
    fn deal_terms(
        &self,
        ws: &WorkspaceId,
        deals: &[crate::deal::DealId],
    ) -> impl Future<Output = StoreResult<Vec<(crate::deal::DealId, crate::deal::Term)>>> + Send;

    /// Appends a line to a deal's give/get ledger. `NotFound` if the deal is absent.
    fn add_term(
        &self,
        ws: &WorkspaceId,
        deal: &crate::deal::DealId,
        term: &crate::deal::Term,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Referrals.
pub trait ReferralStore: Send + Sync {
    /// Records that `referrer` introduced `referred`. `Conflict` if `referred` already has
    /// an introducer; `NotFound` if either is not a contact of the workspace.
    fn insert_referral(
        &self,
        ws: &WorkspaceId,
        referrer: &ContactId,
        referred: &ContactId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Everyone who introduced someone, ranked by introductions that became customers, then
    /// by introductions.
    fn advocates(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<crate::referral::Advocate>>> + Send;
}

/// Gestures of appreciation, the appreciation cadence and the yearly budget.
pub trait GestureStore: Send + Sync {
    /// The live contacts `owner` owns whose next gesture is due on or before `until_day`
    /// (a day number): (contact, name, due day).
    fn appreciation_due(
        &self,
        ws: &WorkspaceId,
        owner: &UserId,
        until_day: i32,
    ) -> impl Future<Output = StoreResult<Vec<(ContactId, String, i32)>>> + Send;

    /// Records a gesture and moves the contact's next appreciation date on from it (a
    /// gesture backdated before the latest one does not). `NotFound` if the contact is not
    /// the workspace's.
    fn insert_gesture(
        &self,
        ws: &WorkspaceId,
        gesture: &crate::gesture::Gesture,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Gestures, newest first (by the day given, then as recorded): of one contact or all;
    /// after the keyset `after` when given.
    fn gestures(
        &self,
        ws: &WorkspaceId,
        contact: Option<&ContactId>,
        after: Option<&AfterGesture>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<crate::gesture::Gesture>>> + Send;

    /// What each kind of gesture given in `year` cost.
    fn spent(
        &self,
        ws: &WorkspaceId,
        year: i16,
    ) -> impl Future<Output = StoreResult<Vec<crate::gesture::KindSpend>>> + Send;

    /// The budget in force in `year`: the one set for the latest year up to it.
    fn budget(
        &self,
        ws: &WorkspaceId,
        year: i16,
    ) -> impl Future<Output = StoreResult<Option<crate::deal::Cents>>> + Send;

    /// Sets the budget from `year` on.
    fn set_budget(
        &self,
        ws: &WorkspaceId,
        year: i16,
        amount: crate::deal::Cents,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The workspace's changes to the default appreciation cadence.
    fn appreciation_overrides(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<(crate::gesture::Audience, Option<u32>)>>> + Send;

    /// Sets an audience's cadence (`Some(None)`: no gestures; `None`: back to the default)
    /// and recomputes the next appreciation date of its contacts, in one transaction.
    fn set_appreciation(
        &self,
        ws: &WorkspaceId,
        audience: crate::gesture::Audience,
        days: Option<Option<u32>>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

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

    /// The actor of a user in a workspace found by name (for the admin CLI).
    fn actor_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = StoreResult<Option<Actor>>> + Send;
}

/// Everything a full Rapport needs from storage.
pub trait Store:
    WorkspaceStore
    + ContactStore
    + FactStore
    + InteractionStore
    + BulkStore
    + LedgerStore
    + TodayStore
    + DealStore
    + ReferralStore
    + GestureStore
    + AccountStore
{
}

impl<T> Store for T where
    T: WorkspaceStore
        + ContactStore
        + FactStore
        + InteractionStore
        + BulkStore
        + LedgerStore
        + TodayStore
        + DealStore
        + ReferralStore
        + GestureStore
        + AccountStore
{
}
