//! Today: what to do this morning to keep my word and keep relationships warm, most urgent
//! first. A pure function of the data the store gathers, the user, `now` and the workspace's
//! time zone.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::commitment::{Commitment, CommitmentId, Direction, Request, RequestId, Status};
use crate::contact::RelationshipType;
use crate::fact::{Fact, FactKind};
use crate::ids::{ContactId, UserId};
use crate::model::campaign::{Campaign, CampaignId};
use crate::model::gesture::{Gesture, GestureId, LastGesture, Suggestion, suggest_fitting};
use crate::model::suggestion::{Suggestion as PromiseSuggestion, SuggestionId};

crate::named::named_enum! {
    /// What an item of Today is, in the order they are shown.
    pub enum TodayKind: "kind", "kind of Today item" {
        /// A promise of mine at risk, and they have not been told.
        BadNews = "bad_news",
        /// A promise of mine due today or overdue.
        MineDue = "mine_due",
        /// A promise of theirs that is overdue: a gentle reminder to send.
        TheirsOverdue = "theirs_overdue",
        /// A promise found in mail, either way, waiting to be confirmed or dismissed.
        ConfirmPromise = "confirm_promise",
        /// A birthday or anniversary, today or in the next days.
        Date = "date",
        /// An appreciation gesture or a thank-you note due.
        Gesture = "gesture",
        /// A check-in of a campaign (`rapport campaign`): a few a day, VIPs and the coldest
        /// first.
        CheckIn = "check_in",
        /// A relationship past its keep-in-touch cadence.
        GoingCold = "going_cold",
        /// A request whose why is unknown, for a contact met today.
        OpenWhy = "open_why",
    }
}

impl TodayKind {
    /// The heading a list of Today shows above items of this kind (web page, digest).
    pub fn heading(self) -> &'static str {
        match self {
            TodayKind::BadNews => "Tell them now (bad news)",
            TodayKind::MineDue => "My promises due",
            TodayKind::TheirsOverdue => "Their promises overdue: a gentle reminder",
            TodayKind::ConfirmPromise => "Confirm these promises",
            TodayKind::Date => "Dates",
            TodayKind::Gesture => "Appreciation",
            TodayKind::CheckIn => "Check-ins",
            TodayKind::GoingCold => "Going cold",
            TodayKind::OpenWhy => "Ask why, at today's meetings",
        }
    }
}

/// A contact as Today names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactRef {
    pub id: ContactId,
    pub name: String,
}

impl ContactRef {
    fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// A relationship whose keep-in-touch time has passed (the store selects them).
#[derive(Clone, Debug, PartialEq)]
pub struct ColdCandidate {
    pub contact: ContactRef,
    pub vip: bool,
    pub relationship: RelationshipType,
    pub keep_in_touch_days: u32,
    /// The last interaction, or none ever.
    pub last_touch_at: Option<Timestamp>,
    /// When the next touch was due.
    pub touch_due_at: Timestamp,
    /// Their promises to me, 0–1, when known or early.
    pub trust_theirs: Option<f64>,
    /// The value of their open deals.
    pub open_deal_value: f64,
}

/// A relationship due an appreciation gesture (the store selects them).
#[derive(Clone, Debug, PartialEq)]
pub struct GestureCandidate {
    pub contact: ContactRef,
    pub vip: bool,
    pub relationship: RelationshipType,
    pub created_at: Timestamp,
    /// Days between gestures for this contact.
    pub every_days: u32,
    /// When the next gesture was due.
    pub due: Date,
    pub last: Option<LastGesture>,
    /// What they are interested in, to shape the suggestion.
    pub interests: Vec<String>,
    /// Their preferences: what they say no to is never suggested.
    pub preferences: Vec<String>,
}

/// A contact of a campaign still to check in with (the store selects them, in the
/// campaign's order).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckInCandidate {
    pub contact: ContactRef,
    pub vip: bool,
    /// The last interaction, or none ever.
    pub last_touch_at: Option<Timestamp>,
}

/// A running campaign with check-ins for the user (the store gathers one per campaign).
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignDue {
    pub campaign: Campaign,
    /// The user's contacts still to check in with, in the campaign's order: as many as
    /// [`check_ins_wanted`] says, none already listed for an earlier campaign.
    pub pending: Vec<CheckInCandidate>,
    /// How many of the user's contacts in it were checked in with today.
    pub done_today: u64,
    /// How many of the user's contacts in it are still to check in with, in all.
    pub pending_total: u64,
    /// The campaign's contacts (everyone's) and how many are checked in with.
    pub contacts: u64,
    pub done: u64,
}

/// What the store gathers for one user's Today.
#[derive(Clone, Debug, Default)]
pub struct TodayData {
    /// The user's open commitments at risk and untold, or due on or before today (at most
    /// [`COMMITMENTS_SHOWN`] of each direction, the most overdue first).
    pub commitments: Vec<(ContactRef, Commitment)>,
    /// How many more of mine are due or overdue than were gathered.
    pub more_mine_due: u64,
    /// How many more of theirs are due or overdue than were gathered.
    pub more_theirs_due: u64,
    /// Yearly dates of the user's contacts and their families falling in the window, the
    /// nearest day first and the most valuable contacts first within a day, at most
    /// [`DATES_SHOWN`].
    pub dated_facts: Vec<(ContactRef, Fact)>,
    /// About how many more dates fall in the window than were gathered.
    pub more_dates: u64,
    /// Relationships due an appreciation gesture by the window's day, the most valuable
    /// first (at most [`GESTURES_SHOWN`]).
    pub gestures_due: Vec<GestureCandidate>,
    /// The workspace's gift ideas in force (filled by the use case when gestures are due).
    pub gift_catalogue: Vec<crate::model::gift::GiftIdea>,
    /// The user's gestures planned for the window's day.
    pub planned_gestures: Vec<(ContactRef, Gesture)>,
    /// Relationships past their cadence, the most valuable first.
    pub going_cold: Vec<ColdCandidate>,
    /// How many more relationships are going cold than were gathered.
    pub more_going_cold: u64,
    /// How many more relationships are due a gesture than were gathered.
    pub more_gestures_due: u64,
    /// Requests without a why, of contacts with a meeting today.
    pub open_whys: Vec<(ContactRef, Request)>,
    /// Promises found in the user's mail and on offer, the newest message first (at most
    /// [`SUGGESTIONS_SHOWN`]).
    pub suggestions: Vec<(ContactRef, PromiseSuggestion)>,
    /// How many more are on offer than were gathered.
    pub more_suggestions: u64,
    /// Running campaigns with check-ins for the user, the oldest campaign first.
    pub check_ins: Vec<CampaignDue>,
    /// How many different contacts of the user's are still to check in with, across the
    /// running campaigns.
    pub check_ins_left: u64,
}

/// One item of Today.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TodayItem {
    pub kind: TodayKind,
    pub contact_id: ContactId,
    pub contact_name: String,
    pub text: String,
    pub due: Option<Date>,
    /// Why it is on the list, in a line.
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment_id: Option<CommitmentId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<RequestId>,
    /// For `theirs_overdue`: a short, friendly reminder to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<String>,
    /// For `gesture`: what to give, following the appreciation rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
    /// For a planned `gesture`: the gesture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gesture_id: Option<GestureId>,
    /// For `confirm_promise`: the suggestion to accept or dismiss, and whose promise it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion_id: Option<SuggestionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// For a commitment: the chance it is kept on time (`null` when nothing is known yet),
    /// and why. Filled by the use case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_reason: Option<String>,
    /// For `check_in`: its campaign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<CampaignId>,
}

/// Today's list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Today {
    /// The calendar day in the workspace's time zone.
    pub date: Date,
    pub items: Vec<TodayItem>,
    /// Items of a kind beyond those listed (a long backlog of overdue promises).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<More>,
    /// Reminders not tied to one item ("5 of the 9 requests answered in the last 30 days
    /// were answered without knowing why…"; a campaign's check-ins done for the day). In
    /// JSON, their text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// A reminder on Today; what it is about says where to look further.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
    pub about: NoteAbout,
}

/// What a note of Today is about.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteAbout {
    /// Requests answered without knowing why (see the request stats, Insights).
    Whys,
    /// A campaign's check-ins (see the campaign).
    Campaign { id: CampaignId, name: String },
}

impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// How many more items of a kind there are than Today lists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct More {
    pub kind: TodayKind,
    pub count: u64,
}

/// At most this many of my due, of their overdue, and of my untold at-risk commitments
/// are listed.
pub const COMMITMENTS_SHOWN: u32 = 100;

/// At most this many promises found in mail are listed.
pub const SUGGESTIONS_SHOWN: u32 = 20;

/// Dates are shown from today to this many days ahead.
pub const DATE_WINDOW_DAYS: i64 = 7;

/// At most this many birthdays and anniversaries are shown (the nearest first, the most
/// valuable contacts first within a day).
pub const DATES_SHOWN: u32 = 50;

/// At most this many relationships due a gesture are shown.
pub const GESTURES_SHOWN: u32 = 10;

/// At most this many relationships going cold are shown.
pub const GOING_COLD_SHOWN: usize = 20;

/// At most this many check-ins are shown, of every running campaign together.
pub const CHECK_INS_SHOWN: u32 = 50;

/// How many check-ins of a campaign Today lists: what is left of its `per_day` after those
/// done today, within `room` (what is left of [`CHECK_INS_SHOWN`]).
pub fn check_ins_wanted(per_day: u32, done_today: u64, room: u32) -> u32 {
    let left = u64::from(per_day).saturating_sub(done_today);
    left.min(u64::from(room)) as u32
}

/// The calendar day of `now` in `tz`.
pub fn day_of(now: Timestamp, tz: &TimeZone) -> Date {
    now.to_zoned_datetime(tz.clone()).date()
}

pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

pub(crate) fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

pub(crate) fn ordinal(n: i16) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Builds Today for `user` from the gathered data.
pub fn today(data: &TodayData, user: &UserId, now: Timestamp, tz: &TimeZone) -> Today {
    let date = day_of(now, tz);
    let mut items = Vec::new();
    let mine_open = |c: &Commitment| c.owner_id == *user && c.status == Status::Open;

    // 1. Bad news to deliver.
    let mut bad: Vec<&(ContactRef, Commitment)> = data
        .commitments
        .iter()
        .filter(|(_, c)| mine_open(c) && c.direction == Direction::Mine && c.needs_telling())
        .collect();
    bad.sort_by_key(|(_, c)| (c.deadline, c.id.clone()));
    for (who, c) in bad {
        let since = c.at_risk.as_ref().map_or(now, |r| r.at);
        let reason = match c.at_risk.as_ref().and_then(|r| r.reason.as_deref()) {
            Some(r) => format!(
                "At risk since {} ({r}); they have not been told",
                day_of(since, tz)
            ),
            None => format!(
                "At risk since {}; they have not been told",
                day_of(since, tz)
            ),
        };
        items.push(commitment_item(TodayKind::BadNews, who, c, reason));
    }

    // 2. My promises due today or overdue, overdue first.
    let mut due: Vec<&(ContactRef, Commitment)> = data
        .commitments
        .iter()
        .filter(|(_, c)| {
            mine_open(c)
                && c.direction == Direction::Mine
                && !c.needs_telling()
                && c.due.date <= date
        })
        .collect();
    due.sort_by_key(|(_, c)| (c.due.date, c.deadline, c.id.clone()));
    for (who, c) in due {
        let late = days_between(c.due.date, date);
        let reason = match (late, c.due.time) {
            (0, Some(t)) if now > c.deadline => format!("Was due today at {}", t.strftime("%H:%M")),
            (0, Some(t)) => format!("Due today by {}", t.strftime("%H:%M")),
            (0, None) => "Due today".to_owned(),
            (n, _) => format!("Overdue by {}", plural(n, "day")),
        };
        items.push(commitment_item(TodayKind::MineDue, who, c, reason));
    }

    // 3. Their overdue promises, with a reminder to send.
    let mut theirs: Vec<&(ContactRef, Commitment)> = data
        .commitments
        .iter()
        .filter(|(_, c)| mine_open(c) && c.direction == Direction::Theirs && c.is_overdue(now))
        .collect();
    theirs.sort_by_key(|(_, c)| (c.deadline, c.id.clone()));
    for (who, c) in theirs {
        let late = days_between(c.due.date, date);
        let reason = if late == 0 {
            "Was due earlier today".to_owned()
        } else {
            format!("Was due {}, {} ago", c.due.date, plural(late, "day"))
        };
        let mut item = commitment_item(TodayKind::TheirsOverdue, who, c, reason);
        let when = if c.due.date.year() == date.year() {
            c.due.date.strftime("%A %-d %B").to_string()
        } else {
            c.due.date.strftime("%-d %B %Y").to_string()
        };
        item.reminder = Some(format!(
            "Hi {}, a quick check-in on “{}”, which we had down for {when}. Is there anything you need from me to get it moving?",
            who.first_name(),
            c.text,
        ));
        items.push(item);
    }

    // 3b. Promises found in mail, to confirm or dismiss.
    for (who, p) in &data.suggestions {
        let when = if p.message_at.to_zoned_datetime(tz.clone()).year() == date.year() {
            day_of(p.message_at, tz).strftime("%-d %B").to_string()
        } else {
            day_of(p.message_at, tz).strftime("%-d %B %Y").to_string()
        };
        let whose = match p.direction {
            Direction::Mine => "Your promise, in your email",
            Direction::Theirs => "Their promise, in their email",
        };
        let undated = if p.due.is_none() {
            " No date said: pick one."
        } else {
            ""
        };
        items.push(TodayItem {
            kind: TodayKind::ConfirmPromise,
            contact_id: who.id.clone(),
            contact_name: who.name.clone(),
            text: p.text.clone(),
            due: p.due,
            reason: format!(
                "{whose} “{}” of {when}: “{}”{undated}",
                p.subject, p.sentence
            ),
            commitment_id: None,
            request_id: None,
            reminder: None,
            suggestion: None,
            gesture_id: None,
            suggestion_id: Some(p.id.clone()),
            direction: Some(p.direction),
            forecast: None,
            forecast_reason: None,
            campaign_id: None,
        });
    }

    // 4. Birthdays, anniversaries and other yearly dates, today and the next days.
    let mut dates: Vec<(Date, TodayItem)> = data
        .dated_facts
        .iter()
        .filter_map(|(who, f)| date_item(who, f, date))
        .collect();
    // By day; within a day, in the store's order (the most valuable contacts first).
    dates.sort_by_key(|d| d.0);
    items.extend(dates.into_iter().map(|(_, i)| i));

    // 5. Gestures planned for today, then relationships due one, the most valuable first.
    // A gesture recorded today for today was given, not planned: nothing left to do.
    for (who, g) in data
        .planned_gestures
        .iter()
        .filter(|(_, g)| day_of(g.created_at, tz) < g.given_on)
    {
        items.push(TodayItem {
            gesture_id: Some(g.id.clone()),
            ..plain_item(
                TodayKind::Gesture,
                who,
                g.text.clone(),
                date,
                "Planned for today".to_owned(),
            )
        });
    }
    let mut due_gestures: Vec<&GestureCandidate> = data
        .gestures_due
        .iter()
        .filter(|g| {
            g.due <= date
                && !data
                    .planned_gestures
                    .iter()
                    .any(|(w, _)| w.id == g.contact.id)
        })
        .collect();
    due_gestures.sort_by(|a, b| {
        let tier = |g: &GestureCandidate| (g.vip, g.relationship == RelationshipType::Customer);
        tier(b)
            .cmp(&tier(a))
            .then(a.due.cmp(&b.due))
            .then(a.contact.name.cmp(&b.contact.name))
    });
    let gestures_beyond =
        data.more_gestures_due + due_gestures.len().saturating_sub(GESTURES_SHOWN as usize) as u64;
    for g in due_gestures.into_iter().take(GESTURES_SHOWN as usize) {
        let known = days_between(day_of(g.created_at, tz), date);
        let s = suggest_fitting(
            g.relationship,
            g.vip,
            known,
            g.last.as_ref(),
            &g.interests,
            &g.preferences,
            &data.gift_catalogue,
        );
        let every = plural(i64::from(g.every_days), "day");
        let reason = match &g.last {
            Some(l) => format!(
                "Last gesture {} ago ({}); you show appreciation every {every}",
                plural(days_between(l.given_on, date), "day"),
                l.text
            ),
            None => format!("No gesture yet; you show appreciation every {every}"),
        };
        let mut item = plain_item(
            TodayKind::Gesture,
            &g.contact,
            s.text.clone(),
            g.due,
            reason,
        );
        item.suggestion = Some(s);
        items.push(item);
    }

    // 6. Check-ins of running campaigns: each asks for `per_day` a day of the user; those
    // done today count against it.
    let mut notes = Vec::new();
    let mut checking_in: Vec<&ContactId> = Vec::new();
    for due in &data.check_ins {
        let c = &due.campaign;
        if due.done_today >= u64::from(c.per_day) && due.pending_total > 0 {
            let when = if c.until == Some(date) {
                "today is its last day"
            } else {
                "more tomorrow"
            };
            notes.push(Note {
                text: format!(
                    "“{}”: {} done today, {} still to check in with ({when})",
                    c.name,
                    plural(due.done_today as i64, "check-in"),
                    due.pending_total
                ),
                about: NoteAbout::Campaign {
                    id: c.id.clone(),
                    name: c.name.clone(),
                },
            });
        }
        let first_line = c.note.lines().next().unwrap_or(&c.note);
        for p in &due.pending {
            if checking_in.contains(&&p.contact.id) {
                continue;
            }
            let last = match p.last_touch_at {
                Some(t) if t <= now => format!(
                    "last in touch {} ago",
                    plural(days_between(day_of(t, tz), date), "day")
                ),
                Some(_) => "a meeting is planned".to_owned(),
                None => "never in touch yet".to_owned(),
            };
            let vip = if p.vip { "VIP, " } else { "" };
            let reason = format!(
                "Campaign “{}” ({} of {} checked in with): {vip}{last}",
                c.name, due.done, due.contacts
            );
            checking_in.push(&p.contact.id);
            items.push(TodayItem {
                campaign_id: Some(c.id.clone()),
                ..plain_item(
                    TodayKind::CheckIn,
                    &p.contact,
                    format!("Check in: {first_line}"),
                    date,
                    reason,
                )
            });
        }
    }

    // 7. Going cold, the most valuable relationships first (not those checked in with on
    // a campaign today: that item says to get in touch already).
    let mut cold: Vec<&ColdCandidate> = data
        .going_cold
        .iter()
        .filter(|c| c.touch_due_at < now && !checking_in.contains(&&c.contact.id))
        .collect();
    cold.sort_by(|a, b| {
        (b.vip, b.open_deal_value > 0.0)
            .cmp(&(a.vip, a.open_deal_value > 0.0))
            .then(b.open_deal_value.total_cmp(&a.open_deal_value))
            .then(
                (b.relationship == RelationshipType::Customer)
                    .cmp(&(a.relationship == RelationshipType::Customer)),
            )
            .then(
                b.trust_theirs
                    .unwrap_or(0.5)
                    .total_cmp(&a.trust_theirs.unwrap_or(0.5)),
            )
            .then(a.touch_due_at.cmp(&b.touch_due_at))
    });
    let cold_beyond = data.more_going_cold + cold.len().saturating_sub(GOING_COLD_SHOWN) as u64;
    for c in cold.into_iter().take(GOING_COLD_SHOWN) {
        let reason = match c.last_touch_at {
            Some(t) => format!(
                "Last in touch {} ago; you keep in touch every {}",
                plural(days_between(day_of(t, tz), date), "day"),
                plural(i64::from(c.keep_in_touch_days), "day")
            ),
            None => format!(
                "Never in touch yet; you keep in touch every {}",
                plural(i64::from(c.keep_in_touch_days), "day")
            ),
        };
        items.push(plain_item(
            TodayKind::GoingCold,
            &c.contact,
            "Get in touch".to_owned(),
            day_of(c.touch_due_at, tz),
            reason,
        ));
    }

    // 8. Open whys for today's meetings.
    for (who, r) in &data.open_whys {
        items.push(TodayItem {
            request_id: Some(r.id.clone()),
            ..plain_item(
                TodayKind::OpenWhy,
                who,
                format!("Ask why: {}", r.text),
                date,
                "You meet today and do not know why this matters to them yet".to_owned(),
            )
        });
    }
    let mut more = Vec::new();
    if data.more_mine_due > 0 {
        more.push(More {
            kind: TodayKind::MineDue,
            count: data.more_mine_due,
        });
    }
    if data.more_theirs_due > 0 {
        more.push(More {
            kind: TodayKind::TheirsOverdue,
            count: data.more_theirs_due,
        });
    }
    if data.more_suggestions > 0 {
        more.push(More {
            kind: TodayKind::ConfirmPromise,
            count: data.more_suggestions,
        });
    }
    if data.more_dates > 0 {
        more.push(More {
            kind: TodayKind::Date,
            count: data.more_dates,
        });
    }
    for (kind, count) in [
        (TodayKind::Gesture, gestures_beyond),
        (
            TodayKind::CheckIn,
            data.check_ins_left.saturating_sub(checking_in.len() as u64),
        ),
        (TodayKind::GoingCold, cold_beyond),
    ] {
        if count > 0 {
            more.push(More { kind, count });
        }
    }
    Today {
        date,
        items,
        more,
        notes,
    }
}

/// An item with no commitment, request or gesture attached.
pub(crate) fn plain_item(
    kind: TodayKind,
    who: &ContactRef,
    text: String,
    due: Date,
    reason: String,
) -> TodayItem {
    TodayItem {
        kind,
        contact_id: who.id.clone(),
        contact_name: who.name.clone(),
        text,
        due: Some(due),
        reason,
        commitment_id: None,
        request_id: None,
        reminder: None,
        suggestion: None,
        gesture_id: None,
        suggestion_id: None,
        direction: None,
        forecast: None,
        forecast_reason: None,
        campaign_id: None,
    }
}

pub(crate) fn commitment_item(
    kind: TodayKind,
    who: &ContactRef,
    c: &Commitment,
    reason: String,
) -> TodayItem {
    TodayItem {
        commitment_id: Some(c.id.clone()),
        ..plain_item(kind, who, c.text.clone(), c.due.date, reason)
    }
}

/// The item for a yearly date, if its next occurrence is within the window.
pub(crate) fn date_item(who: &ContactRef, f: &Fact, today: Date) -> Option<(Date, TodayItem)> {
    let d = f.date?;
    let next = d.next_on_or_after(today);
    let ahead = days_between(today, next);
    if ahead > DATE_WINDOW_DAYS {
        return None;
    }
    let years = d.years_at(next);
    let text = match f.kind {
        FactKind::Family => {
            let whose = f
                .relation
                .as_deref()
                .map_or(String::new(), |r| format!(" ({r})"));
            match years {
                Some(y) => format!("{}{whose} turns {y}", f.text),
                None => format!("{}{whose}: birthday", f.text),
            }
        }
        _ => {
            let what = &f.text;
            match years {
                // The contact's name is shown apart, once: the text says what.
                Some(y) if what.to_lowercase().contains("birthday") => {
                    format!("{what}, turns {y}")
                }
                Some(y) if y > 0 => format!("{what}, {} anniversary", ordinal(y)),
                _ => what.clone(),
            }
        }
    };
    let reason = match ahead {
        0 => "Today".to_owned(),
        1 => "Tomorrow".to_owned(),
        n => format!("In {n} days, {}", next.strftime("%A %-d %B")),
    };
    Some((next, plain_item(TodayKind::Date, who, text, next, reason)))
}

/// The (month, day) pairs whose yearly dates fall in the window starting `today`: what the
/// store asks for. 29 February is included when the window holds 28 February of a
/// non-leap year, since it is celebrated then.
pub fn window_days(today: Date) -> Vec<(i8, i8)> {
    let mut out = Vec::new();
    for i in 0..=DATE_WINDOW_DAYS {
        let Ok(d) = today.checked_add(jiff::Span::new().days(i)) else {
            break;
        };
        out.push((d.month(), d.day()));
        if d.month() == 2 && d.day() == 28 && !d.in_leap_year() {
            out.push((2, 29));
        }
    }
    out
}

/// How many relationships going cold the store returns for ranking (the top tiers, most
/// overdue first within each); Today shows [`GOING_COLD_SHOWN`].
pub const GOING_COLD_CANDIDATES: u32 = 200;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitment::{AtRisk, Due};
    use crate::dates::YearlyDate;
    use crate::ids::FactId;
    use crate::trust::Size;
    use jiff::civil::date;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").expect("tzdb")
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn who(name: &str) -> ContactRef {
        ContactRef {
            id: ContactId::generate(),
            name: name.into(),
        }
    }

    fn commitment(user: &UserId, d: Direction, due: &str, tz: &TimeZone) -> Commitment {
        let due = Due::parse(due, ts("2026-11-01T00:00:00Z"), tz).expect("due");
        Commitment {
            id: CommitmentId::generate(),
            contact_id: ContactId::generate(),
            direction: d,
            text: "Send the samples".into(),
            deadline: due.deadline(tz).expect("deadline"),
            due,
            size: Size::Normal,
            source_interaction_id: None,
            owner_id: user.clone(),
            status: Status::Open,
            resolved_at: None,
            released_on_request: None,
            at_risk: None,
            told_at: None,
            predecessor_id: None,
            successor_id: None,
            created_at: ts("2026-11-01T00:00:00Z"),
            updated_at: ts("2026-11-01T00:00:00Z"),
        }
    }

    fn fact(kind: FactKind, text: &str, relation: Option<&str>, d: &str) -> Fact {
        Fact {
            id: FactId::generate(),
            contact_id: ContactId::generate(),
            kind,
            text: text.into(),
            relation: relation.map(Into::into),
            date: Some(d.parse::<YearlyDate>().expect("date")),
            created_at: ts("2026-01-01T00:00:00Z"),
        }
    }

    fn campaign_due(
        pending: Vec<ContactRef>,
        per_day: u32,
        done_today: u64,
        pending_total: u64,
    ) -> CampaignDue {
        let at = ts("2026-11-20T10:00:00Z");
        CampaignDue {
            campaign: Campaign {
                id: CampaignId::generate(),
                name: "Floods".into(),
                segment: "tag=restaurants".into(),
                note: "How are you holding up?\nAnything we can do?".into(),
                per_day,
                until: None,
                created_by: UserId::generate(),
                created_at: at,
                starts_at: at,
                ends_at: None,
                stopped_at: None,
            },
            pending: pending
                .into_iter()
                .enumerate()
                .map(|(i, contact)| CheckInCandidate {
                    contact,
                    vip: i == 0,
                    last_touch_at: (i > 0).then(|| ts("2026-08-25T10:00:00Z")),
                })
                .collect(),
            done_today,
            pending_total,
            contacts: 40,
            done: 12,
        }
    }

    #[test]
    fn check_ins_come_a_few_a_day_and_say_what_is_left() {
        let user = UserId::generate();
        let tz = paris();
        let now = ts("2026-11-25T09:00:00Z");
        let (bo, cy, di) = (who("Bo Chen"), who("Cy Diaz"), who("Di Eze"));
        let cold = |c: &ContactRef| ColdCandidate {
            contact: c.clone(),
            vip: false,
            relationship: RelationshipType::Customer,
            keep_in_touch_days: 60,
            last_touch_at: Some(ts("2026-08-25T10:00:00Z")),
            touch_due_at: ts("2026-10-24T10:00:00Z"),
            trust_theirs: None,
            open_deal_value: 0.0,
        };
        // Three a day, one done already today: the store gathers two, in the campaign's
        // order. A second campaign holding Bo too lists him once, and its next one instead.
        assert_eq!(check_ins_wanted(3, 1, CHECK_INS_SHOWN), 2);
        assert_eq!(check_ins_wanted(3, 4, CHECK_INS_SHOWN), 0);
        assert_eq!(check_ins_wanted(30, 0, 7), 7);
        let ed = who("Ed Fox");
        let data = TodayData {
            check_ins: vec![
                campaign_due(vec![bo.clone(), cy.clone()], 3, 1, 10),
                campaign_due(vec![bo.clone(), ed.clone()], 2, 0, 2),
            ],
            check_ins_left: 11,
            going_cold: vec![cold(&cy), cold(&di)],
            ..TodayData::default()
        };
        let t = today(&data, &user, now, &tz);
        let names: Vec<(TodayKind, &str)> = t
            .items
            .iter()
            .map(|i| (i.kind, i.contact_name.as_str()))
            .collect();
        // Cy is checked in with on the campaign: not also listed as going cold.
        assert_eq!(
            names,
            vec![
                (TodayKind::CheckIn, "Bo Chen"),
                (TodayKind::CheckIn, "Cy Diaz"),
                (TodayKind::CheckIn, "Ed Fox"),
                (TodayKind::GoingCold, "Di Eze"),
            ]
        );
        assert_eq!(t.items[0].text, "Check in: How are you holding up?");
        assert_eq!(
            t.items[0].reason,
            "Campaign “Floods” (12 of 40 checked in with): VIP, never in touch yet"
        );
        assert_eq!(
            t.items[1].reason,
            "Campaign “Floods” (12 of 40 checked in with): last in touch 92 days ago"
        );
        assert_eq!(
            t.items[0].campaign_id,
            Some(data.check_ins[0].campaign.id.clone())
        );
        // Eight more different contacts of the user's are still to do: said, not cut.
        assert!(t.more.contains(&More {
            kind: TodayKind::CheckIn,
            count: 8
        }));
        assert!(t.notes.is_empty());

        // The day's check-ins done: nothing listed, and a note says what is left.
        let data = TodayData {
            check_ins: vec![campaign_due(Vec::new(), 3, 3, 10)],
            check_ins_left: 10,
            ..TodayData::default()
        };
        let t = today(&data, &user, now, &tz);
        assert!(t.items.is_empty());
        let notes: Vec<&str> = t.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            notes,
            vec!["“Floods”: 3 check-ins done today, 10 still to check in with (more tomorrow)"]
        );
        assert!(matches!(
            &t.notes[0].about,
            NoteAbout::Campaign { name, .. } if name == "Floods"
        ));
        assert!(t.more.contains(&More {
            kind: TodayKind::CheckIn,
            count: 10
        }));
    }

    fn kinds(t: &Today) -> Vec<TodayKind> {
        t.items.iter().map(|i| i.kind).collect()
    }

    #[test]
    fn every_kind_in_order_of_urgency() {
        let user = UserId::generate();
        let tz = paris();
        let now = ts("2026-11-25T09:00:00Z");
        let ana = who("Ana Lima");
        let mut at_risk = commitment(&user, Direction::Mine, "2026-11-28", &tz);
        at_risk.at_risk = Some(AtRisk {
            at: ts("2026-11-24T10:00:00Z"),
            reason: Some("Supplier late".into()),
        });
        let overdue = commitment(&user, Direction::Mine, "2026-11-20", &tz);
        let due_today = commitment(&user, Direction::Mine, "2026-11-25", &tz);
        let theirs = commitment(&user, Direction::Theirs, "2026-11-22", &tz);
        let request = Request {
            id: RequestId::generate(),
            contact_id: ana.id.clone(),
            text: "A discount".into(),
            why: None,
            answered_by: None,
            owner_id: user.clone(),
            created_at: now,
            updated_at: now,
        };
        let data = TodayData {
            commitments: vec![
                (ana.clone(), theirs),
                (ana.clone(), due_today),
                (ana.clone(), overdue),
                (ana.clone(), at_risk),
            ],
            dated_facts: vec![(
                ana.clone(),
                fact(FactKind::Date, "Birthday", None, "1980-11-27"),
            )],
            going_cold: vec![ColdCandidate {
                contact: ana.clone(),
                vip: false,
                relationship: RelationshipType::Customer,
                keep_in_touch_days: 60,
                last_touch_at: Some(ts("2026-09-01T10:00:00Z")),
                touch_due_at: ts("2026-10-31T10:00:00Z"),
                trust_theirs: None,
                open_deal_value: 0.0,
            }],
            open_whys: vec![(ana.clone(), request)],
            more_mine_due: 3,
            more_theirs_due: 0,
            more_dates: 0,
            more_gestures_due: 0,
            more_going_cold: 2,
            gestures_due: vec![gesture_due(&ana, date(2026, 11, 20))],
            gift_catalogue: crate::model::gift::catalogue(&[]),
            planned_gestures: Vec::new(),
            suggestions: vec![(
                ana.clone(),
                PromiseSuggestion {
                    id: SuggestionId::generate(),
                    contact_id: ana.id.clone(),
                    owner_id: user.clone(),
                    direction: Direction::Theirs,
                    text: "Send the signed order".into(),
                    due: None,
                    sentence: "I'll send the signed order.".into(),
                    message_key: "id:1@x".into(),
                    ordinal: 0,
                    message_id: Some("1@x".into()),
                    subject: "Order".into(),
                    message_at: ts("2026-11-24T09:00:00Z"),
                    found_at: now,
                    expires_at: now,
                    status: crate::model::suggestion::SuggestionStatus::Open,
                    decided_at: None,
                    commitment_id: None,
                },
            )],
            more_suggestions: 0,
            check_ins: vec![campaign_due(vec![who("Bo Chen")], 2, 0, 1)],
            check_ins_left: 1,
        };
        let t = today(&data, &user, now, &tz);
        assert_eq!(t.date, date(2026, 11, 25));
        let found = t
            .items
            .iter()
            .find(|i| i.kind == TodayKind::ConfirmPromise)
            .expect("a promise to confirm");
        assert_eq!(
            found.reason,
            "Their promise, in their email “Order” of 24 November: “I'll send the signed order.” No date said: pick one."
        );
        assert_eq!(found.direction, Some(Direction::Theirs));
        assert_eq!(
            kinds(&t),
            vec![
                TodayKind::BadNews,
                TodayKind::MineDue,
                TodayKind::MineDue,
                TodayKind::TheirsOverdue,
                TodayKind::ConfirmPromise,
                TodayKind::Date,
                TodayKind::Gesture,
                TodayKind::CheckIn,
                TodayKind::GoingCold,
                TodayKind::OpenWhy,
            ]
        );
        assert_eq!(
            t.items[0].reason,
            "At risk since 2026-11-24 (Supplier late); they have not been told"
        );
        assert_eq!(
            t.items[1].reason, "Overdue by 5 days",
            "overdue before due today"
        );
        assert_eq!(t.items[2].reason, "Due today");
        let reminder = t.items[3].reminder.as_deref().expect("a reminder");
        assert!(
            reminder.starts_with("Hi Ana, a quick check-in on “Send the samples”, which we had down for Sunday 22 November."),
            "{reminder}"
        );
        assert_eq!(t.items[5].text, "Birthday, turns 46");
        assert_eq!(t.items[5].reason, "In 2 days, Friday 27 November");
        assert_eq!(
            t.more,
            vec![
                More {
                    kind: TodayKind::MineDue,
                    count: 3
                },
                More {
                    kind: TodayKind::GoingCold,
                    count: 2
                }
            ],
            "nothing cut without saying so"
        );
        assert_eq!(
            t.items[6].text,
            "A voucher for a restaurant or shop they like"
        );
        assert_eq!(
            t.items[6].reason,
            "Last gesture 177 days ago (Concert tickets); you show appreciation every 120 days"
        );
        assert_eq!(
            t.items[7].reason,
            "Campaign “Floods” (12 of 40 checked in with): VIP, never in touch yet"
        );
        assert!(
            t.items[8].reason.starts_with("Last in touch 85 days ago"),
            "{}",
            t.items[8].reason
        );
    }

    fn gesture_due(who: &ContactRef, due: Date) -> GestureCandidate {
        GestureCandidate {
            contact: who.clone(),
            vip: false,
            relationship: RelationshipType::Customer,
            created_at: ts("2024-01-10T10:00:00Z"),
            every_days: 120,
            due,
            last: Some(LastGesture {
                kind: crate::model::gesture::GestureKind::Tickets,
                text: "Concert tickets".into(),
                given_on: date(2026, 6, 1),
            }),
            interests: vec!["sailing".into()],
            preferences: Vec::new(),
        }
    }

    #[test]
    fn a_gesture_is_due_on_its_day_not_before_and_vips_come_first() {
        let user = UserId::generate();
        let tz = paris();
        let (ana, bo) = (who("Ana Lima"), who("Bo Berg"));
        let mut vip = gesture_due(&bo, date(2026, 11, 26));
        vip.vip = true;
        let data = TodayData {
            gestures_due: vec![gesture_due(&ana, date(2026, 11, 20)), vip],
            ..TodayData::default()
        };
        // 23:30 UTC on the 25th is already the 26th in Paris.
        for (now, expected) in [
            ("2026-11-25T22:59:59Z", vec!["Ana Lima"]),
            ("2026-11-25T23:00:00Z", vec!["Bo Berg", "Ana Lima"]),
        ] {
            let t = today(&data, &user, ts(now), &tz);
            let names: Vec<&str> = t.items.iter().map(|i| i.contact_name.as_str()).collect();
            assert_eq!(names, expected, "{now}");
            assert!(t.items.iter().all(|i| i.kind == TodayKind::Gesture));
            let s = t.items[0].suggestion.as_ref().expect("a suggestion");
            assert_ne!(
                s.kind,
                crate::model::gesture::GestureKind::Tickets,
                "not tickets again"
            );
        }
        // A gesture planned for today replaces the suggestion for that contact.
        let planned = Gesture {
            id: GestureId::generate(),
            contact_id: ana.id.clone(),
            kind: crate::model::gesture::GestureKind::Gift,
            text: "Sailing book".into(),
            given_on: date(2026, 11, 25),
            cost: crate::model::deal::Cents(3000),
            note: None,
            given_by: user.clone(),
            created_at: ts("2026-11-01T10:00:00Z"),
        };
        let data = TodayData {
            planned_gestures: vec![(ana.clone(), planned)],
            ..data
        };
        let t = today(&data, &user, ts("2026-11-25T09:00:00Z"), &tz);
        assert_eq!(t.items.len(), 1);
        assert_eq!(
            t.items[0].text, "Sailing book",
            "the name is shown once, apart"
        );
        assert_eq!(t.items[0].reason, "Planned for today");
        // The same gesture recorded this morning, for today, was given: nothing to do.
        let given = Gesture {
            created_at: ts("2026-11-25T08:30:00Z"),
            ..data.planned_gestures[0].1.clone()
        };
        let data = TodayData {
            planned_gestures: vec![(ana.clone(), given)],
            ..data
        };
        let t = today(&data, &user, ts("2026-11-25T09:00:00Z"), &tz);
        assert!(
            t.items.is_empty(),
            "given today is not planned: {:?}",
            t.items
        );
    }

    #[test]
    fn today_is_the_day_in_the_workspace_zone() {
        let user = UserId::generate();
        let ana = who("Ana");
        // 23:30 UTC on the 25th is already the 26th in Paris.
        let now = ts("2026-11-25T23:30:00Z");
        for (tz, shown) in [(paris(), true), (TimeZone::UTC, false)] {
            let due = commitment(&user, Direction::Mine, "2026-11-26", &tz);
            let data = TodayData {
                commitments: vec![(ana.clone(), due)],
                ..TodayData::default()
            };
            let t = today(&data, &user, now, &tz);
            assert_eq!(t.items.len(), usize::from(shown), "{tz:?}");
        }
        // Theirs is overdue only once its deadline (end of its day, in the zone) has passed.
        let tz = paris();
        let theirs = commitment(&user, Direction::Theirs, "2026-11-25", &tz);
        let at = |s| {
            let data = TodayData {
                commitments: vec![(ana.clone(), theirs.clone())],
                ..TodayData::default()
            };
            today(&data, &user, ts(s), &tz).items.len()
        };
        assert_eq!(at("2026-11-25T22:59:59Z"), 0, "still the 25th in Paris");
        assert_eq!(at("2026-11-25T23:00:00Z"), 1, "the 26th in Paris");
    }

    #[test]
    fn only_my_open_commitments_count() {
        let user = UserId::generate();
        let other = UserId::generate();
        let tz = TimeZone::UTC;
        let mut kept = commitment(&user, Direction::Mine, "2026-11-20", &tz);
        kept.status = Status::Kept;
        let someone_else = commitment(&other, Direction::Mine, "2026-11-20", &tz);
        let ahead = commitment(&user, Direction::Mine, "2026-11-26", &tz);
        let data = TodayData {
            commitments: vec![
                (who("A"), kept),
                (who("B"), someone_else),
                (who("C"), ahead),
            ],
            ..TodayData::default()
        };
        assert!(
            today(&data, &user, ts("2026-11-25T12:00:00Z"), &tz)
                .items
                .is_empty()
        );
    }

    #[test]
    fn dates_show_from_today_to_a_week_ahead_and_not_a_day_more() {
        let user = UserId::generate();
        let tz = TimeZone::UTC;
        let sofia = fact(FactKind::Family, "Sofia", Some("daughter"), "2016-12-02");
        let shown = |now: &str| {
            let data = TodayData {
                dated_facts: vec![(who("Marta Díaz"), sofia.clone())],
                ..TodayData::default()
            };
            today(&data, &user, ts(now), &tz).items
        };
        assert!(
            shown("2026-11-24T12:00:00Z").is_empty(),
            "8 days ahead: not yet"
        );
        let week = shown("2026-11-25T12:00:00Z");
        assert_eq!(week.len(), 1);
        assert_eq!(week[0].text, "Sofia (daughter) turns 10");
        assert_eq!(week[0].due, Some(date(2026, 12, 2)));
        assert_eq!(shown("2026-12-02T12:00:00Z")[0].reason, "Today");
        assert!(
            shown("2026-12-03T12:00:00Z").is_empty(),
            "the day after: gone"
        );
    }

    #[test]
    fn a_leap_day_is_celebrated_on_28_february_in_other_years() {
        let user = UserId::generate();
        let tz = TimeZone::UTC;
        let leap = fact(FactKind::Date, "Birthday", None, "2000-02-29");
        let on = |now: &str| {
            let data = TodayData {
                dated_facts: vec![(who("Leo"), leap.clone())],
                ..TodayData::default()
            };
            today(&data, &user, ts(now), &tz).items
        };
        // 2027 is not a leap year: 28 February.
        assert_eq!(on("2027-02-28T08:00:00Z")[0].reason, "Today");
        assert_eq!(on("2027-02-28T08:00:00Z")[0].text, "Birthday, turns 27");
        assert_eq!(on("2027-02-21T08:00:00Z")[0].due, Some(date(2027, 2, 28)));
        assert!(on("2027-02-20T08:00:00Z").is_empty());
        assert!(on("2027-03-01T08:00:00Z").is_empty());
        // 2028 is: 29 February itself.
        assert!(on("2028-02-28T08:00:00Z")[0].reason == "Tomorrow");
        assert_eq!(on("2028-02-29T08:00:00Z")[0].reason, "Today");
        // The store is asked for 29 February in a window holding 28 February of 2027 only.
        assert!(window_days(date(2027, 2, 25)).contains(&(2, 29)));
        assert!(!window_days(date(2028, 2, 20)).contains(&(2, 29)));
        assert!(window_days(date(2028, 2, 25)).contains(&(2, 29)));
        assert_eq!(
            window_days(date(2026, 12, 28)).len(),
            8,
            "across the new year"
        );
        assert!(window_days(date(2026, 12, 28)).contains(&(1, 4)));
    }

    #[test]
    fn going_cold_ranks_value_then_trust() {
        let user = UserId::generate();
        let now = ts("2026-11-25T09:00:00Z");
        let cold = |name: &str, vip, rel, trust, deal: f64, due: &str| ColdCandidate {
            contact: who(name),
            vip,
            relationship: rel,
            keep_in_touch_days: 30,
            last_touch_at: None,
            touch_due_at: ts(due),
            trust_theirs: trust,
            open_deal_value: deal,
        };
        let data = TodayData {
            going_cold: vec![
                cold(
                    "Prospect",
                    false,
                    RelationshipType::Prospect,
                    None,
                    0.0,
                    "2026-01-01T00:00:00Z",
                ),
                cold(
                    "Customer low trust",
                    false,
                    RelationshipType::Customer,
                    Some(0.3),
                    0.0,
                    "2026-11-01T00:00:00Z",
                ),
                cold(
                    "Customer high trust",
                    false,
                    RelationshipType::Customer,
                    Some(0.9),
                    0.0,
                    "2026-11-01T00:00:00Z",
                ),
                cold(
                    "Deal",
                    false,
                    RelationshipType::Prospect,
                    None,
                    5000.0,
                    "2026-11-20T00:00:00Z",
                ),
                cold(
                    "VIP",
                    true,
                    RelationshipType::Customer,
                    None,
                    0.0,
                    "2026-11-24T00:00:00Z",
                ),
                cold(
                    "Not yet",
                    true,
                    RelationshipType::Customer,
                    None,
                    0.0,
                    "2026-11-26T00:00:00Z",
                ),
            ],
            ..TodayData::default()
        };
        let t = today(&data, &user, now, &TimeZone::UTC);
        let names: Vec<_> = t.items.iter().map(|i| i.contact_name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "VIP",
                "Deal",
                "Customer high trust",
                "Customer low trust",
                "Prospect"
            ]
        );
    }
}
