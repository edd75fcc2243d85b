//! iCalendar (RFC 5545) out: the calendar feed. Lines end in CRLF and are folded at 75
//! octets without splitting a UTF-8 character; text is escaped (`\`, `;`, `,`, newlines);
//! all-day events end the day after (DTEND is exclusive); yearly dates recur, 29 February on
//! the last day of February.

use jiff::Timestamp;
use jiff::civil::Date;
use rapport_core::dates::YearlyDate;

pub use rapport_core::feed::{Event, When};

/// Escapes TEXT (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (a continuation starts with a space, which
/// counts), never inside a UTF-8 character, CRLF-terminated.
pub fn push_line(out: &mut String, line: &str) {
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

fn date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn instant(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The first day on or after `since` that `date` falls on (29 February on the last day of
/// February in other years).
fn first_on_or_after(date: YearlyDate, since: Date) -> Date {
    date.next_on_or_after(since)
}

/// A whole calendar.
pub fn calendar(name: &str, now: Timestamp, events: &[Event]) -> String {
    let mut out = String::with_capacity(256 + events.len() * 300);
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Rapport//Rapport calendar feed//EN");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = instant(now);
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&e.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        match &e.when {
            When::Day(d) => {
                push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(*d)));
                let next = d.tomorrow().unwrap_or(*d);
                push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(next)));
                push_line(&mut out, "TRANSP:TRANSPARENT");
            }
            When::Yearly { date: y, since } => {
                let first = first_on_or_after(*y, *since);
                push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(first)));
                let next = first.tomorrow().unwrap_or(first);
                push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(next)));
                let rule = if y.month == 2 && y.day == 29 {
                    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1".to_owned()
                } else {
                    "RRULE:FREQ=YEARLY".to_owned()
                };
                push_line(&mut out, &rule);
                push_line(&mut out, "TRANSP:TRANSPARENT");
            }
            When::At { start, minutes } => {
                push_line(&mut out, &format!("DTSTART:{}", instant(*start)));
                let end = start
                    .checked_add(jiff::SignedDuration::from_mins(i64::from(*minutes)))
                    .unwrap_or(*start);
                push_line(&mut out, &format!("DTEND:{}", instant(end)));
            }
        }
        push_line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(d) = &e.description {
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(d)));
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_never_splits_a_character_and_keeps_lines_short() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Élodie’s 🍷 wine, ".repeat(12));
        push_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn text_is_escaped_and_all_day_ends_the_next_day() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let now = Timestamp::UNIX_EPOCH;
        let cal = calendar(
            "Ana's promises",
            now,
            &[
                Event {
                    uid: "c-1@rapport".into(),
                    summary: "Send the samples; today".into(),
                    description: None,
                    when: When::Day(jiff::civil::date(2026, 12, 31)),
                },
                Event {
                    uid: "d-1@rapport".into(),
                    summary: "Sofia's birthday".into(),
                    description: Some("Ana's daughter".into()),
                    when: When::Yearly {
                        date: YearlyDate::new(Some(2016), 2, 29).expect("date"),
                        since: jiff::civil::date(2026, 11, 25),
                    },
                },
            ],
        );
        assert!(cal.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(cal.contains("SUMMARY:Send the samples\\; today\r\n"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20270228\r\n"), "{cal}");
        assert!(cal.contains("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1\r\n"));
        assert!(cal.contains("DTSTAMP:19700101T000000Z\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
    }
}
