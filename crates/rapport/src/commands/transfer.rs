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
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_core::contact::{Contact, RelationshipType};
use rapport_core::fact::Fact;
use rapport_core::ids::ContactId;
use rapport_core::service::{self, ContactQuery};
use rapport_core::store::{BulkStore, ContactStore, ImportStep};
use rapport_core::{Invalid, StoreError};
use rapport_formats::vcard::{self, Card, Reader};
use serde::Serialize;

use crate::cli::{ExportVcardArgs, ImportVcardArgs};
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

fn open(path: &Path) -> anyhow::Result<Reader<BufReader<File>>> {
    let f = File::open(path)
        .map_err(|e| Invalid::new("file", format!("cannot open {}: {e}", path.display())))?;
    Ok(Reader::new(BufReader::with_capacity(1 << 16, f)))
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

async fn plan(ctx: &Context, path: &Path, default: RelationshipType) -> anyhow::Result<Plan> {
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
    let mut reader = open(path)?;
    while let Some(item) = reader.next() {
        let card = match item {
            Ok(c) => c,
            Err(e) => {
                p.errors.push(e.to_string());
                continue;
            }
        };
        let (n, line) = reader.last_card();
        p.cards = n;
        if let Err(m) = check(&card, default, ctx) {
            p.errors.push(format!("card {n} (line {line}): {m}"));
            continue;
        }
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
                            "card {m} ({})",
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
    let default: RelationshipType = a.relationship.parse()?;
    let p = plan(ctx, &a.file, default).await?;
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
                "{} of the file's cards could not be read; nothing was imported:\n{}",
                p.errors.len(),
                listed.join("\n")
            ),
        )
        .into());
    }
    let duplicates = p.duplicates.len();
    let mut report = ImportReport {
        file: a.file.display().to_string(),
        cards: p.cards,
        imported: 0,
        merged: if a.merge { duplicates } else { 0 },
        skipped: if a.merge { 0 } else { duplicates },
        dry_run: a.dry_run,
        duplicates: p.duplicates,
    };
    if !a.dry_run {
        report.imported = write(ctx, &a, default, p.cards, p.targets).await?;
    }
    if a.out.json {
        return crate::render::json(&report);
    }
    let verb = if a.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    println!(
        "{verb} {} contacts from {} ({} cards).",
        if a.dry_run {
            (report.cards - duplicates) as u64
        } else {
            report.imported
        },
        report.file,
        report.cards
    );
    if duplicates > 0 {
        let what = match (a.merge, a.dry_run) {
            (true, true) => "would be merged into the contact they match",
            (true, false) => "merged into the contact they match",
            (false, _) => "skipped (--merge merges them)",
        };
        println!("{duplicates} duplicates {what}:");
        for d in &report.duplicates {
            println!(
                "  card {} (line {}) {} = {} (same {})",
                d.card, d.line, d.name, d.matches, d.by
            );
        }
    }
    Ok(())
}

/// The second pass: writes the import in one transaction, as the cards are read again.
async fn write(
    ctx: &Context,
    a: &ImportVcardArgs,
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
    if a.merge {
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
    let mut reader = open(&a.file)?;
    let mut updates: Option<VecDeque<ImportStep>> = None;
    let merge_all = a.merge;
    let changed = || StoreError::Conflict("the file changed while it was being imported".into());
    let next = move || -> Option<Result<ImportStep, StoreError>> {
        if let Some(queue) = &mut updates {
            return queue.pop_front().map(Ok);
        }
        let (mut contacts, mut facts) = (Vec::new(), Vec::new());
        while contacts.len() < BATCH {
            let Some(item) = reader.next() else {
                break;
            };
            let Ok(card) = item else {
                return Some(Err(changed()));
            };
            progress.inc(1);
            let (n, _) = reader.last_card();
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
    let ws = &ctx.actor.workspace.id;
    let to_stdout = a.file == "-";
    let path = std::path::PathBuf::from(&a.file);
    let partial = path.with_extension("vcf.partial");
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&partial).map_err(|e| {
            Invalid::new("file", format!("cannot write {}: {e}", partial.display()))
        })?)
    };
    let mut sink = std::io::BufWriter::with_capacity(1 << 16, sink);
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
    let mut card = String::new();
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
            card.clear();
            vcard::write_card(
                c,
                facts.get(&c.id).map_or(&[][..], Vec::as_slice),
                version,
                &mut card,
            );
            sink.write_all(card.as_bytes())?;
        }
        count += page.len() as u64;
        progress.set_position(count);
        page = next?;
    }
    sink.flush()?;
    drop(sink);
    progress.finish_and_clear();
    if !to_stdout {
        // Only a whole file takes the name asked for.
        std::fs::rename(&partial, &path)?;
    }
    if a.out.json {
        return crate::render::json(&serde_json::json!({"file": a.file, "contacts": count}));
    }
    if !to_stdout {
        println!("Exported {count} contacts to {}.", a.file);
    }
    Ok(())
}
