//! Check-in campaigns: make one for a segment, follow it, stop it. The web, the API and the
//! CLI call these; Today reads the check-ins due through `CampaignStore::check_ins_due`.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{Error, Invalid, Result};
use crate::model::campaign::*;
use crate::ports::{CampaignStore, ContactFilter, MemberFilter};
use crate::search::fold;
use crate::workspace::Actor;

/// A campaign as a person asks for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewCampaign {
    pub name: String,
    /// `type=customer tag=restaurants vip`, or `all`.
    pub segment: String,
    /// What the check-in is about.
    pub note: String,
    /// Check-ins a day on each member's Today (default: enough to reach everyone by
    /// `until`, else 5).
    pub per_day: Option<u32>,
    /// The last day it runs.
    pub until: Option<Date>,
}

/// The most contacts a page of a campaign lists.
pub const MAX_MEMBERS_PAGE: u32 = 1000;

fn view(row: (Campaign, Progress, String), today: Date) -> CampaignView {
    let (campaign, progress, created_by_name) = row;
    CampaignView {
        status: campaign.status(&progress, today),
        campaign,
        progress,
        created_by_name,
    }
}

fn filter_of(s: &Segment) -> ContactFilter {
    ContactFilter {
        relationship: s.relationship,
        tag: s.tag_folded(),
        met: s.met_folded(),
        vip_only: s.vip,
        limit: u32::MAX,
        ..ContactFilter::default()
    }
}

/// Plans a check-in with every live contact of the segment. Refused (nothing written) when
/// the name is taken, the segment lists nobody, or `until` has passed.
pub async fn create<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    new: NewCampaign,
    now: Timestamp,
) -> Result<CampaignView> {
    let tz = actor.workspace.tz();
    let today = crate::model::today::day_of(now, &tz);
    let name = clean_name(&new.name)?;
    let note = clean_note(&new.note)?;
    let segment = Segment::parse(&new.segment)?;
    let filter = filter_of(&segment);
    let ws = &actor.workspace.id;
    // Checked before counting, so a bad number or a past day is said first.
    per_day(new.per_day, new.until, 0, today)?;
    let (contacts, most_one_member) = store.count_segment(ws, &filter).await?;
    if contacts == 0 {
        return Err(Invalid::new(
            "segment",
            format!(
                "no live contact is in the segment {:?}: nobody to check in with",
                segment.describe()
            ),
        )
        .into());
    }
    // Each member checks in with their own contacts: the one who owns the most sets the pace.
    let per_day = per_day(new.per_day, new.until, most_one_member, today)?;
    let start_of = |d: Date| {
        d.to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| Invalid::new("date", e.to_string()))
    };
    let starts_at = start_of(today)?;
    let ends_at = match new.until {
        Some(u) => Some(start_of(
            u.tomorrow()
                .map_err(|e| Invalid::new("until", e.to_string()))?,
        )?),
        None => None,
    };
    let campaign = Campaign {
        id: CampaignId::generate(),
        name,
        segment: segment.describe(),
        note,
        per_day,
        until: new.until,
        created_by: actor.user.id.clone(),
        created_at: now,
        starts_at: starts_at.min(now),
        ends_at,
        stopped_at: None,
    };
    store
        .insert_campaign(ws, &campaign, &filter)
        .await
        .map_err(|e| match Error::from(e) {
            Error::Conflict(_) => Error::Conflict(format!(
                "a campaign named “{}” already exists: choose another name",
                campaign.name
            )),
            other => other,
        })?;
    let row = store
        .campaign(ws, Some(&campaign.id), "", now)
        .await?
        .ok_or_else(|| Error::NotFound("the campaign just made is gone".into()))?;
    Ok(view(row, today))
}

/// Every campaign of the workspace, the newest first.
pub async fn list<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    now: Timestamp,
) -> Result<Vec<CampaignView>> {
    let today = crate::model::today::day_of(now, &actor.workspace.tz());
    Ok(store
        .campaigns(&actor.workspace.id, now)
        .await?
        .into_iter()
        .map(|r| view(r, today))
        .collect())
}

/// The campaign a person names: by id, or by name (case and accents aside).
pub async fn find<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<CampaignView> {
    let today = crate::model::today::day_of(now, &actor.workspace.tz());
    let id = CampaignId::parse(reference);
    let folded = fold(reference);
    store
        .campaign(&actor.workspace.id, id.as_ref(), &folded, now)
        .await?
        .map(|r| view(r, today))
        .ok_or_else(|| Error::NotFound(format!("no campaign {reference:?} in this workspace")))
}

/// Stops a campaign: its check-ins leave Today; what was done stays. The member who made it
/// or an owner may stop it.
pub async fn stop<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<CampaignView> {
    let found = find(store, actor, reference, now).await?;
    let c = &found.campaign;
    if c.created_by != actor.user.id {
        actor.require_owner("stop a campaign another member made")?;
    }
    if let Some(at) = c.stopped_at {
        let day = crate::model::today::day_of(at, &actor.workspace.tz());
        return Err(Error::Conflict(format!(
            "“{}” was already stopped on {day}",
            c.name
        )));
    }
    // Stopped by someone else meanwhile: said as such, not as "not found".
    store
        .stop_campaign(&actor.workspace.id, &c.id, now)
        .await
        .map_err(|e| match Error::from(e) {
            Error::NotFound(_) => Error::Conflict(format!("“{}” was already stopped", c.name)),
            other => other,
        })?;
    find(store, actor, c.id.as_str(), now).await
}

/// A page of a campaign's contacts in its order (VIPs and the coldest first), after
/// position `after`, with whether more follow.
pub async fn members<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    filter: MemberFilter,
    after: Option<u32>,
    limit: u32,
    now: Timestamp,
) -> Result<(CampaignView, Vec<Member>, bool)> {
    if limit == 0 || limit > MAX_MEMBERS_PAGE {
        return Err(Invalid::new(
            "limit",
            format!("a page lists 1 to {MAX_MEMBERS_PAGE} contacts"),
        )
        .into());
    }
    let found = find(store, actor, reference, now).await?;
    let mut page = store
        .campaign_members(
            &actor.workspace.id,
            &found.campaign.id,
            filter,
            after,
            limit + 1,
            now,
        )
        .await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    Ok((found, page, more))
}

/// Reads a page filter as typed: `all`, `pending` or `done`.
pub fn member_filter(text: &str) -> Result<MemberFilter> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "all" => Ok(MemberFilter::All),
        "pending" | "remaining" => Ok(MemberFilter::Pending),
        "done" => Ok(MemberFilter::Done),
        other => Err(Invalid::new(
            "show",
            format!("{other:?}: show all, pending or done contacts"),
        )
        .into()),
    }
}
