//! Promises found in mail, on offer (rapport-store: suggestions.rs). Accepting one is a
//! ledger change (`LedgerChange::accepted`), written with its commitment.

use jiff::Timestamp;
use std::future::Future;

use crate::ids::{UserId, WorkspaceId};
use crate::suggestion::{Suggestion, SuggestionId, SuggestionPage, SuggestionView};

use super::*;

/// Where a page of suggestions starts: after this one (its message's time and id).
pub type AfterSuggestion = (Timestamp, SuggestionId);

pub trait SuggestionStore: Send + Sync {
    /// Stores each suggestion not already made for its message and place in it (the same
    /// message imported twice offers its promises once). Returns how many were new.
    fn add_suggestions(
        &self,
        ws: &WorkspaceId,
        items: &[Suggestion],
    ) -> impl Future<Output = StoreResult<usize>> + Send;

    /// The member's suggestions on offer at `now` (open, not expired), the newest message
    /// first, after `after`; with how many there are in all and after the page.
    fn suggestions(
        &self,
        ws: &WorkspaceId,
        owner: &UserId,
        now: Timestamp,
        after: Option<&AfterSuggestion>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<SuggestionPage>> + Send;

    /// One suggestion of the workspace, whatever its state.
    fn suggestion(
        &self,
        ws: &WorkspaceId,
        id: &SuggestionId,
    ) -> impl Future<Output = StoreResult<Option<SuggestionView>>> + Send;

    /// Dismisses a suggestion still open. False when it was not (decided meanwhile).
    fn dismiss_suggestion(
        &self,
        ws: &WorkspaceId,
        id: &SuggestionId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
