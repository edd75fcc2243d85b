//! The ledger's figures, in-process and warm, on SQLite (and PostgreSQL when
//! `RAPPORT_BENCH_POSTGRES_URL` is set):
//!
//! - one outcome recorded with the contact's carried trust score updated in the same
//!   transaction (each iteration relabels the same commitment, kept ↔ broken: a full outcome
//!   write that takes one event back and adds another);
//! - a new promise recorded (with --anyway: the day fills up over the iterations);
//! - every trust score of the workspace recomputed from the ledger.
//!
//!     cargo bench -p rapport --bench ledger
//!
//! `RAPPORT_BENCH_NOW=2026-11-25T12:00:00Z` pins Today's clock (the book's anchor), so that
//! figures taken on different days compare.
//!
//! The book (seed 1, anchor 2026-11-25) is made once by `rapport demo` under
//! target/bench-data: `RAPPORT_BENCH_LEDGER_CONTACTS` contacts (default 100,000) with 12
//! commitments each on average, over a million of them resolved.

use std::str::FromStr;

use criterion::{Criterion, criterion_group, criterion_main};
use rapport_core::commitment::{Direction, Due};
use rapport_core::ledger::{self, NewCommitment, Outcome};
use rapport_core::ports::{LedgerStore, WorkspaceStore};
use rapport_core::trust::Size;
use rapport_store::{DatabaseUrl, Db};

mod common;

fn books() -> Vec<(&'static str, String)> {
    let n = common::size("RAPPORT_BENCH_LEDGER_CONTACTS", 100_000);
    common::books(
        "ledger-",
        n,
        &[
            "--batch",
            "5000",
            "--commitments-per-contact",
            "10",
            "--interactions-per-contact",
            "10",
        ],
    )
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for (backend, url) in books() {
        let now = jiff::Timestamp::now();
        let (db, actor, resolved) = rt.block_on(async {
            let db = Db::open(&DatabaseUrl::from_str(&url).expect("url"))
                .await
                .expect("open");
            let actor = db
                .ensure_default_actor("My workspace", "bench", "UTC", now)
                .await
                .expect("actor");
            let resolved: i64 = rapport_store::with_pool!(&db, |pool| {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM commitments WHERE evidence_kind IS NOT NULL",
                )
                .fetch_one(pool)
                .await
                .expect("count")
            });
            (db, actor, resolved)
        });
        eprintln!("{backend}: {resolved} resolved, scored commitments");
        let mut g = c.benchmark_group(format!("{backend}/ledger"));

        // A promise to relabel back and forth: its contact has a ledger already.
        let target = rt.block_on(async {
            let new = NewCommitment {
                direction: Direction::Mine,
                text: "Benchmark promise".into(),
                due: Due {
                    date: jiff::civil::date(2026, 11, 20),
                    time: None,
                },
                size: Size::Normal,
                source_interaction: None,
            };
            let contact = rapport_core::service::list_contacts(&db, &actor, Default::default())
                .await
                .expect("contacts")
                .remove(0);
            let (_, c) =
                ledger::record_commitment(&db, &actor, contact.id.as_str(), new, true, now)
                    .await
                    .expect("record");
            ledger::resolve(
                &db,
                &actor,
                c.id.as_str(),
                Outcome::Kept,
                None,
                false,
                jiff::Timestamp::now(),
            )
            .await
            .expect("kept");
            c.id.to_string()
        });
        let mut broken = false;
        g.bench_function("one outcome + carried score update", |b| {
            b.to_async(&rt).iter(|| {
                broken = !broken;
                let outcome = if broken {
                    Outcome::Broken
                } else {
                    Outcome::Kept
                };
                let (db, actor, target) = (&db, &actor, &target);
                async move {
                    ledger::resolve(
                        db,
                        actor,
                        target,
                        outcome,
                        None,
                        true,
                        jiff::Timestamp::now(),
                    )
                    .await
                    .expect("relabel")
                }
            })
        });
        let contact_ref = rt.block_on(target_contact(&db, &actor, &target));
        g.bench_function("record a new promise (--anyway)", |b| {
            b.to_async(&rt).iter(|| async {
                let new = NewCommitment {
                    direction: Direction::Mine,
                    text: "Call back".into(),
                    due: Due {
                        date: jiff::civil::date(2027, 1, 15),
                        time: None,
                    },
                    size: Size::Normal,
                    source_interaction: None,
                };
                ledger::record_commitment(
                    &db,
                    &actor,
                    &contact_ref,
                    new,
                    true,
                    jiff::Timestamp::now(),
                )
                .await
                .expect("record")
            })
        });
        // Today for the owner of the whole book: its SQL gathers through indexes only. The
        // clock may be pinned (RAPPORT_BENCH_NOW, e.g. the book's anchor 2026-11-25T12:00:00Z)
        // so that figures taken on different days compare.
        let clock = || {
            std::env::var("RAPPORT_BENCH_NOW")
                .ok()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .unwrap_or_else(jiff::Timestamp::now)
        };
        let now = clock();
        let sample = rt
            .block_on(rapport_core::today::today_for(&db, &actor, now))
            .expect("today");
        eprintln!(
            "{backend}: Today lists {} items ({} more not listed)",
            sample.items.len(),
            sample.more.iter().map(|m| m.count).sum::<u64>()
        );
        g.bench_function("today (gather + build)", |b| {
            b.to_async(&rt).iter(|| async {
                rapport_core::today::today_for(&db, &actor, clock())
                    .await
                    .expect("today")
            })
        });
        let tz = actor.workspace.tz();
        g.bench_function("today: the store's gathering alone", |b| {
            b.to_async(&rt).iter(|| async {
                let now = clock();
                let date = rapport_core::today::day_of(now, &tz);
                let start = |d: jiff::civil::Date| {
                    d.to_zoned_datetime(tz.clone())
                        .map(|z| z.timestamp())
                        .expect("start")
                };
                let window = rapport_core::ports::TodayWindow {
                    date,
                    yearly_days: rapport_core::today::window_days(date),
                    day_start: start(date),
                    day_end: start(date.tomorrow().expect("tomorrow")),
                    now,
                };
                use rapport_core::ports::TodayStore;
                db.today_data(
                    &actor.workspace.id,
                    &actor.user.id,
                    &window,
                    &actor.workspace.trust_params(),
                    200,
                )
                .await
                .expect("today data")
            })
        });
        g.sample_size(10);
        g.bench_function(
            format!("recompute every trust score ({resolved} resolved)"),
            |b| {
                b.to_async(&rt).iter(|| async {
                    db.recompute_trust(
                        &actor.workspace.id,
                        jiff::Timestamp::now(),
                        &actor.workspace.trust_params(),
                    )
                    .await
                    .expect("recompute")
                })
            },
        );
        g.finish();
        rt.block_on(db.close());
    }
}

/// The contact of a commitment, as a reference string.
async fn target_contact(db: &Db, actor: &rapport_core::workspace::Actor, id: &str) -> String {
    ledger::commitment(db, actor, id)
        .await
        .expect("commitment")
        .contact_id
        .to_string()
}

criterion_group!(benches, bench);
criterion_main!(benches);
