//! Duplicates: which contacts are likely one person, ranked by how sure, and what a contact
//! becomes when another is merged into it. Pure rules: the store finds the clues (shared
//! emails and phones, namesakes), the use cases read and write.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::{CadenceSetting, Contact, RelationshipType};
use crate::fact::{Fact, FactKind};
use crate::ids::{ContactId, FactId};
use crate::import::same_fact;
use crate::search::fold;

/// An email or phone (by its digits) shared by more live contacts than this is a shared
/// address (an office's switchboard, info@), not a sign that they are one person.
pub const MAX_SHARED: usize = 10;

/// A live contact holding an email or phone another live contact holds too.
#[derive(Clone, Debug, PartialEq)]
pub struct Holder {
    /// `email` or `phone`.
    pub kind: &'static str,
    /// The email folded, or the phone's digits.
    pub key: String,
    /// The value as this contact has it.
    pub value: String,
    pub id: ContactId,
    pub name: String,
    /// The name folded as stored (`search::fold`), how pairs are ordered.
    pub name_folded: String,
    pub created_at: Timestamp,
}

/// A live contact whose folded name another live contact bears too.
#[derive(Clone, Debug, PartialEq)]
pub struct Namesake {
    pub id: ContactId,
    pub name: String,
    /// The name folded as stored (`search::fold`): what makes namesakes.
    pub name_folded: String,
    pub organisation: Option<String>,
    pub created_at: Timestamp,
}

/// Why two contacts look like one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Reason {
    /// The same email, in any case.
    Email(String),
    /// The same phone digits.
    Phone(String),
    /// The same name (without case or accents) at the same organisation.
    NameAtOrganisation(String),
    /// The same name, and at most one of them says where they work.
    Name(String),
}

impl Reason {
    /// How much the reason weighs in the ranking: an email is near proof, a phone nearly so
    /// (a household shares a landline), a name at one organisation is strong, a bare name
    /// weak (namesakes are common).
    pub fn weight(&self) -> u32 {
        match self {
            Reason::Email(_) => 8,
            Reason::Phone(_) => 6,
            Reason::NameAtOrganisation(_) => 4,
            Reason::Name(_) => 1,
        }
    }

    /// The reason as a person reads it: "same email ana@example.com".
    pub fn describe(&self) -> String {
        match self {
            Reason::Email(e) => format!("same email {e}"),
            Reason::Phone(p) => format!("same phone {p}"),
            Reason::NameAtOrganisation(o) => format!("same name at {o}"),
            Reason::Name(n) => format!("same name {n}"),
        }
    }
}

/// Two contacts that look like one person: `keep` is the one known longer (the one to keep
/// unless the user says otherwise), with every reason and the ranking score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub keep: ContactId,
    pub keep_name: String,
    /// `keep_name` folded: the order among pairs as sure.
    #[serde(skip)]
    pub keep_folded: String,
    pub other: ContactId,
    pub other_name: String,
    pub reasons: Vec<Reason>,
    pub score: u32,
}

/// Every likely pair, most certain first (then by name): from the holders of shared emails
/// and phones and from namesakes. Two namesakes at different organisations are not a pair.
pub fn rank(holders: &[Holder], namesakes: &[Namesake]) -> Vec<Pair> {
    // (older, newer) → pair.
    let mut pairs: HashMap<(ContactId, ContactId), Pair> = HashMap::new();
    let mut add = |a: Side, b: Side, reason: Reason| {
        if a.0 == b.0 {
            return;
        }
        let (keep, other) = if (a.3, a.0) <= (b.3, b.0) {
            (a, b)
        } else {
            (b, a)
        };
        let p = pairs
            .entry((keep.0.clone(), other.0.clone()))
            .or_insert_with(|| Pair {
                keep: keep.0.clone(),
                keep_name: keep.1.to_owned(),
                keep_folded: keep.2.to_owned(),
                other: other.0.clone(),
                other_name: other.1.to_owned(),
                reasons: Vec::new(),
                score: 0,
            });
        if !p.reasons.contains(&reason) {
            p.score += reason.weight();
            p.reasons.push(reason);
        }
    };
    let mut by_key: HashMap<(&str, &str), Vec<&Holder>> = HashMap::new();
    for h in holders {
        by_key.entry((h.kind, h.key.as_str())).or_default().push(h);
    }
    for group in by_key.values() {
        if group.len() > MAX_SHARED {
            continue;
        }
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                let reason = if a.kind == "email" {
                    Reason::Email(a.value.clone())
                } else {
                    Reason::Phone(a.value.clone())
                };
                add(
                    (&a.id, &a.name, &a.name_folded, a.created_at),
                    (&b.id, &b.name, &b.name_folded, b.created_at),
                    reason,
                );
            }
        }
    }
    let mut by_name: HashMap<&str, Vec<&Namesake>> = HashMap::new();
    for n in namesakes {
        by_name.entry(n.name_folded.as_str()).or_default().push(n);
    }
    for group in by_name.values() {
        if group.len() > MAX_SHARED {
            // A common name (a hundred John Smiths) says nothing about any two of them,
            // unless they also share an organisation.
            let mut by_org: HashMap<String, Vec<&Namesake>> = HashMap::new();
            for n in group {
                if let Some(o) = n.organisation.as_deref().map(fold) {
                    by_org.entry(o).or_default().push(n);
                }
            }
            for same_org in by_org.values().filter(|g| g.len() <= MAX_SHARED) {
                namesake_pairs(same_org, &mut add);
            }
            continue;
        }
        namesake_pairs(group, &mut add);
    }
    let mut ranked: Vec<Pair> = pairs.into_values().collect();
    for p in &mut ranked {
        p.reasons.sort_by_key(|r| std::cmp::Reverse(r.weight()));
    }
    ranked.sort_unstable_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.keep_folded.cmp(&b.keep_folded))
            .then_with(|| a.keep.cmp(&b.keep))
            .then_with(|| a.other.cmp(&b.other))
    });
    ranked
}

/// One side of a pair as the ranking reads it: id, name, folded name, when created.
type Side<'a> = (&'a ContactId, &'a str, &'a str, Timestamp);

fn namesake_pairs<'a>(group: &[&'a Namesake], add: &mut impl FnMut(Side<'a>, Side<'a>, Reason)) {
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            let reason = match (&a.organisation, &b.organisation) {
                (Some(x), Some(y)) if fold(x) == fold(y) => Reason::NameAtOrganisation(x.clone()),
                // Namesakes at two organisations: two people.
                (Some(_), Some(_)) => continue,
                _ => Reason::Name(a.name.clone()),
            };
            add(
                (&a.id, &a.name, &a.name_folded, a.created_at),
                (&b.id, &b.name, &b.name_folded, b.created_at),
                reason,
            );
        }
    }
}

/// What merging `other` into `keep` does to `keep`, before anything is written.
#[derive(Clone, Debug, PartialEq)]
pub struct MergePlan {
    /// `keep` as it will be: `other`'s emails, phones and tags it lacked, its organisation
    /// if it had none, VIP if either was, `other`'s type if `keep`'s was the default
    /// (prospect), `other`'s cadence if `keep` followed the default; known since the earlier.
    pub keep: Contact,
    /// Facts of `other` that say what a fact of `keep` already says: forgotten, not moved.
    pub same_facts: Vec<FactId>,
    /// A note on `keep` of what would otherwise be lost: `other`'s name or organisation
    /// when they differ, and who introduced `other` when `keep` has its own introducer.
    pub note: Option<Fact>,
    /// What changed on `keep`, as a person reads it ("took the organisation Acme").
    pub taken: Vec<String>,
}

/// Plans merging `other` (with `other_facts`, introduced by `other_introducer`) into `keep`
/// (with `keep_facts`, introduced by `keep_introducer`).
pub fn plan(
    keep: &Contact,
    keep_facts: &[Fact],
    keep_introducer: Option<&str>,
    other: &Contact,
    other_facts: &[Fact],
    other_introducer: Option<&str>,
    now: Timestamp,
) -> MergePlan {
    let mut merged = keep.clone();
    crate::import::merge(&mut merged, &[], other, &[], now);
    let mut taken = Vec::new();
    let added = |before: &[String], after: &[String]| after.len() - before.len();
    for (what, n) in [
        ("email", added(&keep.emails, &merged.emails)),
        ("phone", added(&keep.phones, &merged.phones)),
        ("tag", added(&keep.tags, &merged.tags)),
    ] {
        match n {
            0 => {}
            1 => taken.push(format!("1 {what}")),
            n => taken.push(format!("{n} {what}s")),
        }
    }
    if keep.organisation.is_none()
        && let Some(o) = &merged.organisation
    {
        taken.push(format!("the organisation {o}"));
    }
    if merged.vip && !keep.vip {
        taken.push("VIP".to_owned());
    }
    if keep.relationship == RelationshipType::Prospect
        && other.relationship != RelationshipType::Prospect
    {
        merged.relationship = other.relationship;
        taken.push(format!("the type {}", other.relationship.label()));
    }
    if keep.cadence == CadenceSetting::Default && other.cadence != CadenceSetting::Default {
        merged.cadence = other.cadence;
        taken.push("the keep-in-touch cadence".to_owned());
    }
    // `import::merge` took where or when we met where `keep` did not say.
    if merged.met != keep.met || merged.met_on != keep.met_on {
        taken.push("where we met".to_owned());
    }
    merged.created_at = keep.created_at.min(other.created_at);
    merged.updated_at = now;

    let same_facts = other_facts
        .iter()
        .filter(|f| keep_facts.iter().any(|k| same_fact(k, f)))
        .map(|f| f.id.clone())
        .collect();

    let mut kept = Vec::new();
    if fold(&other.name) != fold(&keep.name) {
        kept.push(format!("also known as {}", other.name));
    }
    if let Some(o) = &other.organisation
        && merged.organisation.as_deref().map(fold) != Some(fold(o))
    {
        kept.push(format!("also at {o}"));
    }
    if other.relationship != merged.relationship {
        kept.push(format!("was a {}", other.relationship.label()));
    }
    if (other.met.is_some() || other.met_on.is_some())
        && (other.met != merged.met || other.met_on != merged.met_on)
        && let Some(m) = other.met_phrase(None)
    {
        kept.push(format!("met: {m}"));
    }
    if let (Some(_), Some(by)) = (keep_introducer, other_introducer)
        && keep_introducer.map(fold) != Some(fold(by))
    {
        kept.push(format!("also introduced by {by}"));
    }
    let note = (!kept.is_empty()).then(|| {
        let mut text = format!("Merged from {}: {}", other.name, kept.join("; "));
        if text.chars().count() > crate::fact::MAX_FACT_CHARS {
            text = text.chars().take(crate::fact::MAX_FACT_CHARS).collect();
        }
        Fact {
            id: FactId::generate(),
            contact_id: keep.id.clone(),
            kind: FactKind::Note,
            text,
            relation: None,
            date: None,
            created_at: now,
        }
    });
    MergePlan {
        keep: merged,
        same_facts,
        note,
        taken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::NewContact;
    use crate::fact::NewFact;
    use crate::ids::UserId;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    fn contact(name: &str, org: Option<&str>, emails: &[&str], created: &str) -> Contact {
        NewContact {
            name: name.into(),
            organisation: org.map(str::to_owned),
            emails: emails.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
        .into_contact(UserId::generate(), at(created))
        .expect("valid contact")
    }

    fn holder(c: &Contact, kind: &'static str, value: &str) -> Holder {
        Holder {
            kind,
            key: if kind == "phone" {
                crate::import::phone_digits(value)
            } else {
                fold(value)
            },
            value: value.into(),
            id: c.id.clone(),
            name: c.name.clone(),
            name_folded: c.name_folded(),
            created_at: c.created_at,
        }
    }

    fn namesake(c: &Contact) -> Namesake {
        Namesake {
            id: c.id.clone(),
            name: c.name.clone(),
            name_folded: c.name_folded(),
            organisation: c.organisation.clone(),
            created_at: c.created_at,
        }
    }

    #[test]
    fn pairs_rank_by_evidence_and_keep_the_older_contact() {
        let ana = contact("Ana Lima", Some("Acme"), &[], "2025-01-01T00:00:00Z");
        let ana2 = contact("ana lima", Some("ACME"), &[], "2024-01-01T00:00:00Z");
        let bo = contact("Bo Chen", None, &["bo@x.io"], "2025-01-01T00:00:00Z");
        let bo2 = contact("Robert Chen", None, &["BO@x.io"], "2025-02-01T00:00:00Z");
        let bo3 = contact("Bo Chen", None, &[], "2025-03-01T00:00:00Z");
        let holders = vec![
            holder(&bo, "email", "bo@x.io"),
            holder(&bo2, "email", "BO@x.io"),
            holder(&bo, "phone", "+1 555 0100 99"),
            holder(&bo2, "phone", "1-555-010099"),
        ];
        let namesakes = vec![
            namesake(&ana),
            namesake(&ana2),
            namesake(&bo),
            namesake(&bo3),
        ];
        let ranked = rank(&holders, &namesakes);
        assert_eq!(ranked.len(), 3);
        // Email and phone: 14.
        assert_eq!(ranked[0].keep, bo.id);
        assert_eq!(ranked[0].other, bo2.id);
        assert_eq!(ranked[0].score, 14);
        assert_eq!(
            ranked[0].reasons,
            vec![
                Reason::Email("bo@x.io".into()),
                Reason::Phone("+1 555 0100 99".into())
            ]
        );
        // Same name at the same organisation; the older one is to keep.
        assert_eq!(ranked[1].keep, ana2.id);
        assert_eq!(
            ranked[1].reasons,
            vec![Reason::NameAtOrganisation("Acme".into())]
        );
        // A bare name last.
        assert_eq!(ranked[2].reasons, vec![Reason::Name("Bo Chen".into())]);
        assert_eq!(ranked[2].score, 1);
    }

    #[test]
    fn namesakes_at_two_organisations_and_widely_shared_numbers_are_not_pairs() {
        let a = contact("Sam Roy", Some("Acme"), &[], "2025-01-01T00:00:00Z");
        let b = contact("Sam Roy", Some("Globex"), &[], "2025-01-02T00:00:00Z");
        let office: Vec<Contact> = (0..=MAX_SHARED)
            .map(|i| contact(&format!("Staff {i}"), None, &[], "2025-01-01T00:00:00Z"))
            .collect();
        let holders: Vec<Holder> = office
            .iter()
            .map(|c| holder(c, "phone", "+44 20 7946 0000"))
            .collect();
        assert!(rank(&holders, &[namesake(&a), namesake(&b)]).is_empty());
    }

    #[test]
    fn a_common_name_pairs_only_within_an_organisation() {
        let mut people: Vec<Contact> = (0..=MAX_SHARED)
            .map(|i| {
                contact(
                    "John Smith",
                    None,
                    &[],
                    &format!("2025-01-{:02}T00:00:00Z", i + 1),
                )
            })
            .collect();
        people.push(contact(
            "John Smith",
            Some("Initech"),
            &[],
            "2025-02-01T00:00:00Z",
        ));
        people.push(contact(
            "John Smith",
            Some("initech"),
            &[],
            "2025-02-02T00:00:00Z",
        ));
        let namesakes: Vec<Namesake> = people.iter().map(namesake).collect();
        let ranked = rank(&[], &namesakes);
        assert_eq!(ranked.len(), 1);
        assert_eq!(
            ranked[0].reasons,
            vec![Reason::NameAtOrganisation("Initech".into())]
        );
    }

    fn fact(c: &Contact, kind: FactKind, text: &str) -> Fact {
        NewFact {
            kind,
            text: text.into(),
            relation: None,
            date: None,
        }
        .into_fact(c.id.clone(), at("2025-01-01T00:00:00Z"))
        .expect("a valid fact")
    }

    #[test]
    fn a_plan_takes_what_keep_lacks_and_notes_what_would_be_lost() {
        let mut keep = contact("Bo Chen", None, &["bo@x.io"], "2025-03-01T00:00:00Z");
        let mut other = contact(
            "Robert Chen",
            Some("Globex"),
            &["BO@X.IO", "rc@globex.com"],
            "2024-01-01T00:00:00Z",
        );
        other.vip = true;
        other.relationship = RelationshipType::Customer;
        other.cadence = CadenceSetting::Every(21);
        other.phones = vec!["+1 555 010 099".into()];
        keep.tags = vec!["golf".into()];
        other.tags = vec!["golf".into(), "board".into()];
        other.met = Some("Web Summit".into());
        other.met_on = Some(jiff::civil::date(2024, 11, 12));
        let keep_facts = vec![fact(&keep, FactKind::Interest, "Golf")];
        let other_facts = vec![
            fact(&other, FactKind::Interest, " golf "),
            fact(&other, FactKind::Preference, "No calls before 10"),
        ];
        let now = at("2026-12-07T10:00:00Z");
        let p = plan(
            &keep,
            &keep_facts,
            Some("Ana Lima"),
            &other,
            &other_facts,
            Some("Carl Diaz"),
            now,
        );
        assert_eq!(p.keep.id, keep.id);
        assert_eq!(p.keep.name, "Bo Chen");
        assert_eq!(p.keep.emails, vec!["bo@x.io", "rc@globex.com"]);
        assert_eq!(p.keep.phones, vec!["+1 555 010 099"]);
        assert_eq!(p.keep.tags, vec!["golf", "board"]);
        assert_eq!(p.keep.organisation.as_deref(), Some("Globex"));
        assert!(p.keep.vip);
        assert_eq!(p.keep.relationship, RelationshipType::Customer);
        assert_eq!(p.keep.cadence, CadenceSetting::Every(21));
        assert_eq!(p.keep.met.as_deref(), Some("Web Summit"));
        assert_eq!(p.keep.met_on, other.met_on);
        assert_eq!(p.keep.created_at, other.created_at);
        assert_eq!(p.same_facts, vec![other_facts[0].id.clone()]);
        let note = p.note.expect("a note of what would be lost");
        assert_eq!(
            note.text,
            "Merged from Robert Chen: also known as Robert Chen; also introduced by Carl Diaz"
        );
        assert_eq!(note.contact_id, keep.id);
        assert_eq!(
            p.taken,
            vec![
                "1 email",
                "1 phone",
                "1 tag",
                "the organisation Globex",
                "VIP",
                "the type customer",
                "the keep-in-touch cadence",
                "where we met"
            ]
        );
    }

    #[test]
    fn a_plan_keeps_what_keep_says_and_notes_only_what_would_be_lost() {
        let mut keep = contact(
            "Ana Lima",
            Some("Acme"),
            &["ana@acme.com"],
            "2024-01-01T00:00:00Z",
        );
        keep.relationship = RelationshipType::Partner;
        let mut other = contact(
            "ANA LIMA",
            Some("acme"),
            &["ana@acme.com"],
            "2025-01-01T00:00:00Z",
        );
        other.relationship = RelationshipType::Customer;
        keep.met = Some("LinkedIn".into());
        other.met = Some("Lycée Voltaire".into());
        let p = plan(
            &keep,
            &[],
            None,
            &other,
            &[],
            Some("Carl Diaz"),
            at("2026-12-07T10:00:00Z"),
        );
        assert_eq!(p.keep.relationship, RelationshipType::Partner);
        assert_eq!(p.keep.organisation.as_deref(), Some("Acme"));
        assert!(p.taken.is_empty());
        // Only the type it had would be lost.
        assert_eq!(
            p.note.map(|n| n.text).as_deref(),
            Some("Merged from ANA LIMA: was a customer; met: Lycée Voltaire")
        );
        assert_eq!(
            p.keep.met.as_deref(),
            Some("LinkedIn"),
            "keep's own is kept"
        );
        other.relationship = RelationshipType::Partner;
        other.met = None;
        let same = plan(
            &keep,
            &[],
            None,
            &other,
            &[],
            None,
            at("2026-12-07T10:00:00Z"),
        );
        assert!(same.note.is_none(), "{:?}", same.note);
    }
}
