//! Check-in campaigns: in tough times (a flood, a strike, a bad season for restaurants), a
//! check-in with every live contact of a segment, a few a day on Today, VIPs and the coldest
//! first (issue 19). Logging any interaction with a contact on or after the campaign's first
//! day completes their check-in; one in which they said something counts as a reply.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::contact::RelationshipType;
use crate::error::Invalid;
use crate::ids::{ContactId, UserId};
use crate::model::search::{fold, is_invisible};

crate::ids::id_type!(
    /// A check-in campaign.
    CampaignId
);

/// The longest campaign name.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest note (what to say when checking in).
pub const MAX_NOTE_CHARS: usize = 1000;
/// The most check-ins a day a campaign may ask of one member (Today lists at most
/// `today::CHECK_INS_SHOWN` of every campaign together).
pub const MAX_PER_DAY: u32 = 50;
/// The longest segment, as typed.
pub const MAX_SEGMENT_CHARS: usize = 500;
/// Check-ins a day when neither `per_day` nor `until` says otherwise.
pub const DEFAULT_PER_DAY: u32 = 5;

/// Which contacts a campaign is for, as typed: `type=customer tag=restaurants vip`, or
/// `all`. Every part narrows; a value with spaces is quoted (`tag="fine dining"`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub relationship: Option<RelationshipType>,
    /// A tag, as typed (matched folded).
    pub tag: Option<String>,
    pub vip: bool,
    /// Where we met contains this (matched folded).
    pub met: Option<String>,
}

impl Segment {
    /// Reads a segment. An empty one is refused (say `all` for every live contact), as are
    /// unknown parts and a part given twice.
    pub fn parse(text: &str) -> Result<Segment, Invalid> {
        let bad = |m: String| Invalid::new("segment", m);
        if text.chars().count() > MAX_SEGMENT_CHARS {
            return Err(bad(format!(
                "a segment is at most {MAX_SEGMENT_CHARS} characters"
            )));
        }
        if text.contains('\0') || text.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(bad(
                "the segment cannot hold control or invisible formatting characters".into(),
            ));
        }
        let parts = split_quoted(text).map_err(bad)?;
        if parts.is_empty() {
            return Err(bad(
                "say which contacts: e.g. \"type=customer tag=restaurants vip\", or \"all\"".into(),
            ));
        }
        let mut s = Segment::default();
        let mut all = false;
        for part in &parts {
            let (key, value) = match part.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
                None => (part.trim().to_ascii_lowercase(), None),
            };
            let twice = || bad(format!("{key:?} is given twice in the segment"));
            match (key.as_str(), value) {
                ("all" | "everyone", None) => all = true,
                ("vip", None) => {
                    if s.vip {
                        return Err(twice());
                    }
                    s.vip = true;
                }
                ("type" | "relationship", Some(v)) if !v.is_empty() => {
                    if s.relationship.is_some() {
                        return Err(twice());
                    }
                    s.relationship = Some(v.parse().map_err(|e: Invalid| bad(e.message))?);
                }
                ("tag", Some(v)) if !v.is_empty() => {
                    if s.tag.is_some() {
                        return Err(twice());
                    }
                    s.tag = Some(checked_value(v).map_err(bad)?);
                }
                ("met", Some(v)) if !v.is_empty() => {
                    if s.met.is_some() {
                        return Err(twice());
                    }
                    s.met = Some(checked_value(v).map_err(bad)?);
                }
                ("type" | "relationship" | "tag" | "met", _) => {
                    return Err(bad(format!("{key}= needs a value, e.g. {key}=customer")));
                }
                _ => {
                    return Err(bad(format!(
                        "{part:?} is not a part of a segment: use type=TYPE, tag=TAG, met=TEXT, vip, or all"
                    )));
                }
            }
        }
        if all && s != Segment::default() {
            return Err(bad(
                "\"all\" means every live contact: leave out the other parts, or drop \"all\""
                    .into(),
            ));
        }
        Ok(s)
    }

    /// The segment as Rapport writes it back (`type=customer tag=restaurants vip`; `all`).
    pub fn describe(&self) -> String {
        // Quoted when it holds a space or starts with a quote; with the quote it does not
        // hold (`parse` refuses a value holding both).
        let quote = |v: &str| {
            if v.chars().any(char::is_whitespace) || v.starts_with(['"', '\'']) {
                let q = if v.contains('"') { '\'' } else { '"' };
                format!("{q}{v}{q}")
            } else {
                v.to_owned()
            }
        };
        let mut parts = Vec::new();
        if let Some(t) = self.relationship {
            parts.push(format!("type={}", t.as_str()));
        }
        if let Some(t) = &self.tag {
            parts.push(format!("tag={}", quote(t)));
        }
        if let Some(m) = &self.met {
            parts.push(format!("met={}", quote(m)));
        }
        if self.vip {
            parts.push("vip".to_owned());
        }
        if parts.is_empty() {
            "all".to_owned()
        } else {
            parts.join(" ")
        }
    }

    /// The tag folded, as contacts' tags are matched.
    pub fn tag_folded(&self) -> Option<String> {
        self.tag.as_deref().map(fold)
    }

    /// Where we met, folded.
    pub fn met_folded(&self) -> Option<String> {
        self.met.as_deref().map(fold)
    }
}

/// A tag's or a place's value: not both kinds of quote (it could not be written back).
fn checked_value(v: &str) -> Result<String, String> {
    if v.contains('"') && v.contains('\'') {
        return Err(format!(
            "{v:?}: a value holds one kind of quote at most (\" or ')"
        ));
    }
    Ok(v.to_owned())
}

/// Splits on whitespace, keeping a double- or single-quoted value whole (`tag="a b"`). A
/// quote opens only at the start of a part or of its value (`tag=children's` is a tag).
fn split_quoted(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if (c == '"' || c == '\'') && (cur.is_empty() || cur.ends_with('=')) => {
                quote = Some(c)
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err("a quote in the segment is not closed".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// A campaign's name: trimmed, runs of spaces made one, 1 to 80 characters, nothing
/// invisible. Names are unique in a workspace, case and accents aside.
pub fn clean_name(name: &str) -> Result<String, Invalid> {
    let bad = |m: &str| Invalid::new("name", m.to_owned());
    let n = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if n.is_empty() {
        return Err(bad("a campaign needs a name"));
    }
    if n.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(bad(
            "a campaign's name cannot hold control or invisible formatting characters",
        ));
    }
    if n.chars().count() > MAX_NAME_CHARS {
        return Err(Invalid::new(
            "name",
            format!("a campaign's name is at most {MAX_NAME_CHARS} characters"),
        ));
    }
    // Found by its name with case and accents aside: one made of accents alone is no name.
    if fold(&n).trim().is_empty() {
        return Err(bad("a campaign's name needs letters or digits"));
    }
    // A campaign is found by its id or its name: a name that reads as an id would be found
    // in the place of another (a retried delete taking the wrong one).
    if CampaignId::parse(&n).is_some() {
        return Err(bad("a campaign's name cannot be an id: choose words"));
    }
    Ok(n)
}

/// What to say or ask when checking in: 1 to 1,000 characters, no NUL or invisible
/// formatting characters (line breaks are kept).
pub fn clean_note(note: &str) -> Result<String, Invalid> {
    // A browser's text area sends line breaks as CR LF.
    let normalised = note.replace("\r\n", "\n").replace('\r', "\n");
    let n = normalised.trim();
    if n.is_empty() {
        return Err(Invalid::new(
            "note",
            "say what the check-in is about (--note), e.g. \"How are you holding up after the floods?\"",
        ));
    }
    if n.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c))
    {
        return Err(Invalid::new(
            "note",
            "the note cannot hold control or invisible formatting characters",
        ));
    }
    if n.chars().count() > MAX_NOTE_CHARS {
        return Err(Invalid::new(
            "note",
            format!("the note is at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(n.to_owned())
}

/// Check-ins a day: as asked (1 to 50), else enough for `contacts` (the most one member
/// owns) to be reached by `until` (inclusive of today and of that day), refused above 50;
/// else [`DEFAULT_PER_DAY`]. `until` before today, or more than ten years ahead, is refused.
pub fn per_day(
    asked: Option<u32>,
    until: Option<Date>,
    contacts: u64,
    today: Date,
) -> Result<u32, Invalid> {
    if let Some(u) = until
        && today.until(u).map_or(true, |s| s.get_days() > 3653)
    {
        return Err(Invalid::new(
            "until",
            format!("{u} is more than ten years ahead"),
        ));
    }
    if let Some(u) = until
        && u < today
    {
        return Err(Invalid::new(
            "until",
            format!("{u} has passed: a campaign runs until today or a later day"),
        ));
    }
    match (asked, until) {
        (Some(n), _) if n == 0 || n > MAX_PER_DAY => Err(Invalid::new(
            "per_day",
            format!("check-ins a day are between 1 and {MAX_PER_DAY}"),
        )),
        (Some(n), _) => Ok(n),
        (None, Some(u)) => {
            let days = today.until(u).map_or(0, |s| s.get_days()).max(0) as u64 + 1;
            let n = contacts.div_ceil(days).max(1);
            if n > u64::from(MAX_PER_DAY) {
                return Err(Invalid::new(
                    "until",
                    format!(
                        "{contacts} contacts of one member by {u} would be {n} check-ins a day, and a campaign asks for {MAX_PER_DAY} at most: pick a later day"
                    ),
                ));
            }
            Ok(n as u32)
        }
        (None, None) => Ok(DEFAULT_PER_DAY),
    }
}

/// A check-in campaign.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    /// Which contacts, as Rapport writes it back (`type=customer tag=restaurants vip`).
    pub segment: String,
    /// What the check-in is about.
    pub note: String,
    /// Check-ins a day on each member's Today.
    pub per_day: u32,
    /// The last day it runs, if it ends.
    pub until: Option<Date>,
    pub created_by: UserId,
    pub created_at: Timestamp,
    /// Interactions from this moment on (the start of the day it was made) are check-ins.
    pub starts_at: Timestamp,
    /// And until this one, if it ends (the end of its last day, or when it was stopped).
    pub ends_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
}

crate::named::named_enum! {
    /// Where a campaign stands.
    pub enum CampaignStatus: "status", "campaign status" {
        /// On Today, check-ins left to do.
        Active = "active",
        /// Everyone is checked in with.
        Complete = "complete",
        /// Its last day has passed.
        Ended = "ended",
        /// Stopped by a member.
        Stopped = "stopped",
    }
}

/// How far a campaign has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Contacts in the campaign (the segment when it was made).
    pub contacts: u64,
    /// Checked in with.
    pub done: u64,
    /// Still to check in with (live contacts).
    pub remaining: u64,
    /// Checked in with, and they said something back.
    pub replied: u64,
    /// Not checked in with, and archived since: off the list.
    pub archived: u64,
}

impl Campaign {
    /// Where it stands on `today`.
    pub fn status(&self, p: &Progress, today: Date) -> CampaignStatus {
        if self.stopped_at.is_some() {
            CampaignStatus::Stopped
        } else if p.remaining == 0 {
            CampaignStatus::Complete
        } else if self.until.is_some_and(|u| u < today) {
            CampaignStatus::Ended
        } else {
            CampaignStatus::Active
        }
    }
}

/// A campaign with its progress, as lists and pages show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignView {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub status: CampaignStatus,
    #[serde(flatten)]
    pub progress: Progress,
    /// Who made it.
    pub created_by_name: String,
}

/// One contact of a campaign and their check-in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    /// Its place in the campaign's order (VIPs and the coldest first): the cursor of a page.
    pub position: u32,
    pub contact_id: ContactId,
    pub contact_name: String,
    pub vip: bool,
    /// When they were checked in with (null: not yet; a planned meeting shows its time).
    pub done_at: Option<Timestamp>,
    pub replied: bool,
    pub archived: bool,
}

impl Member {
    /// Checked in with by `now`.
    pub fn done(&self, now: Timestamp) -> bool {
        self.done_at.is_some_and(|d| d <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn segments_read_as_people_type_them() {
        let s = Segment::parse("type=customer tag=restaurants vip").expect("segment");
        assert_eq!(s.relationship, Some(RelationshipType::Customer));
        assert_eq!(s.tag.as_deref(), Some("restaurants"));
        assert!(s.vip);
        assert_eq!(s.describe(), "type=customer tag=restaurants vip");
        let s = Segment::parse("  TAG=\"Fine dining\"  type=past-customer ").expect("quoted");
        assert_eq!(s.tag.as_deref(), Some("Fine dining"));
        assert_eq!(s.tag_folded().as_deref(), Some("fine dining"));
        assert_eq!(s.relationship, Some(RelationshipType::PastCustomer));
        assert_eq!(s.describe(), "type=past_customer tag=\"Fine dining\"");
        assert_eq!(Segment::parse("all").expect("all"), Segment::default());
        assert_eq!(Segment::default().describe(), "all");
        assert_eq!(
            Segment::parse(
                &Segment::parse("met='Web Summit' vip")
                    .expect("met")
                    .describe()
            ),
            Segment::parse("vip met=\"Web Summit\"")
        );
        // An apostrophe inside a value is a letter; what is written back reads back the same.
        for text in [
            "tag=children's",
            "tag=\"children's menu\"",
            "tag='say \"hi\" there'",
            "met=\"'quoted' place\"",
        ] {
            let s = Segment::parse(text).expect(text);
            assert_eq!(Segment::parse(&s.describe()).as_ref(), Ok(&s), "{text}");
        }
        assert_eq!(
            Segment::parse("tag=children's")
                .expect("tag")
                .tag
                .as_deref(),
            Some("children's")
        );
    }

    #[test]
    fn bad_segments_say_what_is_wrong() {
        for (text, says) in [
            ("", "say which contacts"),
            ("   ", "say which contacts"),
            ("type=martian", "unknown"),
            ("colour=red", "not a part of a segment"),
            ("tag=a tag=b", "given twice"),
            ("vip vip", "given twice"),
            ("tag=", "needs a value"),
            ("tag=\"open", "not closed"),
            ("all vip", "every live contact"),
            ("tag=a\u{202E}b", "invisible"),
            ("tag=\"it's \"x\"", "one kind of quote"),
        ] {
            let e = Segment::parse(text).expect_err(text);
            assert_eq!(e.field, "segment");
            assert!(e.message.contains(says), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn names_and_notes_are_checked() {
        assert_eq!(
            clean_name("  Winter   floods ").expect("name"),
            "Winter floods"
        );
        assert!(clean_name(" ").is_err());
        assert!(clean_name(&"x".repeat(81)).is_err());
        assert!(clean_name("a\u{200B}b").is_err());
        // Found by id or name: a name that reads as an id would be found in another's place.
        assert!(clean_name("0b5a3d2e-8c1f-4e6a-9d7b-2f4c6e8a0b1d").is_err());
        assert!(clean_name(" 0B5A3D2E8C1F4E6A9D7B2F4C6E8A0B1D ").is_err());
        assert!(clean_name("Storm 0b5a3d2e").is_ok());
        // Folded away to nothing: it would match any lookup by an empty name.
        assert!(clean_name("\u{301}").is_err());
        assert!(clean_name("\u{301}\u{300} \u{302}").is_err());
        assert!(
            clean_name("a\tb").is_ok(),
            "a tab is whitespace, made a space"
        );
        assert_eq!(
            clean_note(" How are you?\nAnything we can do? ").expect("note"),
            "How are you?\nAnything we can do?"
        );
        assert!(clean_note("").is_err());
        assert!(clean_note("a\0b").is_err());
        assert!(clean_note("a\u{1b}[31mb").is_err());
        assert!(clean_note(&"x".repeat(1001)).is_err());
        assert_eq!(
            clean_note("One\r\nTwo\rThree").expect("note"),
            "One\nTwo\nThree"
        );
        let long = format!("met={}", "a".repeat(60_000));
        assert!(Segment::parse(&long).is_err(), "a long segment is refused");
    }

    #[test]
    fn per_day_reaches_everyone_by_the_last_day() {
        let today = date(2026, 12, 7);
        assert_eq!(per_day(None, None, 40, today), Ok(DEFAULT_PER_DAY));
        assert_eq!(per_day(Some(3), None, 40, today), Ok(3));
        // 40 contacts over 7 to 13 December (7 days): 6 a day.
        assert_eq!(per_day(None, Some(date(2026, 12, 13)), 40, today), Ok(6));
        // Ending today: everyone today.
        assert_eq!(per_day(None, Some(today), 40, today), Ok(40));
        assert_eq!(per_day(None, Some(today), 0, today), Ok(1));
        // More than a campaign may ask a day: refused, not silently cut.
        let e = per_day(None, Some(today), 5000, today).expect_err("too many a day");
        assert!(e.message.contains("pick a later day"), "{}", e.message);
        assert!(per_day(Some(0), None, 40, today).is_err());
        assert!(per_day(Some(51), None, 40, today).is_err());
        let e = per_day(None, Some(date(2026, 12, 6)), 40, today).expect_err("past");
        assert_eq!(e.field, "until");
        let e = per_day(None, Some(date(9999, 12, 31)), 40, today).expect_err("far");
        assert!(e.message.contains("ten years"), "{}", e.message);
    }

    #[test]
    fn status_follows_progress_and_dates() {
        let at: Timestamp = "2026-12-07T10:00:00Z".parse().expect("ts");
        let mut c = Campaign {
            id: CampaignId::generate(),
            name: "Floods".into(),
            segment: "all".into(),
            note: "How are you?".into(),
            per_day: 5,
            until: Some(date(2026, 12, 20)),
            created_by: UserId::generate(),
            created_at: at,
            starts_at: at,
            ends_at: None,
            stopped_at: None,
        };
        let mut p = Progress {
            contacts: 10,
            done: 4,
            remaining: 6,
            replied: 1,
            archived: 0,
        };
        assert_eq!(c.status(&p, date(2026, 12, 20)), CampaignStatus::Active);
        assert_eq!(c.status(&p, date(2026, 12, 21)), CampaignStatus::Ended);
        p.remaining = 0;
        assert_eq!(c.status(&p, date(2026, 12, 21)), CampaignStatus::Complete);
        c.stopped_at = Some(at);
        assert_eq!(c.status(&p, date(2026, 12, 8)), CampaignStatus::Stopped);
    }
}
