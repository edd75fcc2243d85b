//! Check-in campaigns: make one for a segment, follow it, change it, stop it, delete it. The
//! web, the API and the CLI call these; Today reads the check-ins due through
//! `CampaignStore::check_ins_due`.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{Error, Invalid, Result};
use crate::model::campaign::*;
use crate::ports::{CampaignStore, CampaignUpdate, ContactFilter, MemberFilter};
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

/// What to change in a campaign; `None` leaves a part as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignChanges {
    pub name: Option<String>,
    pub note: Option<String>,
    /// Check-ins a day on each member's Today.
    pub per_day: Option<u32>,
    /// The last day it runs; `Some(None)`: until it is stopped.
    pub until: Option<Option<Date>>,
    /// With a new last day and no `per_day`: keep the pace as it is rather than quicken it
    /// to reach everyone left (the web's form, where the pace was seen and left alone).
    pub keep_pace: bool,
}

/// Whether `actor` may change, stop or delete campaign `c`: the member who made it, or an
/// owner.
pub fn may_manage(actor: &Actor, c: &Campaign) -> bool {
    c.created_by == actor.user.id || actor.role == crate::workspace::Role::Owner
}

fn require_manager(actor: &Actor, c: &Campaign, what: &str) -> Result<()> {
    if c.created_by == actor.user.id {
        Ok(())
    } else {
        actor.require_owner(&format!("{what} a campaign another member made"))
    }
}

/// The start of day `d` in time zone `tz`.
fn start_of(d: Date, tz: &jiff::tz::TimeZone) -> Result<Timestamp> {
    d.to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| Invalid::new("date", e.to_string()).into())
}

/// When a campaign running until `until` (its last day) stops counting check-ins: the start
/// of the next day.
fn ends_at(until: Option<Date>, tz: &jiff::tz::TimeZone) -> Result<Option<Timestamp>> {
    until
        .map(|u| {
            let next = u
                .tomorrow()
                .map_err(|e| Invalid::new("until", e.to_string()))?;
            start_of(next, tz)
        })
        .transpose()
}

/// The message for a name another campaign of the workspace has.
fn name_taken(e: crate::StoreError, name: &str) -> Error {
    match Error::from(e) {
        Error::Conflict(_) => Error::Conflict(format!(
            "a campaign named “{name}” already exists: choose another name"
        )),
        other => other,
    }
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
    let starts_at = start_of(today, &tz)?;
    let ends_at = ends_at(new.until, &tz)?;
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
        .map_err(|e| name_taken(e, &campaign.name))?;
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
    // An id is looked up as an id only (names cannot be ids).
    let folded = if id.is_some() {
        String::new()
    } else {
        fold(reference)
    };
    // Nothing to look up by (an empty reference, accents alone).
    if id.is_none() && folded.trim().is_empty() {
        return Err(Error::NotFound(format!(
            "no campaign {reference:?} in this workspace"
        )));
    }
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
    require_manager(actor, c, "stop")?;
    if let Some(at) = c.stopped_at {
        let day = crate::model::today::day_of(at, &actor.workspace.tz());
        return Err(Error::Conflict(format!(
            "“{}” was already stopped on {day}",
            c.name
        )));
    }
    // Stopped by someone else meanwhile: said as such; deleted meanwhile: not found.
    match store.stop_campaign(&actor.workspace.id, &c.id, now).await {
        Ok(()) => {}
        Err(crate::StoreError::NotFound) => {
            find(store, actor, c.id.as_str(), now).await?;
            return Err(Error::Conflict(format!("“{}” was already stopped", c.name)));
        }
        Err(e) => return Err(e.into()),
    }
    find(store, actor, c.id.as_str(), now).await
}

/// Changes a campaign's name, note, check-ins a day or last day (its maker or an owner).
/// Its contacts stay as they were taken. A stopped campaign keeps its pace and last day;
/// one that ended runs again when given a later last day. Check-ins are counted again for
/// the new last day, and a new last day without a pace quickens it when it must to reach
/// everyone left by then (refused above 50 a day).
pub async fn edit<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    changes: CampaignChanges,
    now: Timestamp,
) -> Result<CampaignView> {
    let found = find(store, actor, reference, now).await?;
    let c = found.campaign;
    require_manager(actor, &c, "change")?;
    if changes == CampaignChanges::default() {
        return Err(Invalid::new(
            "campaign",
            "say what to change: its name, note, check-ins a day or last day",
        )
        .into());
    }
    let tz = actor.workspace.tz();
    let today = crate::model::today::day_of(now, &tz);
    let mut update = CampaignUpdate {
        // A name sent back as it is stays, even one made before today's checks.
        name: changes
            .name
            .as_deref()
            .filter(|n| *n != c.name)
            .map(clean_name)
            .transpose()?,
        note: changes.note.as_deref().map(clean_note).transpose()?,
        ..CampaignUpdate::default()
    };
    let stopped = |at: Timestamp| {
        let day = crate::model::today::day_of(at, &tz);
        Error::Conflict(format!(
            "“{}” was stopped on {day}: its check-ins a day and last day no longer apply",
            c.name
        ))
    };
    let pace = changes.per_day.is_some() || changes.until.is_some();
    if pace {
        if let Some(at) = c.stopped_at {
            return Err(stopped(at));
        }
        // A last day kept as it was is not checked again (it may have passed).
        let n = per_day(
            Some(changes.per_day.unwrap_or(c.per_day)),
            changes.until.flatten(),
            0,
            today,
        )?;
        update.per_day = changes.per_day.map(|_| n);
        // A new last day without a pace: as when it was made, fast enough for the member
        // with the most left to reach them all by then (never slower than it was).
        // Written as "at least", so a pace another sets meanwhile is not lowered.
        if let (None, Some(Some(u)), false) = (changes.per_day, changes.until, changes.keep_pace) {
            let left = store
                .most_left_to_one_member(&actor.workspace.id, &c.id)
                .await?;
            let needed = per_day(None, Some(u), left, today).map_err(|mut e| {
                e.message
                    .push_str(", or give the check-ins a day yourself (--per-day, per_day)");
                e
            })?;
            update.at_least_per_day = Some(needed);
        }
        if let Some(u) = changes.until {
            update.until = Some((u, ends_at(u, &tz)?));
        }
    }
    let name = update.name.clone().unwrap_or_else(|| c.name.clone());
    match store
        .update_campaign(&actor.workspace.id, &c.id, &update)
        .await
    {
        Ok(true) => {}
        // Stopped meanwhile.
        Ok(false) => return Err(stopped(now)),
        Err(crate::StoreError::NotFound) => {
            return Err(Error::NotFound(format!("“{name}” was deleted meanwhile")));
        }
        Err(e) => return Err(name_taken(e, &name)),
    }
    find(store, actor, c.id.as_str(), now).await
}

/// Deletes a campaign and its list of check-ins (its maker or an owner); the interactions
/// logged stay on the contacts. Returns the campaign as it was.
pub async fn delete<S: CampaignStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<CampaignView> {
    let found = find(store, actor, reference, now).await?;
    require_manager(actor, &found.campaign, "delete")?;
    store
        .delete_campaign(&actor.workspace.id, &found.campaign.id)
        .await
        .map_err(|e| match Error::from(e) {
            Error::NotFound(_) => {
                Error::NotFound(format!("“{}” was deleted meanwhile", found.campaign.name))
            }
            other => other,
        })?;
    Ok(found)
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
