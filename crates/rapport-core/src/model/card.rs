//! Contacts as cards on a device (CardDAV, RFC 6352): what a device's card says, where a
//! contact's card lives and which version of it a device holds.
//!
//! A card Rapport made is named `{contact id}.vcf` and its UID is the contact's id; a card
//! a device made keeps the device's name and UID forever. Each card carries the workspace's
//! card number of its last change (kept by the database, whoever changed it): the card's
//! ETag, and the sync token of a device that has seen every change up to it.

use crate::contact::RelationshipType;
use crate::dates::YearlyDate;
use crate::error::Invalid;
use crate::ids::{ContactId, WorkspaceId};

/// The longest resource name a device may give a card.
pub const MAX_HREF_CHARS: usize = 255;

/// What a device's card says about a contact (read by rapport-formats).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceCard {
    /// The card's UID, when it has one.
    pub uid: Option<String>,
    pub name: String,
    pub organisation: Option<String>,
    /// As the card holds them; those Rapport does not take as addresses or numbers stay on
    /// the card only.
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// `None` when the card has no CATEGORIES: the contact's tags are then left alone.
    pub tags: Option<Vec<String>>,
    /// From Rapport's own `X-RAPPORT-TYPE` / `X-RAPPORT-VIP`, when present.
    pub relationship: Option<RelationshipType>,
    pub vip: Option<bool>,
    pub birthday: Option<YearlyDate>,
    pub anniversary: Option<YearlyDate>,
    pub notes: Vec<String>,
    /// The card as sent, kept so that what Rapport does not model goes back unchanged.
    pub text: String,
}

/// Where a contact's card is and which version it is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardMeta {
    pub contact_id: ContactId,
    /// The UID and resource name a device gave it (`None`: Rapport made the card).
    pub stored_uid: Option<String>,
    pub stored_href: Option<String>,
    /// The workspace's card number at its last change.
    pub seq: i64,
    /// The numbering it belongs to (a restore starts a new one).
    pub epoch: String,
    /// The card as a device last sent it.
    pub text: Option<String>,
    pub archived: bool,
    /// The contact it was merged into: the card is gone for good.
    pub merged_into: Option<ContactId>,
}

impl CardMeta {
    /// The card's UID.
    pub fn uid(&self) -> String {
        self.stored_uid
            .clone()
            .unwrap_or_else(|| self.contact_id.to_string())
    }

    /// The card's resource name in the address book.
    pub fn href(&self) -> String {
        self.stored_href
            .clone()
            .unwrap_or_else(|| default_href(&self.contact_id))
    }

    /// Its strong entity tag, quoted.
    pub fn etag(&self) -> String {
        etag(&self.epoch, self.seq)
    }
}

/// The strong entity tag of a card at number `seq` of numbering `epoch`, quoted.
pub fn etag(epoch: &str, seq: i64) -> String {
    format!("\"{epoch}-{seq}\"")
}

/// The resource name of a card Rapport made.
pub fn default_href(id: &ContactId) -> String {
    format!("{id}.vcf")
}

/// Checks a resource name a device chose: one path segment (already percent-decoded),
/// printable, not `.` or `..`, at most [`MAX_HREF_CHARS`].
pub fn check_href(name: &str) -> Result<(), Invalid> {
    let bad = |why: &str| Err(Invalid::new("href", format!("card name {name:?} {why}")));
    if name.is_empty() || name == "." || name == ".." {
        return bad("is not a name");
    }
    if name.chars().count() > MAX_HREF_CHARS {
        return bad("is too long");
    }
    if name.contains('/') || name.chars().any(char::is_control) {
        return bad("may not hold a slash or control characters");
    }
    Ok(())
}

/// A sync token: the workspace, its numbering and the card number a device has seen.
pub fn sync_token(ws: &WorkspaceId, epoch: &str, seq: i64) -> String {
    format!("urn:rapport:sync:{ws}:{epoch}:{seq}")
}

/// The card number of a sync token given for this workspace and numbering (`None`: not one
/// of its tokens, or one from before a restore).
pub fn parse_sync_token(ws: &WorkspaceId, epoch: &str, token: &str) -> Option<i64> {
    let rest = token.trim().strip_prefix("urn:rapport:sync:")?;
    let (rest, seq) = rest.rsplit_once(':')?;
    let (w, e) = rest.rsplit_once(':')?;
    if w != ws.as_str() || e != epoch {
        return None;
    }
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seq.parse().ok()
}

/// What a device expects of the card it writes or deletes (`If-Match`, `If-None-Match`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No condition.
    Anything,
    /// `If-None-Match: *`: the card must not exist yet.
    Absent,
    /// `If-Match: *`: the card must exist.
    Present,
    /// `If-Match: "e1", "e2"`: the card must be at one of these versions.
    OneOf(Vec<String>),
    /// `If-None-Match: "e1", "e2"`: the card must not be at any of these versions.
    NoneOf(Vec<String>),
}

impl Expect {
    /// Whether a card at `current` (its ETag; `None`: no live card) meets the condition.
    pub fn met_by(&self, current: Option<&str>) -> bool {
        match (self, current) {
            (Self::Anything, _) => true,
            (Self::Absent, c) => c.is_none(),
            (Self::Present, c) => c.is_some(),
            (Self::OneOf(tags), Some(c)) => tags.iter().any(|t| t.trim() == c),
            (Self::OneOf(_), None) => false,
            (Self::NoneOf(tags), Some(c)) => !tags.iter().any(|t| t.trim() == c),
            (Self::NoneOf(_), None) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_workspace_and_number() {
        let ws = WorkspaceId::generate();
        let other = WorkspaceId::generate();
        let t = sync_token(&ws, "e1", 42);
        assert_eq!(parse_sync_token(&ws, "e1", &t), Some(42));
        assert_eq!(parse_sync_token(&other, "e1", &t), None);
        assert_eq!(
            parse_sync_token(&ws, "e2", &t),
            None,
            "from before a restore"
        );
        assert_eq!(parse_sync_token(&ws, "e1", "urn:rapport:sync:x"), None);
        assert_eq!(parse_sync_token(&ws, "e1", &format!("{t}0x")), None);
        assert_eq!(parse_sync_token(&ws, "e1", &t.replace(":42", ":+42")), None);
        assert_eq!(parse_sync_token(&ws, "e1", ""), None);
    }

    #[test]
    fn names_a_device_may_give() {
        assert!(check_href("4F1C-AB.vcf").is_ok());
        assert!(check_href("a b (1).vcf").is_ok());
        for bad in ["", ".", "..", "a/b.vcf", "a\u{0}b", &"x".repeat(300)] {
            assert!(check_href(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn conditions_on_a_write() {
        assert!(Expect::Anything.met_by(None));
        assert!(Expect::Absent.met_by(None));
        assert!(!Expect::Absent.met_by(Some("\"3\"")));
        assert!(Expect::Present.met_by(Some("\"3\"")));
        assert!(!Expect::Present.met_by(None));
        let e = Expect::OneOf(vec!["\"2\"".into(), " \"3\"".into()]);
        assert!(e.met_by(Some("\"3\"")));
        assert!(!e.met_by(Some("\"4\"")));
        assert!(!e.met_by(None));
    }
}

/// What Rapport itself writes on a card: these lines of a device's text are replaced by the
/// contact's own.
pub const MODELLED: &[&str] = &[
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "UID",
    "REV",
    "FN",
    "N",
    "ORG",
    "EMAIL",
    "TEL",
    "CATEGORIES",
    "BDAY",
    "ANNIVERSARY",
    "NOTE",
    "X-RAPPORT-TYPE",
    "X-RAPPORT-VIP",
];

/// A card's lines, unfolded (a line starting with a space or tab continues the one before).
fn unfolded(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match raw.strip_prefix([' ', '\t']) {
            Some(rest) if !lines.is_empty() => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(rest);
                }
            }
            _ => lines.push(raw.to_owned()),
        }
    }
    lines
}

/// A line's group (`item1` of `item1.X-ABLabel`) and upper-case property name.
fn property(line: &str) -> (Option<&str>, String) {
    let end = line.find([':', ';']).unwrap_or(line.len());
    let head = &line[..end];
    match head.split_once('.') {
        Some((group, name)) => (Some(group), name.to_ascii_uppercase()),
        None => (None, head.to_ascii_uppercase()),
    }
}

/// The device text the kept contact's card carries after a merge, so a phone loses nothing
/// when the card it made is merged away: the kept card's own text with what only the merged
/// card held that Rapport does not model (its photo, addresses, URLs, any X- property)
/// added before its end; the merged card's text whole when the kept card has none (its UID is
/// never used: the kept card keeps its own). `None` when neither has one. Grouped lines
/// (labels tied to an email or number) come along only with a whole text.
pub fn merged_card_text(keep: Option<&str>, other: Option<&str>) -> Option<String> {
    let (keep, other) = match (keep, other) {
        (k, None) => return k.map(str::to_owned),
        (None, Some(o)) => return Some(o.to_owned()),
        (Some(k), Some(o)) => (k, o),
    };
    let known: Vec<String> = unfolded(keep);
    // A card has one of these (a phone shows one photo): the kept card's own stays.
    const ONE: &[&str] = &["PHOTO", "KIND", "GENDER", "LOGO", "TZ", "GEO", "SOUND"];
    let has = |name: &str| known.iter().any(|l| property(l).1 == name);
    let extra: Vec<String> = unfolded(other)
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| {
            let (group, name) = property(l);
            group.is_none()
                && !MODELLED.contains(&name.as_str())
                && !(ONE.contains(&name.as_str()) && has(&name))
        })
        .filter(|l| !known.contains(l))
        .collect();
    if extra.is_empty() {
        return Some(keep.to_owned());
    }
    let end = keep.to_ascii_uppercase().rfind("END:VCARD");
    let Some(end) = end else {
        return Some(keep.to_owned());
    };
    let mut out = String::with_capacity(keep.len() + extra.iter().map(String::len).sum::<usize>());
    out.push_str(&keep[..end]);
    if !out.ends_with('\n') {
        out.push_str("\r\n");
    }
    for l in &extra {
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str(&keep[end..]);
    Some(out)
}

#[cfg(test)]
mod merged_text_tests {
    use super::*;

    #[test]
    fn what_only_the_merged_card_held_joins_the_kept_card() {
        let keep = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:k\r\nFN:Ana\r\nURL:https://ana.example\r\nEND:VCARD\r\n";
        let other = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:o\r\nFN:Ana L\r\nEMAIL:a@x.io\r\n\
                     ADR;TYPE=home:;;1 Rue;Lyon;;;FR\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n BBBB\r\n\
                     URL:https://ana.example\r\nitem1.EMAIL:b@x.io\r\nitem1.X-ABLabel:Work\r\nEND:VCARD\r\n";
        let merged = merged_card_text(Some(keep), Some(other)).expect("a text");
        assert_eq!(
            merged,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:k\r\nFN:Ana\r\nURL:https://ana.example\r\n\
             ADR;TYPE=home:;;1 Rue;Lyon;;;FR\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAABBBB\r\nEND:VCARD\r\n"
        );
        // The kept card's own photo stays the only one.
        let with_photo = keep.replace(
            "END:VCARD",
            "PHOTO;VALUE=uri:https://ana.example/me.jpg\r\nEND:VCARD",
        );
        let merged = merged_card_text(Some(&with_photo), Some(other)).expect("a text");
        assert_eq!(merged.matches("PHOTO").count(), 1, "{merged}");
        assert!(merged.contains("ADR;TYPE=home"), "{merged}");
        assert_eq!(merged_card_text(None, Some(other)).as_deref(), Some(other));
        assert_eq!(merged_card_text(Some(keep), None).as_deref(), Some(keep));
        assert_eq!(merged_card_text(None, None), None);
    }
}
