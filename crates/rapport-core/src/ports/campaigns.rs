//! Check-in campaigns (rapport-store: campaigns.rs).

use crate::ids::{UserId, WorkspaceId};
use crate::model::campaign::{Campaign, CampaignId, Member, Progress};
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Which of a campaign's contacts a page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberFilter {
    All,
    /// Not checked in with yet (a planned meeting is still to come).
    Pending,
    Done,
}

/// What `CampaignStore::update_campaign` writes; `None` leaves a part as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignUpdate {
    /// The name, checked.
    pub name: Option<String>,
    /// The note, checked.
    pub note: Option<String>,
    pub per_day: Option<u32>,
    /// Without `per_day`: quicken the pace to at least this, as it stands when written.
    pub at_least_per_day: Option<u32>,
    /// The last day and the end that follows from it (`None`s: until stopped).
    pub until: Option<(Option<jiff::civil::Date>, Option<Timestamp>)>,
}

/// Campaigns and their check-ins.
pub trait CampaignStore: Send + Sync {
    /// Saves `campaign` and its contacts: every contact `segment` lists (live ones; `after`
    /// and `limit` are ignored), VIPs first, then the coldest (never in touch, then the
    /// longest ago), in one transaction; check-ins already made on or after its start (a
    /// meeting planned ahead) are counted. Returns how many contacts it holds. `Conflict` if
    /// the workspace has a campaign of that name, case and accents aside.
    fn insert_campaign(
        &self,
        ws: &WorkspaceId,
        campaign: &Campaign,
        segment: &ContactFilter,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// How many live contacts `segment` lists (what a campaign would hold), and the most of
    /// them one member owns (whose Today gets the most check-ins).
    fn count_segment(
        &self,
        ws: &WorkspaceId,
        segment: &ContactFilter,
    ) -> impl Future<Output = StoreResult<(u64, u64)>> + Send;

    /// The workspace's campaigns, the newest first, each with its progress at `now` and the
    /// name of the member who made it.
    fn campaigns(
        &self,
        ws: &WorkspaceId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<(Campaign, Progress, String)>>> + Send;

    /// The campaign with this id when `id` is given (and none else), or else the one whose
    /// folded name is `name_folded`.
    fn campaign(
        &self,
        ws: &WorkspaceId,
        id: Option<&CampaignId>,
        name_folded: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<(Campaign, Progress, String)>>> + Send;

    /// Stops a running campaign (its check-ins leave Today). `NotFound` if there is none.
    fn stop_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Writes the parts of a campaign `update` gives, and nothing else (two edits of
    /// different parts made at once both stay), in one transaction; a new last day counts
    /// its check-ins again. Pace and last day only while it is not stopped: `Ok(false)`, with
    /// nothing written, when it is. `NotFound` if there is none; `Conflict` if another
    /// campaign of the workspace has the name, case and accents aside.
    fn update_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        update: &CampaignUpdate,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// The most live contacts one member has left to check in with in a campaign (not done,
    /// no meeting planned): what a new last day must leave time for.
    fn most_left_to_one_member(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Deletes a campaign and its contacts' check-ins (not their interactions). `NotFound`
    /// if there is none.
    fn delete_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A page of a campaign's contacts in its order, after position `after`, at most
    /// `limit` (`Pending`: live ones not yet checked in with, planned meetings included).
    fn campaign_members(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        filter: MemberFilter,
        after: Option<u32>,
        limit: u32,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<Member>>> + Send;

    /// The running campaigns (not stopped, `until` not passed) with contacts of `user` to
    /// check in with, the oldest first: for each, as many of those not yet checked in with
    /// as `today::check_ins_wanted` says (a planned meeting counts as arranged), in the
    /// campaign's order and none listed for an earlier one, with the counts Today shows;
    /// and how many different contacts of `user` are left to check in with in all.
    /// `day_start`: the start of the day in the workspace's time zone.
    fn check_ins_due(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        today: jiff::civil::Date,
        day_start: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<(Vec<crate::model::today::CampaignDue>, u64)>> + Send;
}
