//! Promises found in a member's mail, offered for confirmation: accepted, one becomes a
//! commitment (the message's conversation as its source); dismissed, it goes; left alone,
//! it expires.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::commitment::{CommitmentId, Direction};
use crate::ids::{ContactId, UserId};

crate::ids::id_type!(
    /// A promise found in mail, offered for confirmation.
    SuggestionId
);

crate::named::named_enum! {
    /// Where a suggestion stands.
    pub enum SuggestionStatus: "status", "status of a suggestion" {
        /// Offered, waiting for a yes or a no.
        Open = "open",
        /// Recorded as a commitment.
        Accepted = "accepted",
        Dismissed = "dismissed",
    }
}

/// How long a suggestion is offered.
pub const OFFERED_DAYS: i64 = 14;

/// The time a suggestion found at `found_at` is offered until.
pub fn expiry(found_at: Timestamp) -> Timestamp {
    found_at
        .checked_add(SignedDuration::from_hours(24 * OFFERED_DAYS))
        .unwrap_or(Timestamp::MAX)
}

/// Whether a promise found in an old message is still worth offering: its message is of the
/// last [`OFFERED_DAYS`] days, or its due date is not past. (An import of years of mail does
/// not offer promises long kept or long forgotten.)
pub fn worth_offering(
    message_at: Timestamp,
    due: Option<Date>,
    today: Date,
    now: Timestamp,
) -> bool {
    let recent = now.duration_since(message_at) <= SignedDuration::from_hours(24 * OFFERED_DAYS);
    recent || due.is_some_and(|d| d >= today)
}

/// A promise found in mail.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub id: SuggestionId,
    pub contact_id: ContactId,
    /// The member whose mail it is: the one who confirms it.
    pub owner_id: UserId,
    /// Mine when I wrote it, theirs when they did.
    pub direction: Direction,
    pub text: String,
    pub due: Option<Date>,
    pub sentence: String,
    /// The message (rapport-core `mail::MailMessage::key`) and which of its promises.
    pub message_key: String,
    pub ordinal: u32,
    pub message_id: Option<String>,
    pub subject: String,
    pub message_at: Timestamp,
    pub found_at: Timestamp,
    pub expires_at: Timestamp,
    pub status: SuggestionStatus,
    pub decided_at: Option<Timestamp>,
    /// The commitment it became.
    pub commitment_id: Option<CommitmentId>,
}

/// A suggestion with its contact's name, as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuggestionView {
    #[serde(flatten)]
    pub suggestion: Suggestion,
    pub contact_name: String,
}

/// One page of the suggestions on offer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SuggestionPage {
    pub items: Vec<SuggestionView>,
    /// On offer after the last one listed.
    pub more: u64,
    /// On offer in all.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn old_mail_offers_only_promises_still_ahead() {
        let now: Timestamp = "2026-03-20T12:00:00Z".parse().expect("time");
        let today = date(2026, 3, 20);
        let recent: Timestamp = "2026-03-10T09:00:00Z".parse().expect("time");
        let old: Timestamp = "2026-02-01T09:00:00Z".parse().expect("time");
        assert!(worth_offering(recent, None, today, now));
        assert!(worth_offering(old, Some(date(2026, 3, 31)), today, now));
        assert!(worth_offering(old, Some(today), today, now));
        assert!(!worth_offering(old, Some(date(2026, 2, 6)), today, now));
        assert!(!worth_offering(old, None, today, now));
        assert_eq!(
            expiry(now),
            "2026-04-03T12:00:00Z".parse::<Timestamp>().expect("time")
        );
    }
}
