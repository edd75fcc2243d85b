//! The appreciation planner: gestures given (gifts, vouchers, tickets, thank-you notes,
//! something of value), how often each kind of relationship gets one, what to give next, and
//! the yearly budget.
//!
//! The rule of thumb: something of value (a report, an introduction) for prospects and new
//! contacts, with no expectation of business in return; gifts for customers; never the same
//! gift twice in a row.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::commitment::{Direction, Status, clean_text};
use crate::contact::{Contact, RelationshipType};
use crate::deal::Cents;
use crate::error::{Error, Invalid, Result};
use crate::ids::{ContactId, UserId};
use crate::ledger::{CommitmentQuery, Outcome, list_commitments, resolve};
use crate::service::resolve_contact;
use crate::ports::{ContactStore, FactStore, GestureStore, LedgerStore};
use crate::workspace::Actor;

crate::ids::id_type!(
    /// A gesture of appreciation.
    GestureId
);

crate::named::named_enum! {
    /// What was given.
    pub enum GestureKind: "kind", "gesture kind" {
        Gift = "gift",
        Voucher = "voucher",
        Tickets = "tickets",
        /// A handwritten thank-you note.
        ThankYouNote = "thank_you_note",
        /// Something of value with no strings: a report, an article, an introduction.
        Value = "value",
    }
}

impl GestureKind {
    /// Parses a kind as typed, accepting `thank-you-note` and `thank you note` too.
    pub fn parse(text: &str) -> Result<GestureKind, Invalid> {
        text.trim().replace(['-', ' '], "_").parse()
    }

    /// Gifts in the narrow sense: what customers get.
    pub fn is_gift(self) -> bool {
        matches!(
            self,
            GestureKind::Gift | GestureKind::Voucher | GestureKind::Tickets
        )
    }
}

/// A gesture as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gesture {
    pub id: GestureId,
    pub contact_id: ContactId,
    pub kind: GestureKind,
    /// What it was: "Bottle of Douro red", "Introduction to Rui at the port authority".
    pub text: String,
    /// The day it was given (or is planned for).
    pub given_on: Date,
    pub cost: Cents,
    pub note: Option<String>,
    pub given_by: UserId,
    pub created_at: Timestamp,
}

/// Who an appreciation cadence applies to: VIPs, whatever their type, or a relationship type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum Audience {
    Vip,
    Type(RelationshipType),
}

impl From<Audience> for String {
    fn from(a: Audience) -> String {
        a.as_str().to_owned()
    }
}

impl Audience {
    /// Every audience, VIPs first.
    pub fn all() -> Vec<Audience> {
        std::iter::once(Audience::Vip)
            .chain(RelationshipType::ALL.iter().copied().map(Audience::Type))
            .collect()
    }

    /// The stored and typed name: `vip` or a relationship type.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Vip => "vip",
            Audience::Type(t) => t.as_str(),
        }
    }

    /// Parses `vip` or a relationship type.
    pub fn parse(text: &str) -> Result<Audience, Invalid> {
        if text.trim().eq_ignore_ascii_case("vip") {
            return Ok(Audience::Vip);
        }
        text.parse::<RelationshipType>()
            .map(Audience::Type)
            .map_err(|_| {
                Invalid::new(
                    "appreciation",
                    format!("{text:?} is neither vip nor a relationship type"),
                )
            })
    }

    /// The audience a contact belongs to: VIPs are VIPs first.
    pub fn of(relationship: RelationshipType, vip: bool) -> Audience {
        if vip {
            Audience::Vip
        } else {
            Audience::Type(relationship)
        }
    }

    /// How often this audience gets a gesture unless the workspace says otherwise: VIPs every
    /// 90 days, customers every 120, prospects every 60 (something of value), partners 120,
    /// peers and past customers 180, vendors once a year; never co-workers, bosses or
    /// competitors.
    pub fn default_days(self) -> Option<u32> {
        match self {
            Audience::Vip => Some(90),
            Audience::Type(t) => match t {
                RelationshipType::Prospect => Some(60),
                RelationshipType::Customer | RelationshipType::Partner => Some(120),
                RelationshipType::PastCustomer | RelationshipType::Peer => Some(180),
                RelationshipType::Vendor => Some(365),
                RelationshipType::CoWorker
                | RelationshipType::Boss
                | RelationshipType::Competitor => None,
            },
        }
    }
}

/// The longest appreciation cadence a workspace may set.
pub const MAX_APPRECIATION_DAYS: u32 = crate::cadence::MAX_CADENCE_DAYS;

/// A workspace's appreciation cadence for one audience (the shared rule shape).
pub type AppreciationRule = crate::cadence::CadenceRule;

/// The cadence in force for every audience, given the workspace's overrides.
pub fn rules_in_force(overrides: &[(Audience, Option<u32>)]) -> Vec<AppreciationRule> {
    crate::cadence::rules(crate::cadence::Cadence::Appreciation, |audience| {
        overrides
            .iter()
            .find(|(a, _)| *a == audience)
            .map(|(_, d)| *d)
    })
}

/// Contacts known for fewer days than this count as new: they get something of value, not
/// gifts.
pub const NEW_CONTACT_DAYS: i64 = 90;

/// What to give next, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub kind: GestureKind,
    pub text: String,
    pub why: String,
}

/// The last gesture, as a suggestion needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct LastGesture {
    pub kind: GestureKind,
    pub text: String,
    pub given_on: Date,
}

/// Suggests the next gesture for a contact: something of value for prospects and new
/// contacts, a gift for customers (current, past and VIP), never the same kind of gift as
/// last time, and built on what they are interested in when that is known.
pub fn suggest(
    relationship: RelationshipType,
    vip: bool,
    known_for_days: i64,
    last: Option<&LastGesture>,
    interests: &[String],
) -> Suggestion {
    let customer = vip
        || matches!(
            relationship,
            RelationshipType::Customer | RelationshipType::PastCustomer
        );
    let new = known_for_days < NEW_CONTACT_DAYS;
    let interest = interests.iter().find(|i| {
        let i = crate::search::fold(i);
        last.is_none_or(|l| !crate::search::fold(&l.text).contains(&i))
    });
    if customer && !new {
        // Rotate through the kinds of gift, away from the last one.
        let order = [
            GestureKind::Gift,
            GestureKind::Tickets,
            GestureKind::Voucher,
        ];
        let kind = match last.map(|l| l.kind) {
            Some(k) if k.is_gift() => {
                let at = order.iter().position(|o| *o == k).unwrap_or(0);
                order[(at + 1) % order.len()]
            }
            _ => GestureKind::Gift,
        };
        let text = match (kind, interest) {
            (GestureKind::Tickets, Some(i)) => format!("Tickets to something around {i}"),
            (GestureKind::Tickets, None) => "Tickets to an event they would enjoy".to_owned(),
            (GestureKind::Voucher, _) => "A voucher for a restaurant or shop they like".to_owned(),
            (_, Some(i)) => format!("A thoughtful gift around {i}"),
            (_, None) => "A thoughtful gift, unexpected and personal".to_owned(),
        };
        let why = match last {
            Some(l) if l.kind.is_gift() => format!(
                "A customer: a gift, of another kind than last time ({}, {})",
                l.text, l.given_on
            ),
            _ => "A customer: show appreciation with a gift".to_owned(),
        };
        return Suggestion { kind, text, why };
    }
    // Something of value: alternate between an introduction and a useful read.
    let last_was_intro = last.is_some_and(|l| {
        l.kind == GestureKind::Value && crate::search::fold(&l.text).contains("introduc")
    });
    let text = match (last_was_intro, interest) {
        (false, _) => "An introduction to someone useful to them".to_owned(),
        (true, Some(i)) => format!("A report or article they would value, on {i}"),
        (true, None) => "A report or article relevant to their business".to_owned(),
    };
    let why = if new {
        "A new contact: something of value, with no expectation of business in return"
    } else if relationship == RelationshipType::Prospect {
        "A prospect: something of value rather than a gift, with no strings attached"
    } else {
        "Something of value keeps the relationship warm without obligation"
    };
    Suggestion {
        kind: GestureKind::Value,
        text,
        why: why.to_owned(),
    }
}

/// The day number of `d` counted from 1970-01-01, as the store keeps appreciation dates.
pub fn day_number(d: Date) -> i32 {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch.until(d).map(|s| s.get_days()).unwrap_or(0)
}

/// The date of a day number.
pub fn from_day_number(n: i64) -> Option<Date> {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().try_days(n).ok()?)
        .ok()
}

/// What a user gives to record a gesture.
#[derive(Clone, Debug, Default)]
pub struct NewGesture {
    pub kind: Option<GestureKind>,
    pub text: String,
    pub on: Option<Date>,
    pub cost: Option<String>,
    pub note: Option<String>,
}

/// A gesture recorded, and what it settled.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    pub gesture: Gesture,
    pub contact_name: String,
    /// The thank-you-note promises this note kept.
    pub kept_commitments: Vec<crate::commitment::CommitmentId>,
    /// The budget of the gesture's year after it.
    pub budget: BudgetView,
}

/// The opening words of the promise a won deal opens.
pub const THANK_YOU_PROMISE: &str = "Send a handwritten thank-you note";

/// Records a gesture on a contact. A thank-you note keeps my open thank-you-note promises to
/// them (the one a won deal opens). A gesture dated in the future is a plan; one more than
/// a year back is refused as a likely typo, as is a year outside 2000–2100.
pub async fn add<S: ContactStore + GestureStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewGesture,
    now: Timestamp,
) -> Result<Recorded> {
    let contact = resolve_contact(store, actor, reference).await?;
    if contact.is_archived() {
        return Err(Error::Conflict(format!(
            "{} is archived: restore them first",
            contact.name
        )));
    }
    let kind = new
        .kind
        .ok_or_else(|| Invalid::new("kind", "say what kind of gesture it is"))?;
    let today = crate::today::day_of(now, &actor.workspace.tz());
    let given_on = new.on.unwrap_or(today);
    if !(2000..=2100).contains(&given_on.year()) {
        return Err(Invalid::new("on", format!("{given_on} is not a plausible date")).into());
    }
    let note = new
        .note
        .as_deref()
        .map(|n| clean_text("note", n))
        .transpose()?;
    let gesture = Gesture {
        id: GestureId::generate(),
        contact_id: contact.id.clone(),
        kind,
        text: clean_text("text", &new.text)?,
        given_on,
        cost: new
            .cost
            .as_deref()
            .map(|c| Cents::parse(c).map_err(|e| Invalid::new("cost", e.message)))
            .transpose()?
            .unwrap_or_default(),
        note,
        given_by: actor.user.id.clone(),
        created_at: now,
    };
    store.insert_gesture(&actor.workspace.id, &gesture).await?;
    let mut kept_commitments = Vec::new();
    if kind == GestureKind::ThankYouNote && given_on <= today {
        let open = list_commitments(
            store,
            actor,
            CommitmentQuery {
                contact: Some(contact.id.to_string()),
                direction: Some(Direction::Mine),
                open_only: true,
                limit: Some(1000),
                after: None,
            },
        )
        .await?;
        for c in open.into_iter().filter(|c| {
            c.status == Status::Open
                && c.owner_id == actor.user.id
                && c.text.starts_with(THANK_YOU_PROMISE)
        }) {
            resolve(store, actor, c.id.as_str(), Outcome::Kept, None, false, now).await?;
            kept_commitments.push(c.id);
        }
    }
    let budget = budget_of(store, actor, given_on.year()).await?;
    Ok(Recorded {
        gesture,
        contact_name: contact.name,
        kept_commitments,
        budget,
    })
}

/// Gestures, newest first: of one contact, or of the whole workspace.
pub async fn list<S: ContactStore + GestureStore>(
    store: &S,
    actor: &Actor,
    reference: Option<&str>,
    after: Option<&crate::ports::AfterGesture>,
    limit: u32,
) -> Result<Vec<(Gesture, String)>> {
    let ws = &actor.workspace.id;
    match reference {
        Some(r) => {
            let contact = resolve_contact(store, actor, r).await?;
            let gestures = store.gestures(ws, Some(&contact.id), after, limit).await?;
            Ok(gestures
                .into_iter()
                .map(|g| (g, contact.name.clone()))
                .collect())
        }
        None => {
            let gestures = store.gestures(ws, None, after, limit).await?;
            let ids: Vec<ContactId> = gestures.iter().map(|g| g.contact_id.clone()).collect();
            let names: std::collections::HashMap<ContactId, String> =
                store.contact_names(ws, &ids).await?.into_iter().collect();
            Ok(gestures
                .into_iter()
                .map(|g| {
                    let name = names.get(&g.contact_id).cloned().unwrap_or_default();
                    (g, name)
                })
                .collect())
        }
    }
}

/// A year's appreciation budget and what was spent of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetView {
    pub year: i16,
    /// `None` when no budget was ever set.
    pub budget: Option<Cents>,
    pub spent: Cents,
    /// Budget minus spent (negative when over).
    pub remaining: Option<Cents>,
    pub gestures: u64,
    /// Spent per kind, the largest first.
    pub by_kind: Vec<KindSpend>,
}

/// What one kind of gesture cost in a year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindSpend {
    pub kind: GestureKind,
    pub count: u64,
    pub spent: Cents,
}

/// The budget of `year` (this year by default). A budget set for a year stays in force in
/// later years until another is set.
pub async fn budget<S: GestureStore>(
    store: &S,
    actor: &Actor,
    year: Option<i16>,
    now: Timestamp,
) -> Result<BudgetView> {
    let year = year.unwrap_or_else(|| crate::today::day_of(now, &actor.workspace.tz()).year());
    budget_of(store, actor, year).await
}

async fn budget_of<S: GestureStore>(store: &S, actor: &Actor, year: i16) -> Result<BudgetView> {
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::new("year", format!("{year} is not a plausible year")).into());
    }
    let ws = &actor.workspace.id;
    let set = store.budget(ws, year).await?;
    let mut by_kind = store.spent(ws, year).await?;
    by_kind.sort_by(|a, b| {
        b.spent
            .cmp(&a.spent)
            .then(a.kind.as_str().cmp(b.kind.as_str()))
    });
    let spent = Cents(by_kind.iter().map(|k| k.spent.0).sum());
    Ok(BudgetView {
        year,
        budget: set,
        spent,
        remaining: set.map(|b| Cents(b.0 - spent.0)),
        gestures: by_kind.iter().map(|k| k.count).sum(),
        by_kind,
    })
}

/// Sets the yearly appreciation budget from `year` on.
pub async fn set_budget<S: GestureStore>(
    store: &S,
    actor: &Actor,
    year: i16,
    amount: &str,
) -> Result<BudgetView> {
    actor.require_owner("set the appreciation budget")?;
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::new("year", format!("{year} is not a plausible year")).into());
    }
    let amount = Cents::parse(amount).map_err(|e| Invalid::new("budget", e.message))?;
    store.set_budget(&actor.workspace.id, year, amount).await?;
    budget_of(store, actor, year).await
}

/// The appreciation cadence in force for every audience.
pub async fn rules<S: GestureStore>(store: &S, actor: &Actor) -> Result<Vec<AppreciationRule>> {
    let overrides = store.appreciation_overrides(&actor.workspace.id).await?;
    Ok(rules_in_force(&overrides))
}

/// Changes the appreciation cadence of an audience: `AUDIENCE=DAYS`, `AUDIENCE=none` or
/// `AUDIENCE=default`.
pub async fn set_rule<S: GestureStore>(
    store: &S,
    actor: &Actor,
    assignment: &str,
) -> Result<Vec<AppreciationRule>> {
    actor.require_owner("change the appreciation cadences")?;
    let (audience, days) = parse_rule(assignment)?;
    store
        .set_appreciation(&actor.workspace.id, audience, days)
        .await?;
    rules(store, actor).await
}

/// Parses `AUDIENCE=DAYS|none|default` (see [`crate::cadence::parse_assignment`]).
pub fn parse_rule(assignment: &str) -> Result<(Audience, Option<Option<u32>>), Invalid> {
    crate::cadence::parse_assignment(crate::cadence::Cadence::Appreciation, assignment)
}

/// The appreciation part of a contact's brief: the last gesture, when the next is due, and
/// what to give.
#[derive(Clone, Debug, Serialize)]
pub struct Appreciation {
    pub last: Option<Gesture>,
    /// Days between gestures for this contact; `None`: none planned.
    pub every_days: Option<u32>,
    pub next_due: Option<Date>,
    pub suggestion: Suggestion,
}

/// The appreciation part of a contact's brief.
pub async fn appreciation_of<S: GestureStore + FactStore>(
    store: &S,
    actor: &Actor,
    contact: &Contact,
    now: Timestamp,
) -> Result<Appreciation> {
    let ws = &actor.workspace.id;
    let last = store.gestures(ws, Some(&contact.id), None, 1).await?.pop();
    let rules = rules(store, actor).await?;
    let audience = Audience::of(contact.relationship, contact.vip);
    let every_days = rules
        .iter()
        .find(|r| r.audience == audience)
        .and_then(|r| r.days);
    let tz = actor.workspace.tz();
    let base = last.as_ref().map(|g| g.given_on).unwrap_or_else(|| {
        contact
            .created_at
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    });
    let next_due = every_days.and_then(|d| base.checked_add(jiff::Span::new().days(d)).ok());
    let today = crate::today::day_of(now, &tz);
    let known = crate::today::day_of(contact.created_at, &tz)
        .until(today)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    let interests: Vec<String> = store
        .facts(ws, &contact.id)
        .await?
        .into_iter()
        .filter(|f| f.kind == crate::fact::FactKind::Interest)
        .map(|f| f.text)
        .collect();
    let last_brief = last.as_ref().map(|g| LastGesture {
        kind: g.kind,
        text: g.text.clone(),
        given_on: g.given_on,
    });
    let suggestion = suggest(
        contact.relationship,
        contact.vip,
        known,
        last_brief.as_ref(),
        &interests,
    );
    Ok(Appreciation {
        last,
        every_days,
        next_due,
        suggestion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn last(kind: GestureKind, text: &str) -> LastGesture {
        LastGesture {
            kind,
            text: text.into(),
            given_on: date(2026, 6, 1),
        }
    }

    #[test]
    fn kinds_parse_as_people_type_them() {
        for t in ["thank-you-note", "thank you note", "THANK_YOU_NOTE"] {
            assert_eq!(GestureKind::parse(t), Ok(GestureKind::ThankYouNote), "{t}");
        }
        assert_eq!(GestureKind::parse("tickets"), Ok(GestureKind::Tickets));
        let err = GestureKind::parse("bribe").expect_err("unknown kind");
        assert!(err.message.contains("gift, voucher"), "{}", err.message);
    }

    #[test]
    fn value_for_prospects_and_new_contacts_gifts_for_customers() {
        let p = suggest(RelationshipType::Prospect, false, 400, None, &[]);
        assert_eq!(p.kind, GestureKind::Value);
        // A customer met last month is still new: value, not a gift.
        let new_customer = suggest(RelationshipType::Customer, false, 20, None, &[]);
        assert_eq!(new_customer.kind, GestureKind::Value);
        assert!(new_customer.why.contains("new contact"));
        let c = suggest(RelationshipType::Customer, false, 400, None, &[]);
        assert_eq!(c.kind, GestureKind::Gift);
        let vip_peer = suggest(RelationshipType::Peer, true, 400, None, &[]);
        assert!(vip_peer.kind.is_gift());
        let past = suggest(RelationshipType::PastCustomer, false, 400, None, &[]);
        assert!(past.kind.is_gift());
    }

    #[test]
    fn the_last_gift_is_never_repeated() {
        let interests = vec!["football".to_owned(), "wine".to_owned()];
        let mut previous = None::<LastGesture>;
        for _ in 0..6 {
            let s = suggest(
                RelationshipType::Customer,
                false,
                400,
                previous.as_ref(),
                &interests,
            );
            if let Some(p) = &previous {
                assert_ne!(s.kind, p.kind, "{s:?} after {p:?}");
                assert!(s.why.contains(&p.text), "{}", s.why);
            }
            previous = Some(last(s.kind, &s.text));
        }
        // An interest already used by the last gift is not the theme of the next.
        let s = suggest(
            RelationshipType::Customer,
            false,
            400,
            Some(&last(GestureKind::Gift, "A football shirt")),
            &interests,
        );
        assert_eq!(s.kind, GestureKind::Tickets);
        assert!(s.text.contains("wine"), "{}", s.text);
        // Value alternates between introductions and reading.
        let intro = suggest(RelationshipType::Prospect, false, 400, None, &interests);
        assert!(intro.text.contains("introduction"));
        let next = suggest(
            RelationshipType::Prospect,
            false,
            400,
            Some(&last(GestureKind::Value, &intro.text)),
            &interests,
        );
        assert!(next.text.contains("report"), "{}", next.text);
    }

    #[test]
    fn cadence_defaults_and_overrides() {
        let rules = rules_in_force(&[(Audience::Type(RelationshipType::Customer), Some(60))]);
        let find = |a| rules.iter().find(|r| r.audience == a).cloned();
        assert_eq!(find(Audience::Vip).and_then(|r| r.days), Some(90));
        let c = find(Audience::Type(RelationshipType::Customer)).expect("customer");
        assert_eq!((c.days, c.custom), (Some(60), true));
        assert_eq!(
            find(Audience::Type(RelationshipType::Competitor)).and_then(|r| r.days),
            None
        );
        assert_eq!(rules.len(), 1 + RelationshipType::ALL.len());
        assert_eq!(Audience::parse("VIP"), Ok(Audience::Vip));
        assert_eq!(
            Audience::parse("past_customer"),
            Ok(Audience::Type(RelationshipType::PastCustomer))
        );
        assert!(Audience::parse("friend").is_err());
        assert_eq!(
            Audience::of(RelationshipType::Customer, true),
            Audience::Vip
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        for d in [date(1970, 1, 1), date(2024, 2, 29), date(2026, 11, 25)] {
            assert_eq!(from_day_number(i64::from(day_number(d))), Some(d));
        }
        assert_eq!(day_number(date(1970, 1, 2)), 1);
    }
}
