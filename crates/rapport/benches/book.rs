//! Reading a large book: the first page of `contact list`, filtered pages, and `contact show`,
//! in-process and warm, on SQLite and (when `RAPPORT_BENCH_POSTGRES_URL` is set) PostgreSQL.
//!
//!     cargo bench -p rapport --bench book
//!
//! The book is made by the real `rapport demo` (seed 1, anchor 2026-11-25) the first time and
//! kept under target/bench-data (a schema `bench_N` on PostgreSQL); later runs reuse it, as
//! `demo` resumes a complete book by writing nothing. `RAPPORT_BENCH_CONTACTS` sets its size
//! (default 1,000,000).

use std::str::FromStr;

use criterion::{Criterion, criterion_group, criterion_main};
use rapport_core::demo::DemoBook;
use rapport_core::ports::WorkspaceStore;
use rapport_core::service::{self, ContactQuery};
use rapport_core::workspace::Actor;
use rapport_store::{DatabaseUrl, Db};

mod common;

fn contacts() -> u64 {
    common::size("RAPPORT_BENCH_CONTACTS", 1_000_000)
}

fn books() -> Vec<(&'static str, String)> {
    common::books("", contacts(), &["--batch", "10000"])
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let n = contacts();
    for (backend, url) in books() {
        let (db, actor): (Db, Actor) = rt.block_on(async {
            let db = Db::open(&DatabaseUrl::from_str(&url).expect("url"))
                .await
                .expect("open");
            let actor = db
                .ensure_default_actor("My workspace", "bench", "UTC", jiff::Timestamp::now())
                .await
                .expect("actor");
            (db, actor)
        });
        let book = DemoBook {
            seed: 1,
            anchor: jiff::civil::date(2026, 11, 25),
            owner: actor.user.id.clone(),
            commitments_per_contact: 3,
            interactions_per_contact: None,
        };
        let middle = book.contact_id(n / 2).to_string();
        let list = |q: ContactQuery| {
            let (db, actor) = (&db, &actor);
            async move {
                let page = service::list_contacts(db, actor, q).await.expect("list");
                assert!(!page.is_empty());
                page
            }
        };

        let mut g = c.benchmark_group(format!("{backend}/{n}"));
        g.bench_function("contact list (first page of 50)", |b| {
            b.to_async(&rt).iter(|| list(ContactQuery::default()))
        });
        g.bench_function("contact list --type customer", |b| {
            b.to_async(&rt).iter(|| {
                list(ContactQuery {
                    relationship: Some(rapport_core::contact::RelationshipType::Customer),
                    ..ContactQuery::default()
                })
            })
        });
        g.bench_function("contact list --tag golf", |b| {
            b.to_async(&rt).iter(|| {
                list(ContactQuery {
                    tag: Some("golf".into()),
                    ..ContactQuery::default()
                })
            })
        });
        g.bench_function("contact show ID", |b| {
            b.to_async(&rt).iter(|| async {
                service::contact_card(&db, &actor, &middle)
                    .await
                    .expect("show")
            })
        });
        // A full name that many contacts share: resolving it lists the candidates.
        g.bench_function("contact show NAME (shared by many: ambiguous)", |b| {
            b.to_async(&rt).iter(|| async {
                let r = service::resolve_contact(&db, &actor, "Zoë Yılmaz").await;
                std::hint::black_box(r.is_err())
            })
        });
        g.sample_size(10);
        g.bench_function(
            "contact list --search (substring over every contact)",
            |b| {
                b.to_async(&rt).iter(|| {
                    list(ContactQuery {
                        search: Some("ødegaard".into()),
                        ..ContactQuery::default()
                    })
                })
            },
        );
        g.finish();
        rt.block_on(db.close());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
