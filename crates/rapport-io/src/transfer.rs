//! Contacts in and out of files, for the CLI and the server alike.
//!
//! An import reads its input once, card by card (vCard) or row by row (CSV), and writes it
//! in one transaction, a batch at a time, as the items come: memory stays bounded whatever
//! the size of the file. An item whose email or phone is a contact's (an existing one, or
//! one an earlier item added) is skipped and reported, or merged into it when asked, which
//! adds what the contact lacks and overwrites nothing. If any item cannot be read or is
//! invalid, the rest of the file is still read to list every refusal, and nothing is kept.
//! A dry run does the same and rolls back.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::Arc;

use rapport_core::contact::RelationshipType;
use rapport_core::fact::Fact;
use rapport_core::ids::ContactId;
use rapport_core::ports::{BulkStore, ImportDuplicate, ImportItem, ImportMode, ReferralStore};
use rapport_core::service::{self, ContactQuery};
use rapport_core::workspace::Actor;
use rapport_core::{Invalid, StoreError};
use rapport_formats::csv::Field;
use rapport_formats::vcard::{self, Card, Reader};
use rapport_store::Db;
use serde::Serialize;

/// Items written per step of an import.
const BATCH: usize = 1000;
/// Errors listed before the rest are only counted.
const ERRORS_SHOWN: usize = 50;
/// Warnings listed in a report; the rest are counted.
pub const WARNINGS_SHOWN: usize = 1000;
/// Duplicates listed in a report; the rest are counted (`merged`, `skipped`).
pub const DUPLICATES_SHOWN: usize = 1000;

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

#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub card: usize,
    pub line: usize,
    pub name: String,
    /// The contact it matches (null: an earlier item of a dry run, never written).
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
    /// Contacts added (in a dry run: that would be).
    pub imported: u64,
    pub merged: usize,
    pub skipped: usize,
    pub dry_run: bool,
    /// The first duplicates found (at most [`DUPLICATES_SHOWN`]; `merged` or `skipped`
    /// counts them all).
    pub duplicates: Vec<Duplicate>,
    /// What was read but not kept from items that were imported all the same (an
    /// impossible birthday...): the first [`WARNINGS_SHOWN`]; `warnings_total` counts all.
    pub warnings: Vec<ItemWarning>,
    pub warnings_total: usize,
}

/// Something an imported item held that was not kept, and why.
#[derive(Debug, Serialize)]
pub struct ItemWarning {
    pub card: usize,
    pub line: usize,
    pub message: String,
}

impl ImportReport {
    /// Duplicates found but not listed.
    pub fn unlisted(&self) -> usize {
        (self.merged + self.skipped).saturating_sub(self.duplicates.len())
    }
}

/// Where an import's bytes are.
#[derive(Clone, Debug)]
pub enum Input {
    File(PathBuf),
    /// A request body, in memory (bounded by the server's body limit) for its request only.
    Bytes(Arc<[u8]>),
    /// An upload written to a private temporary file, waiting to be imported.
    Spooled(Arc<Spooled>),
}

/// A temporary file only this user can read, removed when the last handle on it goes
/// (the upload imported, expired or pushed out).
#[derive(Debug)]
pub struct Spooled {
    path: PathBuf,
}

impl Spooled {
    /// A new empty file named `rapport-upload-ID` in `dir`, open for writing.
    pub fn create(dir: &std::path::Path, id: &str) -> std::io::Result<(Spooled, File)> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = dir.join(format!("rapport-upload-{id}"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        Ok((Spooled { path }, file))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

/// Removes the upload files in `dir` that a server stopped before it could (killed, or the
/// machine went down): those last written more than `older_than` before `now`, longer than
/// an upload may wait, so no running server still holds them. Returns how many went.
pub fn sweep_stale_uploads(
    dir: &std::path::Path,
    older_than: std::time::Duration,
    now: std::time::SystemTime,
) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with("rapport-upload-") {
            continue;
        }
        // Only plain files of ours (a symlink is not followed, nor removed).
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let stale = meta.is_file()
            && meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age > older_than);
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

impl Drop for Spooled {
    fn drop(&mut self) {
        // Nothing to do if it is already gone.
        let _ = std::fs::remove_file(&self.path);
    }
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
            Input::Spooled(s) => {
                let f = File::open(s.path()).map_err(|e| {
                    Invalid::new("file", format!("the upload is no longer there: {e}"))
                })?;
                Box::new(BufReader::with_capacity(1 << 16, f))
            }
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

/// A card as the contact and facts it would add, or why it cannot be.
fn item_of(
    number: usize,
    line: usize,
    card: Card,
    default: RelationshipType,
    actor: &Actor,
    now: jiff::Timestamp,
) -> Result<ImportItem, String> {
    let (new, facts) = card.to_new(default);
    let contact = new
        .into_contact(actor.user.id.clone(), now)
        .map_err(|e| e.message)?;
    let facts = facts
        .into_iter()
        .map(|f| f.into_fact(contact.id.clone(), now).map_err(|e| e.message))
        .collect::<Result<Vec<Fact>, String>>()?;
    Ok(ImportItem {
        number,
        line,
        contact,
        facts,
    })
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
/// `on_item` is called for each item read (for a progress bar).
pub async fn import<P: FnMut() + Send>(
    db: &Db,
    actor: &Actor,
    src: &Source,
    opts: &Options,
    mut on_item: P,
) -> Result<ImportReport, TransferError> {
    let columns = columns_of(src)?;
    let what = src.item();
    let now = rapport_core::dates::micro_precision(jiff::Timestamp::now());
    let mut entries = open(src)?;
    // Only the first refusals and warnings are kept, and all are counted: a file of a
    // million bad items must not hold a million messages in memory.
    let (mut cards, mut errors, mut error_count, mut done) =
        (0usize, Vec::<String>::new(), 0usize, false);
    let (mut warnings, mut warnings_total) = (Vec::<ItemWarning>::new(), 0usize);
    let refused = || StoreError::Conflict("the file has items that cannot be imported".into());
    let next = || -> Option<Result<Vec<ImportItem>, StoreError>> {
        let mut items = Vec::new();
        while items.len() < BATCH {
            let Some(Entry { number, line, card }) = entries.next() else {
                done = true;
                break;
            };
            cards = cards.max(number);
            on_item();
            if let Ok(c) = &card {
                for message in &c.warnings {
                    warnings_total += 1;
                    if warnings.len() < WARNINGS_SHOWN {
                        warnings.push(ItemWarning {
                            card: number,
                            line,
                            message: message.clone(),
                        });
                    }
                }
            }
            // A card with nothing Rapport keeps (or stray text) is skipped, its warning
            // already listed.
            if card.as_ref().is_ok_and(|c| c.empty) {
                continue;
            }
            match card.and_then(|c| item_of(number, line, c, opts.relationship, actor, now)) {
                // Once an item is refused nothing is written: the rest is only checked.
                Ok(item) if error_count == 0 => items.push(item),
                Ok(_) => {}
                Err(m) => {
                    error_count += 1;
                    if errors.len() < ERRORS_SHOWN {
                        errors.push(format!("{what} {number} (line {line}): {m}"));
                    }
                }
            }
        }
        if error_count > 0 {
            return if done {
                Some(Err(refused()))
            } else {
                Some(Ok(Vec::new()))
            };
        }
        (!items.is_empty()).then_some(Ok(items))
    };
    let mut duplicates: Vec<Duplicate> = Vec::new();
    let mut found = 0usize;
    let on_duplicate = |item: &ImportItem, d: ImportDuplicate| {
        found += 1;
        if duplicates.len() < DUPLICATES_SHOWN {
            duplicates.push(Duplicate {
                card: item.number,
                line: item.line,
                name: item.contact.name.clone(),
                matches_id: (!opts.dry_run || !d.earlier_in_import).then_some(d.of),
                matches: if d.earlier_in_import {
                    format!("{} (an earlier {what} of this file)", d.name)
                } else {
                    d.name
                },
                by: d.by,
            });
        }
    };
    let mode = ImportMode {
        merge: opts.merge,
        commit: !opts.dry_run,
        at: now,
    };
    let written = db
        .import(&actor.workspace.id, mode, next, on_duplicate)
        .await;
    if error_count > 0 {
        let mut listed: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        if error_count > errors.len() {
            listed.push(format!("  ... and {} more", error_count - errors.len()));
        }
        return Err(Invalid::new(
            "file",
            format!(
                "{error_count} of the file's {what}s could not be read; nothing was imported:\n{}",
                listed.join("\n")
            ),
        )
        .into());
    }
    let imported = written?;
    if cards == 0 && matches!(src.format, Format::Vcard) {
        // Nothing but stray text, not one card: not a vCard file (nothing was written).
        return Err(Invalid::new(
            "file",
            format!(
                "no card in it could be read (is it a vCard file?): {}",
                warnings
                    .first()
                    .map_or(String::new(), |w| w.message.clone())
            ),
        )
        .into());
    }
    Ok(ImportReport {
        file: src.name.clone(),
        columns,
        cards,
        imported,
        merged: if opts.merge { found } else { 0 },
        skipped: if opts.merge { 0 } else { found },
        dry_run: opts.dry_run,
        duplicates,
        warnings,
        warnings_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spooled_upload_is_private_and_removed_with_its_last_handle() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir();
        let (spooled, mut file) = Spooled::create(&dir, "unit-test-spool").expect("create");
        file.write_all(b"BEGIN:VCARD").expect("write");
        let path = spooled.path().to_owned();
        let mode = std::fs::metadata(&path)
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(
            Spooled::create(&dir, "unit-test-spool").is_err(),
            "never reused"
        );
        let input = Input::Spooled(Arc::new(spooled));
        let copy = input.clone();
        drop(input);
        assert!(path.exists(), "a handle is left");
        drop(copy);
        assert!(!path.exists());
    }

    #[test]
    fn upload_files_left_by_a_stopped_server_are_swept_and_nothing_else() {
        use std::time::{Duration, SystemTime};
        let dir = std::env::temp_dir().join(format!("rapport-sweep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let touch = |name: &str, at: SystemTime| {
            let f = std::fs::File::create(dir.join(name)).expect("create");
            f.set_modified(at).expect("mtime");
        };
        touch("rapport-upload-left-behind", hour_ago);
        touch("rapport-upload-waiting", SystemTime::now());
        touch("someone-elses-file", hour_ago);
        let removed = sweep_stale_uploads(&dir, Duration::from_secs(15 * 60), SystemTime::now());
        assert_eq!(removed, 1);
        assert!(!dir.join("rapport-upload-left-behind").exists());
        assert!(
            dir.join("rapport-upload-waiting").exists(),
            "a fresh upload may be another server's, still waiting"
        );
        assert!(dir.join("someone-elses-file").exists());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
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
        let introducers: HashMap<ContactId, String> =
            db.introducers_of(ws, &ids).await?.into_iter().collect();
        for c in &page {
            let these = facts.get(&c.id).map_or(&[][..], Vec::as_slice);
            let introducer = introducers.get(&c.id).map(String::as_str);
            match format {
                ExportFormat::Vcard(version) => {
                    card.clear();
                    let met = c.met_phrase(introducer);
                    let met = met.as_deref().map(|m| (m, introducer));
                    vcard::write_card(c, these, version, met, &mut card);
                    buf.extend_from_slice(card.as_bytes());
                }
                ExportFormat::Csv => rapport_formats::csv::write_record(
                    &mut buf,
                    &rapport_formats::csv::row_of(c, these, introducer),
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
