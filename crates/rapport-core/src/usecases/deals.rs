//! Deals: open, view, move through the stages (winning makes a customer and a VIP and
//! promises a thank-you note), give/get, the board and paged lists.

use jiff::Timestamp;

use crate::commitment::{Direction, Due, clean_text};
use crate::contact::RelationshipType;
use crate::error::{Error, Invalid, Result};
use crate::ids::ContactId;
use crate::ledger::{NewCommitment, WrittenWith, record_commitment_with, trust_of};
use crate::ports::{ContactStore, DealFilter, DealStore, DealWon, LedgerStore};
use crate::service::resolve_contact;
use crate::trust::{Size, Status as TrustStatus};
use crate::workspace::Actor;

use crate::model::deal::*;

async fn load<S: DealStore>(store: &S, actor: &Actor, id: &str) -> Result<(Deal, Vec<Term>)> {
    let did =
        DealId::parse(id).ok_or_else(|| Error::NotFound(format!("{id:?} is not a deal id")))?;
    store
        .deal(&actor.workspace.id, &did)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no deal has the id {did}")))
}

/// Where a listing resumes after the deal `id` (of the actor's workspace): the next page of
/// `rapport deal list --after ID` and of the web's "show more".
pub async fn after<S: DealStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<crate::ports::AfterDeal> {
    Ok(load(store, actor, id).await?.0.after_key())
}

/// Which deals are major: open, and among the workspace's largest quarter by value (`major`:
/// where that quarter starts).
fn is_major(deal: &Deal, major: Option<Cents>) -> bool {
    // A deal without a value is never one of the largest, however many share it.
    major.is_some_and(|m| deal.value >= m && deal.value > Cents(0)) && deal.stage.is_open()
}

/// The ladder's gate (issue 19) on each of `deals` that is major: its contact's promises to
/// me have not reached normal ones. Said in words, or `None`; the ledgers of all the major
/// deals' contacts are read in one query.
async fn ladder_gates<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    deals: &[(&Deal, &str)],
) -> Result<Vec<Option<String>>> {
    let ws = &actor.workspace.id;
    let mut contacts: Vec<ContactId> = Vec::new();
    let major = if deals.is_empty() {
        None
    } else {
        store.major_deal_value(ws).await?
    };
    for (d, _) in deals {
        if is_major(d, major) {
            contacts.push(d.contact_id.clone());
        }
    }
    contacts.sort();
    contacts.dedup();
    let ledger = if contacts.is_empty() {
        Vec::new()
    } else {
        store
            .resolved_of(ws, &contacts, crate::commitment::Direction::Theirs)
            .await?
    };
    let tz = actor.workspace.tz();
    Ok(deals
        .iter()
        .map(|(d, name)| {
            if !is_major(d, major) {
                return None;
            }
            let theirs: Vec<crate::commitment::Commitment> = ledger
                .iter()
                .filter(|c| c.contact_id == d.contact_id)
                .cloned()
                .collect();
            let rung = crate::ladder::rung(&theirs, crate::commitment::Direction::Theirs, &tz);
            if rung.level >= crate::ladder::Level::Normal {
                None
            } else if rung.level == crate::ladder::Level::None
                && rung.kept.normal + rung.kept.major > 0
            {
                Some(format!(
                    "one of your largest deals, and {name} has kept no promise since one broke ({})",
                    rung.next
                ))
            } else if rung.kept.normal + rung.kept.major == 0 {
                Some(format!(
                    "one of your largest deals, and {name} has not kept a normal promise yet ({})",
                    rung.next
                ))
            } else {
                Some(format!(
                    "one of your largest deals, and {name} is back to {} promises ({})",
                    rung.level.label(),
                    rung.next
                ))
            }
        })
        .collect())
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
    let ladder_gate = ladder_gates(store, actor, &[(&deal, contact.name.as_str())])
        .await?
        .pop()
        .flatten();
    Ok(DealView {
        gives_outrun_gets: gives_outrun_gets(&terms),
        trust_gate: read && trust.theirs.probability < 0.5,
        ladder_gate,
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
        WrittenWith {
            deal_won: Some(won),
            accepted: None,
        },
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

/// The deals board: every stage with its count and total, and its first `per_stage` deals.
pub async fn board<S: ContactStore + DealStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    per_stage: u32,
    now: Timestamp,
) -> Result<Vec<BoardColumn>> {
    // Each stage's first deals (its count and total come from the stage totals, so no
    // count runs here), then the names, give/get lines and trust gates of all of them at
    // once.
    let ws = &actor.workspace.id;
    let limit = per_stage.clamp(1, MAX_DEALS);
    let mut stages = Vec::new();
    let mut all: Vec<Deal> = Vec::new();
    for total in store.deal_stages(ws).await? {
        let deals = if total.count == 0 {
            Vec::new()
        } else {
            let filter = DealFilter {
                stage: Some(total.stage),
                ..DealFilter::default()
            };
            store.deals(ws, &filter, None, limit).await?
        };
        stages.push((total, deals.len()));
        all.extend(deals);
    }
    let mut views = views_of(store, actor, all, now).await?.into_iter();
    Ok(stages
        .into_iter()
        .map(|(total, n)| BoardColumn {
            total,
            deals: views.by_ref().take(n).collect(),
        })
        .collect())
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
    let trust = crate::ledger::trust_now(store, actor, &contacts, now).await?;
    let named: Vec<(&Deal, &str)> = deals
        .iter()
        .map(|d| (d, names.get(&d.contact_id).map_or("", String::as_str)))
        .collect();
    let gates = ladder_gates(store, actor, &named).await?;
    let mut views = Vec::with_capacity(deals.len());
    for (deal, ladder_gate) in deals.into_iter().zip(gates) {
        let all = terms.remove(&deal.id).unwrap_or_default();
        let t = trust.get(&deal.contact_id).copied().unwrap_or_default();
        let (gate, band) = (t.gate(), t.theirs.and_then(|s| s.band()));
        let (gives, gets): (Vec<Term>, Vec<Term>) =
            all.iter().cloned().partition(|t| t.kind == TermKind::Give);
        let contact_name = names.get(&deal.contact_id).cloned().unwrap_or_default();
        views.push(DealView {
            gives_outrun_gets: gives_outrun_gets(&all),
            trust_gate: gate,
            ladder_gate,
            trust_theirs: band,
            contact_name,
            gives,
            gets,
            deal,
        });
    }
    Ok(views)
}
