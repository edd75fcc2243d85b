//! Contacts in and out of files, for the CLI and the server alike.
//!
//! An import reads its input twice, card by card (vCard) or row by row (CSV): first to check
//! every item and find the duplicates (nothing is written if any is refused), then to write,
//! in one transaction, as the items come. An item whose email or phone is an existing
//! contact's (or an earlier item's) is skipped and reported, or merged into it when asked,
//! which adds what the contact lacks and overwrites nothing.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::Arc;

use rapport_core::contact::{Contact, RelationshipType};
use rapport_core::fact::Fact;
use rapport_core::ids::ContactId;
use rapport_core::service::{self, ContactQuery};
use rapport_core::store::{BulkStore, ContactStore, ImportStep};
use rapport_core::workspace::Actor;
use rapport_core::{Invalid, StoreError};
use rapport_formats::csv::Field;
use rapport_formats::vcard::{self, Card, Reader};
use rapport_store::Db;
use serde::Serialize;

/// Contacts written per step of an import.
const BATCH: usize = 1000;
/// Errors listed before the rest are only counted.
const ERRORS_SHOWN: usize = 50;

/// Why an import or export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// Bad input: the message says what (for an import: every refused item, by line).
    #[error("{}", .0.message)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Core(#[from] rapport_core::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read or write the file: {0}")]
    Io(#[from] std::io::Error),
}

/// What makes two contacts the same person: an email (any case), or a phone's digits (at
/// least six, so short internal extensions do not match).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Handle {
    Email(String),
    Phone(String),
}

fn email_handle(v: &str) -> Handle {
    Handle::Email(v.trim().to_lowercase())
}

fn phone_handle(v: &str) -> Option<Handle> {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 6).then_some(Handle::Phone(digits))
}

fn handles_of(c: &Card) -> Vec<(Handle, &str)> {
    c.emails
        .iter()
        .map(|e| (email_handle(e), e.as_str()))
        .chain(
            c.phones
                .iter()
                .filter_map(|p| phone_handle(p).map(|h| (h, p.as_str()))),
        )
        .collect()
}

/// Where a duplicate card goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Target {
    Existing(ContactId),
    /// An earlier card of the same file (its number).
    Card(usize),
}

#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub card: usize,
    pub line: usize,
    pub name: String,
    /// The contact it matches (an existing one's id, or null for an earlier card).
    pub matches_id: Option<ContactId>,
    pub matches: String,
    pub by: String,
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub file: String,
    /// A CSV file's columns and what each was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<ColumnUse>>,
    /// Cards (vCard) or rows (CSV) read.
    pub cards: usize,
    pub imported: u64,
    pub merged: usize,
    pub skipped: usize,
    pub dry_run: bool,
    pub duplicates: Vec<Duplicate>,
}

/// The first pass: every card checked, duplicates found.
#[derive(Debug, Default)]
struct Plan {
    cards: usize,
    targets: HashMap<usize, Target>,
    duplicates: Vec<Duplicate>,
    errors: Vec<String>,
}

/// Where an import's bytes are.
#[derive(Clone, Debug)]
pub enum Input {
    File(PathBuf),
    /// An upload, kept in memory (bounded by the server's body limit).
    Bytes(Arc<[u8]>),
}

impl Input {
    fn reader(&self) -> Result<Box<dyn BufRead + Send>, TransferError> {
        Ok(match self {
            Input::File(path) => {
                let f = File::open(path).map_err(|e| {
                    Invalid::new("file", format!("cannot open {}: {e}", path.display()))
                })?;
                Box::new(BufReader::with_capacity(1 << 16, f))
            }
            Input::Bytes(b) => Box::new(std::io::Cursor::new(b.clone())),
        })
    }
}

/// An import's input and how to read it.
#[derive(Clone, Debug)]
pub struct Source {
    pub input: Input,
    /// How reports name it (the file's path, an upload's name).
    pub name: String,
    pub format: Format,
}

#[derive(Clone, Debug)]
pub enum Format {
    Vcard,
    /// With the `--map` overrides.
    Csv(Vec<(String, Field)>),
}

impl Source {
    /// What one item of the input is called in messages.
    pub fn item(&self) -> &'static str {
        match self.format {
            Format::Vcard => "card",
            Format::Csv(_) => "row",
        }
    }
}

/// How an import runs.
#[derive(Clone, Debug)]
pub struct Options {
    pub merge: bool,
    pub dry_run: bool,
    /// The type of contacts whose item does not say.
    pub relationship: RelationshipType,
}

/// One card or row: its number, its line, and what it says (or why it cannot be read).
struct Entry {
    number: usize,
    line: usize,
    card: Result<Card, String>,
}

type Entries = Box<dyn Iterator<Item = Entry> + Send>;

fn open(src: &Source) -> Result<Entries, TransferError> {
    let input = src.input.reader()?;
    Ok(match &src.format {
        Format::Vcard => {
            let mut r = Reader::new(input);
            Box::new(std::iter::from_fn(move || {
                let item = r.next()?;
                Some(match item {
                    Ok(card) => {
                        let (number, line) = r.last_card();
                        Entry {
                            number,
                            line,
                            card: Ok(card),
                        }
                    }
                    Err(e) => Entry {
                        number: e.number,
                        line: e.line,
                        card: Err(e.message),
                    },
                })
            }))
        }
        Format::Csv(maps) => {
            let mut r = rapport_formats::csv::Reader::new(input, maps)
                .map_err(|m| Invalid::new("file", m))?;
            Box::new(std::iter::from_fn(move || {
                let item = r.next()?;
                let (line, number) = r.last_row();
                Some(Entry {
                    number,
                    line,
                    card: item.map_err(|e| e.message),
                })
            }))
        }
    })
}

/// Checks a card as if its contact and facts were typed in.
fn check(card: &Card, default: RelationshipType, actor: &Actor) -> Result<(), String> {
    let now = jiff::Timestamp::now();
    let (new, facts) = card.to_new(default);
    let contact = new
        .into_contact(actor.user.id.clone(), now)
        .map_err(|e| e.message)?;
    for f in facts {
        f.into_fact(contact.id.clone(), now)
            .map_err(|e| e.message)?;
    }
    Ok(())
}

async fn plan(
    db: &Db,
    actor: &Actor,
    src: &Source,
    default: RelationshipType,
) -> Result<Plan, TransferError> {
    let ws = &actor.workspace.id;
    let mut known: HashMap<Handle, Target> = HashMap::new();
    for (id, kind, value) in db.contact_handles(ws).await? {
        let h = match kind.as_str() {
            "email" => Some(email_handle(&value)),
            _ => phone_handle(&value),
        };
        if let Some(h) = h {
            known.entry(h).or_insert(Target::Existing(id));
        }
    }
    let mut card_names: HashMap<usize, String> = HashMap::new();
    let mut p = Plan::default();
    let what = src.item();
    for Entry {
        number: n,
        line,
        card,
    } in open(src)?
    {
        p.cards = p.cards.max(n);
        let card = match card.and_then(|c| check(&c, default, actor).map(|()| c)) {
            Ok(c) => c,
            Err(m) => {
                p.errors.push(format!("{what} {n} (line {line}): {m}"));
                continue;
            }
        };
        let handles = handles_of(&card);
        let found = handles
            .iter()
            .find_map(|(h, shown)| known.get(h).map(|t| (t.clone(), *shown)));
        let target = match found {
            Some((t, by)) => {
                p.duplicates.push(Duplicate {
                    card: n,
                    line,
                    name: card.name.clone(),
                    matches_id: match &t {
                        Target::Existing(id) => Some(id.clone()),
                        Target::Card(_) => None,
                    },
                    matches: match &t {
                        Target::Existing(_) => String::new(),
                        Target::Card(m) => format!(
                            "{what} {m} ({})",
                            card_names.get(m).map(String::as_str).unwrap_or("?")
                        ),
                    },
                    by: by.to_owned(),
                });
                p.targets.insert(n, t.clone());
                t
            }
            None => {
                card_names.insert(n, card.name.clone());
                Target::Card(n)
            }
        };
        // A merged card's other emails and phones lead to the same contact.
        for (h, _) in handles {
            known.entry(h).or_insert_with(|| target.clone());
        }
    }
    let existing: Vec<ContactId> = p
        .duplicates
        .iter()
        .filter_map(|d| d.matches_id.clone())
        .collect();
    let names: HashMap<ContactId, String> =
        db.contact_names(ws, &existing).await?.into_iter().collect();
    for d in &mut p.duplicates {
        if let Some(id) = &d.matches_id {
            d.matches = names.get(id).cloned().unwrap_or_default();
        }
    }
    Ok(p)
}

/// Adds what `card` knows and `into` lacks; returns the facts to record. Overwrites nothing.
fn merge(
    into: &mut Contact,
    known_facts: &mut Vec<Fact>,
    card: &Card,
    default: RelationshipType,
    now: jiff::Timestamp,
) -> Result<Vec<Fact>, Invalid> {
    for e in &card.emails {
        if !into.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
            into.emails.push(e.clone());
        }
    }
    for ph in &card.phones {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        if !into.phones.iter().any(|x| digits(x) == digits(ph)) {
            into.phones.push(ph.clone());
        }
    }
    for t in &card.tags {
        let t = t.trim().to_lowercase();
        if !into.tags.contains(&t) {
            into.tags.push(t);
        }
    }
    if into.organisation.is_none() {
        into.organisation = card.organisation.clone();
    }
    into.vip |= card.vip;
    into.updated_at = now;
    let mut added = Vec::new();
    for f in card.to_new(default).1 {
        let same = |k: &Fact| {
            k.kind == f.kind
                && k.date == f.date
                && k.text.trim().eq_ignore_ascii_case(f.text.trim())
        };
        if known_facts.iter().any(same) {
            continue;
        }
        let fact = f.into_fact(into.id.clone(), now)?;
        known_facts.push(fact.clone());
        added.push(fact);
    }
    Ok(added)
}

/// The columns of a CSV file and what each is read as (for the report).
fn columns_of(src: &Source) -> Result<Option<Vec<ColumnUse>>, TransferError> {
    let Format::Csv(maps) = &src.format else {
        return Ok(None);
    };
    let r = rapport_formats::csv::Reader::new(src.input.reader()?, maps)
        .map_err(|m| Invalid::new("file", m))?;
    Ok(Some(
        r.columns
            .iter()
            .map(|c| ColumnUse {
                column: c.header.clone(),
                read_as: c.field.map(|f| format!("{f:?}").to_lowercase()),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize)]
pub struct ColumnUse {
    pub column: String,
    /// The field it is read as; null: not used.
    pub read_as: Option<String>,
}

/// Imports `src` into the actor's workspace (or, with `dry_run`, says what would happen).
/// `on_item` is called for each item written (for a progress bar).
pub async fn import<P: FnMut() + Send>(
    db: &Db,
    actor: &Actor,
    src: &Source,
    opts: &Options,
    on_item: P,
) -> Result<ImportReport, TransferError> {
    let columns = columns_of(src)?;
    let p = plan(db, actor, src, opts.relationship).await?;
    if !p.errors.is_empty() {
        let mut listed: Vec<String> = p
            .errors
            .iter()
            .take(ERRORS_SHOWN)
            .map(|e| format!("  {e}"))
            .collect();
        if p.errors.len() > ERRORS_SHOWN {
            listed.push(format!("  ... and {} more", p.errors.len() - ERRORS_SHOWN));
        }
        return Err(Invalid::new(
            "file",
            format!(
                "{} of the file's {}s could not be read; nothing was imported:\n{}",
                p.errors.len(),
                src.item(),
                listed.join("\n")
            ),
        )
        .into());
    }
    let duplicates = p.duplicates.len();
    let mut report = ImportReport {
        file: src.name.clone(),
        columns,
        cards: p.cards,
        imported: 0,
        merged: if opts.merge { duplicates } else { 0 },
        skipped: if opts.merge { 0 } else { duplicates },
        dry_run: opts.dry_run,
        duplicates: p.duplicates,
    };
    if !opts.dry_run {
        let now = rapport_core::dates::micro_precision(jiff::Timestamp::now());
        report.imported = write(
            db,
            actor,
            src,
            opts.merge,
            opts.relationship,
            p.targets,
            now,
            on_item,
        )
        .await?;
    }
    Ok(report)
}

/// The second pass: writes the import in one transaction, as the cards are read again.
#[allow(clippy::too_many_arguments)]
async fn write<P: FnMut() + Send>(
    db: &Db,
    actor: &Actor,
    src: &Source,
    merge_all: bool,
    default: RelationshipType,
    targets: HashMap<usize, Target>,
    now: jiff::Timestamp,
    mut on_item: P,
) -> Result<u64, TransferError> {
    let ws = &actor.workspace.id;
    let owner = actor.user.id.clone();
    // The existing contacts cards merge into, with their facts (to add no fact twice).
    // Each: the contact, its facts, the facts cards added, whether a card changed it.
    let mut merged: HashMap<Target, (Contact, Vec<Fact>, Vec<Fact>, bool)> = HashMap::new();
    if merge_all {
        let ids: Vec<ContactId> = targets
            .values()
            .filter_map(|t| match t {
                Target::Existing(id) => Some(id.clone()),
                Target::Card(_) => None,
            })
            .collect();
        let mut facts: HashMap<ContactId, Vec<Fact>> = HashMap::new();
        for f in db.facts_of(ws, &ids).await? {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
        for id in ids {
            if let Some(c) = db.contact(ws, &id).await? {
                let known = facts.remove(&id).unwrap_or_default();
                merged.insert(Target::Existing(id), (c, known, Vec::new(), false));
            }
        }
    }
    // Cards that later cards merge into: their contact is kept to be saved again at the end.
    let card_targets: std::collections::HashSet<usize> = targets
        .values()
        .filter_map(|t| match t {
            Target::Card(n) => Some(*n),
            Target::Existing(_) => None,
        })
        .collect();
    let mut reader = open(src)?;
    let mut updates: Option<VecDeque<ImportStep>> = None;
    let changed = || StoreError::Conflict("the file changed while it was being imported".into());
    let next = move || -> Option<Result<ImportStep, StoreError>> {
        if let Some(queue) = &mut updates {
            return queue.pop_front().map(Ok);
        }
        let (mut contacts, mut facts) = (Vec::new(), Vec::new());
        while contacts.len() < BATCH {
            let Some(Entry {
                number: n, card, ..
            }) = reader.next()
            else {
                break;
            };
            let Ok(card) = card else {
                return Some(Err(changed()));
            };
            on_item();
            if let Some(t) = targets.get(&n) {
                if !merge_all {
                    continue;
                }
                let Some((into, known, added, touched)) = merged.get_mut(t) else {
                    return Some(Err(changed()));
                };
                match merge(into, known, &card, default, now) {
                    Ok(new) => added.extend(new),
                    Err(_) => return Some(Err(changed())),
                }
                *touched = true;
                continue;
            }
            let (new, card_facts) = card.to_new(default);
            let Ok(contact) = new.into_contact(owner.clone(), now) else {
                return Some(Err(changed()));
            };
            let mut these = Vec::new();
            for f in card_facts {
                let Ok(f) = f.into_fact(contact.id.clone(), now) else {
                    return Some(Err(changed()));
                };
                these.push(f);
            }
            if merge_all && card_targets.contains(&n) {
                merged.insert(
                    Target::Card(n),
                    (contact.clone(), these.clone(), Vec::new(), false),
                );
            }
            facts.extend(these);
            contacts.push(contact);
        }
        if !contacts.is_empty() {
            return Some(Ok(ImportStep::Add { contacts, facts }));
        }
        // The file is read: save the contacts cards were merged into.
        let mut queue: VecDeque<ImportStep> = merged
            .drain()
            .filter(|(_, (_, _, _, touched))| *touched)
            .map(|(_, (contact, _, added, _))| ImportStep::Update {
                contact: Box::new(contact),
                facts: added,
            })
            .collect();
        let first = queue.pop_front();
        updates = Some(queue);
        first.map(Ok)
    };
    Ok(db.import(ws, next).await?)
}

/// What an export writes.
#[derive(Clone, Copy, Debug)]
pub enum ExportFormat {
    Vcard(vcard::Version),
    Csv,
}

/// Writes every live contact of the actor's workspace to `sink`, a page at a time (each
/// page's facts read while the next page is); `on_page` gets the count so far.
pub async fn export<W: Write, P: FnMut(u64)>(
    db: &Db,
    actor: &Actor,
    format: ExportFormat,
    sink: &mut W,
    mut on_page: P,
) -> Result<u64, TransferError> {
    let ws = &actor.workspace.id;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut card = String::new();
    if let ExportFormat::Csv = format {
        let header: Vec<String> = rapport_formats::csv::HEADER
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        rapport_formats::csv::write_record(&mut buf, &header)?;
    }
    let page_of = |after: Option<(String, ContactId)>| {
        service::list_contacts(
            db,
            actor,
            ContactQuery {
                after,
                limit: Some(service::MAX_PAGE),
                ..ContactQuery::default()
            },
        )
    };
    let mut count = 0u64;
    let mut page = page_of(None).await?;
    while !page.is_empty() {
        let ids: Vec<ContactId> = page.iter().map(|c| c.id.clone()).collect();
        // The next page is read while this one's facts are (two reader connections).
        let next_after = (page.len() == service::MAX_PAGE as usize)
            .then(|| page.last().map(|c| (c.name_folded(), c.id.clone())))
            .flatten();
        let next = async {
            match next_after {
                Some(after) => page_of(Some(after)).await,
                None => Ok(Vec::new()),
            }
        };
        let (page_facts, next) = tokio::join!(db.facts_of(ws, &ids), next);
        let mut facts: HashMap<ContactId, Vec<Fact>> = HashMap::new();
        for f in page_facts? {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
        for c in &page {
            let these = facts.get(&c.id).map_or(&[][..], Vec::as_slice);
            match format {
                ExportFormat::Vcard(version) => {
                    card.clear();
                    vcard::write_card(c, these, version, &mut card);
                    buf.extend_from_slice(card.as_bytes());
                }
                ExportFormat::Csv => rapport_formats::csv::write_record(
                    &mut buf,
                    &rapport_formats::csv::row_of(c, these),
                )?,
            }
            if buf.len() >= 1 << 15 {
                sink.write_all(&buf)?;
                buf.clear();
            }
        }
        count += page.len() as u64;
        on_page(count);
        page = next?;
    }
    sink.write_all(&buf)?;
    sink.flush()?;
    Ok(count)
}
