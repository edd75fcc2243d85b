//! Services: the operations users perform. Handlers (CLI, later HTTP) parse input, call one of
//! these, and render. Every rule lives here or in the domain types, never in a handler.
//! `now` is passed in, so the services are tested with a fixed clock.

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::{Contact, ContactChanges, NewContact};
use crate::error::{Candidate, Error, Invalid, Result, StoreError};
use crate::fact::{Fact, NewFact};
use crate::ids::{ContactId, FactId, InteractionId};
use crate::interaction::{Interaction, NewInteraction};
use crate::ports::{ContactFilter, ContactStore, FactStore, InteractionStore, ReferralStore};
use crate::search::fold;
use crate::workspace::Actor;

/// The most contacts a single listing returns.
pub const MAX_PAGE: u32 = 1000;

/// How many matches an ambiguous reference lists (it counts every one, up to [`SCAN`]).
const MAX_CANDIDATES: u32 = 100;

/// How many matches of a name or an id's start are read to count them and narrow them by
/// organisation; beyond, "more than".
const SCAN: u32 = 2000;

/// Finds the contact a person means by `reference`: an id or the unique start of one (at
/// least 6 hexadecimal characters with a digit, as git takes a commit), a full name, or the
/// unique start of a name, compared without case or accents. Live contacts are preferred;
/// archived ones are found when no live contact matches (so they can be restored).
pub async fn resolve_contact<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
) -> Result<Contact> {
    resolve_contact_in(store, actor, reference, None).await
}

/// Whether a reference reads as the start of an id rather than a name.
fn id_prefix(reference: &str) -> Option<String> {
    let r = reference.to_ascii_lowercase();
    if !(r.len() >= 6
        && r.len() < 36
        && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && r.chars().any(|c| c.is_ascii_digit()))
    {
        return None;
    }
    // Typed with or without its hyphens: put them where an id has them (8-4-4-4-12).
    let digits: Vec<char> = r.chars().filter(|c| *c != '-').collect();
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.into_iter().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(c);
    }
    (out.len() < 36).then_some(out)
}

/// [`resolve_contact`], narrowed to contacts whose organisation contains `org` (without case
/// or accents) when given: how a person picks among namesakes (`--org`). A contact merged
/// into another leads to that one (its old id, its name), so nothing is ever written to,
/// or read from, the emptied duplicate.
pub async fn resolve_contact_in<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    org: Option<&str>,
) -> Result<Contact> {
    let mut c = find_contact_in(store, actor, reference, org).await?;
    // A merge leaves its target live, so a chain ends; the bound guards a corrupt book.
    for _ in 0..32 {
        let Some(into) = c.merged_into.clone() else {
            break;
        };
        c = store
            .contact(&actor.workspace.id, &into)
            .await?
            .ok_or_else(|| {
                Error::NotFound(format!("{} was merged into a contact that is gone", c.name))
            })?;
    }
    Ok(c)
}

/// The contact a reference names, as it is: a contact merged into another is found itself,
/// not the one it leads to (`contact show` of an old id says where it went).
pub async fn find_contact<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
) -> Result<Contact> {
    find_contact_in(store, actor, reference, None).await
}

/// [`find_contact`] narrowed by organisation, as [`resolve_contact_in`] is.
pub async fn find_contact_in<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    org: Option<&str>,
) -> Result<Contact> {
    let ws = &actor.workspace.id;
    let reference = reference.trim();
    if reference.is_empty() {
        return Err(Invalid::new(
            "contact",
            "name a contact (its name, the start of it, or its id)",
        )
        .into());
    }
    if let Some(id) = ContactId::parse(reference) {
        return store
            .contact(ws, &id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no contact has the id {id}")));
    }
    let org = org.map(fold).filter(|o| !o.is_empty());
    let in_org = |c: &Contact| match &org {
        Some(o) => c
            .organisation
            .as_deref()
            .is_some_and(|x| fold(x).contains(o)),
        None => true,
    };
    let ambiguous = |found: Vec<&Contact>, more_than: bool| Error::Ambiguous {
        reference: reference.to_owned(),
        matches: found.len(),
        more_than,
        candidates: found
            .into_iter()
            .take(MAX_CANDIDATES as usize)
            .map(|c| Candidate {
                id: c.id.to_string(),
                name: c.name.clone(),
                organisation: c.organisation.clone(),
                email: c.emails.first().cloned(),
                relationship: c.relationship.label(),
            })
            .collect(),
    };
    // Every match is read (up to SCAN) before the organisation narrows them, so the count
    // and the list are of what matches, never of a first page.
    let pick = |fetched: Vec<Contact>| -> (Vec<Contact>, bool) {
        let complete = fetched.len() <= SCAN as usize;
        let found = fetched
            .into_iter()
            .take(SCAN as usize)
            .filter(|c| in_org(c))
            .collect();
        (found, complete)
    };
    if let Some(prefix) = id_prefix(reference) {
        let (found, complete) = pick(store.contacts_with_id_prefix(ws, &prefix, SCAN + 1).await?);
        match found.len() {
            0 => {}
            1 if complete => return Ok(found.into_iter().next().ok_or(StoreError::NotFound)?),
            _ => return Err(ambiguous(found.iter().collect(), !complete)),
        }
    }
    let folded = fold(reference);
    for archived in [false, true] {
        let (found, complete) = pick(
            store
                .contacts_named(ws, &folded, archived, SCAN + 1)
                .await?,
        );
        let exact: Vec<&Contact> = found.iter().filter(|c| c.name_folded() == folded).collect();
        match (exact.as_slice(), found.len()) {
            ([only], _) => return Ok((*only).clone()),
            (_, 1) if complete => return Ok(found[0].clone()),
            (_, 0) => continue,
            (exact, _) if exact.len() > 1 => {
                // Namesakes: those who bear the name in full.
                return Err(ambiguous(exact.to_vec(), !complete));
            }
            _ => return Err(ambiguous(found.iter().collect(), !complete)),
        }
    }
    Err(Error::NotFound(match org {
        Some(_) => format!("no contact called {reference:?} works there"),
        None => format!("no contact is called {reference:?}"),
    }))
}

/// Another contact that shares an email or phone with one just added: perhaps the same
/// person, so the person adding is told and can look.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SameAs {
    /// What they share: `email ana@example.com` or `phone +33 6 12 34 56 78`.
    pub by: String,
    pub id: ContactId,
    pub name: String,
}

/// A contact just added, with the contacts it may duplicate.
#[derive(Clone, Debug, Serialize)]
pub struct AddedContact {
    #[serde(flatten)]
    pub contact: Contact,
    /// Other contacts with one of its emails (any case) or phones (same digits). The contact
    /// is added all the same (two people may share an office line); empty when none.
    pub same_as: Vec<SameAs>,
    /// Who introduced them, when given.
    pub introduced_by: Option<Introducer>,
}

/// The contact who introduced another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Introducer {
    pub id: ContactId,
    pub name: String,
}

/// The contact an `introduced_by` reference names, for introducing `to` (none yet when
/// adding): unknown is invalid input, several matches are offered, and no one introduces
/// themselves.
async fn introducer_of<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: Option<&str>,
    to: Option<&ContactId>,
) -> Result<Option<Contact>> {
    let Some(r) = reference.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    crate::commitment::refuse_nul("introduced_by", r)?;
    if r.chars().count() > crate::contact::MAX_FIELD_CHARS {
        return Err(Invalid::new(
            "introduced_by",
            format!(
                "introduced by: a contact's id or name is at most {} characters",
                crate::contact::MAX_FIELD_CHARS
            ),
        )
        .into());
    }
    let found = match resolve_contact(store, actor, r).await {
        Err(Error::NotFound(m)) => {
            return Err(Invalid::new("introduced_by", format!("introduced by: {m}")).into());
        }
        other => other?,
    };
    if to == Some(&found.id) {
        return Err(Invalid::new("introduced_by", "a contact cannot introduce themselves").into());
    }
    Ok(Some(found))
}

/// Where and when we met, checked against the workspace's today.
fn check_met<'a>(
    actor: &Actor,
    met_on: impl IntoIterator<Item = &'a Option<jiff::civil::Date>>,
    now: Timestamp,
) -> Result<()> {
    let today = crate::today::day_of(now, &actor.workspace.tz());
    for d in met_on {
        crate::contact::check_met_on(*d, today)?;
    }
    Ok(())
}

impl AddedContact {
    /// One line a person reads: "Same email as Ana Lima (ana@example.com)".
    pub fn warnings(&self) -> Vec<String> {
        self.same_as
            .iter()
            .map(|s| {
                format!(
                    "another contact has the same {}: {} [{}]",
                    s.by, s.name, s.id
                )
            })
            .collect()
    }
}

/// Creates a contact owned by the acting user, records who introduced them (the same record
/// `rapport referral` makes), and names any contact it may duplicate.
pub async fn add_contact<S: ContactStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    new: NewContact,
    now: Timestamp,
) -> Result<AddedContact> {
    check_met(actor, [&new.met_on], now)?;
    let introducer = introducer_of(store, actor, new.introduced_by.as_deref(), None).await?;
    let contact = new.into_contact(actor.user.id.clone(), now)?;
    let handles = crate::import::handles(&contact);
    let keys: Vec<crate::import::Handle> = handles.iter().map(|(h, _)| h.clone()).collect();
    let found = if keys.is_empty() {
        Vec::new()
    } else {
        store
            .contacts_with_handles(&actor.workspace.id, &keys)
            .await?
    };
    match &introducer {
        // The contact and its introduction, in one transaction.
        Some(i) => {
            store
                .save_introduced(&actor.workspace.id, &contact, true, &i.id, now)
                .await?
        }
        None => store.insert_contact(&actor.workspace.id, &contact).await?,
    }
    let mut same_as: Vec<SameAs> = Vec::new();
    for (handle, id, name) in found {
        if same_as.iter().any(|s| s.id == id) {
            continue;
        }
        let shown = handles
            .iter()
            .find(|(h, _)| *h == handle)
            .map_or("", |(_, v)| *v);
        let kind = match handle {
            crate::import::Handle::Email(_) => "email",
            crate::import::Handle::Phone(_) => "phone",
        };
        same_as.push(SameAs {
            by: format!("{kind} {shown}"),
            id,
            name,
        });
    }
    Ok(AddedContact {
        contact,
        same_as,
        introduced_by: introducer.map(|i| Introducer {
            id: i.id,
            name: i.name,
        }),
    })
}

/// Changes a contact. An empty change is refused rather than silently doing nothing. An
/// introducer is recorded only for a contact without one (a conflict names the one it has).
pub async fn edit_contact<S: ContactStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    changes: &ContactChanges,
    now: Timestamp,
) -> Result<Contact> {
    if changes.is_empty() {
        return Err(Invalid::new(
            "changes",
            "nothing to change: give at least one field to edit",
        )
        .into());
    }
    if let Some(on) = &changes.met_on {
        check_met(actor, [on], now)?;
    }
    let current = resolve_contact(store, actor, reference).await?;
    let introducer = introducer_of(
        store,
        actor,
        changes.introduced_by.as_deref(),
        Some(&current.id),
    )
    .await?;
    if introducer.is_some()
        && let Some((_, name)) = store
            .introductions(&actor.workspace.id, &current.id)
            .await?
            .introduced_by
    {
        return Err(Error::Conflict(format!(
            "{} was already introduced by {name}",
            current.name
        )));
    }
    let updated = changes.apply(&current, now)?;
    match &introducer {
        // The change and the introduction, in one transaction: a conflict writes neither.
        Some(i) => store
            .save_introduced(&actor.workspace.id, &updated, false, &i.id, now)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict(_) => {
                    Error::Conflict(format!("{} already has an introducer", updated.name))
                }
                other => other,
            })?,
        None => store.update_contact(&actor.workspace.id, &updated).await?,
    }
    Ok(updated)
}

/// Archives a contact (restorable). Archiving an archived contact is a conflict.
pub async fn archive_contact<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<Contact> {
    // As named: an old id of a merged contact must never archive the one it was merged into.
    let mut c = find_contact(store, actor, reference).await?;
    if c.is_archived() {
        return Err(Error::Conflict(format!("{} is already archived", c.name)));
    }
    store
        .set_archived(&actor.workspace.id, &c.id, Some(now), now)
        .await?;
    c.archived_at = Some(now);
    c.updated_at = now;
    Ok(c)
}

/// Restores an archived contact.
pub async fn restore_contact<S: ContactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    now: Timestamp,
) -> Result<Contact> {
    let mut c = find_contact(store, actor, reference).await?;
    if !c.is_archived() {
        return Err(Error::Conflict(format!("{} is not archived", c.name)));
    }
    if let Some(into) = &c.merged_into {
        let kept = store
            .contact(&actor.workspace.id, into)
            .await?
            .map_or_else(|| into.to_string(), |k| format!("{} [{into}]", k.name));
        return Err(Error::Conflict(format!(
            "{} was merged into {kept}: everything it had is there",
            c.name
        )));
    }
    store
        .set_archived(&actor.workspace.id, &c.id, None, now)
        .await?;
    c.archived_at = None;
    c.updated_at = now;
    Ok(c)
}

/// What a listing asks for, as a user gives it (unfolded).
#[derive(Clone, Debug, Default)]
pub struct ContactQuery {
    pub relationship: Option<crate::contact::RelationshipType>,
    pub tag: Option<String>,
    pub search: Option<String>,
    /// Only contacts whose "where we met" contains this text (case and accents aside).
    pub met: Option<String>,
    pub archived: bool,
    /// VIPs only.
    pub vip_only: bool,
    /// Only relationships past their keep-in-touch time.
    pub going_cold: bool,
    pub after: Option<(String, ContactId)>,
    pub limit: Option<u32>,
}

/// Lists contacts, 50 by default, at most [`MAX_PAGE`].
pub async fn list_contacts<S: ContactStore>(
    store: &S,
    actor: &Actor,
    query: ContactQuery,
) -> Result<Vec<Contact>> {
    let filter = filter_of(query, Timestamp::now())?;
    Ok(store.list_contacts(&actor.workspace.id, &filter).await?)
}

fn filter_of(query: ContactQuery, now: Timestamp) -> Result<ContactFilter> {
    let limit = query.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(
            Invalid::new("limit", format!("limit must be between 1 and {MAX_PAGE}")).into(),
        );
    }
    for (field, text) in [
        ("search", &query.search),
        ("tag", &query.tag),
        ("met", &query.met),
    ] {
        if let Some(t) = text {
            crate::commitment::refuse_nul(field, t)?;
            // Longer than any stored value; and SQLite refuses a LIKE pattern over 50 KB.
            if t.chars().count() > crate::contact::MAX_FIELD_CHARS {
                return Err(Invalid::new(
                    field,
                    format!(
                        "{field} is at most {} characters",
                        crate::contact::MAX_FIELD_CHARS
                    ),
                )
                .into());
            }
        }
    }
    let fold_opt = |s: Option<String>| s.map(|s| fold(&s)).filter(|s| !s.is_empty());
    Ok(ContactFilter {
        relationship: query.relationship,
        tag: fold_opt(query.tag),
        search: fold_opt(query.search),
        met: fold_opt(query.met),
        archived: query.archived,
        vip_only: query.vip_only,
        due_before: query.going_cold.then_some(now),
        after: query.after,
        limit,
    })
}

/// A contact as the list shows it: when the next touch is due, and trust both ways (a
/// band, once there is enough to read).
#[derive(Clone, Debug, Serialize)]
pub struct ListedContact {
    pub contact: Contact,
    pub touch_due_at: Option<Timestamp>,
    pub going_cold: bool,
    pub trust_mine: Option<crate::trust::Band>,
    pub trust_theirs: Option<crate::trust::Band>,
}

/// A page of the contact list and how many match in all.
#[derive(Clone, Debug, Serialize)]
pub struct ContactList {
    pub items: Vec<ListedContact>,
    /// How many match, up to [`COUNT_CAP`]; more when `total_capped`.
    pub total: u64,
    /// More than [`COUNT_CAP`] match (the count stops there to stay fast on a large book).
    pub total_capped: bool,
}

/// The contact list counts matches up to this many, and says "more than" beyond.
pub const COUNT_CAP: u64 = 10_000;

/// A page of contacts with where each stands, and the count of all that match.
pub async fn contact_list<S: ContactStore + crate::ports::LedgerStore>(
    store: &S,
    actor: &Actor,
    query: ContactQuery,
    now: Timestamp,
) -> Result<ContactList> {
    let filter = filter_of(query, now)?;
    let ws = &actor.workspace.id;
    let contacts = store.list_contacts(ws, &filter).await?;
    let counted = store.count_listed(ws, &filter, COUNT_CAP).await?;
    let ids: Vec<ContactId> = contacts.iter().map(|c| c.id.clone()).collect();
    let standing = store.standing(ws, &ids).await?;
    let trust = crate::ledger::trust_now(store, actor, &ids, now).await?;
    let items = contacts
        .into_iter()
        .map(|contact| {
            let s = standing.iter().find(|s| s.id == contact.id);
            let touch_due_at = s.and_then(|s| s.touch_due_at);
            let t = trust.get(&contact.id).copied().unwrap_or_default();
            ListedContact {
                going_cold: touch_due_at.is_some_and(|t| t < now),
                touch_due_at,
                trust_mine: t.mine.and_then(|s| s.band()),
                trust_theirs: t.theirs.and_then(|s| s.band()),
                contact,
            }
        })
        .collect();
    Ok(ContactList {
        items,
        total: counted.min(COUNT_CAP),
        total_capped: counted > COUNT_CAP,
    })
}

/// A contact with what the user remembers about them and the latest interactions: what
/// `contact show` displays.
#[derive(Clone, Debug, Serialize)]
pub struct ContactCard {
    #[serde(flatten)]
    pub contact: Contact,
    /// The cadence in force (days), after type and VIP defaults.
    pub keep_in_touch_days: Option<u32>,
    pub facts: Vec<Fact>,
    pub recent_interactions: Vec<Interaction>,
    /// Who introduced them (the introduction `rapport referral` records).
    pub introduced_by: Option<Introducer>,
    /// Where and when we met and who introduced us, in words; `None` when nothing is known.
    pub met_phrase: Option<String>,
}

/// The card for a contact.
pub async fn contact_card<S: ContactStore + FactStore + InteractionStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
) -> Result<ContactCard> {
    let contact = find_contact(store, actor, reference).await?;
    card_of(store, actor, contact).await
}

/// The card of a contact already found in the actor's workspace.
pub async fn card_of<S: FactStore + InteractionStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    contact: Contact,
) -> Result<ContactCard> {
    let ws = &actor.workspace.id;
    let facts = store.facts(ws, &contact.id).await?;
    let recent_interactions = store.timeline(ws, &contact.id, None, 5).await?;
    let introduced_by = store
        .introductions(ws, &contact.id)
        .await?
        .introduced_by
        .map(|(id, name)| Introducer { id, name });
    Ok(ContactCard {
        keep_in_touch_days: contact.keep_in_touch_days_in(&actor.workspace.touch_rules),
        met_phrase: contact.met_phrase(introduced_by.as_ref().map(|i| i.name.as_str())),
        contact,
        facts,
        recent_interactions,
        introduced_by,
    })
}

/// Records a fact on a contact.
pub async fn add_fact<S: ContactStore + FactStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewFact,
    now: Timestamp,
) -> Result<(Contact, Fact)> {
    let contact = resolve_contact(store, actor, reference).await?;
    let fact = new.into_fact(contact.id.clone(), now)?;
    store.insert_fact(&actor.workspace.id, &fact).await?;
    Ok((contact, fact))
}

/// A fact of the workspace, with its contact.
pub async fn fact_of<S: ContactStore + FactStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<(Contact, Fact)> {
    let missing = || Error::NotFound(format!("no fact has the id {id:?}"));
    let id = FactId::parse(id).ok_or_else(missing)?;
    let fact = store
        .fact(&actor.workspace.id, &id)
        .await?
        .ok_or_else(missing)?;
    let contact = store
        .contact(&actor.workspace.id, &fact.contact_id)
        .await?
        .ok_or_else(missing)?;
    Ok((contact, fact))
}

/// Rewrites a fact: what is remembered, its kind, relation and date, by the same rules as
/// a new one. It keeps its id and when it was first noted.
pub async fn edit_fact<S: ContactStore + FactStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    new: NewFact,
) -> Result<(Contact, Fact)> {
    let (contact, old) = fact_of(store, actor, id).await?;
    let mut fact = new.into_fact(contact.id.clone(), old.created_at)?;
    fact.id = old.id;
    store.update_fact(&actor.workspace.id, &fact).await?;
    Ok((contact, fact))
}

/// Forgets a fact.
pub async fn delete_fact<S: ContactStore + FactStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<(Contact, Fact)> {
    let (contact, fact) = fact_of(store, actor, id).await?;
    store.delete_fact(&actor.workspace.id, &fact.id).await?;
    Ok((contact, fact))
}

/// An interaction of the workspace, with its contact.
pub async fn interaction<S: ContactStore + InteractionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<(Contact, Interaction)> {
    let missing = || Error::NotFound(format!("no interaction has the id {id:?}"));
    let id = InteractionId::parse(id).ok_or_else(missing)?;
    let i = store
        .interaction(&actor.workspace.id, &id)
        .await?
        .ok_or_else(missing)?;
    let contact = store
        .contact(&actor.workspace.id, &i.contact_id)
        .await?
        .ok_or_else(missing)?;
    Ok((contact, i))
}

/// Rewrites an interaction (kind, when, summary, what was said), by the same rules as a new
/// one; the contact's keep-in-touch clock follows.
pub async fn edit_interaction<S: ContactStore + InteractionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    new: NewInteraction,
) -> Result<(Contact, Interaction)> {
    let (contact, old) = interaction(store, actor, id).await?;
    let mut i = new.into_interaction(contact.id.clone(), old.created_at)?;
    i.id = old.id;
    store.update_interaction(&actor.workspace.id, &i).await?;
    Ok((contact, i))
}

/// Deletes an interaction; the contact's keep-in-touch clock goes back to the latest one
/// left. One a promise was recorded from is kept (it is that promise's source).
pub async fn delete_interaction<S: ContactStore + InteractionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<(Contact, Interaction)> {
    let (contact, i) = interaction(store, actor, id).await?;
    store.delete_interaction(&actor.workspace.id, &i.id).await?;
    Ok((contact, i))
}

/// Logs an interaction with a contact.
pub async fn log_interaction<S: ContactStore + InteractionStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewInteraction,
    now: Timestamp,
) -> Result<(Contact, Interaction)> {
    let contact = resolve_contact(store, actor, reference).await?;
    let interaction = new.into_interaction(contact.id.clone(), now)?;
    store
        .insert_interaction(&actor.workspace.id, &interaction)
        .await?;
    Ok((contact, interaction))
}

/// A contact's interactions, newest first.
pub async fn timeline<S: ContactStore + InteractionStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    after: Option<&crate::ports::AfterInteraction>,
    limit: u32,
) -> Result<(Contact, Vec<Interaction>)> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(
            Invalid::new("limit", format!("limit must be between 1 and {MAX_PAGE}")).into(),
        );
    }
    let contact = resolve_contact(store, actor, reference).await?;
    let items = store
        .timeline(&actor.workspace.id, &contact.id, after, limit)
        .await?;
    Ok((contact, items))
}

/// Interactions mentioning `text`, newest first.
pub async fn search_interactions<S: InteractionStore>(
    store: &S,
    actor: &Actor,
    text: &str,
    after: Option<&crate::ports::AfterInteraction>,
    limit: u32,
) -> Result<Vec<Interaction>> {
    crate::commitment::refuse_nul("search", text)?;
    let folded = fold(text);
    if folded.is_empty() {
        return Err(Invalid::new("search", "search for some text").into());
    }
    if folded.chars().count() > crate::contact::MAX_FIELD_CHARS {
        return Err(Invalid::new(
            "search",
            format!(
                "search for at most {} characters",
                crate::contact::MAX_FIELD_CHARS
            ),
        )
        .into());
    }
    Ok(store
        .search_interactions(
            &actor.workspace.id,
            &folded,
            after,
            limit.clamp(1, MAX_PAGE),
        )
        .await?)
}

/// Changes the workspace's settings; only an owner may.
pub async fn change_settings<S: crate::ports::WorkspaceStore>(
    store: &S,
    actor: &Actor,
    change: &crate::workspace::SettingsChange,
) -> Result<crate::workspace::Workspace> {
    actor.require_owner("change the workspace's settings")?;
    let updated = change.apply(&actor.workspace)?;
    store.update_workspace(&updated).await?;
    Ok(updated)
}
