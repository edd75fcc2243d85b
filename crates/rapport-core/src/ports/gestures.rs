//! Appreciation gestures, cadences and the budget (rapport-store: gestures.rs).

use crate::ids::{ContactId, UserId, WorkspaceId};
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Gestures, newest first: the day given, when recorded, then id.
pub type AfterGesture = (jiff::civil::Date, Timestamp, crate::gesture::GestureId);

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

    /// The workspace's own gift ideas: added ones, and built-in ones it took out.
    fn gift_ideas(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<crate::gift::StoredGiftIdea>>> + Send;

    /// Adds, hides or removes ideas in one transaction: each (interest, idea, hidden) is
    /// written (replacing the same idea, compared folded); each of `remove` is deleted.
    fn change_gift_ideas(
        &self,
        ws: &WorkspaceId,
        write: &[crate::gift::StoredGiftIdea],
        remove: &[(String, String)],
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
