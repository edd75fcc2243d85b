//! CSV in and out.
//!
//! Reading: the header row says which column is what. Google Contacts, Outlook and HubSpot
//! exports and Rapport's own are recognised by their column names; `--map COLUMN=FIELD`
//! overrides or adds. The separator (`,`, `;` or tab) is sniffed from the header line, a
//! byte-order mark is dropped, and each cell is read as UTF-8, else Windows-1252. Each row
//! becomes a [`Card`] (as a vCard does) or an error naming its line.
//!
//! Writing: one row per contact, cells that a spreadsheet would run as a formula (starting
//! with `=`, `+`, `-`, `@`, tab or carriage return) prefixed with `'`.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

use rapport_core::contact::{Contact, RelationshipType};
use rapport_core::dates::YearlyDate;
use rapport_core::fact::{Fact, FactKind};

use crate::vcard::Card;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    FirstName,
    MiddleName,
    LastName,
    Organisation,
    Email,
    Phone,
    /// One or more tags (split on `,`, `;` and Google's ` ::: `).
    Tags,
    Type,
    Vip,
    Birthday,
    Anniversary,
    Note,
    /// HubSpot's lifecycle stage: customer, or a prospect.
    Lifecycle,
    /// A job title (LinkedIn's Position, Outlook's Job Title): kept in a note.
    Position,
    /// A profile's address (LinkedIn's URL, a web page): kept in a note.
    Url,
    /// LinkedIn's "Connected On": we met on LinkedIn, that day.
    ConnectedOn,
    /// Where we met.
    Met,
    /// When we met.
    MetOn,
    /// Who introduced us, by name: kept in a note (a name in a file is not matched to a
    /// contact; `rapport referral` records the introduction).
    IntroducedBy,
    Ignore,
}

impl Field {
    /// The names `--map` accepts.
    pub const NAMES: &'static str = "name, first_name, middle_name, last_name, organisation, email, phone, tags, type, vip, birthday, anniversary, note, position, url, met, met_on, introduced_by, ignore";

    pub fn parse(s: &str) -> Result<Field, String> {
        Ok(
            match s
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "name" | "full_name" => Field::Name,
                "first_name" | "given_name" => Field::FirstName,
                "middle_name" => Field::MiddleName,
                "last_name" | "family_name" => Field::LastName,
                "organisation" | "organization" | "org" | "company" => Field::Organisation,
                "email" | "emails" => Field::Email,
                "phone" | "phones" => Field::Phone,
                "tags" | "tag" => Field::Tags,
                "type" | "relationship" => Field::Type,
                "vip" => Field::Vip,
                "birthday" => Field::Birthday,
                "anniversary" => Field::Anniversary,
                "note" | "notes" => Field::Note,
                "position" | "title" | "job_title" => Field::Position,
                "url" | "website" | "profile" => Field::Url,
                "met" | "where_we_met" | "met_at" => Field::Met,
                "met_on" | "when_we_met" => Field::MetOn,
                "introduced_by" => Field::IntroducedBy,
                "ignore" | "skip" => Field::Ignore,
                other => return Err(format!("{other:?} is not a field ({})", Field::NAMES)),
            },
        )
    }
}

/// The field a known export's column name holds, if any (case and spacing ignored).
pub fn known_column(header: &str) -> Option<Field> {
    let h = header.trim().to_ascii_lowercase();
    let h = h.as_str();
    // Google Contacts: "E-mail 1 - Value", "Phone 2 - Value", "Organization 1 - Name"...
    if (h.starts_with("e-mail ") || h.starts_with("email ")) && h.ends_with("- value") {
        return Some(Field::Email);
    }
    if h.starts_with("phone ") && h.ends_with("- value") {
        return Some(Field::Phone);
    }
    if h.starts_with("organization ") && h.ends_with("- name") {
        return Some(Field::Organisation);
    }
    // Outlook: "E-mail Address", "E-mail 2 Address"; "Business Phone", "Mobile Phone"...
    if (h.starts_with("e-mail") || h.starts_with("email")) && h.ends_with("address") {
        return Some(Field::Email);
    }
    if h.ends_with(" phone") && !h.contains("fax") || h.ends_with(" phone 2") {
        return Some(Field::Phone);
    }
    Some(match h {
        "name" | "full name" | "display name" => Field::Name,
        "first name" | "given name" | "firstname" => Field::FirstName,
        "middle name" | "additional name" => Field::MiddleName,
        "last name" | "family name" | "surname" | "lastname" => Field::LastName,
        "organisation" | "organization" | "company" | "company name" | "organization name"
        | "associated company" => Field::Organisation,
        "email" | "emails" | "e-mail" | "email address" => Field::Email,
        "phone" | "phones" | "phone number" | "mobile phone number" | "mobile" | "telephone" => {
            Field::Phone
        }
        "tags" | "labels" | "categories" | "group membership" => Field::Tags,
        "type" | "relationship" => Field::Type,
        "vip" => Field::Vip,
        "birthday" | "date of birth" => Field::Birthday,
        "anniversary" => Field::Anniversary,
        "notes" | "note" => Field::Note,
        "lifecycle stage" => Field::Lifecycle,
        // Not a bare "Title": Outlook's is Mr./Mrs.
        "position" | "job title" => Field::Position,
        "url" | "profile url" | "linkedin url" | "web page" | "website" => Field::Url,
        "connected on" => Field::ConnectedOn,
        "met" | "where we met" | "met at" => Field::Met,
        "met_on" | "met on" | "when we met" => Field::MetOn,
        "introduced_by" | "introduced by" => Field::IntroducedBy,
        _ => return None,
    })
}

/// The length in bytes and lines of LinkedIn's notes before its header, when `head` opens
/// with exactly them: "Notes:", lines up to a blank one, then a header with "First Name".
fn linkedin_preamble(head: &[u8]) -> Option<(usize, usize)> {
    let bom = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut at = bom;
    let mut lines = 0;
    let mut first = true;
    loop {
        let end = head[at..].iter().position(|b| *b == b'\n')? + at + 1;
        let line = head[at..end].trim_ascii();
        lines += 1;
        at = end;
        if first {
            if !line.eq_ignore_ascii_case(b"notes:") {
                return None;
            }
            first = false;
        } else if line.is_empty() {
            break;
        }
        if lines > 20 {
            return None;
        }
    }
    let next = &head[at..];
    let header = &next[..next.iter().position(|b| *b == b'\n').unwrap_or(next.len())];
    let header = String::from_utf8_lossy(header).to_ascii_lowercase();
    (header.contains("first name") && header.contains("last name")).then_some((at, lines))
}

/// The separator of a header line: the one of `,` `;` tab that appears most outside quotes.
pub fn sniff_separator(header: &[u8]) -> u8 {
    let (mut counts, mut quoted) = ([0usize; 3], false);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            b'\n' => break,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A column's role, with its header as written (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub field: Option<Field>,
}

/// The input, watched as it is read, to name each row by its real line. The csv crate counts
/// a row's line from where it starts reading it, which after a CRLF is the LF and before a
/// row preceded by blank lines is the first blank line (a first data row after a CRLF header
/// was called line 1). So the line ends at the start of each row are counted here: the row's
/// line is the crate's plus the LFs in the run of CR and LF that opens it. Memory stays
/// bounded: only the line ends of the last [`WINDOW`] bytes are kept (the csv reader never
/// reads further ahead than its buffer), and a run is followed as it arrives.
struct LineCounter<R> {
    inner: R,
    lines: Arc<Mutex<Lines>>,
}

/// Bytes of read-ahead whose line ends are kept (the csv reader's buffer is 8 KiB).
const WINDOW: u64 = 64 * 1024;

#[derive(Debug, Default)]
struct Lines {
    /// Bytes read so far.
    read: u64,
    /// Offsets and bytes of the CR and LF among the last [`WINDOW`] bytes read.
    recent: VecDeque<(u64, u8)>,
    /// The run of line ends opening the next row: where it goes on, the LFs in it so far, and
    /// whether a byte that is not a line end has ended it.
    next: u64,
    lfs: usize,
    ended: bool,
}

impl Lines {
    /// The next row starts where the csv reader stands now, at `at`: follow the run of line
    /// ends from there, through what was read already and then as bytes arrive.
    fn row_starts_at(&mut self, at: u64) {
        self.next = at;
        self.lfs = 0;
        self.ended = false;
        while let Some(&(o, _)) = self.recent.front() {
            if o >= at {
                break;
            }
            self.recent.pop_front();
        }
        for &(o, b) in &self.recent {
            if o != self.next {
                break;
            }
            self.lfs += usize::from(b == b'\n');
            self.next += 1;
        }
        // A byte was read at `next` and is not a line end: the run is over.
        self.ended = self.next < self.read;
    }

    fn saw(&mut self, offset: u64, byte: u8) {
        let line_end = matches!(byte, b'\n' | b'\r');
        if line_end {
            self.recent.push_back((offset, byte));
        }
        if !self.ended && offset == self.next {
            if line_end {
                self.lfs += usize::from(byte == b'\n');
                self.next += 1;
            } else {
                self.ended = true;
            }
        }
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        let start = lines.read;
        for (i, b) in buf[..n].iter().enumerate() {
            lines.saw(start + i as u64, *b);
        }
        lines.read = start + n as u64;
        let keep_from = lines.read.saturating_sub(WINDOW);
        while lines.recent.front().is_some_and(|&(o, _)| o < keep_from) {
            lines.recent.pop_front();
        }
        Ok(n)
    }
}

/// Reads rows as cards.
pub struct Reader<R: Read> {
    rows: ::csv::ByteRecordsIntoIter<LineCounter<R>>,
    lines: Arc<Mutex<Lines>>,
    pub columns: Vec<Column>,
    /// The line and the 1-based row number of the row last returned.
    last: (usize, usize),
    rows_read: usize,
    /// Lines before the header that were not part of the table (LinkedIn's notes).
    skipped: usize,
}

impl<R: Read> Reader<R> {
    /// The real line of the row the csv reader placed at `position` (0 when unknown), and
    /// where the row after it starts.
    fn line_of(&mut self, position: Option<&::csv::Position>) -> usize {
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        let line = position.map_or(0, |p| p.line() as usize + lines.lfs + self.skipped);
        lines.row_starts_at(self.rows.reader().position().byte());
        line
    }
}

/// A row that cannot be read, with its line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("row {row} (line {line}): {message}")]
pub struct RowError {
    pub row: usize,
    pub line: usize,
    pub message: String,
}

impl<R: Read> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("columns", &self.columns)
            .field("last", &self.last)
            .finish_non_exhaustive()
    }
}

impl<R: std::io::BufRead> Reader<R> {
    /// Reads the header row of `input` and maps its columns: `maps` as `(header, field)`
    /// first, then the known names. The separator is sniffed from the first buffered
    /// bytes. Refuses a file whose columns give no name.
    pub fn new(mut input: R, maps: &[(String, Field)]) -> Result<Self, String> {
        // LinkedIn's Connections.csv opens with notes before its header: a line "Notes:",
        // a quoted paragraph, a blank line, then "First Name,Last Name,...". Skipped only
        // when it looks exactly so (read ahead, nothing consumed otherwise), and counted so
        // lines stay true.
        let mut skipped = 0usize;
        let preamble = {
            let head = input
                .fill_buf()
                .map_err(|e| format!("cannot read the file: {e}"))?;
            linkedin_preamble(head)
        };
        if let Some((bytes, lines)) = preamble {
            input.consume(bytes);
            skipped = lines;
        }
        let head = input
            .fill_buf()
            .map_err(|e| format!("cannot read the file: {e}"))?
            .to_vec();
        let sep = sniff_separator(&head);
        let lines = Arc::new(Mutex::new(Lines::default()));
        let input = LineCounter {
            inner: input,
            lines: lines.clone(),
        };
        let mut rdr = ::csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(true)
            .flexible(true)
            .from_reader(input);
        let headers = rdr
            .byte_headers()
            .map_err(|e| format!("cannot read the header row: {e}"))?
            .clone();
        lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .row_starts_at(rdr.position().byte());
        let mut columns = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let h = if i == 0 {
                h.strip_prefix(b"\xef\xbb\xbf").unwrap_or(h)
            } else {
                h
            };
            let header = crate::text::decode(h).trim().to_owned();
            let field = maps
                .iter()
                .find(|(m, _)| m.eq_ignore_ascii_case(&header))
                .map(|(_, f)| *f)
                .or_else(|| known_column(&header));
            columns.push(Column { header, field });
        }
        for (m, _) in maps {
            if !columns.iter().any(|c| c.header.eq_ignore_ascii_case(m)) {
                return Err(format!("--map {m:?}: the file has no such column"));
            }
        }
        let names = [
            Field::Name,
            Field::FirstName,
            Field::LastName,
            Field::Organisation,
        ];
        if !columns
            .iter()
            .any(|c| c.field.is_some_and(|f| names.contains(&f)))
        {
            return Err(format!(
                "no column gives a name (columns: {}); say which with --map COLUMN=name",
                columns
                    .iter()
                    .map(|c| format!("{:?}", c.header))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(Reader {
            rows: rdr.into_byte_records(),
            lines,
            columns,
            last: (1 + skipped, 0),
            rows_read: 0,
            skipped,
        })
    }
}

impl<R: Read> Reader<R> {
    /// The line and row number of the row last returned.
    pub fn last_row(&self) -> (usize, usize) {
        self.last
    }

    /// Columns no field was found for.
    pub fn unused(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.field.is_none() && !c.header.is_empty())
            .map(|c| c.header.as_str())
            .collect()
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Card, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.rows.next()?;
        self.rows_read += 1;
        let row = self.rows_read;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = self.line_of(e.position());
                self.last = (line, row);
                return Some(Err(RowError {
                    row,
                    line,
                    message: format!("unreadable: {e}"),
                }));
            }
        };
        let line = self.line_of(record.position());
        self.last = (line, row);
        Some(card_of(&self.columns, &record).map_err(|message| RowError { row, line, message }))
    }
}

/// A cell as text, without a spreadsheet's formula guard (`'=...`) written by [`write`].
fn cell(bytes: &[u8]) -> String {
    let t = crate::text::decode(bytes);
    let t = t.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => t.to_owned(),
    }
}

fn split_list(t: &str) -> impl Iterator<Item = String> + '_ {
    t.split(" ::: ")
        .flat_map(|p| p.split([';', ',']))
        .map(|p| p.trim().trim_start_matches("* ").trim().to_owned())
        .filter(|p| !p.is_empty())
}

/// A date as spreadsheets and exports write it: `1984-02-29`, `--02-29`, `2/29/1984`
/// (Outlook, month first), `29.02.1984`; Outlook's `0/0/00` and empty are no date.
pub fn parse_date(t: &str) -> Result<Option<YearlyDate>, String> {
    let t = t.trim();
    if t.is_empty() || t == "0/0/00" || t == "0/0/0000" {
        return Ok(None);
    }
    let bad = || format!("{t:?} is not a date (write 1984-02-29 or --02-29)");
    let num = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    let (y, m, d) = if let Some(md) = t.strip_prefix("--") {
        let (m, d) = md.split_once('-').ok_or_else(bad)?;
        (None, num(m)?, num(d)?)
    } else if let [y, m, d] = t.split('-').collect::<Vec<_>>()[..] {
        (Some(num(y)?), num(m)?, num(d)?)
    } else if let [m, d, y] = t.split('/').collect::<Vec<_>>()[..] {
        (Some(num(y)?), num(m)?, num(d)?)
    } else if let [d, m, y] = t.split('.').collect::<Vec<_>>()[..] {
        (Some(num(y)?), num(m)?, num(d)?)
    } else {
        return Err(bad());
    };
    let year = y
        .map(|y| i16::try_from(if y < 100 { 1900 + y } else { y }).map_err(|_| bad()))
        .transpose()?;
    let month = i8::try_from(m).map_err(|_| bad())?;
    let day = i8::try_from(d).map_err(|_| bad())?;
    YearlyDate::new(year, month, day)
        .map(Some)
        .map_err(|e| e.message)
}

fn card_of(columns: &[Column], record: &::csv::ByteRecord) -> Result<Card, String> {
    let mut c = Card::default();
    // A row of empty cells (`,,,,`) holds nothing: skipped, and said.
    if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
        c.empty = true;
        c.warnings.push("an empty row: skipped".into());
        return Ok(c);
    }
    let (mut name, mut first, mut middle, mut last) = (None, None, None, None);
    for (col, bytes) in columns.iter().zip(record.iter()) {
        let Some(field) = col.field else { continue };
        let value = cell(bytes);
        if value.is_empty() {
            continue;
        }
        let in_column = |e: String| format!("{}: {e}", col.header);
        match field {
            Field::Name => name = Some(value),
            Field::FirstName => first = Some(value),
            Field::MiddleName => middle = Some(value),
            Field::LastName => last = Some(value),
            Field::Organisation => {
                c.organisation = c.organisation.take().or(Some(value));
            }
            Field::Email => {
                for e in value
                    .split([';', ','])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                {
                    c.dropped +=
                        usize::from(crate::vcard::push_unique(&mut c.emails, e.to_owned()));
                }
            }
            Field::Phone => {
                // Google writes several in one cell: "+1 555 0100 ::: +1 555 0101".
                for p in value.split([';', ',']).flat_map(|p| p.split(" ::: ")) {
                    let p = p.trim();
                    c.dropped +=
                        usize::from(crate::vcard::push_unique(&mut c.phones, p.to_owned()));
                }
            }
            Field::Tags => {
                for t in split_list(&value) {
                    let t = t.to_lowercase();
                    // Google's system groups are not the user's tags.
                    if t != "mycontacts" && t != "starred" {
                        c.dropped += usize::from(crate::vcard::push_unique(&mut c.tags, t));
                    }
                }
            }
            Field::Type => match value.parse::<RelationshipType>() {
                Ok(r) => c.relationship = Some(r),
                Err(e) => {
                    c.warnings
                        .push(format!("{}: {}: kept in a note", col.header, e.message));
                    c.notes.push(format!("{}: {value}", col.header));
                }
            },
            Field::Lifecycle => {
                if c.relationship.is_none() {
                    c.relationship = Some(match value.to_ascii_lowercase().as_str() {
                        "customer" | "evangelist" => RelationshipType::Customer,
                        "other" => RelationshipType::Peer,
                        _ => RelationshipType::Prospect,
                    });
                }
            }
            Field::Vip => match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "vip" | "x" => c.vip = true,
                "false" | "no" | "0" => c.vip = false,
                other => {
                    c.warnings.push(in_column(format!(
                        "{other:?} is not yes or no: kept in a note"
                    )));
                    c.notes.push(format!("{}: {value}", col.header));
                }
            },
            // A date that is no date is kept in a note (see `Card::repair`).
            Field::Birthday => match parse_date(&value) {
                Ok(d) => c.birthday = d,
                Err(_) => c.unreadable.push((col.header.clone(), value)),
            },
            Field::Anniversary => match parse_date(&value) {
                Ok(d) => c.anniversary = d,
                Err(_) => c.unreadable.push((col.header.clone(), value)),
            },
            Field::Note => c.notes.push(value),
            Field::Position => c.notes.push(format!("Position: {value}")),
            Field::Url => c.notes.push(format!("Profile: {value}")),
            Field::ConnectedOn => match crate::vcard::met_date(&value) {
                Some(d) => {
                    c.met = c.met.take().or_else(|| Some("LinkedIn".to_owned()));
                    c.met_on = c.met_on.or(Some(d));
                }
                None => c
                    .notes
                    .push(format!("Met on LinkedIn: connected on {value}")),
            },
            Field::Met => c.met = Some(value),
            Field::IntroducedBy => c.introduced_by = Some(value),
            Field::MetOn => match crate::vcard::met_date(&value) {
                Some(d) => c.met_on = Some(d),
                None => c.unreadable.push((col.header.clone(), value)),
            },
            Field::Ignore => {}
        }
    }
    let parts: Vec<String> = [first, middle, last].into_iter().flatten().collect();
    c.name = match name
        .or_else(|| (!parts.is_empty()).then(|| parts.join(" ")))
        .or_else(|| c.organisation.clone())
    {
        Some(n) => n,
        None => match c.name_from_handles() {
            Some(n) => n,
            None => {
                c.warnings.push(format!(
                    "no name, email or phone: imported as {:?}; give it a name",
                    crate::vcard::UNNAMED
                ));
                crate::vcard::UNNAMED.to_owned()
            }
        },
    };
    c.repair();
    Ok(c)
}

/// The header of [`write_row`]'s rows (and of a file Rapport reads back as its own).
pub const HEADER: [&str; 13] = [
    "name",
    "organisation",
    "type",
    "vip",
    "emails",
    "phones",
    "tags",
    "birthday",
    "anniversary",
    "notes",
    "met",
    "met_on",
    "introduced_by",
];

/// A cell made safe for spreadsheets: one that starts like a formula gets a `'` first.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn date_text(d: Option<YearlyDate>) -> String {
    match d {
        Some(YearlyDate {
            year: Some(y),
            month,
            day,
        }) => format!("{y:04}-{month:02}-{day:02}"),
        Some(d) => format!("--{:02}-{:02}", d.month, d.day),
        None => String::new(),
    }
}

/// One contact's row (with its birthday, anniversary and notes among `facts`, and who
/// introduced them), in [`HEADER`] order, every cell neutralised.
pub fn row_of(contact: &Contact, facts: &[Fact], introduced_by: Option<&str>) -> Vec<String> {
    let date = |what: &str| {
        facts
            .iter()
            .find(|f| f.kind == FactKind::Date && f.text.trim().eq_ignore_ascii_case(what))
            .and_then(|f| f.date)
    };
    let notes: Vec<&str> = facts
        .iter()
        .filter(|f| f.kind == FactKind::Note)
        .map(|f| f.text.as_str())
        .collect();
    [
        contact.name.clone(),
        contact.organisation.clone().unwrap_or_default(),
        contact.relationship.as_str().to_owned(),
        if contact.vip { "yes" } else { "no" }.to_owned(),
        contact.emails.join("; "),
        contact.phones.join("; "),
        contact.tags.join(", "),
        date_text(date("birthday")),
        date_text(date("anniversary")),
        notes.join("\n"),
        contact.met.clone().unwrap_or_default(),
        contact.met_on.map(|d| d.to_string()).unwrap_or_default(),
        introduced_by.unwrap_or_default().to_owned(),
    ]
    .iter()
    .map(|c| neutralise(c))
    .collect()
}

/// Appends one CSV record to `out` (quoted where needed, CRLF-terminated).
pub fn write_record(out: &mut Vec<u8>, cells: &[String]) -> std::io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(cells)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], maps: &[(String, Field)]) -> Result<Vec<Result<Card, RowError>>, String> {
        Ok(Reader::new(text, maps)?.collect())
    }

    #[test]
    fn google_contacts_export() {
        let file = "First Name,Middle Name,Last Name,Organization Name,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n\
                    Élodie,,Martin,Vins du Rhône,--02-29,\"Likes wine, a lot\",* myContacts ::: Wine,Work,elodie@vins.example,Mobile,+33 6 12 34 56 78 ::: +33 4 12 34 56 78\n";
        let rows = read(file.as_bytes(), &[]).expect("header");
        let c = rows[0].as_ref().expect("row");
        assert_eq!(c.name, "Élodie Martin");
        assert_eq!(c.organisation.as_deref(), Some("Vins du Rhône"));
        assert_eq!(c.emails, ["elodie@vins.example"]);
        assert_eq!(c.phones, ["+33 6 12 34 56 78", "+33 4 12 34 56 78"]);
        assert_eq!(c.tags, ["wine"]);
        assert_eq!(c.birthday, YearlyDate::new(None, 2, 29).ok());
        assert_eq!(c.notes, ["Likes wine, a lot"]);
    }

    #[test]
    fn outlook_export_with_semicolons_bom_and_windows_1252() {
        let file = b"\xef\xbb\xbf\"First Name\";\"Last Name\";\"Company\";\"E-mail Address\";\"Mobile Phone\";\"Business Fax\";\"Birthday\";\"Categories\"\r\n\
                     \"Fran\xe7ois\";\"Dupr\xe9\";\"Caf\xe9 & Co\";\"fd@example.fr\";\"06 12 34 56 78\";\"01 00 00 00 00\";\"3/14/1979\";\"VIP clients;Paris\"\r\n\
                     \"Ana\";\"Lima\";\"\";\"\";\"\";\"\";\"0/0/00\";\"\"\r\n";
        let rows = read(file, &[]).expect("header");
        let c = rows[0].as_ref().expect("row");
        assert_eq!(c.name, "François Dupré");
        assert_eq!(c.organisation.as_deref(), Some("Café & Co"));
        assert_eq!(c.phones, ["06 12 34 56 78"], "fax is not a phone to call");
        assert_eq!(c.birthday, YearlyDate::new(Some(1979), 3, 14).ok());
        assert_eq!(c.tags, ["vip clients", "paris"]);
        assert_eq!(rows[1].as_ref().map(|c| c.birthday), Ok(None));
    }

    #[test]
    fn hubspot_export_and_maps() {
        let file = "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Internal\n\
                    101,Kenji,Watanabe,kenji@example.jp,+81 3 1234 5678,Tōkyō Trading,customer,x\n\
                    102,Mia,Novak,mia@example.com,,,lead,y\n";
        let r = Reader::new(file.as_bytes(), &[]).expect("header");
        assert_eq!(r.unused(), ["Record ID", "Internal"]);
        let rows: Vec<_> = r.collect();
        let k = rows[0].as_ref().expect("row");
        assert_eq!(
            (k.name.as_str(), k.relationship),
            ("Kenji Watanabe", Some(RelationshipType::Customer))
        );
        assert_eq!(
            rows[1].as_ref().map(|c| c.relationship),
            Ok(Some(RelationshipType::Prospect))
        );
        let mapped = read(file.as_bytes(), &[("Internal".into(), Field::Tags)]).expect("header");
        assert_eq!(
            mapped[0].as_ref().map(|c| c.tags.clone()),
            Ok(vec!["x".to_owned()])
        );
        assert!(read(file.as_bytes(), &[("Nope".into(), Field::Tags)]).is_err());
    }

    #[test]
    fn rows_are_named_by_their_real_line_whatever_the_line_ends() {
        for (file, lines) in [
            (&b"name,vip\r\nAna,maybe\r\nBo,perhaps\r\n"[..], vec![2, 3]),
            (&b"name,vip\nAna,maybe\nBo,perhaps\n"[..], vec![2, 3]),
            (
                &b"\xef\xbb\xbfname,vip\r\nAna,maybe\r\n\r\nBo,perhaps"[..],
                vec![2, 4],
            ),
            // A quoted note over two lines pushes the next row down.
            (
                &b"name,notes,vip\r\nAna,\"one\r\ntwo\",maybe\r\nBo,,perhaps\r\n"[..],
                vec![2, 4],
            ),
        ] {
            let warned = warned_lines(&mut Reader::new(file, &[]).expect("header"));
            assert_eq!(warned, lines, "{:?}", String::from_utf8_lossy(file));
        }
    }

    /// The lines of the rows read with a warning (or refused).
    fn warned_lines<R: Read>(r: &mut Reader<R>) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(row) = r.next() {
            if row.as_ref().map_or(true, |c| !c.warnings.is_empty()) {
                out.push(r.last_row().0);
            }
        }
        out
    }

    #[test]
    fn a_quoted_field_of_many_lines_is_counted_in_bounded_memory() {
        let mut file = b"name,notes,vip\n\"Ana\",\"".to_vec();
        file.extend(std::iter::repeat_n(b'\n', 300_000));
        file.extend(b"\",maybe\nBo,,perhaps\n");
        let mut r = Reader::new(&file[..], &[]).expect("header");
        assert_eq!(warned_lines(&mut r), vec![2, 300_003]);
        let kept = r.lines.lock().map(|l| l.recent.len()).unwrap_or(usize::MAX);
        assert!(kept as u64 <= WINDOW, "{kept} line ends remembered");
        // And 200,000 blank lines (CRLF) between two rows.
        let mut file = b"name,vip\r\nAna,maybe\r\n".to_vec();
        file.extend(b"\r\n".repeat(200_000));
        file.extend(b"Bo,perhaps\r\n");
        let mut r = Reader::new(&file[..], &[]).expect("header");
        assert_eq!(warned_lines(&mut r), vec![2, 200_003]);
    }

    #[test]
    fn a_file_without_a_name_column_or_with_bad_rows_says_so() {
        let e = read(b"id,score\n1,2\n", &[]).expect_err("no name");
        assert!(e.contains("--map COLUMN=name"), "{e}");
        let rows = read(
            b"name,birthday,vip\nAna,1984-02-30,no\n,,\nBo,--03-01,maybe\n",
            &[],
        )
        .expect("header");
        let errors: Vec<String> = rows
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        // A cell that is not yes or no is kept in a note, and said.
        let bo = rows[2].as_ref().expect("Bo is read");
        assert!(
            bo.warnings[0].contains("\"maybe\" is not yes or no"),
            "{:?}",
            bo.warnings
        );
        assert_eq!(bo.notes, ["vip: maybe"]);
        // A row of empty cells is skipped, not refused.
        assert!(rows[1].as_ref().is_ok_and(|c| c.empty));
        // A birthday that is no date is kept in a note, and said; the row is read.
        let ana = rows[0].as_ref().expect("Ana is read");
        assert_eq!(ana.birthday, None);
        assert_eq!(ana.notes, ["birthday: 1984-02-30"]);
        assert!(
            ana.warnings[0].contains("is not a date: kept in a note"),
            "{:?}",
            ana.warnings
        );
    }

    #[test]
    fn a_first_cell_saying_notes_is_not_linkedin() {
        let rows = read(b"Notes:,Name,Email\nhello,Ana,ana@example.com\n", &[]).expect("header");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].as_ref().map(|c| c.name.as_str()), Ok("Ana"));
    }

    #[test]
    fn linkedin_connections_with_their_notes_before_the_header() {
        let file = b"Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Ana,Lima,https://www.linkedin.com/in/ana-lima,ana@lima.example,Lima & Co,Head of Sales,12 Mar 2024\n\
Bo,Chen,https://www.linkedin.com/in/bo-chen,,Chen Labs,CTO,01 Feb 2023\n\
,,,,,,\n";
        let mut r = Reader::new(&file[..], &[]).expect("header");
        let ana = r.next().expect("row").expect("Ana");
        assert_eq!(ana.name, "Ana Lima");
        assert_eq!(ana.organisation.as_deref(), Some("Lima & Co"));
        assert_eq!(ana.emails, ["ana@lima.example"]);
        assert_eq!(
            ana.notes,
            [
                "Profile: https://www.linkedin.com/in/ana-lima",
                "Position: Head of Sales",
            ]
        );
        // Connected on LinkedIn that day: where and when we met.
        assert_eq!(ana.met.as_deref(), Some("LinkedIn"));
        assert_eq!(ana.met_on, Some(jiff::civil::date(2024, 3, 12)));
        assert_eq!(
            r.last_row(),
            (5, 1),
            "lines count the notes before the header"
        );
        let bo = r.next().expect("row").expect("Bo");
        assert!(bo.emails.is_empty());
        assert_eq!(r.last_row(), (6, 2));
        assert!(r.unused().is_empty(), "{:?}", r.unused());
        let blank = r
            .next()
            .expect("row")
            .expect("an empty row is not an error");
        assert!(blank.empty);
    }

    #[test]
    fn formulas_are_neutralised_and_read_back() {
        for (cell, safe) in [
            ("=1+2", "'=1+2"),
            ("+33 1", "'+33 1"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("Ana", "Ana"),
        ] {
            assert_eq!(neutralise(cell), safe);
            assert_eq!(super::cell(safe.as_bytes()), cell);
        }
    }

    #[test]
    fn sniffing_the_separator() {
        assert_eq!(sniff_separator(b"a,b;c,d\n"), b',');
        assert_eq!(sniff_separator(b"\"a,b\";c;d\n"), b';');
        assert_eq!(sniff_separator(b"a\tb\tc\n"), b'\t');
    }
}
