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

use crate::contact::RelationshipType;
use crate::error::{Invalid, Result};
use crate::ids::{ContactId, UserId};
use crate::model::deal::Cents;

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
    /// The kind as people say it.
    pub fn label(self) -> &'static str {
        match self {
            GestureKind::Gift => "gift",
            GestureKind::Voucher => "voucher",
            GestureKind::Tickets => "tickets",
            GestureKind::ThankYouNote => "thank-you note",
            GestureKind::Value => "something of value",
        }
    }

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

pub use crate::model::cadence::Audience;

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
    /// Concrete ideas for the gift's theme, from the workspace's catalogue, none of them
    /// a kind of gift the contact said no to (at most three).
    #[serde(default)]
    pub ideas: Vec<String>,
    /// What was left out, and the preference that says so: "wine: they said \"No alcohol\"".
    #[serde(default)]
    pub ruled_out: Vec<String>,
}

impl Suggestion {
    /// The other ideas and what was left out, in words ("Other ideas: a dozen quality golf
    /// balls. Left out: wine: they said \"No alcohol\"."); `None` when there are none.
    pub fn more(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.ideas.len() > 1 {
            parts.push(format!("Other ideas: {}.", self.ideas[1..].join("; ")));
        }
        if !self.ruled_out.is_empty() {
            parts.push(format!("Left out: {}.", self.ruled_out.join("; ")));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
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
    let interest = theme(interests, last);
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
        return Suggestion {
            kind,
            text,
            why,
            ideas: Vec::new(),
            ruled_out: Vec::new(),
        };
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
        ideas: Vec::new(),
        ruled_out: Vec::new(),
    }
}

/// The interest a gesture is themed on: the first one the last gesture did not use.
fn theme<'a>(interests: &'a [String], last: Option<&LastGesture>) -> Option<&'a String> {
    interests.iter().find(|i| {
        let i = crate::search::fold(i);
        last.is_none_or(|l| !crate::search::fold(&l.text).contains(&i))
    })
}

/// [`suggest`], fitted to the contact: an interest they said no to ("no alcohol" and wine)
/// is no theme; the theme's concrete ideas come from the workspace's `catalogue`, never one
/// their `preferences` rule out nor the last gift again; what was left out says why.
pub fn suggest_fitting(
    relationship: RelationshipType,
    vip: bool,
    known_for_days: i64,
    last: Option<&LastGesture>,
    interests: &[String],
    preferences: &[String],
    catalogue: &[crate::model::gift::GiftIdea],
) -> Suggestion {
    use crate::model::gift::{Dislikes, catalogue_interest, ideas_for};
    let dislikes = Dislikes::from_preferences(preferences.iter().map(String::as_str));
    let mut ruled_out = Vec::new();
    // Each interest by its catalogue name when it has one ("Plays golf on Sundays": golf).
    let mut themes: Vec<String> = Vec::new();
    for i in interests {
        let name = catalogue_interest(i, catalogue).unwrap_or_else(|| i.trim().to_owned());
        match dislikes
            .ruling_out(&name)
            .or_else(|| dislikes.ruling_out(i))
        {
            Some(why) => ruled_out.push(format!("{name}: they said \"{why}\"")),
            None if !themes.contains(&name) => themes.push(name),
            None => {}
        }
    }
    let mut s = suggest(relationship, vip, known_for_days, last, &themes);
    s.ruled_out = ruled_out;
    // Something of value and vouchers are not themed on a gift idea.
    if !matches!(s.kind, GestureKind::Gift | GestureKind::Tickets) {
        return s;
    }
    let Some(theme) = theme(&themes, last) else {
        return s;
    };
    let last_text = last.map(|l| l.text.as_str());
    for g in catalogue.iter().filter(|g| &g.interest == theme) {
        if let Some(why) = dislikes.ruling_out(&g.idea) {
            s.ruled_out.push(format!("{}: they said \"{why}\"", g.idea));
        }
    }
    let mut ideas = ideas_for(theme, catalogue, &dislikes, last_text);
    // Tickets are suggested as tickets when the catalogue has some for the theme.
    if s.kind == GestureKind::Tickets {
        ideas.sort_by_key(|g| {
            let f = crate::search::fold(&g.idea);
            !(f.contains("ticket") || f.contains("pass") || f.contains("entry"))
        });
    }
    s.ideas = ideas.iter().take(3).map(|g| g.idea.clone()).collect();
    if let Some(first) = s.ideas.first() {
        s.text = format!("{}, such as: {first}", s.text);
    }
    s
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

impl BudgetView {
    /// The year's budget in a sentence, the same on every page and in the terminal:
    /// "2026: 1,200.00 spent of a 1,000.00 budget; over budget by 200.00."
    pub fn summary(&self) -> String {
        match (self.budget, self.remaining) {
            (Some(total), Some(left)) if left.0 < 0 => format!(
                "{}: {} spent of a {} budget; over budget by {}.",
                self.year,
                self.spent,
                total,
                Cents(-left.0)
            ),
            (Some(total), Some(left)) => format!(
                "{}: {} spent of a {} budget; {} remaining.",
                self.year, self.spent, total, left
            ),
            _ => format!("{}: {} spent; no budget set.", self.year, self.spent),
        }
    }
}

/// What one kind of gesture cost in a year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindSpend {
    pub kind: GestureKind,
    pub count: u64,
    pub spent: Cents,
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
    fn a_budget_overspent_says_by_how_much() {
        let view = |budget: Option<i64>, spent: i64| BudgetView {
            year: 2026,
            budget: budget.map(Cents),
            spent: Cents(spent),
            remaining: budget.map(|b| Cents(b - spent)),
            gestures: 3,
            by_kind: Vec::new(),
        };
        assert_eq!(
            view(Some(100_000), 120_000).summary(),
            "2026: 1,200.00 spent of a 1,000.00 budget; over budget by 200.00."
        );
        assert_eq!(
            view(Some(100_000), 25_000).summary(),
            "2026: 250.00 spent of a 1,000.00 budget; 750.00 remaining."
        );
        assert_eq!(view(None, 0).summary(), "2026: 0.00 spent; no budget set.");
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
    fn a_gift_fits_what_they_like_and_never_what_they_refuse() {
        let catalogue = crate::model::gift::catalogue(&[]);
        let interests = vec!["Loves wine".to_owned(), "Reads novels".to_owned()];
        let fit = |prefs: &[&str], last: Option<&LastGesture>| {
            let prefs: Vec<String> = prefs.iter().map(|p| p.to_string()).collect();
            suggest_fitting(
                RelationshipType::Customer,
                false,
                400,
                last,
                &interests,
                &prefs,
                &catalogue,
            )
        };
        // Without a dislike, the first interest: wine, with its ideas.
        let s = fit(&[], None);
        assert_eq!(s.kind, GestureKind::Gift);
        assert!(
            s.text
                .starts_with("A thoughtful gift around wine, such as: "),
            "{}",
            s.text
        );
        assert_eq!(s.ideas.len(), 2);
        // "Teetotal": wine is no theme; books are, by their catalogue name.
        let s = fit(&["Teetotal"], None);
        assert!(s.text.contains("around books, such as: "), "{}", s.text);
        assert!(s.ideas.iter().all(|i| !i.to_lowercase().contains("wine")));
        assert_eq!(s.ruled_out, vec!["wine: they said \"Teetotal\""]);
        assert!(s.more().is_some_and(|m| m.contains("Left out: wine")));
        // Tickets next: an idea that is tickets comes first when there is one.
        let s = fit(
            &["Teetotal"],
            Some(&last(GestureKind::Gift, "A thoughtful gift")),
        );
        assert_eq!(s.kind, GestureKind::Tickets);
        // Something of value is not themed on gift ideas.
        let v = suggest_fitting(
            RelationshipType::Prospect,
            false,
            400,
            None,
            &interests,
            &[],
            &catalogue,
        );
        assert!(v.ideas.is_empty() && v.kind == GestureKind::Value);
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
