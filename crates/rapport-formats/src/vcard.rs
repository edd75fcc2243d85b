//! vCard in and out.
//!
//! Reading is done card by card ([`Reader`]): lines are gathered from `BEGIN:VCARD` to its
//! `END:VCARD`, decoded (UTF-8, else Windows-1252) and handed to calcard, which copes with
//! 2.1's quoted-printable and charsets, grouped properties (`item1.EMAIL`), folding and CRLF
//! or LF. Each card becomes a [`Card`] or a [`CardError`] naming the card and its line, so one
//! bad card never hides the others, and memory holds one card at a time.
//!
//! Mapping: FN (else N, else ORG) to the name, ORG to the organisation, EMAIL, TEL,
//! CATEGORIES to tags, BDAY and ANNIVERSARY to yearly dates, NOTE to notes; Rapport's own
//! `X-RAPPORT-TYPE` and `X-RAPPORT-VIP` carry the relationship on a round trip.

use std::io::BufRead;

use calcard::vcard::{VCard, VCardEntry, VCardProperty, VCardValue, VCardVersion};
use rapport_core::contact::{Contact, RelationshipType};
use rapport_core::dates::YearlyDate;
use rapport_core::fact::{Fact, FactKind};

/// The largest card read (photos are embedded in base64 by some exporters).
pub const MAX_CARD_BYTES: usize = 8 * 1024 * 1024;

/// What a card says about a contact.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Card {
    pub name: String,
    pub organisation: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    /// From `X-RAPPORT-TYPE` (cards Rapport wrote).
    pub relationship: Option<RelationshipType>,
    /// From `X-RAPPORT-VIP`.
    pub vip: bool,
    pub birthday: Option<YearlyDate>,
    pub anniversary: Option<YearlyDate>,
    pub notes: Vec<String>,
    /// Where we met (`X-RAPPORT-MET`, LinkedIn's connections, a `met` column).
    pub met: Option<String>,
    /// When we met (`X-RAPPORT-MET-ON`, LinkedIn's "Connected On", a `met_on` column).
    pub met_on: Option<jiff::civil::Date>,
    /// Who introduced us, by name (`X-RAPPORT-INTRODUCED-BY`, an `introduced_by` column):
    /// kept in a note, since a name in a file is not matched to a contact.
    pub introduced_by: Option<String>,
    /// What was read but not kept as it claims to be, and why (an impossible BDAY, an
    /// email that is not one...): the card is imported with it in a note, and the import
    /// report names it.
    pub warnings: Vec<String>,
    /// Dates that are no date, as (property, value written): [`Card::repair`] keeps them
    /// in a note.
    pub unreadable: Vec<(String, String)>,
    /// Values past [`MAX_VALUES`] of a kind (emails, phones, tags, notes): not kept.
    pub dropped: usize,
    /// Nothing on it that Rapport keeps (an empty card, a card with only an address, or
    /// stray lines outside any card): skipped, with its warning, never a reason to refuse
    /// the file.
    pub empty: bool,
}

/// Why a card (or a stretch of the file) could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("card {number} (line {line}): {message}")]
pub struct CardError {
    /// 1-based position of the card in the file (0: outside any card).
    pub number: usize,
    /// The line the card starts on.
    pub line: usize,
    pub message: String,
}

/// Reads cards one at a time from a file or any buffered reader.
#[derive(Debug)]
pub struct Reader<R> {
    input: R,
    line: usize,
    cards: usize,
    done: bool,
    /// A `BEGIN:VCARD` line read while skipping stray lines: the next card's first line.
    pending_begin: Option<Vec<u8>>,
    /// The number and first line of the card last returned.
    last: (usize, usize),
    /// Stretches of text found outside any card.
    stray: usize,
    /// A read that failed after stray text: returned next.
    failed: Option<CardError>,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            line: 0,
            cards: 0,
            done: false,
            pending_begin: None,
            last: (0, 0),
            stray: 0,
            failed: None,
        }
    }

    /// Stretches of text found outside any card so far.
    pub fn stray(&self) -> usize {
        self.stray
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> usize {
        self.line
    }

    /// The number (1-based) and first line of the card last returned.
    pub fn last_card(&self) -> (usize, usize) {
        self.last
    }

    fn next_line(&mut self, buf: &mut Vec<u8>) -> Result<bool, CardError> {
        buf.clear();
        match self.input.read_until(b'\n', buf) {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.line += 1;
                Ok(true)
            }
            Err(e) => Err(CardError {
                number: self.cards,
                line: self.line + 1,
                message: format!("cannot read the file: {e}"),
            }),
        }
    }
}

/// Whether a line starts with `prefix`, any case; a folded continuation (a line starting
/// with a space or tab, as a nested AGENT card's are) never does.
fn starts_with_ci(line: &[u8], prefix: &[u8]) -> bool {
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Card, CardError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        // Find the next card's start; anything else that is not blank is reported.
        loop {
            if let Some(begin) = self.pending_begin.take() {
                line = begin;
                break;
            }
            match self.next_line(&mut line) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            if starts_with_ci(&line, b"BEGIN:VCARD") {
                break;
            }
            if !line.trim_ascii().is_empty() {
                // One error for a whole stretch of stray lines, then on to the next card.
                let (first, text) = (self.line, crate::text::decode(line.trim_ascii()));
                let preview: String = text.chars().take(40).collect();
                let mut last = first;
                loop {
                    match self.next_line(&mut line) {
                        Ok(true) if starts_with_ci(&line, b"BEGIN:VCARD") => {
                            self.pending_begin = Some(line.clone());
                            break;
                        }
                        Ok(true) => last = self.line,
                        Ok(false) => {
                            self.done = true;
                            break;
                        }
                        // Said on the next call: a file that cannot be read is refused.
                        Err(e) => {
                            self.done = true;
                            self.failed = Some(e);
                            break;
                        }
                    }
                }
                let lines = if last > first {
                    format!("lines {first}-{last} are")
                } else {
                    format!("line {first} is")
                };
                // Stray text is skipped and said, never a reason to refuse the cards around
                // it (a file with no card at all is refused by the import).
                self.stray += 1;
                self.last = (self.cards, first);
                return Some(Ok(Card {
                    empty: true,
                    warnings: vec![format!(
                        "{lines} not inside a card (BEGIN:VCARD ... END:VCARD), starting {preview:?}: skipped"
                    )],
                    ..Card::default()
                }));
            }
        }
        self.cards += 1;
        let (number, start) = (self.cards, self.line);
        self.last = (number, start);
        let mut card = line.clone();
        let mut depth = 1;
        let mut too_big = false;
        while depth > 0 {
            match self.next_line(&mut line) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return Some(Err(CardError {
                        number,
                        line: start,
                        message: "the card never ends (no END:VCARD: is the file cut short?)"
                            .into(),
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            if starts_with_ci(&line, b"BEGIN:VCARD") {
                depth += 1;
            } else if starts_with_ci(&line, b"END:VCARD") {
                depth -= 1;
            }
            if card.len() + line.len() > MAX_CARD_BYTES {
                too_big = true;
            } else if !too_big {
                card.extend_from_slice(&line);
            }
        }
        if too_big {
            return Some(Err(CardError {
                number,
                line: start,
                message: format!("the card is larger than {} MiB", MAX_CARD_BYTES >> 20),
            }));
        }
        let text = crate::text::decode(&card);
        Some(
            parse_card(&text)
                .map(repaired)
                .map_err(|message| CardError {
                    number,
                    line: start,
                    message,
                }),
        )
    }
}

fn repaired(mut c: Card) -> Card {
    c.repair();
    c
}

/// Reads every card of a text (for tests and small inputs).
pub fn read_all(text: &str) -> Vec<Result<Card, CardError>> {
    Reader::new(text.as_bytes()).collect()
}

/// A date without a year written `--MM-DD` (3.0 exporters do) as `--MMDD` (RFC 6350), which
/// is the form calcard reads; other lines are left alone.
fn normalise_dates(text: &str) -> std::borrow::Cow<'_, str> {
    let apple = text.to_ascii_uppercase().contains("X-APPLE-OMIT-YEAR=");
    if !text.contains(":--") && !apple {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let upper = line.to_ascii_uppercase();
        let name = upper.split([':', ';']).next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name);
        // iOS writes a birthday without a year as that year: `BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-05`.
        if (name == "BDAY" || name == "ANNIVERSARY")
            && let Some(at) = upper.find("X-APPLE-OMIT-YEAR=")
            && let Some(colon) = line[at..].find(':').map(|c| at + c)
        {
            let year = &upper[at + 18..colon];
            let year = year.split(';').next().unwrap_or("").trim();
            let value = line[colon + 1..].trim_end();
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if year.len() == 4 && digits.len() == 8 && digits.starts_with(year) {
                out.push_str(&line[..colon + 1]);
                out.push_str("--");
                out.push_str(&digits[4..]);
                out.push_str(&line[colon + 1 + value.len()..]);
                continue;
            }
        }
        if (name == "BDAY" || name == "ANNIVERSARY")
            && let Some(at) = line.find(":--")
        {
            let value = &line[at + 3..];
            let b = value.as_bytes();
            if b.len() >= 5 && b[2] == b'-' && b[..2].iter().chain(&b[3..5]).all(u8::is_ascii_digit)
            {
                out.push_str(&line[..at + 3]);
                out.push_str(&value[..2]);
                out.push_str(&value[3..]);
                continue;
            }
        }
        out.push_str(line);
    }
    std::borrow::Cow::Owned(out)
}

/// One card's text (BEGIN to END) as a [`Card`].
pub fn parse_card(text: &str) -> Result<Card, String> {
    card_of(&parse_vcard(text)?)
}

/// One card's text parsed by calcard (dates without a year made readable first).
pub(crate) fn parse_vcard(text: &str) -> Result<VCard, String> {
    let text = normalise_dates(text);
    VCard::parse(text.as_ref()).map_err(|e| match e {
        calcard::Entry::InvalidLine(l) => {
            let preview: String = l.chars().take(60).collect();
            format!("unreadable line {preview:?}")
        }
        calcard::Entry::UnterminatedComponent(_) => "the card never ends".into(),
        other => format!("not a vCard ({other:?})"),
    })
}

/// The texts of an entry's values, components flattened in order.
pub(crate) fn texts(e: &VCardEntry) -> Vec<String> {
    let mut out = Vec::new();
    for v in &e.values {
        match v {
            VCardValue::Text(t) => out.push(t.clone()),
            VCardValue::Component(parts) => out.extend(parts.iter().cloned()),
            VCardValue::Integer(i) => out.push(i.to_string()),
            _ => {}
        }
    }
    out
}

pub(crate) fn first_text(e: &VCardEntry) -> Option<String> {
    texts(e)
        .into_iter()
        .map(|t| t.trim().to_owned())
        .find(|t| !t.is_empty())
}

/// A BDAY or ANNIVERSARY as a yearly date: `Ok(None)` when the property is empty, the value
/// as written when it holds something that is not a calendar date (1985-02-30).
fn yearly_date(e: &VCardEntry) -> Result<Option<YearlyDate>, String> {
    let mut seen = None;
    for v in &e.values {
        match v {
            VCardValue::PartialDateTime(p) => {
                let shown = format!(
                    "{}-{:02}-{:02}",
                    p.year.map_or_else(|| "-".to_owned(), |y| y.to_string()),
                    p.month.unwrap_or(0),
                    p.day.unwrap_or(0)
                );
                let (Some(month), Some(day)) = (p.month, p.day) else {
                    seen = Some(shown);
                    continue;
                };
                let year = p.year.and_then(|y| i16::try_from(y).ok());
                let date = i8::try_from(month)
                    .ok()
                    .zip(i8::try_from(day).ok())
                    .and_then(|(m, d)| YearlyDate::new(year, m, d).ok());
                return date.map(Some).ok_or(shown);
            }
            VCardValue::Text(t) => {
                // Some exporters write dates calcard leaves as text: 1980-03-14, 19800314,
                // --03-14, --0314.
                if t.trim().is_empty() {
                    continue;
                }
                let digits: String = t.trim().chars().filter(char::is_ascii_digit).collect();
                let no_year = t.trim().starts_with("--");
                let (year, rest) = match (no_year, digits.len()) {
                    (true, 4) => (None, digits.as_str()),
                    (false, 8) => (digits[..4].parse().ok(), &digits[4..]),
                    _ => {
                        seen = Some(t.trim().to_owned());
                        continue;
                    }
                };
                let date = rest[..2]
                    .parse()
                    .ok()
                    .zip(rest[2..4].parse().ok())
                    .and_then(|(m, d)| YearlyDate::new(year, m, d).ok());
                return date.map(Some).ok_or_else(|| t.trim().to_owned());
            }
            _ => {}
        }
    }
    match seen {
        Some(v) => Err(v),
        None => Ok(None),
    }
}

/// Adds a value unless the list has it (any case) or is full ([`MAX_VALUES`]): true when
/// it was dropped for want of room.
pub(crate) fn push_unique(list: &mut Vec<String>, value: String) -> bool {
    if value.is_empty() || list.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
        return false;
    }
    if list.len() >= MAX_VALUES {
        return true;
    }
    list.push(value);
    false
}

/// The most emails, phone numbers, tags or notes one card keeps.
pub const MAX_VALUES: usize = 200;

/// The name of a card that carries something worth keeping but no name.
pub const UNNAMED: &str = "Unnamed contact";

/// Maps a parsed card; an error says what makes it unusable.
pub fn card_of(v: &VCard) -> Result<Card, String> {
    let mut c = Card::default();
    let mut full_name = None;
    let mut structured = None;
    let mut nickname = None;
    for e in &v.entries {
        match &e.name {
            VCardProperty::Fn => full_name = full_name.or_else(|| first_text(e)),
            VCardProperty::N => {
                // family; given; additional; prefix; suffix
                let parts: Vec<String> = texts(e).iter().map(|p| p.trim().to_owned()).collect();
                let at = |i: usize| parts.get(i).map(String::as_str).unwrap_or("");
                let name = [at(3), at(1), at(2), at(0), at(4)]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !name.is_empty() {
                    structured = structured.or(Some(name));
                }
            }
            VCardProperty::Org => c.organisation = c.organisation.take().or_else(|| first_text(e)),
            VCardProperty::Nickname => nickname = nickname.or_else(|| first_text(e)),
            VCardProperty::Email => {
                if let Some(t) = first_text(e) {
                    let t = t.strip_prefix("mailto:").unwrap_or(&t).trim().to_owned();
                    c.dropped += usize::from(push_unique(&mut c.emails, t));
                }
            }
            VCardProperty::Tel => {
                if let Some(t) = first_text(e) {
                    let t = t.strip_prefix("tel:").unwrap_or(&t).trim().to_owned();
                    c.dropped += usize::from(push_unique(&mut c.phones, t));
                }
            }
            VCardProperty::Categories => {
                for t in texts(e) {
                    for tag in t.split(',') {
                        c.dropped += usize::from(push_unique(&mut c.tags, tag.trim().to_owned()));
                    }
                }
            }
            VCardProperty::Bday if c.birthday.is_none() => match yearly_date(e) {
                Ok(d) => c.birthday = d,
                Err(v) => c.unreadable.push(("BDAY".into(), v)),
            },
            VCardProperty::Anniversary if c.anniversary.is_none() => match yearly_date(e) {
                Ok(d) => c.anniversary = d,
                Err(v) => c.unreadable.push(("ANNIVERSARY".into(), v)),
            },
            VCardProperty::Note => {
                let note = texts(e).join("\n").trim().to_owned();
                if c.notes.len() >= MAX_VALUES {
                    c.dropped += 1;
                } else if !note.is_empty() {
                    c.notes.push(note);
                }
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-RAPPORT-TYPE") => {
                if let Some(t) = first_text(e) {
                    match t.parse() {
                        Ok(r) => c.relationship = Some(r),
                        Err(_) => c.unreadable.push(("X-RAPPORT-TYPE".into(), t)),
                    }
                }
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-RAPPORT-MET") => {
                c.met = first_text(e)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty());
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-RAPPORT-INTRODUCED-BY") => {
                c.introduced_by = first_text(e)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty());
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-RAPPORT-MET-ON") => {
                if let Some(t) = first_text(e) {
                    match met_date(&t) {
                        Some(d) => c.met_on = Some(d),
                        None => c.unreadable.push(("X-RAPPORT-MET-ON".into(), t)),
                    }
                }
            }
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-RAPPORT-VIP") => {
                c.vip = first_text(e).is_some_and(|t| {
                    t.eq_ignore_ascii_case("true") || t == "1" || t.eq_ignore_ascii_case("yes")
                });
            }
            _ => {}
        }
    }
    // A card Rapport wrote says where we met twice: in its own properties, and in the note
    // line it wrote for other applications. That note is not kept twice; any other is.
    if let Some(phrase) =
        rapport_core::contact::met_phrase(c.met.as_deref(), c.met_on, c.introduced_by.as_deref())
    {
        let ours = format!("{MET_NOTE}{phrase}");
        c.notes.retain(|n| n.trim() != ours);
    }
    c.name = match full_name
        .or(structured)
        .or_else(|| c.organisation.clone())
        .or(nickname)
    {
        Some(name) => name,
        // A card with only an email or a phone is named from it, and the report says so.
        None => match c.name_from_handles() {
            Some(n) => n,
            None if c.tags.is_empty()
                && c.birthday.is_none()
                && c.anniversary.is_none()
                && c.notes.is_empty()
                && c.unreadable.is_empty()
                && c.emails.is_empty()
                && c.phones.is_empty() =>
            {
                c.empty = true;
                c.warnings.push(
                    "the card holds nothing Rapport keeps (no name, email, phone, date or note): skipped"
                        .into(),
                );
                String::new()
            }
            None => {
                c.warnings.push(format!(
                    "no name, email or phone: imported as {UNNAMED:?}; give it a name"
                ));
                UNNAMED.to_owned()
            }
        },
    };
    Ok(c)
}

impl Card {
    /// A name for a card that has none, from its first email (else phone) that is one; the
    /// report says so.
    pub(crate) fn name_from_handles(&mut self) -> Option<String> {
        use rapport_core::contact::{is_email, is_phone};
        let handle = self
            .emails
            .iter()
            .find(|e| is_email(e))
            .or(self.phones.iter().find(|p| is_phone(p)))
            .cloned()?;
        self.warnings.push(format!(
            "no name: the contact is named {handle:?} after its email or phone"
        ));
        Some(handle)
    }

    /// Keeps what cannot be taken as what its property says in a note named by the
    /// property, and reports it: an email or phone that is not one ("ask Jenny for Lisa's
    /// number", "+49 MOBIL"), a date that is no date. The card is imported all the same.
    pub fn repair(&mut self) {
        use rapport_core::contact::{is_email, is_phone};
        let mut kept = Vec::new();
        for (prop, list, ok, what) in [
            (
                "EMAIL",
                &mut self.emails,
                is_email as fn(&str) -> bool,
                "an email address",
            ),
            (
                "TEL",
                &mut self.phones,
                is_phone as fn(&str) -> bool,
                "a phone number",
            ),
        ] {
            let (good, bad): (Vec<String>, Vec<String>) =
                std::mem::take(list).into_iter().partition(|v| ok(v));
            *list = good;
            for v in bad {
                kept.push((prop.to_owned(), v, what));
            }
        }
        for (prop, v) in std::mem::take(&mut self.unreadable) {
            let what = if prop == "X-RAPPORT-TYPE" {
                "a relationship type"
            } else {
                "a date"
            };
            kept.push((prop, v, what));
        }
        for (prop, v, what) in kept {
            self.warnings
                .push(format!("{prop} {v:?} is not {what}: kept in a note"));
            self.notes.push(format!("{prop}: {v}"));
        }
        self.repair_text();
    }

    /// Text Rapport would refuse is made acceptable, and said: control characters (a NUL,
    /// a line break in an organisation) become spaces; a name or organisation longer than
    /// a field holds is cut, the whole of it kept in a note; a tag that cannot be one goes
    /// to a note; a note longer than a fact holds is split; values past the card's limit
    /// are counted.
    fn repair_text(&mut self) {
        use rapport_core::contact::MAX_FIELD_CHARS;
        use rapport_core::fact::MAX_FACT_CHARS;
        let clean = |v: &str| -> String {
            v.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut notes_to_add = Vec::new();
        let cleaned = clean(&self.name);
        if cleaned != self.name.split_whitespace().collect::<Vec<_>>().join(" ") {
            self.warnings
                .push("the name held control characters: replaced by spaces".into());
        }
        self.name = cleaned;
        if self.name.is_empty() {
            self.warnings.push(format!(
                "the name is nothing but control characters: imported as {UNNAMED:?}"
            ));
            self.name = UNNAMED.to_owned();
        }
        if self.name.chars().count() > MAX_FIELD_CHARS {
            self.warnings.push(format!(
                "the name is longer than {MAX_FIELD_CHARS} characters: cut, the whole of it kept in a note"
            ));
            notes_to_add.push(format!("Name: {}", self.name));
            self.name = self.name.chars().take(MAX_FIELD_CHARS).collect();
        }
        if let Some(org) = self.organisation.take() {
            let mut o = clean(&org);
            if o != org.trim() {
                self.warnings
                    .push("the organisation held control characters: replaced by spaces".into());
            }
            if o.chars().count() > MAX_FIELD_CHARS {
                self.warnings.push(format!(
                    "the organisation is longer than {MAX_FIELD_CHARS} characters: cut, the whole of it kept in a note"
                ));
                notes_to_add.push(format!("Organisation: {o}"));
                o = o.chars().take(MAX_FIELD_CHARS).collect();
            }
            self.organisation = (!o.is_empty()).then_some(o);
        }
        // Who introduced us, by name, is kept in a note: a name in a file is not matched to
        // a contact (`rapport referral` records the introduction).
        if let Some(by) = self.introduced_by.take() {
            notes_to_add.push(format!("Introduced by {by}"));
        }
        if let Some(met) = self.met.take() {
            let mut m = clean(&met);
            if m.chars().count() > MAX_FIELD_CHARS {
                self.warnings.push(format!(
                    "where we met is longer than {MAX_FIELD_CHARS} characters: cut, the whole of it kept in a note"
                ));
                notes_to_add.push(format!("Met: {m}"));
                m = m.chars().take(MAX_FIELD_CHARS).collect();
            }
            self.met = (!m.is_empty()).then_some(m);
        }
        // A day we met cannot be after today anywhere on Earth.
        let latest = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(14))
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        if let Some(d) = self.met_on.filter(|d| *d > latest || d.year() < 1900) {
            self.warnings.push(format!(
                "met on {d} is in the future or before 1900: kept in a note"
            ));
            notes_to_add.push(format!("Met on: {d}"));
            self.met_on = None;
        }
        let tags = std::mem::take(&mut self.tags);
        for t in tags {
            let bad = t.chars().any(char::is_control)
                || t.chars().count() > MAX_FIELD_CHARS
                || t.contains(',');
            if bad {
                self.warnings.push(format!(
                    "CATEGORIES {:?} is not a tag: kept in a note",
                    clean(&t)
                ));
                notes_to_add.push(format!("CATEGORIES: {}", clean(&t)));
            } else {
                self.tags.push(t);
            }
        }
        let mut notes = Vec::with_capacity(self.notes.len());
        for n in std::mem::take(&mut self.notes)
            .into_iter()
            .chain(notes_to_add)
        {
            let n = n.replace('\0', " ");
            if n.trim().is_empty() {
                continue;
            }
            if n.chars().count() <= MAX_FACT_CHARS {
                notes.push(n);
                continue;
            }
            self.warnings.push(format!(
                "a note longer than {MAX_FACT_CHARS} characters: kept in parts"
            ));
            let chars: Vec<char> = n.chars().collect();
            for part in chars.chunks(MAX_FACT_CHARS) {
                let part: String = part.iter().collect();
                if !part.trim().is_empty() {
                    notes.push(part);
                }
            }
        }
        self.notes = notes;
        if self.dropped > 0 {
            self.warnings.push(format!(
                "{} values past the {MAX_VALUES} emails, phones, tags or notes a card keeps: not kept",
                self.dropped
            ));
        }
    }

    /// Whether the card becomes a contact and facts Rapport takes, as an import checks
    /// them (an error says what it refuses). After [`Card::repair`], every card that is not
    /// `empty` does: the fuzz targets hold the readers to it.
    pub fn importable(&self) -> Result<(), String> {
        let now = jiff::Timestamp::now();
        let (new, facts) = self.to_new(RelationshipType::Peer);
        let contact = new
            .into_contact(rapport_core::ids::UserId::generate(), now)
            .map_err(|e| e.message)?;
        for f in facts {
            f.into_fact(contact.id.clone(), now)
                .map_err(|e| e.message)?;
        }
        Ok(())
    }

    /// The contact to create from this card (its type: the card's own, else `default`),
    /// checked as if typed in; and the facts to record on it.
    pub fn to_new(
        &self,
        default: RelationshipType,
    ) -> (
        rapport_core::contact::NewContact,
        Vec<rapport_core::fact::NewFact>,
    ) {
        let new = rapport_core::contact::NewContact {
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            relationship: Some(self.relationship.unwrap_or(default)),
            vip: self.vip,
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            tags: self.tags.clone(),
            met: self.met.clone(),
            met_on: self.met_on,
            ..Default::default()
        };
        let date = |text: &str, d: Option<YearlyDate>| {
            d.map(|d| rapport_core::fact::NewFact {
                kind: FactKind::Date,
                text: text.into(),
                relation: None,
                date: Some(d),
            })
        };
        let facts = date("Birthday", self.birthday)
            .into_iter()
            .chain(date("Anniversary", self.anniversary))
            .chain(self.notes.iter().map(|n| rapport_core::fact::NewFact {
                kind: FactKind::Note,
                text: n.clone(),
                relation: None,
                date: None,
            }))
            .collect();
        (new, facts)
    }
}

/// The vCard versions written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Version {
    V3,
    #[default]
    V4,
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "3.0" | "3" => Ok(Version::V3),
            "4.0" | "4" => Ok(Version::V4),
            other => Err(format!("vCard version {other:?}: write 3.0 or 4.0")),
        }
    }
}

fn entry(name: VCardProperty, value: impl Into<String>) -> VCardEntry {
    VCardEntry::new(name).with_value(VCardValue::Text(value.into()))
}

fn date_entry(name: VCardProperty, d: YearlyDate, version: Version) -> VCardEntry {
    let text = match d.year {
        // 4.0 wants the basic form (RFC 6350 §4.3.1); 3.0 readers expect the extended one.
        Some(y) if version == Version::V4 => format!("{y:04}{:02}{:02}", d.month, d.day),
        Some(y) => format!("{y:04}-{:02}-{:02}", d.month, d.day),
        None => format!("--{:02}{:02}", d.month, d.day),
    };
    entry(name, text)
}

/// Whether a date fact is the contact's birthday or anniversary (as imported or typed).
fn date_role(f: &Fact) -> Option<VCardProperty> {
    if f.kind != FactKind::Date || f.date.is_none() {
        return None;
    }
    let t = f.text.trim().to_lowercase();
    if t == "birthday" {
        Some(VCardProperty::Bday)
    } else if t == "anniversary" {
        Some(VCardProperty::Anniversary)
    } else {
        None
    }
}

/// The start of the note line that says where we met.
pub const MET_NOTE: &str = "Met: ";

/// A day we met as written: `2024-03-12`, or LinkedIn's `12 Mar 2024`.
pub fn met_date(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    t.parse::<jiff::civil::Date>()
        .ok()
        .or_else(|| jiff::civil::Date::strptime("%d %b %Y", t).ok())
        .or_else(|| jiff::civil::Date::strptime("%d %B %Y", t).ok())
}

/// Writes a contact (with its birthday, anniversary and notes among `facts`) as one card.
/// `met`, for an export, is where we met in words (`Contact::met_phrase`) and who introduced
/// us: written as a note line other applications show, with Rapport's own properties to read
/// it back.
pub fn write_card(
    contact: &Contact,
    facts: &[Fact],
    version: Version,
    met: Option<(&str, Option<&str>)>,
    out: &mut String,
) {
    let mut entries = vec![entry(VCardProperty::Fn, contact.name.clone())];
    // N is required in 3.0: the last word as the family name, the rest as given names.
    let (given, family) = match contact.name.trim().rsplit_once(' ') {
        Some((g, f)) => (g.to_owned(), f.to_owned()),
        None => (String::new(), contact.name.trim().to_owned()),
    };
    entries.push(
        VCardEntry::new(VCardProperty::N).with_values(
            [family, given, String::new(), String::new(), String::new()]
                .into_iter()
                .map(VCardValue::Text)
                .collect(),
        ),
    );
    if let Some(o) = &contact.organisation {
        entries.push(entry(VCardProperty::Org, o.clone()));
    }
    for e in &contact.emails {
        entries.push(entry(VCardProperty::Email, e.clone()));
    }
    for p in &contact.phones {
        entries.push(entry(VCardProperty::Tel, p.clone()));
    }
    if !contact.tags.is_empty() {
        entries.push(
            VCardEntry::new(VCardProperty::Categories)
                .with_values(contact.tags.iter().cloned().map(VCardValue::Text).collect()),
        );
    }
    let mut seen = Vec::new();
    for f in facts {
        if let (Some(role), Some(d)) = (date_role(f), f.date)
            && !seen.contains(&role)
        {
            seen.push(role.clone());
            entries.push(date_entry(role, d, version));
        } else if f.kind == FactKind::Note {
            entries.push(entry(VCardProperty::Note, f.text.clone()));
        }
    }
    if let Some((m, introduced_by)) = met {
        entries.push(entry(VCardProperty::Note, format!("{MET_NOTE}{m}")));
        if let Some(place) = &contact.met {
            entries.push(entry(
                VCardProperty::Other("X-RAPPORT-MET".into()),
                place.clone(),
            ));
        }
        if let Some(d) = contact.met_on {
            entries.push(entry(
                VCardProperty::Other("X-RAPPORT-MET-ON".into()),
                d.to_string(),
            ));
        }
        if let Some(by) = introduced_by {
            entries.push(entry(
                VCardProperty::Other("X-RAPPORT-INTRODUCED-BY".into()),
                by,
            ));
        }
    }
    entries.push(entry(
        VCardProperty::Other("X-RAPPORT-TYPE".into()),
        contact.relationship.as_str(),
    ));
    if contact.vip {
        entries.push(entry(VCardProperty::Other("X-RAPPORT-VIP".into()), "TRUE"));
    }
    let version = match version {
        Version::V3 => VCardVersion::V3_0,
        Version::V4 => VCardVersion::V4_0,
    };
    // Writing into a String cannot fail.
    let _ = VCard { entries }.write_to(out, version);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Card {
        let mut all = read_all(text);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0).expect("a card")
    }

    #[test]
    fn reads_21_with_quoted_printable_and_charset() {
        let c = one(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n\
             TEL;CELL:+49 170 1234567\r\nEMAIL;INTERNET:jm@example.de\r\nEND:VCARD\r\n",
        );
        assert_eq!(c.name, "Jürgen Müller");
        assert_eq!(c.phones, ["+49 170 1234567"]);
        assert_eq!(c.emails, ["jm@example.de"]);
    }

    #[test]
    fn reads_30_grouped_folded_with_dates_and_categories() {
        let c = one(
            "BEGIN:VCARD\nVERSION:3.0\nFN:Élodie Martin\nN:Martin;Élodie;;;\nORG:Vins du Rhône;Export\n\
             item1.EMAIL;type=INTERNET:elodie@vins.example\nitem1.X-ABLabel:work\n\
             BDAY:1984-02-29\nANNIVERSARY:--06-12\nCATEGORIES:wine,golf\n\
             NOTE:Prefers calls in the morning\\, never on Mondays.\n  Long note.\nEND:VCARD\n",
        );
        assert_eq!(c.name, "Élodie Martin");
        assert_eq!(c.organisation.as_deref(), Some("Vins du Rhône"));
        assert_eq!(c.emails, ["elodie@vins.example"]);
        assert_eq!(c.tags, ["wine", "golf"]);
        assert_eq!(c.birthday, YearlyDate::new(Some(1984), 2, 29).ok());
        assert_eq!(c.anniversary, YearlyDate::new(None, 6, 12).ok());
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].starts_with("Prefers calls in the morning, never on Mondays."));
    }

    #[test]
    fn windows_1252_files_are_read() {
        let bytes = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fran\xe7ois Dupr\xe9\r\nEND:VCARD\r\n";
        let all: Vec<_> = Reader::new(&bytes[..]).collect();
        assert_eq!(
            all[0].as_ref().map(|c| c.name.as_str()),
            Ok("François Dupré")
        );
    }

    #[test]
    fn bad_cards_are_named_and_the_rest_still_read() {
        let all = read_all(
            "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\n\
             garbage between cards\n\
             BEGIN:VCARD\nVERSION:3.0\nNOTE:who?\nEND:VCARD\n\
             BEGIN:VCARD\nVERSION:3.0\nFN:Bo\nEND:VCARD\n\
             BEGIN:VCARD\nVERSION:3.0\nFN:Cut short\n",
        );
        assert_eq!(all.len(), 5, "{all:?}");
        assert_eq!(all[0].as_ref().map(|c| c.name.as_str()), Ok("Ana"));
        // Stray text is skipped and said, not an error.
        let garbage = all[1].as_ref().expect("junk is skipped");
        assert!(garbage.empty);
        assert!(
            garbage.warnings[0].starts_with("line 5 is not inside a card"),
            "{:?}",
            garbage.warnings
        );
        // A card with a note but no name is kept, named so that it can be found.
        let nameless = all[2].as_ref().expect("kept");
        assert_eq!((nameless.name.as_str(), nameless.notes.len()), (UNNAMED, 1));
        assert_eq!(all[3].as_ref().map(|c| c.name.as_str()), Ok("Bo"));
        let cut = all[4].as_ref().expect_err("truncated");
        assert!(cut.message.contains("never ends"), "{cut}");
        assert_eq!(cut.number, 4);
    }

    #[test]
    fn values_that_are_not_what_they_claim_are_kept_in_a_note() {
        let c = one(
            "BEGIN:VCARD\nVERSION:3.0\nFN:Lisa\nEMAIL:ask Jenny for Lisa's number\n\
             EMAIL:lisa@example.com\nTEL:+49 MOBIL\nTEL:+49 170 1234567\nEND:VCARD\n",
        );
        assert_eq!(c.emails, ["lisa@example.com"]);
        assert_eq!(c.phones, ["+49 170 1234567"]);
        assert_eq!(
            c.notes,
            ["EMAIL: ask Jenny for Lisa's number", "TEL: +49 MOBIL"]
        );
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[1].contains("is not a phone number: kept in a note"));
        // Nothing usable to name it by: kept all the same, its value in a note.
        let nameless = one("BEGIN:VCARD\nVERSION:3.0\nEMAIL:not one\nEND:VCARD\n");
        assert_eq!(nameless.name, UNNAMED);
        assert_eq!(nameless.notes, ["EMAIL: not one"]);
        // Nothing at all: skipped, and said.
        let empty = one("BEGIN:VCARD\nVERSION:3.0\nADR:;;1 Main St;;;;\nEND:VCARD\n");
        assert!(
            empty.empty && empty.warnings[0].contains("skipped"),
            "{empty:?}"
        );
    }

    #[test]
    fn an_ios_birthday_without_a_year_has_none() {
        let c = one(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-03-05\r\nEND:VCARD\r\n",
        );
        assert_eq!(c.birthday, YearlyDate::new(None, 3, 5).ok());
        let with_year = one(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1984-03-05\r\nEND:VCARD\r\n",
        );
        assert_eq!(with_year.birthday, YearlyDate::new(Some(1984), 3, 5).ok());
        let emails: String = (0..=MAX_VALUES)
            .map(|i| format!("EMAIL:a{i}@b.example\n"))
            .collect();
        let tags: Vec<String> = (0..20_000).map(|i| format!("t{i}")).collect();
        let many = format!(
            "BEGIN:VCARD\nVERSION:3.0\nFN:Spam\n{emails}CATEGORIES:{}\nEND:VCARD\n",
            tags.join(",")
        );
        let spam = one(&many);
        assert_eq!(
            (spam.emails.len(), spam.tags.len()),
            (MAX_VALUES, MAX_VALUES)
        );
        assert!(
            spam.warnings.iter().any(|w| w.contains("not kept")),
            "{:?}",
            spam.warnings
        );
    }

    #[test]
    fn text_rapport_would_refuse_is_made_acceptable_and_said() {
        let long = "x".repeat(600);
        let note = "n".repeat(4500);
        let c = one(&format!(
            "BEGIN:VCARD\nVERSION:3.0\nFN:{long}\nORG:Foo\\nBar\nX-RAPPORT-TYPE:alien\nNOTE:{note}\nEND:VCARD\n"
        ));
        assert_eq!(c.name.chars().count(), 500);
        assert_eq!(c.organisation.as_deref(), Some("Foo Bar"));
        assert_eq!(c.relationship, None);
        assert!(
            c.notes.iter().all(|n| n.chars().count() <= 2000),
            "{:?}",
            c.notes.len()
        );
        assert!(c.notes.iter().any(|n| n.starts_with("Name: xxx")));
        assert!(c.notes.iter().any(|n| n == "X-RAPPORT-TYPE: alien"));
        assert_eq!(c.warnings.len(), 4, "{:?}", c.warnings);
        // And each becomes a contact and facts Rapport takes.
        let owner = rapport_core::ids::UserId::generate();
        let (new, facts) = c.to_new(RelationshipType::Peer);
        let contact = new
            .into_contact(owner, jiff::Timestamp::UNIX_EPOCH)
            .expect("a contact");
        for f in facts {
            f.into_fact(contact.id.clone(), jiff::Timestamp::UNIX_EPOCH)
                .expect("a fact");
        }
    }

    #[test]
    fn a_card_with_only_a_phone_or_email_is_named_from_it() {
        let c = one("BEGIN:VCARD\nVERSION:3.0\nTEL:+33 6 12 34 56 78\nEND:VCARD\n");
        assert_eq!(c.name, "+33 6 12 34 56 78");
        assert!(c.warnings[0].contains("named"), "{:?}", c.warnings);
        let c = one("BEGIN:VCARD\nVERSION:3.0\nEMAIL:ana@example.com\nTEL:123\nEND:VCARD\n");
        assert_eq!(c.name, "ana@example.com");
    }

    #[test]
    fn an_impossible_birthday_is_reported_and_the_card_kept() {
        for (bday, why) in [
            ("1985-02-30", "\"1985-02-30\" is not a date"),
            ("19850230", "is not a date"),
            ("--1345", "is not a date"),
            ("sometime in May", "\"sometime in May\" is not a date"),
        ] {
            let kept = one(&format!(
                "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nBDAY:{bday}\nEND:VCARD\n"
            ));
            assert_eq!(kept.notes.len(), 1, "{bday}: {:?}", kept.notes);
            assert!(kept.notes[0].starts_with("BDAY: "), "{:?}", kept.notes);
            let c = one(&format!(
                "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nBDAY:{bday}\nANNIVERSARY:--06-12\nEND:VCARD\n"
            ));
            assert_eq!(c.name, "Ana");
            assert_eq!(c.birthday, None, "{bday}");
            assert_eq!(c.anniversary, YearlyDate::new(None, 6, 12).ok(), "{bday}");
            assert_eq!(c.warnings.len(), 1, "{bday}: {:?}", c.warnings);
            assert!(
                c.warnings[0].starts_with("BDAY ") && c.warnings[0].contains(why),
                "{bday}: {:?}",
                c.warnings
            );
        }
        let fine = one("BEGIN:VCARD\nVERSION:3.0\nFN:Bo\nBDAY:1985-02-28\nEND:VCARD\n");
        assert!(fine.warnings.is_empty());
        assert_eq!(fine.birthday, YearlyDate::new(Some(1985), 2, 28).ok());
    }

    #[test]
    fn written_cards_read_back_the_same() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        let owner = rapport_core::ids::UserId::generate();
        let new = rapport_core::contact::NewContact {
            name: "Kenji Watanabe; \"K\", Jr.".into(),
            organisation: Some("Tōkyō Trading, Ltd.".into()),
            relationship: Some(RelationshipType::Customer),
            vip: true,
            emails: vec!["kenji@example.jp".into()],
            phones: vec!["+81 3 1234 5678".into()],
            tags: vec!["tea".into(), "golf weekends".into()],
            ..Default::default()
        };
        let contact = new.into_contact(owner, now).expect("contact");
        let fact = |kind, text: &str, date| {
            rapport_core::fact::NewFact {
                kind,
                text: text.into(),
                relation: None,
                date,
            }
            .into_fact(contact.id.clone(), now)
            .expect("fact")
        };
        let facts = [
            fact(
                FactKind::Date,
                "Birthday",
                YearlyDate::new(None, 2, 29).ok(),
            ),
            fact(
                FactKind::Note,
                "Line one\nline two; with, punctuation",
                None,
            ),
            fact(FactKind::Interest, "Go", None),
        ];
        for version in [Version::V3, Version::V4] {
            let mut out = String::new();
            write_card(&contact, &facts, version, None, &mut out);
            assert!(out.lines().all(|l| l.len() <= 75), "{out}");
            let c = one(&out);
            assert_eq!(c.name, contact.name, "{out}");
            assert_eq!(c.organisation, contact.organisation);
            assert_eq!(
                (c.emails.clone(), c.phones.clone()),
                (contact.emails.clone(), contact.phones.clone())
            );
            assert_eq!(c.tags, contact.tags, "{out}");
            assert_eq!(
                (c.relationship, c.vip),
                (Some(RelationshipType::Customer), true)
            );
            assert_eq!(c.birthday, YearlyDate::new(None, 2, 29).ok());
            assert_eq!(c.notes, ["Line one\nline two; with, punctuation"]);
        }
    }
}
