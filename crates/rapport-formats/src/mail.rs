//! Mail in (RFC 5322 messages, MIME through mail-parser): a message's people, date, subject
//! and new text, with quoted replies, "On … wrote:" blocks, forwarded parts and signatures
//! removed; and mbox files split message by message without reading a whole file, or a
//! whole oversized message, into memory.

use std::io::BufRead;

use jiff::Timestamp;
use rapport_core::mail::{MAX_MESSAGE_BYTES, MailAddress, MailMessage};

/// Why bytes are not a message Rapport can log.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MailError {
    #[error("not a mail message (no From address)")]
    NotMail,
    #[error("the message has no date")]
    NoDate,
}

fn address(a: &mail_parser::Addr<'_>) -> Option<MailAddress> {
    let email = a.address()?.trim().to_lowercase();
    email.contains('@').then(|| MailAddress {
        email,
        name: a
            .name()
            .map(|n| n.trim().trim_matches('"').trim().to_owned())
            .filter(|n| !n.is_empty()),
    })
}

/// A stable key for a message without a Message-ID: FNV-1a over its headers that do not
/// change between copies (From, To, Cc, Date, Subject).
fn header_hash(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("hash:{h:016x}")
}

/// Reads one message.
pub fn parse_message(bytes: &[u8]) -> Result<MailMessage, MailError> {
    let m = mail_parser::MessageParser::new()
        .parse(bytes)
        .ok_or(MailError::NotMail)?;
    let from = m
        .from()
        .and_then(|f| f.first())
        .and_then(address)
        .ok_or(MailError::NotMail)?;
    let at = m
        .date()
        .and_then(|d| Timestamp::from_second(d.to_timestamp()).ok())
        .ok_or(MailError::NoDate)?;
    let mut to: Vec<MailAddress> = Vec::new();
    for list in [m.to(), m.cc()].into_iter().flatten() {
        for a in list.iter().filter_map(address) {
            if !to.iter().any(|t| t.email == a.email) {
                to.push(a);
            }
        }
    }
    let subject = m.subject().unwrap_or_default().trim().to_owned();
    let message_id = m
        .message_id()
        .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
        .filter(|id| !id.is_empty());
    let key = match &message_id {
        Some(id) => format!("id:{id}"),
        None => {
            let tos: Vec<&str> = to.iter().map(|a| a.email.as_str()).collect();
            let tos = tos.join(",");
            header_hash(&[&from.email, &tos, &at.to_string(), &subject])
        }
    };
    let body = m.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    // Written by a machine: an auto-reply (RFC 3834), a list or bulk mail.
    let header = |name: &str| {
        m.header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
    };
    let automatic = header("Auto-Submitted").is_some_and(|v| v != "no")
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("List-Id").is_some()
        || header("List-Unsubscribe").is_some()
        || header("Precedence")
            .is_some_and(|v| ["bulk", "list", "junk", "auto_reply"].contains(&v.as_str()));
    // A NUL is nobody's text (and PostgreSQL refuses it).
    let clean = |t: String| {
        if t.contains('\0') {
            t.replace('\0', "")
        } else {
            t
        }
    };
    let clean_address = |a: MailAddress| MailAddress {
        email: clean(a.email),
        name: a.name.map(clean),
    };
    Ok(MailMessage {
        key: clean(key),
        message_id: message_id.map(clean),
        at,
        from: clean_address(from),
        to: to.into_iter().map(clean_address).collect(),
        subject: clean(subject),
        text: clean(new_text(&body)),
        automatic,
    })
}

/// Where a reply's quotation starts: "On Mon, 3 Mar 2025, Ana wrote:", "Le … a écrit :",
/// "Am … schrieb …:", "El … escribió:", and the headers Outlook puts above a quoted message.
fn starts_quotation(line: &str) -> bool {
    let l = line.trim();
    let lower = l.to_lowercase();
    (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("le ")
            && (lower.ends_with("a écrit :") || lower.ends_with("a écrit:")))
        || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
        || (lower.starts_with("el ") && lower.ends_with("escribió:"))
        || lower.starts_with("-----original message-----")
        || lower.starts_with("---------- forwarded message")
        || lower.starts_with("-------- original message")
        || lower.starts_with("begin forwarded message:")
        || (lower.starts_with("from:") && lower.len() > 5 && l.contains('@'))
        || lower == "________________________________"
}

/// The text a message adds: everything before its first quoted line, quotation header,
/// forwarded part or signature ("-- "), with quoted lines (">") dropped wherever they are.
pub fn new_text(body: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in body.lines() {
        let trimmed_end = line.trim_end_matches('\r');
        if trimmed_end == "-- " || trimmed_end == "--" || starts_quotation(trimmed_end) {
            break;
        }
        if trimmed_end.trim_start().starts_with('>') {
            continue;
        }
        out.push(trimmed_end.trim_end());
    }
    // No runs of blank lines, none at either end.
    let mut text = String::new();
    let mut blank = false;
    for line in out {
        if line.is_empty() {
            blank = !text.is_empty();
            continue;
        }
        if blank {
            text.push_str("\n\n");
            blank = false;
        } else if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    }
    text
}

/// Whether a file's first bytes are an mbox's ("From " and a sender).
pub fn looks_like_mbox(start: &[u8]) -> bool {
    start.starts_with(b"From ")
}

/// One entry of an mbox: a message's bytes, or one too large to read.
#[derive(Debug, PartialEq, Eq)]
pub enum MboxEntry {
    Message(Vec<u8>),
    /// Skipped: more than [`MAX_MESSAGE_BYTES`]; its size as read.
    TooLarge(u64),
}

/// Splits an mbox (mboxo/mboxrd: messages after "From " lines, ">From " unquoted) message by
/// message; a message over the limit is skipped as it streams by, never held whole.
#[derive(Debug)]
pub struct Mbox<R: BufRead> {
    reader: R,
    /// The next message's "From " line was read already.
    started: bool,
    done: bool,
    limit: u64,
}

impl<R: BufRead> Mbox<R> {
    pub fn new(reader: R) -> Mbox<R> {
        Mbox::with_limit(reader, MAX_MESSAGE_BYTES)
    }

    pub fn with_limit(reader: R, limit: u64) -> Mbox<R> {
        Mbox {
            reader,
            started: false,
            done: false,
            limit,
        }
    }
}

impl<R: BufRead> Iterator for Mbox<R> {
    type Item = std::io::Result<MboxEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut message: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let mut line: Vec<u8> = Vec::new();
        loop {
            line.clear();
            let n = match self.reader.read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if n == 0 {
                self.done = true;
                break;
            }
            if line.starts_with(b"From ") {
                if self.started {
                    // The next message begins: this one is complete.
                    return Some(Ok(entry(message, size, self.limit)));
                }
                self.started = true;
                continue;
            }
            if !self.started {
                // Text before the first "From " line: not an mbox message.
                continue;
            }
            size += n as u64;
            if size <= self.limit {
                // mboxrd: ">From " (and ">>From ") lines were quoted on the way in.
                let unquoted = if line.starts_with(b">")
                    && line
                        .iter()
                        .skip_while(|b| **b == b'>')
                        .take(5)
                        .eq(b"From ".iter())
                {
                    &line[1..]
                } else {
                    &line[..]
                };
                message.extend_from_slice(unquoted);
            } else if !message.is_empty() {
                message = Vec::new();
            }
        }
        (self.started && size > 0).then(|| Ok(entry(message, size, self.limit)))
    }
}

fn entry(message: Vec<u8>, size: u64, limit: u64) -> MboxEntry {
    if size > limit {
        MboxEntry::TooLarge(size)
    } else {
        MboxEntry::Message(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Ana Lima <Ana@Example.com>\r\n\
To: Me <me@rapport.example>\r\n\
Cc: Bo <bo@example.com>, me@rapport.example\r\n\
Date: Tue, 3 Nov 2026 10:15:00 +0100\r\n\
Subject: Re: The quote\r\n\
Message-ID: <abc@example.com>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Thanks, we'll pay the invoice by the end of the month.\r\n\
\r\n\
\r\n\
Ana\r\n\
-- \r\n\
Ana Lima, Vins du Rh\u{f4}ne\r\n\
\r\n\
On Mon, 2 Nov 2026, Me <me@rapport.example> wrote:\r\n\
> I'll send you the revised quote by Friday.\r\n";

    #[test]
    fn a_reply_reads_as_who_when_and_what_it_adds() {
        let m = parse_message(REPLY.as_bytes()).expect("a message");
        assert_eq!(m.from.email, "ana@example.com");
        assert_eq!(m.from.name.as_deref(), Some("Ana Lima"));
        let to: Vec<&str> = m.to.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(to, ["me@rapport.example", "bo@example.com"]);
        assert_eq!(m.at.to_string(), "2026-11-03T09:15:00Z");
        assert_eq!(m.subject, "Re: The quote");
        assert_eq!(m.key, "id:abc@example.com");
        assert_eq!(
            m.text,
            "Thanks, we'll pay the invoice by the end of the month.\n\nAna"
        );
    }

    #[test]
    fn quotations_forwards_and_signatures_are_not_new_text() {
        let cases = [
            ("Yes.\n> quoted\nStill mine.", "Yes.\nStill mine."),
            (
                "Sure.\nLe lun. 2 nov. 2026, Ana a écrit :\n> Bonjour",
                "Sure.",
            ),
            (
                "See below.\n-----Original Message-----\nFrom: x@y.z",
                "See below.",
            ),
            (
                "FYI\n---------- Forwarded message ---------\nFrom: a@b.c",
                "FYI",
            ),
            ("Done\n--\nJo", "Done"),
            ("Top\nFrom: Ana <ana@example.com>\nSent: Monday", "Top"),
        ];
        for (body, want) in cases {
            assert_eq!(new_text(body), want, "{body:?}");
        }
    }

    #[test]
    fn without_a_message_id_the_key_is_the_same_for_every_copy() {
        let copy = REPLY.replace("Message-ID: <abc@example.com>\r\n", "");
        let a = parse_message(copy.as_bytes()).expect("a");
        let b = parse_message(copy.replace("Thanks", "Thank you").as_bytes()).expect("b");
        assert!(a.key.starts_with("hash:"));
        assert_eq!(a.key, b.key, "the body is not part of the key");
        assert_eq!(a.message_id, None);
    }

    #[test]
    fn what_is_not_mail_is_said_so() {
        assert_eq!(
            parse_message(b"BEGIN:VCARD\r\nFN:Ana\r\nEND:VCARD\r\n"),
            Err(MailError::NotMail)
        );
        assert_eq!(
            parse_message(b"From: a@b.example\r\nSubject: x\r\n\r\nhi"),
            Err(MailError::NoDate)
        );
        assert_eq!(parse_message(b""), Err(MailError::NotMail));
    }

    #[test]
    fn an_mbox_splits_and_skips_what_is_too_large() {
        let mbox = "From a@b Sat Jan  3 01:05:34 1996\n\
From: a@b.example\nDate: Sat, 3 Jan 1996 01:05:34 +0000\nSubject: one\n\n>From the start\nbody\n\
From c@d Sun Jan  4 10:00:00 1996\n\
From: c@d.example\nDate: Sun, 4 Jan 1996 10:00:00 +0000\nSubject: two\n\n"
            .to_owned()
            + &"x".repeat(300)
            + "\nFrom e@f Mon Jan  5 10:00:00 1996\nFrom: e@f.example\nDate: Mon, 5 Jan 1996 10:00:00 +0000\nSubject: three\n\nshort\n";
        let entries: Vec<MboxEntry> = Mbox::with_limit(mbox.as_bytes(), 200)
            .collect::<std::io::Result<_>>()
            .expect("read");
        assert_eq!(entries.len(), 3);
        let MboxEntry::Message(first) = &entries[0] else {
            panic!("the first is a message")
        };
        let first = parse_message(first).expect("parsed");
        assert_eq!(first.subject, "one");
        assert_eq!(first.text, "From the start\nbody", "mboxrd unquoted");
        assert!(matches!(entries[1], MboxEntry::TooLarge(n) if n > 200));
        let MboxEntry::Message(third) = &entries[2] else {
            panic!("the third is a message")
        };
        assert_eq!(parse_message(third).expect("parsed").subject, "three");
    }
}
