//! Deals, with the give/get ledger ("don't give without getting") and the trust gate ("be
//! willing to walk away if mutual trust is not present").

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::commitment::{Direction, Due, clean_text};
use crate::contact::RelationshipType;
use crate::error::{Error, Invalid, Result};
use crate::ids::{ContactId, UserId};
use crate::ledger::{NewCommitment, record_commitment_with, trust_of};
use crate::service::resolve_contact;
use crate::ports::{ContactStore, DealFilter, DealStore, DealWon, LedgerStore};
use crate::trust::{Size, Status as TrustStatus};
use crate::workspace::Actor;

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
    pub fn after_key(&self) -> crate::ports::AfterDeal {
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

async fn load<S: DealStore>(store: &S, actor: &Actor, id: &str) -> Result<(Deal, Vec<Term>)> {
    let did =
        DealId::parse(id).ok_or_else(|| Error::NotFound(format!("{id:?} is not a deal id")))?;
    store
        .deal(&actor.workspace.id, &did)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no deal has the id {did}")))
}

/// The view of a deal, with its flags.
pub async fn view<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    now: Timestamp,
) -> Result<DealView> {
    let (deal, terms) = load(store, actor, id).await?;
    let contact = store
        .contact(&actor.workspace.id, &deal.contact_id)
        .await?
        .ok_or_else(|| Error::NotFound("the deal's contact is gone".into()))?;
    let trust = trust_of(store, actor, contact.id.as_str(), None, now).await?;
    // Gated on the reading, known or early: an early read of low trust (one broken promise
    // in a new relationship) already counts.
    let read = trust.theirs.status != TrustStatus::Unknown;
    let (gives, gets): (Vec<Term>, Vec<Term>) = terms
        .iter()
        .cloned()
        .partition(|t| t.kind == TermKind::Give);
    Ok(DealView {
        gives_outrun_gets: gives_outrun_gets(&terms),
        trust_gate: read && trust.theirs.probability < 0.5,
        trust_theirs: trust.theirs.band,
        contact_name: contact.name,
        gives,
        gets,
        deal,
    })
}

/// Opens a deal with a contact.
pub async fn add<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewDeal,
    now: Timestamp,
) -> Result<DealView> {
    let contact = resolve_contact(store, actor, reference).await?;
    if contact.is_archived() {
        return Err(Error::Conflict(format!(
            "{} is archived: restore them first",
            contact.name
        )));
    }
    let stage = new.stage.unwrap_or(Stage::Lead);
    if !stage.is_open() {
        return Err(Invalid::new(
            "stage",
            "a new deal starts open: record it, then mark it won or lost",
        )
        .into());
    }
    let deal = Deal {
        id: DealId::generate(),
        contact_id: contact.id.clone(),
        title: clean_text("title", &new.title)?,
        value: new
            .value
            .as_deref()
            .map(Cents::parse)
            .transpose()?
            .unwrap_or_default(),
        stage,
        expected_close: new.expected_close,
        owner_id: actor.user.id.clone(),
        created_at: now,
        updated_at: now,
        closed_at: None,
    };
    store.insert_deal(&actor.workspace.id, &deal).await?;
    view(store, actor, deal.id.as_str(), now).await
}

/// Moves a deal to a stage. Winning makes the contact a customer and a VIP and opens a promise of mine
/// to send a handwritten thank-you note within 3 days. A won deal stays won; a lost one can
/// be reopened.
pub async fn set_stage<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    stage: Stage,
    now: Timestamp,
) -> Result<DealView> {
    let (mut deal, _) = load(store, actor, id).await?;
    if deal.stage == stage {
        return Err(Error::Conflict(format!("the deal is already at {stage}")));
    }
    if deal.stage == Stage::Won {
        return Err(Error::Conflict(
            "a won deal stays won: open a new deal for new business".into(),
        ));
    }
    deal.stage = stage;
    deal.updated_at = now;
    deal.closed_at = (!stage.is_open()).then_some(now);
    if stage != Stage::Won {
        store.update_deal(&actor.workspace.id, &deal).await?;
        return view(store, actor, id, now).await;
    }
    // Won: the deal, the contact made a customer (with the cadence that goes with it) and
    // the thank-you promise are written in one transaction.
    let contact = store
        .contact(&actor.workspace.id, &deal.contact_id)
        .await?
        .ok_or_else(|| Error::NotFound("the deal's contact is gone".into()))?;
    // PRODUCT.md: after a purchase, a customer is treated as a VIP for ever.
    let promoted =
        (contact.relationship != RelationshipType::Customer || !contact.vip).then(|| {
            let mut c = contact.clone();
            c.relationship = RelationshipType::Customer;
            c.vip = true;
            c.updated_at = now;
            c
        });
    let today = crate::today::day_of(now, &actor.workspace.tz());
    let due = today
        .checked_add(jiff::Span::new().days(3))
        .map_err(|e| Invalid::new("due", e.to_string()))?;
    let note = NewCommitment {
        direction: Direction::Mine,
        text: format!("{} ({})", crate::gesture::THANK_YOU_PROMISE, deal.title),
        due: Due {
            date: due,
            time: None,
        },
        size: Size::Normal,
        source_interaction: None,
    };
    let won = DealWon { deal, promoted };
    record_commitment_with(
        store,
        actor,
        contact.id.as_str(),
        note,
        true,
        now,
        Some(won),
    )
    .await?;
    view(store, actor, id, now).await
}

/// Adds a concession given, or what was received for one.
pub async fn add_term<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    kind: TermKind,
    text: &str,
    now: Timestamp,
) -> Result<DealView> {
    let (deal, _) = load(store, actor, id).await?;
    let term = Term {
        kind,
        text: clean_text("text", text)?,
        created_at: now,
    };
    store.add_term(&actor.workspace.id, &deal.id, &term).await?;
    view(store, actor, id, now).await
}

/// The most deals one call lists (a page).
pub const MAX_DEALS: u32 = 1000;

/// What a deal listing asks for.
#[derive(Clone, Debug, Default)]
pub struct DealQuery {
    pub filter: DealFilter,
    /// The keyset of the previous page's last deal.
    pub after: Option<crate::ports::AfterDeal>,
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
    pub fn next(&self) -> Option<crate::ports::AfterDeal> {
        (self.more > 0)
            .then(|| self.items.last().map(|d| d.deal.after_key()))
            .flatten()
    }
}

/// A page of deals with their flags, and how many more there are: a few queries for the
/// whole page (names, give/get lines, carried trust scores), not several per deal.
pub async fn list<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    query: &DealQuery,
    now: Timestamp,
) -> Result<DealPage> {
    if query.limit == 0 || query.limit > MAX_DEALS {
        return Err(
            Invalid::new("limit", format!("limit must be between 1 and {MAX_DEALS}")).into(),
        );
    }
    let ws = &actor.workspace.id;
    let deals = store
        .deals(ws, &query.filter, query.after.as_ref(), query.limit)
        .await?;
    let more = match deals.last() {
        Some(last) if deals.len() == query.limit as usize => {
            store
                .count_deals(ws, &query.filter, Some(&last.after_key()))
                .await?
        }
        _ => 0,
    };
    let total = if query.after.is_none() {
        deals.len() as u64 + more
    } else {
        store.count_deals(ws, &query.filter, None).await?
    };
    Ok(DealPage {
        items: views_of(store, actor, deals, now).await?,
        more,
        total,
    })
}

/// One column of the deals board: the stage's count and total (all its deals, counted in
/// the database) and its first deals.
#[derive(Clone, Debug, Serialize)]
pub struct BoardColumn {
    #[serde(flatten)]
    pub total: StageTotal,
    pub deals: Vec<DealView>,
}

/// The deals board: every stage with its count and total, and its first `per_stage` deals.
pub async fn board<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    per_stage: u32,
    now: Timestamp,
) -> Result<Vec<BoardColumn>> {
    let mut columns = Vec::new();
    for total in store.deal_stages(&actor.workspace.id).await? {
        let deals = if total.count == 0 {
            Vec::new()
        } else {
            let query = DealQuery {
                filter: DealFilter {
                    stage: Some(total.stage),
                    ..DealFilter::default()
                },
                after: None,
                limit: per_stage.clamp(1, MAX_DEALS),
            };
            list(store, actor, &query, now).await?.items
        };
        columns.push(BoardColumn { total, deals });
    }
    Ok(columns)
}

/// The views of some deals: names, give/get lines and trust gates read for all at once.
async fn views_of<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    deals: Vec<Deal>,
    now: Timestamp,
) -> Result<Vec<DealView>> {
    use std::collections::HashMap;
    let ws = &actor.workspace.id;
    let ids: Vec<DealId> = deals.iter().map(|d| d.id.clone()).collect();
    let mut terms: HashMap<DealId, Vec<Term>> = HashMap::new();
    for (deal, t) in store.deal_terms(ws, &ids).await? {
        terms.entry(deal).or_default().push(t);
    }
    let mut contacts: Vec<ContactId> = deals.iter().map(|d| d.contact_id.clone()).collect();
    contacts.sort();
    contacts.dedup();
    let names: HashMap<ContactId, String> = store
        .contact_names(ws, &contacts)
        .await?
        .into_iter()
        .collect();
    let params = actor.workspace.trust_params();
    let mut gates: HashMap<ContactId, (bool, Option<crate::trust::Band>)> = HashMap::new();
    for c in &contacts {
        let stored = store.stored_trust(ws, c).await?;
        let theirs = stored.iter().find(|s| s.direction == Direction::Theirs);
        let score = match theirs {
            // The carried score, decayed to now: what the explanation would say.
            Some(s)
                if s.model_version == crate::trust::MODEL_VERSION
                    && s.half_life_days == actor.workspace.trust_half_life_days =>
            {
                Some(s.evidence.decayed_to(now, &params).score(&params))
            }
            // Scored under another model or half-life: read it from the ledger.
            Some(_) => {
                let t = trust_of(store, actor, c.as_str(), None, now).await?;
                let read = t.theirs.status != TrustStatus::Unknown;
                gates.insert(
                    c.clone(),
                    (read && t.theirs.probability < 0.5, t.theirs.band),
                );
                continue;
            }
            None => None,
        };
        let gate = score.map_or((false, None), |s| {
            (
                s.status != TrustStatus::Unknown && s.probability < 0.5,
                s.band(),
            )
        });
        gates.insert(c.clone(), gate);
    }
    Ok(deals
        .into_iter()
        .map(|deal| {
            let all = terms.remove(&deal.id).unwrap_or_default();
            let (gate, band) = gates
                .get(&deal.contact_id)
                .copied()
                .unwrap_or((false, None));
            let (gives, gets): (Vec<Term>, Vec<Term>) =
                all.iter().cloned().partition(|t| t.kind == TermKind::Give);
            DealView {
                gives_outrun_gets: gives_outrun_gets(&all),
                trust_gate: gate,
                trust_theirs: band,
                contact_name: names.get(&deal.contact_id).cloned().unwrap_or_default(),
                gives,
                gets,
                deal,
            }
        })
        .collect())
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
