//! Personal memory and the timeline: facts and interactions (rapport-store: memory.rs).

use crate::fact::Fact;
use crate::ids::{ContactId, UserId, WorkspaceId};
use crate::interaction::Interaction;
use jiff::Timestamp;
use std::future::Future;

use super::*;

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

    /// One fact of the workspace.
    fn fact(
        &self,
        ws: &WorkspaceId,
        id: &crate::ids::FactId,
    ) -> impl Future<Output = StoreResult<Option<Fact>>> + Send;

    /// Rewrites a fact (kind, text, relation, date). `NotFound` if it is not there.
    fn update_fact(
        &self,
        ws: &WorkspaceId,
        fact: &Fact,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Deletes a fact. `NotFound` if it is not there.
    fn delete_fact(
        &self,
        ws: &WorkspaceId,
        id: &crate::ids::FactId,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A contact's facts, oldest first.
    fn facts(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> impl Future<Output = StoreResult<Vec<Fact>>> + Send;
}

/// Interactions.
/// Which of what contacts said Insights reads.
#[derive(Clone, Debug, PartialEq)]
pub struct SaidSpan {
    pub since: Timestamp,
    pub until: Timestamp,
    /// Only contacts of this type.
    pub relationship: Option<crate::contact::RelationshipType>,
}

pub trait InteractionStore: Send + Sync {
    /// Records an interaction with a contact of the workspace. `NotFound` if the contact is
    /// not there.
    fn insert_interaction(
        &self,
        ws: &WorkspaceId,
        interaction: &Interaction,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// One interaction of the workspace.
    fn interaction(
        &self,
        ws: &WorkspaceId,
        id: &crate::ids::InteractionId,
    ) -> impl Future<Output = StoreResult<Option<Interaction>>> + Send;

    /// Rewrites an interaction (kind, when, summary, what was said) and, in the same
    /// transaction, its contact's keep-in-touch clock. `NotFound` if it is not there.
    fn update_interaction(
        &self,
        ws: &WorkspaceId,
        interaction: &Interaction,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Deletes an interaction and sets its contact's keep-in-touch clock from the ones
    /// left, in one transaction. `NotFound` if it is not there; `Conflict` if a promise was
    /// recorded from it (it stays as that promise's source).
    fn delete_interaction(
        &self,
        ws: &WorkspaceId,
        id: &crate::ids::InteractionId,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// What contacts said (interactions with "they said" or topics) from `since` to
    /// `until`, newest first, at most `limit`, of contacts of `relationship` when given;
    /// and how many there are in all.
    fn said(
        &self,
        ws: &WorkspaceId,
        span: &SaidSpan,
        limit: u32,
    ) -> impl Future<Output = StoreResult<(Vec<crate::model::insight::Said>, u64)>> + Send;

    /// Requests (their text, with their why) from `since` to `until` as [`Self::said`] reads
    /// interactions.
    fn requests_said(
        &self,
        ws: &WorkspaceId,
        span: &SaidSpan,
        limit: u32,
    ) -> impl Future<Output = StoreResult<(Vec<crate::model::insight::Said>, u64)>> + Send;

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

/// Keyset cursors: a page of a list starts after the item with this sort key (the key of
/// the previous page's last item, in the list's order; ids break ties).
/// Interactions, newest first: when, then id.
pub type AfterInteraction = (Timestamp, crate::ids::InteractionId);
