//! Deals, with the give/get ledger ("don't give without getting") and the trust gate ("be
//! willing to walk away if mutual trust is not present").

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Result};
use crate::ids::{ContactId, UserId};

crate::ids::id_type!(
    /// A deal.
    DealId
);

crate::named::named_enum! {
    /// Where a deal stands.
    pub enum Stage: "stage", "deal stage" {
        Lead = "lead",
        Qualified = "qualified",
        Proposal = "proposal",
        Negotiation = "negotiation",
        /// Closed, won: the contact becomes a customer.
        Won = "won",
        /// Closed, lost.
        Lost = "lost",
    }
}

impl Stage {
    /// Still being worked.
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Won | Stage::Lost)
    }
}

crate::named::named_enum! {
    /// A line of the give/get ledger.
    pub enum TermKind: "kind", "give/get kind" {
        /// A concession given.
        Give = "give",
        /// What was received for it.
        Get = "get",
    }
}

/// An amount of money, in cents (no floating point for money).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    /// Parses an amount as typed: `12500`, `12,500.50`, `12 500`, `12500.5`. No negatives;
    /// at most a trillion.
    pub fn parse(text: &str) -> Result<Cents, Invalid> {
        let bad = || {
            Invalid::new(
                "value",
                format!("{text:?} is not an amount: use digits, e.g. 12500 or 12,500.50"),
            )
        };
        let t: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '_'))
            .collect();
        let (units, fraction) = t.split_once('.').unwrap_or((&t, ""));
        if units.is_empty()
            || !units.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let units: i64 = units.parse().map_err(|_| bad())?;
        if units > 1_000_000_000_000 {
            return Err(Invalid::new("value", "an amount is at most a trillion"));
        }
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| bad())? * 10,
            _ => fraction.parse().map_err(|_| bad())?,
        };
        Ok(Cents(units * 100 + cents))
    }

    /// As a plain number of units, for ranking.
    pub fn as_units(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Cents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{grouped}.{:02}", self.0 % 100)
    }
}

/// The sort key of a deal without an expected close: after every real date.
pub const NO_CLOSE_DATE: jiff::civil::Date = jiff::civil::date(9999, 12, 31);

/// A deal as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: DealId,
    pub contact_id: ContactId,
    pub title: String,
    pub value: Cents,
    pub stage: Stage,
    pub expected_close: Option<Date>,
    pub owner_id: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

impl Deal {
    /// Where a listing resumes after this deal: (expected close, undated last; creation; id).
    pub fn after_key(&self) -> AfterDeal {
        (
            self.expected_close.unwrap_or(NO_CLOSE_DATE),
            self.created_at,
            self.id.clone(),
        )
    }
}

/// One line of a deal's give/get ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub kind: TermKind,
    pub text: String,
    pub created_at: Timestamp,
}

/// Whether the concessions given outrun what was received for them.
pub fn gives_outrun_gets(terms: &[Term]) -> bool {
    let gives = terms.iter().filter(|t| t.kind == TermKind::Give).count();
    let gets = terms.iter().filter(|t| t.kind == TermKind::Get).count();
    gives > gets
}

/// A deal as shown: with its contact, its give/get ledger and its flags.
#[derive(Clone, Debug, Serialize)]
pub struct DealView {
    #[serde(flatten)]
    pub deal: Deal,
    pub contact_name: String,
    pub gives: Vec<Term>,
    pub gets: Vec<Term>,
    /// More concessions given than received: don't give without getting.
    pub gives_outrun_gets: bool,
    /// Their promises to me read low (known or early, below 50): think before investing more.
    pub trust_gate: bool,
    /// The ladder's gate: an open deal among the workspace's largest quarter, with a contact
    /// who has not reached normal promises (token ones at most, or back to them), in words.
    pub ladder_gate: Option<String>,
    /// The band of that reading, when known or early.
    pub trust_theirs: Option<crate::trust::Band>,
}

/// One stage of the deals board: how many deals are there and what they are worth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageTotal {
    pub stage: Stage,
    pub count: u64,
    pub value: Cents,
}

/// What a user gives to open a deal.
#[derive(Clone, Debug, Default)]
pub struct NewDeal {
    pub title: String,
    pub value: Option<String>,
    pub stage: Option<Stage>,
    pub expected_close: Option<Date>,
}

/// The most deals one call lists (a page).
pub const MAX_DEALS: u32 = 1000;

/// What a deal listing asks for.
#[derive(Clone, Debug, Default)]
pub struct DealQuery {
    pub filter: DealFilter,
    /// The keyset of the previous page's last deal.
    pub after: Option<AfterDeal>,
    /// At most this many (1 to [`MAX_DEALS`]).
    pub limit: u32,
}

/// A page of deals, and how many more match after it (never silently cut).
#[derive(Clone, Debug, Serialize)]
pub struct DealPage {
    pub items: Vec<DealView>,
    /// Deals matching the query after the last one listed.
    pub more: u64,
    /// Deals matching the query, on every page.
    pub total: u64,
}

impl DealPage {
    /// The keyset to ask for the next page with, when there is one.
    pub fn next(&self) -> Option<AfterDeal> {
        (self.more > 0)
            .then(|| self.items.last().map(|d| d.deal.after_key()))
            .flatten()
    }
}

/// One column of the deals board: the stage's count and total (all its deals, counted in
/// the database) and its first deals.
#[derive(Clone, Debug, Serialize)]
pub struct BoardColumn {
    #[serde(flatten)]
    pub total: StageTotal,
    pub deals: Vec<DealView>,
}

/// Where a deal listing resumes: expected close ([`NO_CLOSE_DATE`] for none), created,
/// then id.
pub type AfterDeal = (jiff::civil::Date, jiff::Timestamp, DealId);

/// Which deals a listing returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DealFilter {
    /// Only deals not yet won or lost.
    pub open_only: bool,
    /// Only this contact's.
    pub contact: Option<crate::ids::ContactId>,
    /// Only deals at this stage.
    pub stage: Option<Stage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_as_typed_and_print_grouped() {
        assert_eq!(Cents::parse("12500"), Ok(Cents(1_250_000)));
        assert_eq!(Cents::parse("12,500.50"), Ok(Cents(1_250_050)));
        assert_eq!(Cents::parse("12 500.5"), Ok(Cents(1_250_050)));
        assert_eq!(Cents::parse("0.07"), Ok(Cents(7)));
        for bad in [
            "",
            "-5",
            "12.345",
            "1e6",
            "twelve",
            "12.a",
            ".5",
            "1000000000001",
        ] {
            assert!(Cents::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Cents(1_250_050).to_string(), "12,500.50");
        assert_eq!(Cents(7).to_string(), "0.07");
        assert_eq!(Cents(100_000_000).to_string(), "1,000,000.00");
    }

    #[test]
    fn gives_must_be_matched_by_gets() {
        let t = |kind| Term {
            kind,
            text: "x".into(),
            created_at: Timestamp::UNIX_EPOCH,
        };
        assert!(!gives_outrun_gets(&[]));
        assert!(gives_outrun_gets(&[t(TermKind::Give)]));
        assert!(!gives_outrun_gets(&[t(TermKind::Give), t(TermKind::Get)]));
        assert!(gives_outrun_gets(&[
            t(TermKind::Give),
            t(TermKind::Get),
            t(TermKind::Give)
        ]));
        assert!(Stage::Negotiation.is_open() && !Stage::Won.is_open() && !Stage::Lost.is_open());
    }
}
