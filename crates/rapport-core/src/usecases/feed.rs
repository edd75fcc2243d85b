//! The calendar feed's content for one user: my promises and theirs that are open (on their
//! due day, or at their due time), the yearly dates of my contacts (birthdays, anniversaries,
//! their family's birthdays), and the gestures of appreciation coming due. Written as
//! iCalendar by `rapport_formats::ics`.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::commitment::Direction;
use crate::dates::YearlyDate;
use crate::error::Result;
use crate::fact::FactKind;
use crate::ports::{CommitmentFilter, ContactStore, FactStore, GestureStore, LedgerStore};
use crate::workspace::Actor;

/// How far ahead gestures due are put in the calendar.
pub const GESTURE_DAYS_AHEAD: i64 = 90;
/// At most this many open commitments are listed.
pub const MAX_COMMITMENTS: usize = 5000;
/// How long a promise with a due time shows in the calendar.
pub const TIMED_MINUTES: u32 = 30;

/// When an event happens.
#[derive(Clone, Debug, PartialEq)]
pub enum When {
    /// All day, once.
    Day(Date),
    /// All day, every year from `since` (its first occurrence on or after it).
    Yearly { date: YearlyDate, since: Date },
    /// At an instant, for some minutes.
    At { start: Timestamp, minutes: u32 },
}

/// One event of the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Stable across feeds, so calendars update an event rather than duplicate it.
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub when: When,
}

/// The user's events as of `now`.
/// Makes a new secret feed for the actor (the old one stops working) and returns its path,
/// `/feed/TOKEN.ics`: shown once, only the token's digest is kept.
pub async fn rotate<S: crate::ports::AccountStore>(
    store: &S,
    actor: &Actor,
    now: Timestamp,
) -> Result<String> {
    let token = crate::usecases::tokens::secret(32)?;
    store
        .rotate_feed(actor, &crate::usecases::tokens::digest(&token), now)
        .await?;
    Ok(format!("/feed/{token}.ics"))
}

pub async fn events<S: ContactStore + FactStore + LedgerStore + GestureStore>(
    store: &S,
    actor: &Actor,
    now: Timestamp,
) -> Result<Vec<Event>> {
    let ws = &actor.workspace.id;
    let tz = actor.workspace.tz();
    let today = crate::today::day_of(now, &tz);
    let mut out = Vec::new();

    let mut open = Vec::new();
    let mut filter = CommitmentFilter {
        open_only: true,
        owner: Some(actor.user.id.clone()),
        limit: 1000,
        ..CommitmentFilter::default()
    };
    loop {
        let page = store.commitments(ws, &filter).await?;
        let full = page.len() == filter.limit as usize;
        filter.after = page
            .last()
            .map(|k| (k.deadline, k.created_at, k.id.clone()));
        open.extend(page);
        if !full || open.len() >= MAX_COMMITMENTS {
            break;
        }
    }
    let mut ids: Vec<_> = open.iter().map(|k| k.contact_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let names: std::collections::HashMap<_, _> =
        store.contact_names(ws, &ids).await?.into_iter().collect();
    for k in open {
        let who = names.get(&k.contact_id).cloned().unwrap_or_default();
        let summary = match k.direction {
            Direction::Mine => format!("Promised {who}: {}", k.text),
            Direction::Theirs => format!("{who} promised: {}", k.text),
        };
        let when = match k.due.time {
            Some(t) => match k.due.date.to_datetime(t).to_zoned_datetime(tz.clone()) {
                Ok(z) => When::At {
                    start: z.timestamp(),
                    minutes: TIMED_MINUTES,
                },
                Err(_) => When::Day(k.due.date),
            },
            None => When::Day(k.due.date),
        };
        out.push(Event {
            uid: format!("commitment-{}@rapport", k.id),
            summary,
            description: k
                .at_risk
                .as_ref()
                .map(|_| "At risk: tell them before it is due.".to_owned()),
            when,
        });
    }

    for (f, who) in store.dated_facts(ws, &actor.user.id).await? {
        let Some(date) = f.date else { continue };
        let summary = match (f.kind, f.relation.as_deref()) {
            (FactKind::Family, Some(rel)) => format!("{}'s birthday ({who}'s {rel})", f.text),
            (FactKind::Family, None) => format!("{}'s birthday ({who})", f.text),
            _ => format!("{who}: {}", f.text),
        };
        out.push(Event {
            uid: format!("date-{}@rapport", f.id),
            summary,
            description: None,
            when: When::Yearly { date, since: today },
        });
    }

    let until = crate::gesture::day_number(today) + GESTURE_DAYS_AHEAD as i32;
    for (contact, who, day) in store.appreciation_due(ws, &actor.user.id, until).await? {
        let due = crate::gesture::from_day_number(i64::from(day)).unwrap_or(today);
        out.push(Event {
            uid: format!("gesture-{contact}@rapport"),
            summary: format!("A gesture of appreciation for {who}"),
            description: Some("See their page in Rapport for what to give.".into()),
            when: When::Day(due.max(today)),
        });
    }
    Ok(out)
}
