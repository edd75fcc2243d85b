//! Cards for devices (CardDAV): the address book of a workspace, what changed since a sync
//! token, reading cards, and writing or deleting the card a device sends. The DAV handlers
//! only parse the request and render these answers.
//!
//! A device's write changes only what a card carries (name, organisation, emails, phones,
//! birthday, anniversary, notes; tags only when the card has CATEGORIES; the type and VIP
//! flag only when it has Rapport's own properties). Facts, the ledger, trust and deals are
//! never touched, and no note is ever deleted by a device: a note the card no longer has is
//! kept, a note edited on the device is edited here.

use jiff::Timestamp;

use crate::contact::{Contact, ContactChanges, NewContact, RelationshipType, is_email, is_phone};
use crate::dates::YearlyDate;
use crate::error::{Error, Invalid, Result};
use crate::fact::{Fact, FactKind, NewFact};
use crate::ids::{ContactId, FactId};
use crate::model::card::{CardMeta, DeviceCard, Expect, check_href, parse_sync_token, sync_token};
use crate::ports::{BulkStore, CardChange, CardStore, CardWrite, ContactFilter, ContactStore};
use crate::search::fold;
use crate::workspace::Actor;

/// The most changes one sync answer lists; beyond, it says it is cut and hands a token to
/// go on from.
pub const MAX_CHANGES: u32 = 100_000;

/// The most cards an address-book query returns; beyond, it says it is cut.
pub const MAX_QUERY: u32 = 1_000;

/// A workspace's address book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressBook {
    /// The workspace's name.
    pub name: String,
    /// Its card number.
    pub number: i64,
    /// Its version (CTag): changes whenever a card does.
    pub ctag: String,
    /// The sync token of a device that has seen everything.
    pub token: String,
}

/// The acting member's address book.
pub async fn address_book<S: CardStore>(store: &S, actor: &Actor) -> Result<AddressBook> {
    let (number, epoch) = store.card_number(&actor.workspace.id).await?;
    Ok(AddressBook {
        name: actor.workspace.name.clone(),
        number,
        ctag: format!("{epoch}-{number}"),
        token: sync_token(&actor.workspace.id, &epoch, number),
    })
}

/// What changed since a sync token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes {
    /// Live cards changed (or all live cards, on a first sync).
    pub changed: Vec<CardChange>,
    /// Names of cards gone since (archived or merged away).
    pub removed: Vec<String>,
    /// The token to give next time.
    pub token: String,
    /// More changes wait: sync again from `token` for the rest.
    pub truncated: bool,
}

/// What changed since `token` (`None` or empty: a first sync, every live card), at most
/// `limit` (and never more than [`MAX_CHANGES`]). A token that is not one of this address
/// book's, or from its future, is refused (`Invalid` on the field `sync-token`): the device
/// then syncs from scratch.
pub async fn changes<S: CardStore>(
    store: &S,
    actor: &Actor,
    token: Option<&str>,
    limit: Option<u32>,
) -> Result<Changes> {
    let ws = &actor.workspace.id;
    let (current, epoch) = store.card_number(ws).await?;
    let after = match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            parse_sync_token(ws, &epoch, t)
                .filter(|seq| *seq <= current)
                .ok_or_else(|| {
                    Invalid::new(
                        "sync-token",
                        "this sync token is not one of this address book's (or no longer is): sync from the start",
                    )
                })?,
        ),
    };
    let limit = limit.unwrap_or(MAX_CHANGES).clamp(1, MAX_CHANGES);
    let mut found = store
        .card_changes(ws, after.unwrap_or(-1), after.is_none(), limit + 1)
        .await?;
    let truncated = found.len() > limit as usize;
    if truncated {
        let next = found[limit as usize].seq;
        found.truncate(limit as usize);
        // Changes made together share a number: a token stops between numbers, never
        // inside one, so none is skipped. When the cut falls inside a number, that number's
        // changes wait for the next page (or, when they alone fill it, come whole).
        if found.last().is_some_and(|c| c.seq == next) {
            let whole: Vec<CardChange> = found.iter().filter(|c| c.seq < next).cloned().collect();
            found = if whole.is_empty() {
                store
                    .card_changes(ws, next - 1, after.is_none(), u32::MAX)
                    .await?
                    .into_iter()
                    .filter(|c| c.seq == next)
                    .collect()
            } else {
                whole
            };
        }
    }
    let seen = found.iter().map(|c| c.seq).max().unwrap_or(0);
    let upto = if truncated { seen } else { current.max(seen) };
    let (changed, gone): (Vec<CardChange>, Vec<CardChange>) =
        found.into_iter().partition(|c| c.live);
    Ok(Changes {
        changed,
        removed: gone.into_iter().map(|c| c.href).collect(),
        token: sync_token(ws, &epoch, upto),
        truncated,
    })
}

/// A card with all it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FullCard {
    pub meta: CardMeta,
    pub contact: Contact,
    /// The contact's dates and notes (what a card carries), oldest first.
    pub facts: Vec<Fact>,
}

async fn full_cards<S: CardStore + BulkStore>(
    store: &S,
    actor: &Actor,
    metas: Vec<CardMeta>,
) -> Result<Vec<FullCard>> {
    let ws = &actor.workspace.id;
    let metas: Vec<CardMeta> = metas.into_iter().filter(|m| !m.archived).collect();
    let ids: Vec<ContactId> = metas.iter().map(|m| m.contact_id.clone()).collect();
    let mut contacts: std::collections::HashMap<ContactId, Contact> = store
        .contacts_by_id(ws, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut facts: std::collections::HashMap<ContactId, Vec<Fact>> = Default::default();
    for f in store.facts_of(ws, &ids).await? {
        if matches!(f.kind, FactKind::Date | FactKind::Note) {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
    }
    Ok(metas
        .into_iter()
        .filter_map(|meta| {
            let contact = contacts.remove(&meta.contact_id)?;
            let facts = facts.remove(&meta.contact_id).unwrap_or_default();
            Some(FullCard {
                meta,
                contact,
                facts,
            })
        })
        .collect())
}

/// The live cards of these names, in the order asked; names not found are left out.
pub async fn cards<S: CardStore + BulkStore>(
    store: &S,
    actor: &Actor,
    hrefs: &[String],
) -> Result<Vec<FullCard>> {
    let metas = store.cards_named(&actor.workspace.id, hrefs).await?;
    let mut found = full_cards(store, actor, metas).await?;
    let at = |href: &str| hrefs.iter().position(|h| h == href).unwrap_or(usize::MAX);
    found.sort_by_key(|c| at(&c.meta.href()));
    Ok(found)
}

/// One live card by name.
pub async fn card<S: CardStore + BulkStore>(
    store: &S,
    actor: &Actor,
    href: &str,
) -> Result<FullCard> {
    cards(store, actor, &[href.to_owned()])
        .await?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("no card is called {href:?}")))
}

/// How a card's text is matched in an address-book query (RFC 6352 text-match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchHow {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

/// Which property a query looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardProperty {
    Name,
    Email,
    Phone,
    Organisation,
    Uid,
}

/// One condition of an address-book query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextMatch {
    pub property: CardProperty,
    /// `None`: the property merely has to be there (or, negated, absent).
    pub text: Option<String>,
    pub how: MatchHow,
    pub negate: bool,
}

/// One property filter of a query: its conditions, all (`all_of`) or any of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropFilter {
    pub all_of: bool,
    pub matches: Vec<TextMatch>,
}

/// An address-book query: every property filter (`all_of`) or any of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardQuery {
    pub all_of: bool,
    pub filters: Vec<PropFilter>,
    pub limit: Option<u32>,
}

fn text_matches(values: &[String], m: &TextMatch) -> bool {
    let hit = match &m.text {
        None => !values.is_empty(),
        Some(t) => {
            let t = fold(t);
            values.iter().any(|v| {
                let v = fold(v);
                match m.how {
                    MatchHow::Equals => v == t,
                    MatchHow::Contains => v.contains(&t),
                    MatchHow::StartsWith => v.starts_with(&t),
                    MatchHow::EndsWith => v.ends_with(&t),
                }
            })
        }
    };
    hit != m.negate
}

fn card_matches(c: &Contact, meta: &CardMeta, q: &CardQuery) -> bool {
    if q.filters.is_empty() {
        return true;
    }
    let test = |m: &TextMatch| {
        let values: Vec<String> = match m.property {
            CardProperty::Name => vec![c.name.clone()],
            CardProperty::Email => c.emails.clone(),
            CardProperty::Phone => c.phones.clone(),
            CardProperty::Organisation => c.organisation.iter().cloned().collect(),
            CardProperty::Uid => vec![meta.uid()],
        };
        text_matches(&values, m)
    };
    let filter = |f: &PropFilter| {
        if f.all_of {
            f.matches.iter().all(test)
        } else {
            f.matches.iter().any(test)
        }
    };
    if q.all_of {
        q.filters.iter().all(filter)
    } else {
        q.filters.iter().any(filter)
    }
}

/// The live cards a query matches, by name, at most its limit (and [`MAX_QUERY`]); the flag
/// says more matched.
pub async fn query_cards<S: CardStore + BulkStore + ContactStore>(
    store: &S,
    actor: &Actor,
    q: &CardQuery,
) -> Result<(Vec<FullCard>, bool)> {
    let ws = &actor.workspace.id;
    let limit = q.limit.unwrap_or(MAX_QUERY).clamp(1, MAX_QUERY) as usize;
    let mut hits: Vec<(Contact, CardMeta)> = Vec::new();
    let mut after = None;
    let mut more = false;
    'pages: loop {
        let page = store
            .list_contacts(
                ws,
                &ContactFilter {
                    after: after.clone(),
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.name_folded(), last.id.clone()));
        let ids: Vec<ContactId> = page.iter().map(|c| c.id.clone()).collect();
        let metas: std::collections::HashMap<ContactId, CardMeta> = store
            .cards_of(ws, &ids)
            .await?
            .into_iter()
            .map(|m| (m.contact_id.clone(), m))
            .collect();
        let full = page.len() == 1000;
        for c in page {
            let Some(meta) = metas.get(&c.id) else {
                continue;
            };
            if card_matches(&c, meta, q) {
                if hits.len() == limit {
                    more = true;
                    break 'pages;
                }
                hits.push((c, meta.clone()));
            }
        }
        if !full {
            break;
        }
    }
    let ids: Vec<ContactId> = hits.iter().map(|(c, _)| c.id.clone()).collect();
    let mut facts: std::collections::HashMap<ContactId, Vec<Fact>> = Default::default();
    for f in store.facts_of(ws, &ids).await? {
        if matches!(f.kind, FactKind::Date | FactKind::Note) {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
    }
    Ok((
        hits.into_iter()
            .map(|(contact, meta)| FullCard {
                facts: facts.remove(&contact.id).unwrap_or_default(),
                meta,
                contact,
            })
            .collect(),
        more,
    ))
}

/// What became of a device's write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new contact was made from the card.
    Created(ContactId),
    /// The contact was updated.
    Updated(ContactId),
    /// The condition (`If-Match`, `If-None-Match`) did not hold: nothing was written.
    Stale,
    /// Another card already has this UID (its name): nothing was written.
    UidTaken(String),
}

/// Whether a date fact is the birthday (or anniversary) a card carries.
fn is_date_named(f: &Fact, name: &str) -> bool {
    f.kind == FactKind::Date && f.date.is_some() && f.text.trim().eq_ignore_ascii_case(name)
}

/// The fact changes that bring a contact's card dates and notes to what the device sent.
fn fact_changes(
    contact: &ContactId,
    existing: &[Fact],
    card: &DeviceCard,
    previous: Option<&str>,
    now: Timestamp,
) -> Result<(Vec<Fact>, Vec<Fact>, Vec<FactId>)> {
    let (mut add, mut update, mut delete) = (Vec::new(), Vec::new(), Vec::new());
    for (name, prop, date) in [
        ("Birthday", "BDAY", card.birthday),
        ("Anniversary", "ANNIVERSARY", card.anniversary),
    ] {
        let mut current = existing.iter().filter(|f| is_date_named(f, name));
        match (current.next(), date) {
            (Some(f), Some(d)) if f.date != Some(d) => {
                update.push(Fact {
                    date: Some(d),
                    ..f.clone()
                });
            }
            (Some(_), Some(_)) => {}
            // Removed on the device: only when the device's own last card had it (a device
            // that never carried it has not removed it).
            (Some(f), None) if previous.is_some_and(|t| has_property(t, prop)) => {
                delete.push(f.id.clone())
            }
            (Some(_), None) => {}
            (None, Some(d)) => add.push(date_fact(contact, name, d, now)?),
            (None, None) => {}
        }
    }
    // Notes: new texts edit the notes the card no longer has, in order; the rest are added.
    // A note is never deleted by a device.
    let notes: Vec<&Fact> = existing
        .iter()
        .filter(|f| f.kind == FactKind::Note)
        .collect();
    let same = |a: &str, b: &str| a.trim() == b.trim();
    let fresh: Vec<&String> = card
        .notes
        .iter()
        .filter(|n| !n.trim().is_empty() && !notes.iter().any(|f| same(&f.text, n)))
        .collect();
    let mut gone = notes
        .iter()
        .filter(|f| !card.notes.iter().any(|n| same(&f.text, n)));
    for text in fresh {
        match gone.next() {
            Some(f) => {
                let checked = NewFact {
                    kind: FactKind::Note,
                    text: text.clone(),
                    relation: None,
                    date: None,
                }
                .into_fact(contact.clone(), now)?;
                update.push(Fact {
                    text: checked.text,
                    ..(*f).clone()
                });
            }
            None => add.push(
                NewFact {
                    kind: FactKind::Note,
                    text: text.clone(),
                    relation: None,
                    date: None,
                }
                .into_fact(contact.clone(), now)?,
            ),
        }
    }
    Ok((add, update, delete))
}

/// Whether a card's text has a property (any group, any case).
fn has_property(text: &str, prop: &str) -> bool {
    text.lines().any(|l| {
        let name = l.split([':', ';']).next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name);
        !l.starts_with([' ', '\t']) && name.trim().eq_ignore_ascii_case(prop)
    })
}

fn date_fact(contact: &ContactId, name: &str, d: YearlyDate, now: Timestamp) -> Result<Fact> {
    Ok(NewFact {
        kind: FactKind::Date,
        text: name.into(),
        relation: None,
        date: Some(d),
    }
    .into_fact(contact.clone(), now)?)
}

/// The emails and phones of a card that Rapport takes (the others stay on the card only).
fn usable(card: &DeviceCard) -> (Vec<String>, Vec<String>) {
    let mut emails: Vec<String> = Vec::new();
    for e in card.emails.iter().filter(|e| is_email(e)) {
        if !emails.iter().any(|x| x.eq_ignore_ascii_case(e.trim())) {
            emails.push(e.trim().to_owned());
        }
    }
    let mut phones: Vec<String> = Vec::new();
    for p in card.phones.iter().filter(|p| is_phone(p)) {
        if !phones.contains(&p.trim().to_owned()) {
            phones.push(p.trim().to_owned());
        }
    }
    (emails, phones)
}

/// Writes the card a device sends under `href`: a new contact, or the contact already
/// there updated (an archived one is brought back). `expect` is the device's condition.
pub async fn put_card<S: CardStore + BulkStore>(
    store: &S,
    actor: &Actor,
    href: &str,
    card: DeviceCard,
    expect: &Expect,
    now: Timestamp,
) -> Result<Written> {
    check_href(href)?;
    crate::commitment::refuse_nul("card", &card.text)?;
    let ws = &actor.workspace.id;
    let meta = store.cards_named(ws, &[href.to_owned()]).await?.pop();
    // A merged card never comes back under its old name: written again, it would be a
    // second card of the contact it was merged into.
    if let Some(into) = meta.as_ref().and_then(|m| m.merged_into.as_ref()) {
        return Err(Error::Conflict(format!(
            "this card was merged into another contact [{into}]: sync again, then edit that one"
        )));
    }
    let live_tag = meta.as_ref().filter(|m| !m.archived).map(CardMeta::etag);
    if !expect.met_by(live_tag.as_deref()) {
        return Ok(Written::Stale);
    }
    // A condition is checked again inside the write (two devices may race).
    let expected_seq = match (expect, &meta) {
        (Expect::Anything, _) | (_, None) => None,
        (_, Some(m)) => Some(m.seq),
    };
    let uid = card
        .uid
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned);
    if let Some(u) = &uid {
        if u.chars().count() > 1000 || u.chars().any(char::is_control) {
            return Err(Invalid::new(
                "uid",
                "the card's UID is too long or holds control characters",
            )
            .into());
        }
        // A UID belongs to one card in the address book, and a card keeps its UID.
        let holder = match ContactId::parse(u) {
            Some(id) => store
                .cards_of(ws, &[id])
                .await?
                .pop()
                .filter(|m| m.uid() == *u),
            None => None,
        };
        let holder = match holder {
            Some(h) => Some(h),
            None => store.card_with_uid(ws, u).await?,
        };
        if let Some(h) = holder
            && meta.as_ref().is_none_or(|m| m.contact_id != h.contact_id)
        {
            return Ok(Written::UidTaken(h.href()));
        }
        if let Some(m) = &meta
            && m.uid() != *u
        {
            return Ok(Written::UidTaken(m.href()));
        }
    }
    let (emails, phones) = usable(&card);
    let (write, id) = match meta {
        None => {
            let contact = NewContact {
                name: card.name.clone(),
                organisation: card.organisation.clone(),
                relationship: Some(card.relationship.unwrap_or(RelationshipType::Peer)),
                vip: card.vip.unwrap_or(false),
                emails,
                phones,
                tags: card.tags.clone().unwrap_or_default(),
                ..Default::default()
            }
            .into_contact(actor.user.id.clone(), now)?;
            let (add_facts, _, _) = fact_changes(&contact.id, &[], &card, None, now)?;
            let id = contact.id.clone();
            let own = crate::model::card::default_href(&id) == href
                && uid.as_deref() == Some(id.as_str());
            (
                CardWrite {
                    contact,
                    created: true,
                    restore: false,
                    uid: if own {
                        None
                    } else {
                        uid.clone().or_else(|| Some(id.to_string()))
                    },
                    href: if own { None } else { Some(href.to_owned()) },
                    text: card.text.clone(),
                    expected_seq,
                    add_facts,
                    update_facts: Vec::new(),
                    delete_facts: Vec::new(),
                },
                Written::Created(id),
            )
        }
        Some(m) => {
            let current = store
                .contacts_by_id(ws, std::slice::from_ref(&m.contact_id))
                .await?
                .pop()
                .ok_or_else(|| Error::NotFound(format!("no card is called {href:?}")))?;
            let (add_tags, remove_tags) = match &card.tags {
                Some(tags) => {
                    let folded: Vec<String> =
                        tags.iter().map(|t| t.trim().to_lowercase()).collect();
                    (
                        folded
                            .iter()
                            .filter(|t| !current.tags.contains(t))
                            .cloned()
                            .collect(),
                        current
                            .tags
                            .iter()
                            .filter(|t| !folded.contains(t))
                            .cloned()
                            .collect(),
                    )
                }
                None => (Vec::new(), Vec::new()),
            };
            let changes = ContactChanges {
                name: Some(card.name.clone()),
                organisation: Some(card.organisation.clone()),
                relationship: card.relationship,
                vip: card.vip,
                emails: Some(emails),
                phones: Some(phones),
                add_tags,
                remove_tags,
                ..Default::default()
            };
            let mut contact = changes.apply(&current, now)?;
            let restore = contact.archived_at.is_some();
            contact.archived_at = None;
            let existing: Vec<Fact> = store
                .facts_of(ws, std::slice::from_ref(&m.contact_id))
                .await?;
            let (add_facts, update_facts, delete_facts) =
                fact_changes(&m.contact_id, &existing, &card, m.text.as_deref(), now)?;
            let id = m.contact_id.clone();
            (
                CardWrite {
                    contact,
                    created: false,
                    restore,
                    uid: m.stored_uid.clone(),
                    href: m.stored_href.clone(),
                    text: card.text.clone(),
                    expected_seq,
                    add_facts,
                    update_facts,
                    delete_facts,
                },
                Written::Updated(id),
            )
        }
    };
    match store.save_card(ws, &write).await {
        Ok(()) => Ok(id),
        // Another write got there first: it took the UID (the UID is the conflict), or the
        // name, or changed the card (the device's condition no longer holds).
        Err(crate::error::StoreError::Conflict(_)) => {
            if let Some(u) = &uid
                && let Some(h) = store.card_with_uid(ws, u).await?
                && h.contact_id != write.contact.id
            {
                return Ok(Written::UidTaken(h.href()));
            }
            Ok(Written::Stale)
        }
        Err(e) => Err(e.into()),
    }
}

/// What became of a device's delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Removed {
    /// The contact was archived (restorable in Rapport).
    Archived(ContactId),
    /// The condition did not hold: nothing was changed.
    Stale,
}

/// Deletes the card `href` as a device asks: its contact is archived, never erased.
pub async fn delete_card<S: CardStore>(
    store: &S,
    actor: &Actor,
    href: &str,
    expect: &Expect,
    now: Timestamp,
) -> Result<Removed> {
    let ws = &actor.workspace.id;
    let meta = store
        .cards_named(ws, &[href.to_owned()])
        .await?
        .pop()
        .filter(|m| !m.archived)
        .ok_or_else(|| Error::NotFound(format!("no card is called {href:?}")))?;
    if !expect.met_by(Some(&meta.etag())) {
        return Ok(Removed::Stale);
    }
    let expected = (*expect != Expect::Anything).then_some(meta.seq);
    if !store
        .archive_card(ws, &meta.contact_id, expected, now)
        .await?
    {
        return Ok(Removed::Stale);
    }
    Ok(Removed::Archived(meta.contact_id))
}
