//! Mail, as Rapport reads it: one message's who, when, subject and new text (quoted replies
//! and signatures already removed by the reader in rapport-formats), and what an import did.

use jiff::Timestamp;
use serde::Serialize;

use crate::ids::ContactId;

/// The largest message read; a bigger one is skipped with its reason.
pub const MAX_MESSAGE_BYTES: u64 = 25 * 1024 * 1024;

/// An address on a message, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAddress {
    pub email: String,
    pub name: Option<String>,
}

/// One message, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailMessage {
    /// What makes it the same message however often it is seen: its Message-ID, or a hash
    /// of its headers when it has none.
    pub key: String,
    pub message_id: Option<String>,
    pub at: Timestamp,
    pub from: MailAddress,
    /// To and Cc.
    pub to: Vec<MailAddress>,
    pub subject: String,
    /// What this message says that the ones it answers did not.
    pub text: String,
    /// Sent by a machine (an auto-reply, a list): its promises are nobody's.
    pub automatic: bool,
}

/// Sent by me, or received from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailDirection {
    Sent,
    Received,
}

/// A conversation logged (or, in a dry run, that would be).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MailInteraction {
    pub contact_id: ContactId,
    pub contact_name: String,
    pub direction: MailDirection,
    pub at: Timestamp,
    pub subject: String,
    pub message_id: Option<String>,
}

/// A promise found in a message of mine: mine when I wrote it, theirs when they did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MailPromise {
    pub direction: crate::commitment::Direction,
    pub contact_id: ContactId,
    pub contact_name: String,
    pub text: String,
    pub due: Option<jiff::civil::Date>,
    pub sentence: String,
    pub message_id: Option<String>,
}

/// A file or message not read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailSkipped {
    pub path: String,
    pub reason: String,
}

/// What an import did: `rapport mail import --json`, the same shape for a dry run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MailReport {
    /// Messages read.
    pub messages: usize,
    pub interactions: Vec<MailInteraction>,
    /// Conversations already logged by an earlier import (or the same message seen twice).
    pub already_logged: usize,
    /// Messages none of whose people are me: not my conversation.
    pub not_mine: usize,
    /// Addresses on my messages that are no contact of the book, each once.
    pub unknown_senders: Vec<String>,
    /// Contacts made for them (`--create-contacts`).
    pub contacts_created: usize,
    /// Promises found in the messages, both ways.
    pub promises: Vec<MailPromise>,
    /// Of them, how many this import offered for confirmation (`rapport suggestions`): not
    /// those an earlier import offered, nor, in old mail, those whose date is past.
    pub suggestions_offered: usize,
    pub skipped: Vec<MailSkipped>,
}
