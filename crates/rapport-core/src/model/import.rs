//! What makes two contacts the same person, and how an imported contact is merged into the
//! one it duplicates. Pure rules: the store looks the handles up, the importer reads files.

use jiff::Timestamp;

use crate::contact::Contact;
use crate::fact::Fact;
use crate::ids::FactId;

/// Phones shorter than this (internal extensions) never make two contacts the same.
pub const MIN_PHONE_DIGITS: usize = 6;

/// A phone's ASCII digits: how phones are compared, and the key they are stored under.
pub fn phone_digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// An email (any case, surrounding space ignored) or a phone's digits (at least
/// [`MIN_PHONE_DIGITS`]): what makes two contacts the same person.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Handle {
    Email(String),
    Phone(String),
}

impl Handle {
    pub fn email(value: &str) -> Handle {
        Handle::Email(value.trim().to_lowercase())
    }

    pub fn phone(value: &str) -> Option<Handle> {
        let digits = phone_digits(value);
        (digits.len() >= MIN_PHONE_DIGITS).then_some(Handle::Phone(digits))
    }
}

/// A contact's handles, emails first, each with the value as the contact has it.
pub fn handles(c: &Contact) -> Vec<(Handle, &str)> {
    c.emails
        .iter()
        .map(|e| (Handle::email(e), e.as_str()))
        .chain(
            c.phones
                .iter()
                .filter_map(|p| Handle::phone(p).map(|h| (h, p.as_str()))),
        )
        .collect()
}

/// Whether two facts say the same thing (kind, date, relation, and text without case or
/// surrounding space): one of them is a duplicate.
pub fn same_fact(a: &Fact, b: &Fact) -> bool {
    a.kind == b.kind
        && a.date == b.date
        && a.relation == b.relation
        && a.text.trim().to_lowercase() == b.text.trim().to_lowercase()
}

/// Merges `incoming` (and its facts) into `into`, which already has `known` facts: adds the
/// emails, phones, tags and facts it lacks, an organisation if it has none, and the VIP flag.
/// Overwrites nothing. Returns the facts to record, now `into`'s. `into.updated_at` becomes
/// `now` only when something was added (to it or its facts).
pub fn merge(
    into: &mut Contact,
    known: &[Fact],
    incoming: &Contact,
    incoming_facts: &[Fact],
    now: Timestamp,
) -> Vec<Fact> {
    let before = into.clone();
    for e in &incoming.emails {
        if !into.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
            into.emails.push(e.clone());
        }
    }
    for p in &incoming.phones {
        if !into
            .phones
            .iter()
            .any(|x| phone_digits(x) == phone_digits(p))
        {
            into.phones.push(p.clone());
        }
    }
    for t in &incoming.tags {
        if !into.tags.contains(t) {
            into.tags.push(t.clone());
        }
    }
    if into.organisation.is_none() {
        into.organisation = incoming.organisation.clone();
    }
    if into.met.is_none() {
        into.met = incoming.met.clone();
    }
    if into.met_on.is_none() {
        into.met_on = incoming.met_on;
    }
    into.vip |= incoming.vip;
    let same = same_fact;
    let mut added: Vec<Fact> = Vec::new();
    for f in incoming_facts {
        if known.iter().chain(added.iter()).any(|k| same(k, f)) {
            continue;
        }
        added.push(Fact {
            id: FactId::generate(),
            contact_id: into.id.clone(),
            created_at: now,
            ..f.clone()
        });
    }
    if *into != before || !added.is_empty() {
        into.updated_at = now;
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{NewContact, RelationshipType};
    use crate::fact::{FactKind, NewFact};
    use crate::ids::UserId;

    fn contact(name: &str, emails: &[&str], phones: &[&str], tags: &[&str]) -> Contact {
        NewContact {
            name: name.into(),
            emails: emails.iter().map(|s| s.to_string()).collect(),
            phones: phones.iter().map(|s| s.to_string()).collect(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            relationship: Some(RelationshipType::Customer),
            ..Default::default()
        }
        .into_contact(UserId::generate(), Timestamp::UNIX_EPOCH)
        .expect("valid contact")
    }

    fn note(c: &Contact, text: &str) -> Fact {
        NewFact {
            kind: FactKind::Note,
            text: text.into(),
            relation: None,
            date: None,
        }
        .into_fact(c.id.clone(), Timestamp::UNIX_EPOCH)
        .expect("valid fact")
    }

    #[test]
    fn handles_are_emails_in_any_case_and_phones_by_their_digits() {
        let c = contact(
            "Ana",
            &[" Ana@Example.COM"],
            &["+351 912-345-678", "4412"],
            &[],
        );
        let h: Vec<Handle> = handles(&c).into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            h,
            [
                Handle::Email("ana@example.com".into()),
                Handle::Phone("351912345678".into())
            ],
            "a 4-digit internal number is no handle"
        );
        assert_eq!(Handle::phone("(0) 12-34"), None, "five digits");
        assert_eq!(
            Handle::phone("012345"),
            Some(Handle::Phone("012345".into()))
        );
    }

    #[test]
    fn merging_adds_what_is_missing_and_overwrites_nothing() {
        let mut ana = contact(
            "Ana Lima",
            &["ana@example.com"],
            &["+351 912 345 678"],
            &["golf"],
        );
        ana.organisation = Some("Lima Lda".into());
        let known = vec![note(&ana, "Prefers mornings")];
        let mut card = contact(
            "Ana L.",
            &["ANA@example.com", "ana@work.example"],
            &["351912345678", "+44 20 7946 0958"],
            &["golf", "tennis"],
        );
        card.organisation = Some("Other Co".into());
        card.vip = true;
        let facts = vec![note(&card, "  prefers MORNINGS "), note(&card, "Two kids")];
        let now = Timestamp::from_second(1_000_000).expect("time");
        let added = merge(&mut ana, &known, &card, &facts, now);
        assert_eq!(ana.name, "Ana Lima");
        assert_eq!(ana.organisation.as_deref(), Some("Lima Lda"));
        assert_eq!(ana.emails, ["ana@example.com", "ana@work.example"]);
        assert_eq!(ana.phones, ["+351 912 345 678", "+44 20 7946 0958"]);
        assert_eq!(ana.tags, ["golf", "tennis"]);
        assert!(ana.vip);
        assert_eq!(ana.updated_at, now);
        assert_eq!(
            added.len(),
            1,
            "the same note in another case is not added twice"
        );
        assert_eq!(added[0].text, "Two kids");
        assert_eq!(added[0].contact_id, ana.id);
        assert_ne!(added[0].id, facts[1].id, "a new fact of its own");
        // Merging again adds nothing.
        let mut all = known.clone();
        all.extend(added);
        let before = ana.clone();
        let later = Timestamp::from_second(2_000_000).expect("time");
        assert!(merge(&mut ana, &all, &card, &facts, later).is_empty());
        assert_eq!(ana, before, "not even touched");
    }
}
