//! `rapport import` and `rapport export`: contacts in and out of files.
//!
//! An import reads its file twice, card by card: first to check every card and find the
//! duplicates (nothing is written if any card is refused), then to write, in one
//! transaction, as the cards come. A card whose email or phone is an existing contact's (or
//! an earlier card's) is skipped and reported, or merged into it with `--merge`, which adds
//! what the contact lacks and overwrites nothing.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_core::contact::{Contact, RelationshipType};
use rapport_core::fact::Fact;
use rapport_core::ids::ContactId;
use rapport_core::service::{self, ContactQuery};
use rapport_core::store::{BulkStore, ContactStore, ImportStep};
use rapport_core::{Invalid, StoreError};
use rapport_formats::csv::Field;
use rapport_formats::vcard::{self, Card, Reader};
use serde::Serialize;

use crate::cli::{ExportCsvArgs, ExportVcardArgs, ImportCsvArgs, ImportVcardArgs};
use crate::context::Context;

/// Contacts written per step of an import.
const BATCH: usize = 1000;
/// Errors listed before the rest are only counted.
const ERRORS_SHOWN: usize = 50;

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
struct Duplicate {
    card: usize,
    line: usize,
    name: String,
    /// The contact it matches (an existing one's id, or null for an earlier card).
    matches_id: Option<ContactId>,
    matches: String,
    by: String,
}

#[derive(Debug, Serialize)]
struct ImportReport {
    file: String,
    /// A CSV file's columns and what each was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<Vec<ColumnUse>>,
    cards: usize,
    imported: u64,
    merged: usize,
    skipped: usize,
    dry_run: bool,
    duplicates: Vec<Duplicate>,
}

/// The first pass: every card checked, duplicates found.
#[derive(Debug, Default)]
struct Plan {
    cards: usize,
    targets: HashMap<usize, Target>,
    duplicates: Vec<Duplicate>,
    errors: Vec<String>,
}

/// A file to import and how to read it.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
}

#[derive(Clone, Debug)]
pub enum Format {
    Vcard,
    /// With the `--map` overrides.
    Csv(Vec<(String, Field)>),
}

impl Source {
    /// What one item of the file is called in messages.
    fn item(&self) -> &'static str {
        match self.format {
            Format::Vcard => "card",
            Format::Csv(_) => "row",
        }
    }
}

/// One card or row: its number, its line, and what it says (or why it cannot be read).
struct Entry {
    number: usize,
    line: usize,
    card: Result<Card, String>,
}

type Entries = Box<dyn Iterator<Item = Entry> + Send>;

fn open(src: &Source) -> anyhow::Result<Entries> {
    let f = File::open(&src.path)
        .map_err(|e| Invalid::new("file", format!("cannot open {}: {e}", src.path.display())))?;
    let input = BufReader::with_capacity(1 << 16, f);
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
fn check(card: &Card, default: RelationshipType, ctx: &Context) -> Result<(), String> {
    let now = Context::now();
    let (new, facts) = card.to_new(default);
    let contact = new
        .into_contact(ctx.actor.user.id.clone(), now)
        .map_err(|e| e.message)?;
    for f in facts {
        f.into_fact(contact.id.clone(), now)
            .map_err(|e| e.message)?;
    }
    Ok(())
}

async fn plan(ctx: &Context, src: &Source, default: RelationshipType) -> anyhow::Result<Plan> {
    let ws = &ctx.actor.workspace.id;
    let mut known: HashMap<Handle, Target> = HashMap::new();
    for (id, kind, value) in ctx.db.contact_handles(ws).await? {
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
        let card = match card.and_then(|c| check(&c, default, ctx).map(|()| c)) {
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
    let names: HashMap<ContactId, String> = ctx
        .db
        .contact_names(ws, &existing)
        .await?
        .into_iter()
        .collect();
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

pub async fn import_vcard(ctx: &Context, a: ImportVcardArgs) -> anyhow::Result<()> {
    let src = Source {
        path: a.file.clone(),
        format: Format::Vcard,
    };
    let opts = Options {
        merge: a.merge,
        dry_run: a.dry_run,
        relationship: a.relationship,
        json: a.out.json,
    };
    import(ctx, &src, &opts).await
}

pub async fn import_csv(ctx: &Context, a: ImportCsvArgs) -> anyhow::Result<()> {
    let mut maps = Vec::new();
    for m in &a.map {
        let (column, field) = m.rsplit_once('=').ok_or_else(|| {
            Invalid::new(
                "map",
                format!("{m:?}: write --map COLUMN=FIELD, e.g. --map \"Org=organisation\""),
            )
        })?;
        let field = Field::parse(field).map_err(|e| Invalid::new("map", e))?;
        maps.push((column.trim().to_owned(), field));
    }
    let src = Source {
        path: a.file.clone(),
        format: Format::Csv(maps),
    };
    let opts = Options {
        merge: a.merge,
        dry_run: a.dry_run,
        relationship: a.relationship,
        json: a.out.json,
    };
    import(ctx, &src, &opts).await
}

/// How an import runs.
#[derive(Debug)]
struct Options {
    merge: bool,
    dry_run: bool,
    relationship: String,
    json: bool,
}

/// The columns of a CSV file and what each is read as (for the report).
fn columns_of(src: &Source) -> anyhow::Result<Option<Vec<ColumnUse>>> {
    let Format::Csv(maps) = &src.format else {
        return Ok(None);
    };
    let f = File::open(&src.path)
        .map_err(|e| Invalid::new("file", format!("cannot open {}: {e}", src.path.display())))?;
    let r = rapport_formats::csv::Reader::new(BufReader::new(f), maps)
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
struct ColumnUse {
    column: String,
    /// The field it is read as; null: not used.
    read_as: Option<String>,
}

async fn import(ctx: &Context, src: &Source, a: &Options) -> anyhow::Result<()> {
    let default: RelationshipType = a.relationship.parse()?;
    let columns = columns_of(src)?;
    let p = plan(ctx, src, default).await?;
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
        file: src.path.display().to_string(),
        columns,
        cards: p.cards,
        imported: 0,
        merged: if a.merge { duplicates } else { 0 },
        skipped: if a.merge { 0 } else { duplicates },
        dry_run: a.dry_run,
        duplicates: p.duplicates,
    };
    if !a.dry_run {
        report.imported = write(ctx, src, a.merge, default, p.cards, p.targets).await?;
    }
    if a.json {
        return crate::render::json(&report);
    }
    let verb = if a.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    println!(
        "{verb} {} contacts from {} ({} {}s).",
        if a.dry_run {
            (report.cards - duplicates) as u64
        } else {
            report.imported
        },
        report.file,
        report.cards,
        src.item()
    );
    if let (Some(cols), true) = (&report.columns, a.dry_run) {
        for c in cols {
            match &c.read_as {
                Some(f) => println!("  column {:?} is read as {f}", c.column),
                None => println!("  column {:?} is not used (--map it to use it)", c.column),
            }
        }
    }
    if duplicates > 0 {
        let what = match (a.merge, a.dry_run) {
            (true, true) => "would be merged into the contact they match",
            (true, false) => "merged into the contact they match",
            (false, _) => "skipped (--merge merges them)",
        };
        println!("{duplicates} duplicates {what}:");
        for d in &report.duplicates {
            println!(
                "  {} {} (line {}) {} = {} (same {})",
                src.item(),
                d.card,
                d.line,
                d.name,
                d.matches,
                d.by
            );
        }
    }
    Ok(())
}

/// The second pass: writes the import in one transaction, as the cards are read again.
async fn write(
    ctx: &Context,
    src: &Source,
    merge_all: bool,
    default: RelationshipType,
    cards: usize,
    targets: HashMap<usize, Target>,
) -> anyhow::Result<u64> {
    let ws = &ctx.actor.workspace.id;
    let now = Context::now();
    let owner = ctx.actor.user.id.clone();
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
        for f in ctx.db.facts_of(ws, &ids).await? {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
        for id in ids {
            if let Some(c) = ctx.db.contact(ws, &id).await? {
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
    let progress = ProgressBar::with_draw_target(Some(cards as u64), ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cards  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
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
            progress.inc(1);
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
        progress.finish_and_clear();
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
    Ok(ctx.db.import(ws, next).await?)
}

pub async fn export_vcard(ctx: &Context, a: ExportVcardArgs) -> anyhow::Result<()> {
    let version: vcard::Version = a
        .version
        .parse()
        .map_err(|m: String| Invalid::new("version", m))?;
    let mut card = String::new();
    export(ctx, &a.file, a.out.json, None, |c, facts, out| {
        card.clear();
        vcard::write_card(c, facts, version, &mut card);
        out.extend_from_slice(card.as_bytes());
        Ok(())
    })
    .await
}

pub async fn export_csv(ctx: &Context, a: ExportCsvArgs) -> anyhow::Result<()> {
    let header: Vec<String> = rapport_formats::csv::HEADER
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    export(ctx, &a.file, a.out.json, Some(header), |c, facts, out| {
        rapport_formats::csv::write_record(out, &rapport_formats::csv::row_of(c, facts))
    })
    .await
}

/// Writes every live contact, a page at a time, with `each` (a header record first for
/// CSV), to `file` ("-": standard output); a file takes its name only when whole.
async fn export<F>(
    ctx: &Context,
    file: &str,
    json: bool,
    header: Option<Vec<String>>,
    mut each: F,
) -> anyhow::Result<()>
where
    F: FnMut(&Contact, &[Fact], &mut Vec<u8>) -> std::io::Result<()>,
{
    let ws = &ctx.actor.workspace.id;
    let to_stdout = file == "-";
    let path = PathBuf::from(file);
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&partial).map_err(|e| {
            Invalid::new("file", format!("cannot write {}: {e}", partial.display()))
        })?)
    };
    let mut sink = std::io::BufWriter::with_capacity(1 << 16, sink);
    let mut buf = Vec::with_capacity(1 << 16);
    if let Some(h) = header {
        rapport_formats::csv::write_record(&mut buf, &h)?;
    }
    let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{pos} contacts written  {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let page_of = |after: Option<(String, ContactId)>| {
        service::list_contacts(
            &ctx.db,
            &ctx.actor,
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
        let (page_facts, next) = tokio::join!(ctx.db.facts_of(ws, &ids), next);
        let mut facts: HashMap<ContactId, Vec<Fact>> = HashMap::new();
        for f in page_facts? {
            facts.entry(f.contact_id.clone()).or_default().push(f);
        }
        for c in &page {
            each(c, facts.get(&c.id).map_or(&[][..], Vec::as_slice), &mut buf)?;
            if buf.len() >= 1 << 15 {
                sink.write_all(&buf)?;
                buf.clear();
            }
        }
        count += page.len() as u64;
        progress.set_position(count);
        page = next?;
    }
    sink.write_all(&buf)?;
    sink.flush()?;
    drop(sink);
    progress.finish_and_clear();
    if !to_stdout {
        std::fs::rename(&partial, &path)?;
    }
    if json {
        return crate::render::json(&serde_json::json!({"file": file, "contacts": count}));
    }
    if !to_stdout {
        println!("Exported {count} contacts to {file}.");
    }
    Ok(())
}

pub async fn backup(ctx: &Context, a: crate::cli::BackupArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    if a.sqlite {
        ctx.db
            .snapshot_sqlite(&a.file)
            .await
            .map_err(|e| Invalid::new("backup", e.to_string()))?;
    } else {
        if a.file.exists() {
            return Err(Invalid::new(
                "backup",
                format!(
                    "{} exists: a backup never overwrites a file",
                    a.file.display()
                ),
            )
            .into());
        }
        let mut partial = a.file.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let f = File::create(&partial).map_err(|e| {
            Invalid::new("backup", format!("cannot write {}: {e}", partial.display()))
        })?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
        let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        progress.set_style(
            ProgressStyle::with_template("{pos} records backed up  {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let io = |e: std::io::Error| StoreError::Other(Box::new(e));
        let rows = ctx
            .db
            .backup_workspace(&ctx.actor.workspace.id, |line| {
                serde_json::to_writer(&mut w, line).map_err(|e| StoreError::Other(Box::new(e)))?;
                w.write_all(b"\n").map_err(io)?;
                progress.inc(1);
                Ok(())
            })
            .await;
        progress.finish_and_clear();
        let rows = match rows {
            Ok(r) => r,
            Err(e) => {
                drop(w);
                let _ = std::fs::remove_file(&partial);
                return Err(e.into());
            }
        };
        w.flush()?;
        w.get_ref().sync_all()?;
        drop(w);
        std::fs::rename(&partial, &a.file)?;
        if !a.out.json {
            println!(
                "Backed up {rows} records of {} to {} in {:.1} s.",
                ctx.actor.workspace.name,
                a.file.display(),
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
    }
    let bytes = std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0);
    if a.out.json {
        return crate::render::json(&serde_json::json!({
            "file": a.file.display().to_string(), "bytes": bytes,
            "seconds": started.elapsed().as_secs_f64(),
        }));
    }
    println!(
        "Snapshot of the database written to {} ({:.1} MB in {:.1} s).",
        a.file.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn restore(ctx: &Context, a: crate::cli::RestoreArgs) -> anyhow::Result<()> {
    use std::io::BufRead;
    let f = File::open(&a.file)
        .map_err(|e| Invalid::new("file", format!("cannot open {}: {e}", a.file.display())))?;
    let mut lines = BufReader::with_capacity(1 << 16, f).lines().enumerate();
    let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{pos} records restored  {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let next = || {
        let (n, line) = lines.next()?;
        progress.inc(1);
        Some(match line {
            Err(e) => Err(StoreError::Conflict(format!("line {}: {e}", n + 1))),
            Ok(text) => serde_json::from_str::<rapport_store::BackupLine>(&text).map_err(|e| {
                StoreError::Conflict(format!(
                    "line {}: not a line of a Rapport backup ({e}): is the file cut short?",
                    n + 1
                ))
            }),
        })
    };
    let written = ctx.db.restore_workspace(next).await.map_err(|e| match e {
        StoreError::Conflict(m) => anyhow::Error::from(Invalid::new("restore", m)),
        other => other.into(),
    })?;
    progress.finish_and_clear();
    if a.out.json {
        return crate::render::json(
            &serde_json::json!({ "file": a.file.display().to_string(), "records": written }),
        );
    }
    println!("Restored {written} records from {}.", a.file.display());
    Ok(())
}
