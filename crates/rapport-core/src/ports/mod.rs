//! The storage contract. Services talk to storage only through these traits, split by
//! capability (after lldap) so a layer gets only the operations it may use. Every method is
//! scoped by workspace: a row of another workspace is indistinguishable from a missing one.
//!
//! One file per capability, each matching the rapport-store file that implements it.

mod accounts;
mod bulk;
mod campaigns;
mod cards;
mod contacts;
mod deals;
mod gestures;
mod ledger;
mod mail;
mod mailboxes;
mod memory;
mod merge;
mod referrals;
mod suggestions;
mod today;
mod workspaces;

pub use accounts::*;
pub use bulk::*;
pub use campaigns::*;
pub use cards::*;
pub use contacts::*;
pub use deals::*;
pub use gestures::*;
pub use ledger::*;
pub use mail::*;
pub use mailboxes::*;
pub use memory::*;
pub use merge::*;
pub use referrals::*;
pub use suggestions::*;
pub use today::*;
pub use workspaces::*;

use crate::error::StoreError;

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

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
    + MailStore
    + MailboxStore
    + SuggestionStore
    + CardStore
    + MergeStore
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
        + MailStore
        + MailboxStore
        + SuggestionStore
        + CardStore
        + MergeStore
{
}
