//! Mail import: each message becomes a conversation (kind email) with every contact on it,
//! at the message's date, its subject as the summary and its new text as what they said (a
//! message received) or what I said (a message sent), resetting the keep-in-touch clock as
//! any conversation does. The same message imported twice, or seen in INBOX and in Sent, is
//! logged once per contact. `rapport mail import` calls this.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::Timestamp;

use crate::commitment::Direction;
use crate::contact::NewContact;
use crate::error::{Invalid, Result};
use crate::ids::ContactId;
use crate::import::Handle;
use crate::interaction::{Interaction, InteractionKind, MAX_INTERACTION_CHARS, NewInteraction};
use crate::model::mail::*;
use crate::model::suggestion::{
    Suggestion, SuggestionId, SuggestionStatus, expiry, worth_offering,
};
use crate::ports::{ContactStore, MailStore};
use crate::today::day_of;
use crate::workspace::Actor;

/// How an import goes.
#[derive(Clone, Debug, Default)]
pub struct MailOptions {
    /// Say what would happen; write nothing.
    pub dry_run: bool,
    /// Make a contact of every unknown address on my messages.
    pub create_contacts: bool,
}

/// A message's subject as a conversation's summary.
fn subject_of(m: &MailMessage) -> String {
    if m.subject.trim().is_empty() {
        "(no subject)".to_owned()
    } else {
        m.subject.chars().take(500).collect()
    }
}

/// The longest sentence a suggestion keeps.
const MAX_SENTENCE_CHARS: usize = 1000;

/// How many handles one lookup carries.
const LOOKUP: usize = 500;

/// How many conversations one write carries.
const WRITE: usize = 1000;

/// Imports read messages. `also_me` are addresses of mine besides my account's email;
/// `skipped` what the reader could not read, carried into the report.
pub async fn import<
    S: ContactStore
        + MailStore
        + crate::ports::AccountStore
        + crate::ports::SuggestionStore
        + crate::ports::ReferralStore,
>(
    store: &S,
    actor: &Actor,
    messages: Vec<MailMessage>,
    also_me: &[String],
    skipped: Vec<MailSkipped>,
    options: &MailOptions,
    now: Timestamp,
) -> Result<MailReport> {
    let ws = &actor.workspace.id;
    let mut me: HashSet<String> = HashSet::new();
    if let Some(e) = &actor.user.email {
        me.insert(e.to_lowercase());
    }
    me.extend(store.my_addresses(&actor.user.id).await?);
    for a in also_me {
        me.insert(crate::account::clean_email(a)?);
    }
    if me.is_empty() {
        return Err(Invalid::new(
            "me",
            "which addresses are yours? give your account an email (rapport user edit me --email), add one in settings (rapport settings --my-address), or name one with --me",
        )
        .into());
    }
    let mut report = MailReport {
        messages: messages.len(),
        skipped,
        ..MailReport::default()
    };

    // Who is who: every address on the messages that is not mine, looked up at once.
    let mut others: BTreeSet<String> = BTreeSet::new();
    let mut display: HashMap<String, String> = HashMap::new();
    for m in &messages {
        for a in std::iter::once(&m.from).chain(&m.to) {
            if !me.contains(&a.email) {
                others.insert(a.email.clone());
                if let Some(n) = &a.name {
                    display.entry(a.email.clone()).or_insert_with(|| n.clone());
                }
            }
        }
    }
    let mut known: HashMap<String, Vec<(ContactId, String)>> = HashMap::new();
    let all: Vec<String> = others.iter().cloned().collect();
    for chunk in all.chunks(LOOKUP) {
        let handles: Vec<Handle> = chunk.iter().map(|e| Handle::email(e)).collect();
        for (h, id, name) in store.contacts_with_handles(ws, &handles).await? {
            if let Handle::Email(e) = h {
                let entry = known.entry(e).or_default();
                if !entry.iter().any(|(i, _)| *i == id) {
                    entry.push((id, name));
                }
            }
        }
    }
    // Only the addresses on conversations of mine count as unknown.
    let mine =
        |m: &MailMessage| me.contains(&m.from.email) || m.to.iter().any(|a| me.contains(&a.email));
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for m in messages.iter().filter(|m| mine(m)) {
        for a in std::iter::once(&m.from).chain(&m.to) {
            if !me.contains(&a.email) && !known.contains_key(&a.email) {
                unknown.insert(a.email.clone());
            }
        }
    }
    if options.create_contacts {
        for email in &unknown {
            let name = display
                .get(email)
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty() && !n.contains('@'))
                .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_owned());
            if options.dry_run {
                report.contacts_created += 1;
                continue;
            }
            let added = crate::service::add_contact(
                store,
                actor,
                NewContact {
                    name: name.clone(),
                    emails: vec![email.clone()],
                    ..NewContact::default()
                },
                now,
            )
            .await?;
            report.contacts_created += 1;
            known.insert(email.clone(), vec![(added.contact.id, name)]);
        }
    }
    report.unknown_senders = unknown.into_iter().collect();

    // The conversations: one per contact on each of my messages, each pair once.
    let mut seen: HashSet<(String, ContactId)> = HashSet::new();
    let keys: Vec<String> = messages.iter().map(|m| m.key.clone()).collect();
    // Messages an earlier import logged: their promises were offered then.
    let mut logged_before: HashSet<String> = HashSet::new();
    for chunk in keys.chunks(LOOKUP) {
        for pair in store.mail_logged(ws, chunk).await? {
            logged_before.insert(pair.0.clone());
            seen.insert(pair);
        }
    }
    let mut batch: Vec<(String, Interaction)> = Vec::new();
    for m in &messages {
        if !mine(m) {
            report.not_mine += 1;
            continue;
        }
        let direction = if me.contains(&m.from.email) {
            MailDirection::Sent
        } else {
            MailDirection::Received
        };
        let people = std::iter::once(&m.from)
            .chain(&m.to)
            .filter(|a| !me.contains(&a.email));
        let text: String = m.text.chars().take(MAX_INTERACTION_CHARS).collect();
        let text = Some(text).filter(|t| !t.trim().is_empty());
        let subject = subject_of(m);
        // A date ahead of now is a sender's wrong clock, not a meeting planned.
        let at = m.at.min(now);
        for a in people {
            for (contact, name) in known.get(&a.email).into_iter().flatten() {
                if !seen.insert((m.key.clone(), contact.clone())) {
                    report.already_logged += 1;
                    continue;
                }
                let new = NewInteraction {
                    kind: InteractionKind::Email,
                    occurred_at: at,
                    summary: subject.clone(),
                    they_said: (direction == MailDirection::Received)
                        .then(|| text.clone())
                        .flatten(),
                    i_said: (direction == MailDirection::Sent)
                        .then(|| text.clone())
                        .flatten(),
                    topics: Vec::new(),
                };
                let interaction = match new.into_interaction(contact.clone(), now) {
                    Ok(i) => i,
                    Err(e) => {
                        report.skipped.push(MailSkipped {
                            path: m.message_id.clone().unwrap_or_else(|| m.key.clone()),
                            reason: e.message,
                        });
                        continue;
                    }
                };
                report.interactions.push(MailInteraction {
                    contact_id: contact.clone(),
                    contact_name: name.clone(),
                    direction,
                    at,
                    subject: subject.clone(),
                    message_id: m.message_id.clone(),
                });
                batch.push((m.key.clone(), interaction));
            }
        }
    }
    // The promises in my messages, both ways, each offered to me once for confirmation.
    let tz = actor.workspace.tz();
    let today = crate::today::day_of(now, &tz);
    let mut offers: Vec<Suggestion> = Vec::new();
    let mut read: HashSet<&str> = HashSet::new();
    for m in messages.iter().filter(|m| mine(m) && !m.automatic) {
        // The same message seen twice (INBOX and an archive) says its promises once; one an
        // earlier import read was offered then (a second import reads nothing twice).
        if logged_before.contains(&m.key) || !read.insert(m.key.as_str()) {
            continue;
        }
        let direction = if me.contains(&m.from.email) {
            Direction::Mine
        } else {
            Direction::Theirs
        };
        // Made to the first contact I wrote to, or by the contact who wrote.
        let contact = match direction {
            Direction::Mine => {
                m.to.iter()
                    .filter(|a| !me.contains(&a.email))
                    .find_map(|a| known.get(&a.email).and_then(|v| v.first()))
            }
            Direction::Theirs => known.get(&m.from.email).and_then(|v| v.first()),
        };
        let Some((contact_id, contact_name)) = contact else {
            continue;
        };
        let at = m.at.min(now);
        let found = crate::promises::find(&m.subject, &m.text, false, day_of(at, &tz));
        for (ordinal, p) in found.into_iter().enumerate() {
            if !options.dry_run && worth_offering(at, p.due, today, now) {
                offers.push(Suggestion {
                    id: SuggestionId::generate(),
                    contact_id: contact_id.clone(),
                    owner_id: actor.user.id.clone(),
                    direction,
                    text: p.text.clone(),
                    due: p.due,
                    sentence: if p.sentence.chars().count() > MAX_SENTENCE_CHARS {
                        p.sentence
                            .chars()
                            .take(MAX_SENTENCE_CHARS - 1)
                            .collect::<String>()
                            + "\u{2026}"
                    } else {
                        p.sentence.clone()
                    },
                    message_key: m.key.clone(),
                    ordinal: u32::try_from(ordinal).unwrap_or(u32::MAX),
                    message_id: m.message_id.clone(),
                    subject: subject_of(m),
                    message_at: at,
                    found_at: now,
                    expires_at: expiry(now),
                    status: SuggestionStatus::Open,
                    decided_at: None,
                    commitment_id: None,
                });
            }
            report.promises.push(MailPromise {
                direction,
                contact_id: contact_id.clone(),
                contact_name: contact_name.clone(),
                text: p.text,
                due: p.due,
                sentence: p.sentence,
                message_id: m.message_id.clone(),
            });
        }
    }
    if !options.dry_run {
        for chunk in batch.chunks(WRITE) {
            store.log_mail(ws, chunk, now).await?;
        }
        for chunk in offers.chunks(WRITE) {
            report.suggestions_offered += store.add_suggestions(ws, chunk).await?;
        }
    }
    Ok(report)
}
