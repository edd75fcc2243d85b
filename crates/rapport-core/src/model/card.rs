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
