//! Appreciation: gestures given, the yearly budget (owners set it), cadences by audience,
//! what to give next.

use jiff::Timestamp;

use crate::commitment::{Direction, Status, clean_text};
use crate::contact::Contact;
use crate::deal::Cents;
use crate::error::{Error, Invalid, Result};
use crate::ids::ContactId;
use crate::ledger::{CommitmentQuery, Outcome, list_commitments, resolve};
use crate::ports::{ContactStore, FactStore, GestureStore, LedgerStore};
use crate::service::resolve_contact;
use crate::workspace::Actor;

use crate::model::gesture::*;

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
                newest_first: false,
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

/// The most gestures one call lists.
pub const MAX_GESTURES: u32 = 10_000;

/// Gestures, newest first (one contact's when a reference is given), at most `limit`
/// (1 to [`MAX_GESTURES`]).
pub async fn list<S: ContactStore + GestureStore>(
    store: &S,
    actor: &Actor,
    reference: Option<&str>,
    after: Option<&crate::ports::AfterGesture>,
    limit: u32,
) -> Result<Vec<(Gesture, String)>> {
    if limit == 0 || limit > MAX_GESTURES {
        return Err(Invalid::new(
            "limit",
            format!("limit must be between 1 and {MAX_GESTURES}"),
        )
        .into());
    }
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

/// The appreciation part of a contact's brief.
pub async fn appreciation_of<S: GestureStore + FactStore>(
    store: &S,
    actor: &Actor,
    contact: &Contact,
    now: Timestamp,
) -> Result<Appreciation> {
    let ws = &actor.workspace.id;
    let tz = actor.workspace.tz();
    let today = crate::today::day_of(now, &tz);
    // The last gesture given: one planned for a day ahead is not given yet. Newest first,
    // so the planned ones come first; a contact has few.
    let last = store
        .gestures(ws, Some(&contact.id), None, 50)
        .await?
        .into_iter()
        .find(|g| g.given_on <= today);
    let rules = rules(store, actor).await?;
    let audience = Audience::of(contact.relationship, contact.vip);
    let every_days = rules
        .iter()
        .find(|r| r.audience == audience)
        .and_then(|r| r.days);
    let base = last.as_ref().map(|g| g.given_on).unwrap_or_else(|| {
        contact
            .created_at
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    });
    let next_due = every_days.and_then(|d| base.checked_add(jiff::Span::new().days(d)).ok());
    let known = crate::today::day_of(contact.created_at, &tz)
        .until(today)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    let facts = store.facts(ws, &contact.id).await?;
    let of_kind = |k: crate::fact::FactKind| -> Vec<String> {
        facts
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| f.text.clone())
            .collect()
    };
    let interests = of_kind(crate::fact::FactKind::Interest);
    let preferences = of_kind(crate::fact::FactKind::Preference);
    let catalogue = crate::gift::catalogue(&store.gift_ideas(ws).await?);
    let last_brief = last.as_ref().map(|g| LastGesture {
        kind: g.kind,
        text: g.text.clone(),
        given_on: g.given_on,
    });
    let suggestion = suggest_fitting(
        contact.relationship,
        contact.vip,
        known,
        last_brief.as_ref(),
        &interests,
        &preferences,
        &catalogue,
    );
    Ok(Appreciation {
        last,
        every_days,
        next_due,
        suggestion,
    })
}
