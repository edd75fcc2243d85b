//! Deals and their give/get ledgers (rapport-store: deals.rs).

use crate::ids::WorkspaceId;
use std::future::Future;

use super::*;
pub use crate::model::deal::{AfterDeal, DealFilter};

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

    /// The value where the workspace's largest quarter of deals starts (any stage): the
    /// smallest value among the top quarter; `None` with fewer than four deals.
    fn major_deal_value(
        &self,
        ws: &WorkspaceId,
    ) -> impl Future<Output = StoreResult<Option<crate::deal::Cents>>> + Send;

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
