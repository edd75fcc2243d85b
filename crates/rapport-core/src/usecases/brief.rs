//! The pre-meeting brief: what to ask about, what is owed both ways, what is still unknown,
//! how the last conversations went, and how far each side can rely on the other.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::commitment::{Commitment, Direction, Request};
use crate::contact::Contact;
use crate::error::Result;
use crate::fact::{Fact, FactKind};
use crate::interaction::Interaction;
use crate::ledger::{CommitmentQuery, DirectionView, list_commitments, trust_of};
use crate::ports::{ContactStore, FactStore, InteractionStore, LedgerStore};
use crate::today::day_of;
use crate::workspace::Actor;

/// A yearly date coming up, as the brief shows it.
#[derive(Clone, Debug, Serialize)]
pub struct UpcomingDate {
    pub fact: Fact,
    pub next: Date,
    pub in_days: i64,
}

/// The brief for one contact.
#[derive(Clone, Debug, Serialize)]
pub struct Brief {
    pub contact: Contact,
    /// Where and when we met and who introduced us, in words; `None` when nothing is known.
    pub met: Option<String>,
    /// Who introduced them.
    pub introduced_by: Option<crate::service::Introducer>,
    /// Family, with birthdays when known: ask after them by name.
    pub family: Vec<Fact>,
    /// Interests and preferences: what to talk about, what they like.
    pub interests: Vec<Fact>,
    pub preferences: Vec<Fact>,
    pub notes: Vec<Fact>,
    /// Birthdays and anniversaries (theirs and their family's) in the next 30 days.
    pub upcoming_dates: Vec<UpcomingDate>,
    /// What I promised them and have not done yet, earliest due first.
    pub open_mine: Vec<Commitment>,
    /// What they promised me and have not done yet.
    pub open_theirs: Vec<Commitment>,
    /// Requests whose why is still unknown: ask.
    pub open_whys: Vec<Request>,
    /// The last three interactions, newest first (planned ones included).
    pub last_interactions: Vec<Interaction>,
    pub trust_mine: DirectionView,
    pub trust_theirs: DirectionView,
    pub trust_gap: bool,
    /// The last gesture, when the next is due, and what to give.
    pub appreciation: crate::gesture::Appreciation,
}

/// How far ahead the brief looks for dates.
pub const BRIEF_DATE_DAYS: i64 = 30;

/// The brief for a contact as of `now`.
pub async fn brief<
    S: ContactStore
        + FactStore
        + InteractionStore
        + LedgerStore
        + crate::ports::GestureStore
        + crate::ports::ReferralStore,
>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<Brief> {
    let trust = trust_of(store, actor, reference, None, now).await?;
    let contact = trust.contact;
    let ws = &actor.workspace.id;
    let facts = store.facts(ws, &contact.id).await?;
    let today = day_of(now, &actor.workspace.tz());
    let of_kind =
        |k: FactKind| -> Vec<Fact> { facts.iter().filter(|f| f.kind == k).cloned().collect() };
    let mut upcoming: Vec<UpcomingDate> = facts
        .iter()
        .filter_map(|f| {
            let next = f.date?.next_on_or_after(today);
            let in_days = i64::from(today.until(next).ok()?.get_days());
            (in_days <= BRIEF_DATE_DAYS).then(|| UpcomingDate {
                fact: f.clone(),
                next,
                in_days,
            })
        })
        .collect();
    upcoming.sort_by_key(|u| u.next);
    let open = list_commitments(
        store,
        actor,
        CommitmentQuery {
            contact: Some(contact.id.to_string()),
            open_only: true,
            limit: Some(1000),
            ..CommitmentQuery::default()
        },
    )
    .await?;
    let (open_mine, open_theirs): (Vec<Commitment>, Vec<Commitment>) = open
        .into_iter()
        .partition(|c| c.direction == Direction::Mine);
    let open_whys = store
        .requests(ws, Some(&contact.id), true, None, 100)
        .await?;
    let last_interactions = store.timeline(ws, &contact.id, None, 3).await?;
    let appreciation = crate::gesture::appreciation_of(store, actor, &contact, now).await?;
    let introduced_by = store
        .introductions(ws, &contact.id)
        .await?
        .introduced_by
        .map(|(id, name)| crate::service::Introducer { id, name });
    Ok(Brief {
        met: contact.met_phrase(introduced_by.as_ref().map(|i| i.name.as_str())),
        introduced_by,
        appreciation,
        family: of_kind(FactKind::Family),
        interests: of_kind(FactKind::Interest),
        preferences: of_kind(FactKind::Preference),
        notes: of_kind(FactKind::Note),
        upcoming_dates: upcoming,
        open_mine,
        open_theirs,
        open_whys,
        last_interactions,
        trust_mine: trust.mine,
        trust_theirs: trust.theirs,
        trust_gap: trust.gap,
        contact,
    })
}
