//! `rapport import`, `export`, `backup` and `restore`: contacts and whole workspaces in and
//! out of files. The import and export engine is `rapport_io::transfer` (the server
//! offers the same); this module parses arguments, shows progress on a terminal, and prints.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_core::contact::RelationshipType;
use rapport_core::{Invalid, StoreError};
use rapport_formats::csv::Field;
use rapport_formats::vcard;
use rapport_io::transfer::{
    self, ExportFormat, ImportReport, Input, Options, Source, TransferError,
};

use crate::cli::{ExportCsvArgs, ExportVcardArgs, ImportCsvArgs, ImportVcardArgs};
use crate::context::Context;

/// The CLI's error for a transfer's: bad input keeps its exit code (2).
fn cli_error(e: TransferError) -> anyhow::Error {
    match e {
        TransferError::Invalid(i) => i.into(),
        TransferError::Core(c) => c.into(),
        TransferError::Store(s) => s.into(),
        TransferError::Io(io) => io.into(),
    }
}

pub async fn import_vcard(ctx: &Context, a: ImportVcardArgs) -> anyhow::Result<()> {
    let src = Source {
        name: a.file.display().to_string(),
        input: Input::File(a.file.clone()),
        format: transfer::Format::Vcard,
    };
    import(ctx, &src, a.merge, a.dry_run, &a.relationship, a.out.json).await
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
        name: a.file.display().to_string(),
        input: Input::File(a.file.clone()),
        format: transfer::Format::Csv(maps),
    };
    import(ctx, &src, a.merge, a.dry_run, &a.relationship, a.out.json).await
}

async fn import(
    ctx: &Context,
    src: &Source,
    merge: bool,
    dry_run: bool,
    relationship: &str,
    json: bool,
) -> anyhow::Result<()> {
    let relationship: RelationshipType = relationship.parse()?;
    let opts = Options {
        merge,
        dry_run,
        relationship,
    };
    let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{pos} written  {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = transfer::import(&ctx.db, &ctx.actor, src, &opts, || progress.inc(1))
        .await
        .map_err(cli_error)?;
    progress.finish_and_clear();
    if json {
        return crate::render::json(&report);
    }
    print_report(&report, src.item(), merge);
    Ok(())
}

fn print_report(report: &ImportReport, item: &str, merge: bool) {
    let duplicates = report.merged + report.skipped;
    let verb = if report.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    println!(
        "{verb} {} contacts from {} ({} {item}s).",
        report.imported, report.file, report.cards,
    );
    if let (Some(cols), true) = (&report.columns, report.dry_run) {
        for c in cols {
            match &c.read_as {
                Some(f) => println!("  column {:?} is read as {f}", c.column),
                None => println!("  column {:?} is not used (--map it to use it)", c.column),
            }
        }
    }
    if duplicates > 0 {
        let what = match (merge, report.dry_run) {
            (true, true) => "would be merged into the contact they match",
            (true, false) => "merged into the contact they match",
            (false, _) => "skipped (--merge merges them)",
        };
        println!("{duplicates} duplicates {what}:");
        for d in &report.duplicates {
            println!(
                "  {item} {} (line {}) {} = {} (same {})",
                d.card, d.line, d.name, d.matches, d.by
            );
        }
        if report.unlisted() > 0 {
            println!("  ... and {} more", report.unlisted());
        }
    }
    if report.warnings_total > 0 {
        println!(
            "{} things were repaired or skipped (each says what became of it):",
            report.warnings_total
        );
        for w in &report.warnings {
            println!("  {item} {} (line {}): {}", w.card, w.line, w.message);
        }
        if report.warnings_total > report.warnings.len() {
            println!(
                "  ... and {} more",
                report.warnings_total - report.warnings.len()
            );
        }
    }
}

pub async fn export_vcard(ctx: &Context, a: ExportVcardArgs) -> anyhow::Result<()> {
    let version: vcard::Version = a
        .version
        .parse()
        .map_err(|m: String| Invalid::new("version", m))?;
    export(ctx, &a.file, a.out.json, ExportFormat::Vcard(version)).await
}

pub async fn export_csv(ctx: &Context, a: ExportCsvArgs) -> anyhow::Result<()> {
    export(ctx, &a.file, a.out.json, ExportFormat::Csv).await
}

/// Exports to `file` ("-": standard output); a file takes its name only when whole.
async fn export(ctx: &Context, file: &str, json: bool, format: ExportFormat) -> anyhow::Result<()> {
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
    let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{pos} contacts written  {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let count = transfer::export(&ctx.db, &ctx.actor, format, &mut sink, |n| {
        progress.set_position(n)
    })
    .await;
    progress.finish_and_clear();
    let count = match count {
        Ok(n) => n,
        Err(e) => {
            drop(sink);
            if !to_stdout {
                let _ = std::fs::remove_file(&partial);
            }
            return Err(cli_error(e));
        }
    };
    drop(sink);
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

/// How many messages go to the core at once (memory stays flat over a large mailbox).
const MAIL_BATCH: usize = 2000;

pub async fn import_mail(ctx: &Context, a: crate::cli::MailImportArgs) -> anyhow::Result<()> {
    use rapport_core::mail::{MailOptions, MailReport, import};
    let options = MailOptions {
        dry_run: a.dry_run,
        create_contacts: a.create_contacts,
    };
    let mut report = MailReport::default();
    let mut unknown = std::collections::BTreeSet::new();
    // Printed for a person, the conversations are counted as they go (memory stays flat
    // over a large mailbox); only --json lists every one.
    let mut logged = 0usize;
    let (mut promises_mine, mut promises_theirs) = (0usize, 0usize);
    const PROMISES_LISTED: usize = 20;
    let mut contacts: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut files = rapport_io::mailbox::MailFiles::new(&a.paths).peekable();
    while files.peek().is_some() {
        let mut messages = Vec::new();
        let mut skipped = Vec::new();
        for read in files.by_ref().take(MAIL_BATCH) {
            match read {
                Ok(m) => messages.push(m),
                Err(s) => skipped.push(s),
            }
        }
        let part = import(
            &ctx.db,
            &ctx.actor,
            messages,
            &a.me,
            skipped,
            &options,
            Context::now(),
        )
        .await?;
        report.messages += part.messages;
        logged += part.interactions.len();
        if a.out.json {
            report.interactions.extend(part.interactions);
        } else {
            contacts.extend(part.interactions.into_iter().map(|i| i.contact_name));
        }
        report.already_logged += part.already_logged;
        report.not_mine += part.not_mine;
        report.contacts_created += part.contacts_created;
        report.suggestions_offered += part.suggestions_offered;
        // Printed for a person, promises are counted and the first few kept (memory stays
        // flat); only --json lists every one.
        for p in part.promises {
            if p.direction == rapport_core::commitment::Direction::Mine {
                promises_mine += 1;
            } else {
                promises_theirs += 1;
            }
            if a.out.json || report.promises.len() < PROMISES_LISTED {
                report.promises.push(p);
            }
        }
        report.skipped.extend(part.skipped);
        unknown.extend(part.unknown_senders);
    }
    // An address made a contact in a later batch is no longer unknown.
    report.unknown_senders = unknown.into_iter().collect();
    if a.out.json {
        return crate::render::json(&report);
    }
    let verb = if a.dry_run { "would log" } else { "logged" };
    println!(
        "Read {} messages: {verb} {} conversations with {} contacts{}.",
        report.messages,
        logged,
        contacts.len(),
        if report.already_logged > 0 {
            format!(" ({} already logged)", report.already_logged)
        } else {
            String::new()
        }
    );
    let found = promises_mine + promises_theirs;
    if found > 0 {
        println!(
            "Found {found} promises ({promises_mine} yours, {promises_theirs} theirs){}",
            if a.dry_run {
                ":".to_owned()
            } else if report.suggestions_offered > 0 {
                format!(
                    "; {} offered for you to confirm: rapport suggestions",
                    report.suggestions_offered
                )
            } else {
                " (none new to confirm: offered before, or old mail whose dates are past)."
                    .to_owned()
            }
        );
        if a.dry_run {
            for p in &report.promises {
                let due = p
                    .due
                    .map_or_else(|| "no date".to_owned(), |d| format!("due {d}"));
                let whose = match p.direction {
                    rapport_core::commitment::Direction::Mine => {
                        format!("yours to {}", p.contact_name)
                    }
                    rapport_core::commitment::Direction::Theirs => {
                        format!("{}'s", p.contact_name)
                    }
                };
                println!("  {} ({whose}, {due})", p.text);
            }
            if found > report.promises.len() {
                println!(
                    "  … and {} more (--json lists every one)",
                    found - report.promises.len()
                );
            }
        }
    }
    if report.not_mine > 0 {
        println!(
            "{} messages are not yours (none of your addresses is on them; add --me ADDRESS).",
            report.not_mine
        );
    }
    if report.contacts_created > 0 {
        println!("Made {} new contacts.", report.contacts_created);
    }
    if !report.unknown_senders.is_empty() {
        println!(
            "{} addresses are no contact of yours (--create-contacts makes them contacts):",
            report.unknown_senders.len()
        );
        for u in &report.unknown_senders {
            println!("  {u}");
        }
    }
    for s in &report.skipped {
        println!("skipped {}: {}", s.path, s.reason);
    }
    Ok(())
}
