//! Cards for devices (CardDAV): reading the one card a device sends, and writing a
//! contact's card back so that the device gets its own data again.
//!
//! Rapport models a card's name, organisation, emails, phones, tags, birthday, anniversary
//! and notes. Everything else a device put on the card (PHOTO, X-ABLabel, any X-*, the TYPE
//! of an email, grouped labels, an email Rapport does not take as one) is kept in the card
//! text the device last sent and written back unchanged, line for line. A modelled line the
//! device sent goes back as sent (its group and parameters too) while its value is still
//! the contact's; a value changed in Rapport is written fresh.

use calcard::vcard::VCardProperty;
use rapport_core::card::DeviceCard;
use rapport_core::contact::{Contact, is_email, is_phone};
use rapport_core::fact::Fact;
use rapport_core::import::phone_digits;

use crate::vcard::{Version, first_text, parse_vcard, write_card};

/// Reads the one card a device sends. An error says why it is not one usable card.
pub fn read_device_card(text: &str) -> Result<DeviceCard, String> {
    let cards: Vec<_> = crate::vcard::Reader::new(text.as_bytes()).collect();
    match cards.as_slice() {
        [] => return Err("the body holds no card (BEGIN:VCARD ... END:VCARD)".into()),
        [one] => {
            one.as_ref().map_err(|e| e.message.clone())?;
        }
        _ => return Err("a card resource holds exactly one card".into()),
    }
    // The card as the device wrote it: nothing moved into notes (what Rapport does not
    // take stays on the card, and goes back to the device).
    let vcard = parse_vcard(&crate::text::decode(text.as_bytes()))?;
    let card = crate::vcard::card_of(&vcard)?;
    if card.dropped > 0 {
        return Err(format!(
            "the card has more than {} emails, phones, tags or notes",
            crate::vcard::MAX_VALUES
        ));
    }
    let mut uid = None;
    let mut has_categories = false;
    let mut has_vip = false;
    for e in &vcard.entries {
        match &e.name {
            // A contact group (vCard 4 KIND, Apple's X-ADDRESSBOOKSERVER-KIND) is not a person.
            VCardProperty::Kind | VCardProperty::Other(_)
                if (matches!(e.name, VCardProperty::Kind)
                    || matches!(&e.name, VCardProperty::Other(n) if n.eq_ignore_ascii_case("X-ADDRESSBOOKSERVER-KIND")))
                    && first_text(e).is_some_and(|k| k.eq_ignore_ascii_case("group")) =>
            {
                return Err("contact groups are not kept in Rapport: only cards of people and organisations".into());
            }
            VCardProperty::Uid => uid = uid.or_else(|| first_text(e)),
            VCardProperty::Categories => has_categories = true,
            VCardProperty::Other(n) if n.eq_ignore_ascii_case("X-RAPPORT-VIP") => has_vip = true,
            _ => {}
        }
    }
    Ok(DeviceCard {
        // Kept exactly as sent (`urn:uuid:…` included): a client keys its cards by it.
        uid,
        name: card.name,
        organisation: card.organisation,
        emails: card.emails,
        phones: card.phones,
        tags: has_categories.then_some(card.tags),
        relationship: card.relationship,
        vip: has_vip.then_some(card.vip),
        birthday: card.birthday,
        anniversary: card.anniversary,
        notes: card.notes,
        text: text.to_owned(),
    })
}

/// One content line, unfolded: its group, its name (upper case) and its value (escaped, as
/// written).
#[derive(Clone, Debug, PartialEq)]
struct Line {
    raw: String,
    group: Option<String>,
    name: String,
    value: String,
}

impl Line {
    fn parse(raw: &str) -> Option<Line> {
        // The name ends at the first `;` or `:`; the value starts after the first `:` that
        // is not inside a quoted parameter value.
        let end = raw.find([';', ':'])?;
        let mut quoted = false;
        let mut colon = None;
        for (i, c) in raw.char_indices().skip_while(|(i, _)| *i < end) {
            match c {
                '"' => quoted = !quoted,
                ':' if !quoted => {
                    colon = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let colon = colon?;
        let full = &raw[..end];
        let (group, name) = match full.rsplit_once('.') {
            Some((g, n)) => (Some(g.to_ascii_lowercase()), n),
            None => (None, full),
        };
        Some(Line {
            raw: raw.to_owned(),
            group,
            name: name.trim().to_ascii_uppercase(),
            value: raw[colon + 1..].to_owned(),
        })
    }

    /// The value as text (escapes undone), its first component for structured values.
    fn text(&self) -> String {
        let mut out = String::with_capacity(self.value.len());
        let mut chars = self.value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => {}
                },
                ';' if self.name != "NOTE" && self.name != "FN" => break,
                c => out.push(c),
            }
        }
        out.trim().to_owned()
    }
}

/// The content lines of a card's text, unfolded (a line starting with a space or tab
/// continues the one before).
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for l in text.split('\n') {
        let l = l.strip_suffix('\r').unwrap_or(l);
        match l.strip_prefix([' ', '\t']) {
            Some(rest) if !lines.is_empty() => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(rest);
                }
            }
            _ if l.is_empty() => {}
            _ => lines.push(l.to_owned()),
        }
    }
    lines
}

/// Writes a content line folded at 75 octets (RFC 6350 §3.2), never inside a character.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

use rapport_core::card::MODELLED;

/// A contact's card for a device: Rapport's fields, and what the device's last card
/// (`stored`) held that Rapport does not model. `facts` are the contact's dates and notes.
pub fn write_device_card(
    contact: &Contact,
    facts: &[Fact],
    uid: &str,
    stored: Option<&str>,
) -> String {
    // Nothing changed in Rapport since the device wrote it: the device gets its own text
    // back, byte for byte (so its write needs no second download).
    if let Some(text) = stored
        && let Ok(card) = read_device_card(text)
        && card.uid.as_deref() == Some(uid)
        && agrees(&card, contact, facts)
    {
        return text.to_owned();
    }
    let device: Vec<Line> = stored
        .map(|t| unfold(t).iter().filter_map(|l| Line::parse(l)).collect())
        .unwrap_or_default();
    let version = device
        .iter()
        .find(|l| l.name == "VERSION")
        .map(|l| l.value.trim().to_owned());
    // A 2.1 card's quoted-printable lines do not survive unfolding: only 3.0 and 4.0 cards
    // keep the device's lines.
    let device = match version.as_deref() {
        Some("3.0") | Some("4.0") => device,
        _ => Vec::new(),
    };
    let v = if version.as_deref() == Some("4.0") {
        Version::V4
    } else {
        Version::V3
    };
    let mut base = String::new();
    // Phones get no "met" note: it would come back as a note of their own.
    write_card(contact, facts, v, None, &mut base);
    let ours: Vec<Line> = unfold(&base)
        .iter()
        .filter_map(|l| Line::parse(l))
        .collect();

    let device_fn = device.iter().find(|l| l.name == "FN").map(Line::text);
    let name_kept = device_fn.as_deref() == Some(contact.name.as_str());
    let mut used = vec![false; device.len()];
    let mut out = String::with_capacity(base.len() + stored.map_or(0, str::len));
    // The device's line with this name whose value is `same`, once each.
    let mut take = |name: &str, same: &dyn Fn(&Line) -> bool| -> Option<String> {
        let at = device
            .iter()
            .enumerate()
            .position(|(i, l)| !used[i] && l.name == name && same(l))?;
        used[at] = true;
        Some(device[at].raw.clone())
    };
    let mut lines: Vec<String> = Vec::new();
    for l in &ours {
        let mine = match l.name.as_str() {
            "BEGIN" | "END" => continue,
            "VERSION" => {
                lines.push(l.raw.clone());
                lines.push("PRODID:-//Rapport//CardDAV//EN".into());
                lines.push(format!("UID:{}", escape(uid)));
                continue;
            }
            "FN" if name_kept => take("FN", &|_| true),
            "N" if name_kept => take("N", &|_| true),
            "ORG" => {
                let org = contact.organisation.clone().unwrap_or_default();
                take("ORG", &|d| d.text() == org)
            }
            "EMAIL" => {
                let e = l.text();
                take("EMAIL", &|d| {
                    d.text()
                        .trim_start_matches("mailto:")
                        .eq_ignore_ascii_case(&e)
                })
            }
            "TEL" => {
                let p = phone_digits(&l.text());
                take("TEL", &|d| {
                    phone_digits(d.text().trim_start_matches("tel:")) == p
                })
            }
            _ => None,
        };
        lines.push(mine.unwrap_or_else(|| l.raw.clone()));
    }
    // Groups whose modelled line is gone (an email removed in Rapport) lose their labels.
    let kept_groups: Vec<&str> = device
        .iter()
        .enumerate()
        .filter(|(i, l)| used[*i] && l.group.is_some())
        .filter_map(|(_, l)| l.group.as_deref())
        .collect();
    for (i, l) in device.iter().enumerate() {
        if used[i] {
            continue;
        }
        let value = l.text();
        let unmodelled = match l.name.as_str() {
            // An email or number Rapport does not take stays as the device wrote it.
            "EMAIL" => !is_email(value.trim_start_matches("mailto:")),
            "TEL" => !is_phone(value.trim_start_matches("tel:")),
            n => !MODELLED.contains(&n),
        };
        let group_gone = l.group.as_deref().is_some_and(|g| {
            !kept_groups.contains(&g)
                && device
                    .iter()
                    .any(|o| o.group.as_deref() == Some(g) && MODELLED.contains(&o.name.as_str()))
        });
        if unmodelled && !group_gone {
            lines.push(l.raw.clone());
        }
    }
    out.push_str("BEGIN:VCARD\r\n");
    for l in &lines {
        push_folded(&mut out, l);
    }
    out.push_str("END:VCARD\r\n");
    out
}

/// Whether a device's card says what Rapport holds of the contact (what a card carries).
fn agrees(card: &DeviceCard, contact: &Contact, facts: &[Fact]) -> bool {
    use rapport_core::fact::FactKind;
    let date = |name: &str| {
        facts
            .iter()
            .find(|f| f.kind == FactKind::Date && f.text.trim().eq_ignore_ascii_case(name))
            .and_then(|f| f.date)
    };
    let mut notes: Vec<&str> = facts
        .iter()
        .filter(|f| f.kind == FactKind::Note)
        .map(|f| f.text.trim())
        .collect();
    let mut card_notes: Vec<&str> = card.notes.iter().map(|n| n.trim()).collect();
    notes.sort_unstable();
    card_notes.sort_unstable();
    let emails: Vec<&str> = card
        .emails
        .iter()
        .map(|e| e.trim())
        .filter(|e| is_email(e))
        .collect();
    let phones: Vec<&str> = card
        .phones
        .iter()
        .map(|p| p.trim())
        .filter(|p| is_phone(p))
        .collect();
    let tags: Vec<String> = card
        .tags
        .iter()
        .flatten()
        .map(|t| t.trim().to_lowercase())
        .collect();
    card.name.split_whitespace().collect::<Vec<_>>().join(" ") == contact.name
        && card.organisation.as_deref().map(str::trim) == contact.organisation.as_deref()
        && emails
            == contact
                .emails
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        && phones
            == contact
                .phones
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        && tags == contact.tags
        && card.relationship.is_none_or(|r| r == contact.relationship)
        && card.vip.is_none_or(|v| v == contact.vip)
        && card.birthday == date("birthday")
        && card.anniversary == date("anniversary")
        && notes == card_notes
}

/// A text value escaped for a content line.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::contact::NewContact;

    const PHONE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 18.0//EN\r\n\
        N:Lima;Ana;;;\r\nFN:Ana Lima\r\nORG:Lima & Co;Sales\r\n\
        item1.EMAIL;type=INTERNET;type=pref:ana@lima.example\r\nitem1.X-ABLabel:_$!<Work>!$_\r\n\
        TEL;type=CELL;type=VOICE:+33 6 12 34 56 78\r\nTEL;type=HOME:ask Jenny for it\r\n\
        PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgG\r\n \
        BgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=\r\n\
        X-SOCIALPROFILE;type=linkedin:https://linkedin.example/in/ana\r\n\
        BDAY:1984-02-29\r\nNOTE:Met at the fair\r\nUID:ABC-123\r\nEND:VCARD\r\n";

    #[test]
    fn a_device_card_is_read_with_its_uid_and_what_it_carries() {
        let c = read_device_card(PHONE).expect("card");
        assert_eq!(c.uid.as_deref(), Some("ABC-123"));
        assert_eq!(c.name, "Ana Lima");
        assert_eq!(c.organisation.as_deref(), Some("Lima & Co"));
        assert_eq!(c.emails, ["ana@lima.example"]);
        assert_eq!(c.phones, ["+33 6 12 34 56 78", "ask Jenny for it"]);
        assert_eq!(c.tags, None, "no CATEGORIES: tags left alone");
        assert_eq!(c.vip, None);
        assert_eq!(c.notes, ["Met at the fair"]);
        assert!(read_device_card("hello").is_err());
        let two = format!("{PHONE}{PHONE}");
        assert!(
            read_device_card(&two)
                .expect_err("two")
                .contains("exactly one")
        );
    }

    fn contact_of(card: &DeviceCard) -> Contact {
        NewContact {
            name: card.name.clone(),
            organisation: card.organisation.clone(),
            emails: card
                .emails
                .iter()
                .filter(|e| is_email(e))
                .cloned()
                .collect(),
            phones: card
                .phones
                .iter()
                .filter(|p| is_phone(p))
                .cloned()
                .collect(),
            ..Default::default()
        }
        .into_contact(
            rapport_core::ids::UserId::generate(),
            jiff::Timestamp::UNIX_EPOCH,
        )
        .expect("contact")
    }

    #[test]
    fn what_rapport_does_not_model_goes_back_to_the_device_unchanged() {
        let card = read_device_card(PHONE).expect("card");
        let contact = contact_of(&card);
        let out = write_device_card(&contact, &[], "ABC-123", Some(PHONE));
        let lines = unfold(&out);
        for kept in [
            "N:Lima;Ana;;;",
            "FN:Ana Lima",
            "ORG:Lima & Co;Sales",
            "item1.EMAIL;type=INTERNET;type=pref:ana@lima.example",
            "item1.X-ABLabel:_$!<Work>!$_",
            "TEL;type=CELL;type=VOICE:+33 6 12 34 56 78",
            "TEL;type=HOME:ask Jenny for it",
            "X-SOCIALPROFILE;type=linkedin:https://linkedin.example/in/ana",
            "UID:ABC-123",
        ] {
            assert!(
                lines.iter().any(|l| l == kept),
                "{kept} missing from\n{out}"
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("PHOTO;ENCODING=b;TYPE=JPEG:/9j/") && l.ends_with("/9k=")),
            "{out}"
        );
        assert!(out.split("\r\n").all(|l| l.len() <= 75), "{out}");
        // Read back, it is the same card.
        let again = read_device_card(&out).expect("again");
        assert_eq!(
            (again.name, again.emails, again.phones),
            (card.name, card.emails, card.phones)
        );
    }

    #[test]
    fn an_unchanged_card_goes_back_byte_for_byte() {
        use rapport_core::fact::{FactKind, NewFact};
        let card = read_device_card(PHONE).expect("card");
        let contact = contact_of(&card);
        let fact = |kind, text: &str, date| {
            NewFact {
                kind,
                text: text.into(),
                relation: None,
                date,
            }
            .into_fact(contact.id.clone(), jiff::Timestamp::UNIX_EPOCH)
            .expect("fact")
        };
        let facts = [
            fact(FactKind::Date, "Birthday", card.birthday),
            fact(FactKind::Note, "Met at the fair", None),
        ];
        assert_eq!(
            write_device_card(&contact, &facts, "ABC-123", Some(PHONE)),
            PHONE
        );
        // Any difference, and the card is written from Rapport's side again.
        assert_ne!(
            write_device_card(&contact, &facts[..1], "ABC-123", Some(PHONE)),
            PHONE
        );
        assert_ne!(
            write_device_card(&contact, &facts, "OTHER", Some(PHONE)),
            PHONE
        );
    }

    #[test]
    fn a_change_made_in_rapport_wins_over_the_devices_old_line() {
        let card = read_device_card(PHONE).expect("card");
        let mut contact = contact_of(&card);
        contact.name = "Ana Lima-Souza".into();
        contact.emails = vec!["ana@souza.example".into()];
        contact.phones = vec!["+33 6 12 34 56 78".into(), "+33 1 00 00 00 00".into()];
        let out = write_device_card(&contact, &[], "ABC-123", Some(PHONE));
        let lines = unfold(&out);
        assert!(lines.iter().any(|l| l == "FN:Ana Lima-Souza"), "{out}");
        assert!(!lines.iter().any(|l| l.starts_with("N:Lima;Ana")), "{out}");
        assert!(
            lines.iter().any(|l| l == "EMAIL:ana@souza.example"),
            "{out}"
        );
        assert!(!out.contains("ana@lima.example"), "{out}");
        assert!(
            !out.contains("X-ABLabel"),
            "the removed email's label goes with it: {out}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l == "TEL;type=CELL;type=VOICE:+33 6 12 34 56 78")
        );
        assert!(lines.iter().any(|l| l == "TEL:+33 1 00 00 00 00"), "{out}");
        assert!(out.contains("X-SOCIALPROFILE"), "{out}");
    }

    #[test]
    fn a_card_rapport_made_has_its_uid_and_folds() {
        let contact = contact_of(&DeviceCard {
            name: "Kenji Watanabe".into(),
            emails: vec!["kenji@example.jp".into()],
            ..Default::default()
        });
        let out = write_device_card(&contact, &[], contact.id.as_str(), None);
        assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{out}");
        assert!(out.contains(&format!("UID:{}", contact.id)), "{out}");
        let back = read_device_card(&out).expect("back");
        assert_eq!(back.uid.as_deref(), Some(contact.id.as_str()));
        assert_eq!(back.emails, ["kenji@example.jp"]);
    }
}
