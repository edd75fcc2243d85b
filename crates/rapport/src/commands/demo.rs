//! `rapport demo`: writes a synthetic book in whole batches, one transaction each, resuming
//! after the last whole batch if an earlier run was interrupted.

use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use rapport_core::demo::DemoBook;
use rapport_core::ports::{Batch, BulkStore, ContactStore, LedgerStore};
use serde::Serialize;

use crate::cli::DemoArgs;
use crate::context::Context;
use crate::render;

/// Contacts generated at a time: a transaction (`--batch`) is written part by part.
const PART: u64 = 2_000;

/// Part of a transaction, generated off the async threads while the previous one is written.
struct Part {
    batch: Batch,
    /// The last part of its transaction.
    ends_transaction: bool,
}

/// What has been written so far.
#[derive(Default)]
struct Tally {
    contacts: u64,
    facts: u64,
    interactions: u64,
    commitments: u64,
    deals: u64,
    gestures: u64,
    referrals: u64,
}

impl Tally {
    fn add(&mut self, b: &Batch) {
        self.contacts += b.contacts.len() as u64;
        self.facts += b.facts.len() as u64;
        self.interactions += b.interactions.len() as u64;
        self.commitments += b.commitments.len() as u64;
        self.deals += b.deals.len() as u64;
        self.gestures += b.gestures.len() as u64;
        self.referrals += b.referrals.len() as u64;
    }
}

/// Contacts `from..to` of the book.
fn generate(book: &DemoBook, from: u64, to: u64) -> Batch {
    let mut b = Batch {
        contacts: Vec::with_capacity((to - from) as usize),
        ..Batch::default()
    };
    for i in from..to {
        let e = book.entry(i);
        if let Some(referrer) = e.referred_by {
            b.referrals
                .push((referrer, e.contact.id.clone(), e.contact.created_at));
        }
        b.contacts.push(e.contact);
        b.facts.extend(e.facts);
        b.interactions.extend(e.interactions);
        b.commitments.extend(e.commitments);
        b.deals.extend(e.deals);
        b.gestures.extend(e.gestures);
    }
    b
}

#[derive(Serialize)]
struct Summary {
    seed: u64,
    anchor: Date,
    contacts_in_book: u64,
    resumed_after: u64,
    contacts_written: u64,
    facts_written: u64,
    interactions_written: u64,
    commitments_written: u64,
    deals_written: u64,
    gestures_written: u64,
    referrals_written: u64,
    trust_scores: u64,
    seconds: f64,
    contacts_per_second: f64,
}

pub async fn run(ctx: &Context, a: DemoArgs) -> anyhow::Result<()> {
    if a.contacts == 0 || a.contacts > 10_000_000 {
        return Err(rapport_core::Invalid::new(
            "contacts",
            "--contacts must be between 1 and 10,000,000",
        )
        .into());
    }
    if a.batch == 0 || a.batch > 50_000 {
        return Err(
            rapport_core::Invalid::new("batch", "--batch must be between 1 and 50,000").into(),
        );
    }
    let anchor = match &a.anchor {
        Some(d) => d.parse::<Date>().map_err(|_| {
            rapport_core::Invalid::new("anchor", format!("{d:?} is not a date: use YYYY-MM-DD"))
        })?,
        None => Context::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    };
    if a.interactions_per_contact.is_some_and(|n| n > 100) {
        return Err(rapport_core::Invalid::new(
            "interactions-per-contact",
            "--interactions-per-contact must be at most 100",
        )
        .into());
    }
    if a.commitments_per_contact > 100 {
        return Err(rapport_core::Invalid::new(
            "commitments-per-contact",
            "--commitments-per-contact must be at most 100",
        )
        .into());
    }
    let book = DemoBook {
        seed: a.seed,
        anchor,
        owner: ctx.actor.user.id.clone(),
        commitments_per_contact: a.commitments_per_contact,
        interactions_per_contact: a.interactions_per_contact,
    };
    let params = ctx.actor.workspace.trust_params();
    let ws = ctx.actor.workspace.id.clone();
    // Every run writes contacts in index order, a whole batch at a time, starting where the
    // book stops; so the contacts present are always a prefix 0..k of the book, whatever
    // batch sizes earlier runs used. Find k by bisection on "is contact i there?".
    let (mut lo, mut hi) = (0u64, a.contacts);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ctx.db.contact(&ws, &book.contact_id(mid)).await?.is_some() {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let resumed_after = lo;
    if resumed_after > 0 && !a.out.json {
        eprintln!("Resuming: the first {resumed_after} contacts of this book are already there.");
    }

    let progress = ProgressBar::with_draw_target(Some(a.contacts), ProgressDrawTarget::stderr());
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} contacts  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_position(resumed_after);

    // The generator runs on its own thread, a part (at most PART contacts) ahead of the
    // writer; a transaction takes `--batch` contacts, part by part, so that memory stays
    // small however large the transactions are.
    let (tx, mut rx) = std::sync::mpsc::sync_channel::<Part>(1);
    let producer_book = book.clone();
    let (size, total) = (a.batch, a.contacts);
    let producer = tokio::task::spawn_blocking(move || {
        let mut from = resumed_after;
        while from < total {
            let end = from.saturating_add(size).min(total);
            while from < end {
                let to = from.saturating_add(PART).min(end);
                let part = Part {
                    batch: generate(&producer_book, from, to),
                    ends_transaction: to == end,
                };
                if tx.send(part).is_err() {
                    return;
                }
                from = to;
            }
        }
    });

    let started = Instant::now();
    let mut n = Tally::default();
    loop {
        let (mut ended, rx, n, progress) = (false, &mut rx, &mut n, &progress);
        // Blocks while the generator catches up: nothing else runs on this thread meanwhile.
        let next = move || {
            if ended {
                return None;
            }
            let part = rx.recv().ok()?;
            ended = part.ends_transaction;
            n.add(&part.batch);
            progress.inc(part.batch.contacts.len() as u64);
            Some(part.batch)
        };
        let parts = ctx
            .db
            .insert_book_batches(&ws, &params, next)
            .await
            .map_err(rapport_core::Error::from)
            .context("writing a batch of the demo book (the batches before it are kept)")?;
        if parts == 0 {
            break;
        }
    }
    let Tally {
        contacts,
        facts,
        interactions,
        commitments,
        deals,
        gestures,
        referrals,
    } = n;
    producer.await.context("the demo generator stopped")?;
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    // The carried trust scores of the whole book, then fresh planner statistics.
    let trust_scores = ctx
        .db
        .recompute_trust(&ws, Context::now(), &params)
        .await
        .map_err(rapport_core::Error::from)?;
    ctx.db
        .refresh_statistics()
        .await
        .map_err(rapport_core::Error::from)?;
    let summary = Summary {
        seed: a.seed,
        anchor,
        contacts_in_book: a.contacts,
        resumed_after,
        contacts_written: contacts,
        facts_written: facts,
        interactions_written: interactions,
        commitments_written: commitments,
        deals_written: deals,
        gestures_written: gestures,
        referrals_written: referrals,
        trust_scores,
        seconds,
        contacts_per_second: if seconds > 0.0 {
            contacts as f64 / seconds
        } else {
            0.0
        },
    };
    if a.out.json {
        render::json(&summary)
    } else {
        println!(
            "Wrote {contacts} contacts, {facts} facts, {interactions} interactions, {commitments} commitments, {deals} deals, {gestures} gestures and {referrals} introductions in {seconds:.1} s ({:.0} contacts/s).",
            summary.contacts_per_second
        );
        Ok(())
    }
}
