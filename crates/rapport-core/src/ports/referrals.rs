//! Introductions (rapport-store: referrals.rs).

use crate::ids::{ContactId, WorkspaceId};
use jiff::Timestamp;
use std::future::Future;

use super::*;

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

    /// Saves `contact` (inserted when `new`, else updated) and records that `referrer`
    /// introduced them, in one transaction: `Conflict` (and nothing written) if they
    /// already have an introducer.
    fn save_introduced(
        &self,
        ws: &WorkspaceId,
        contact: &crate::contact::Contact,
        new: bool,
        referrer: &ContactId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Everyone who introduced someone, ranked by introductions that became customers, then
    /// by introductions.
    fn advocates(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Vec<crate::referral::Advocate>>> + Send;

    /// A contact's introductions both ways: who introduced them (if anyone), and whom they
    /// introduced, by name: (id, name) pairs.
    fn introductions(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> impl Future<Output = StoreResult<crate::referral::Introductions>> + Send;

    /// Who introduced each of `contacts` that has an introducer: (contact, introducer's
    /// name), in one query (an export page).
    fn introducers_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
    ) -> impl Future<Output = StoreResult<Vec<(ContactId, String)>>> + Send;
}
