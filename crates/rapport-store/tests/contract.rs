//! The store contract: the same behaviour on SQLite and PostgreSQL, exercised through the
//! core's services and Store traits against real databases.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use rapport_core::contact::{CadenceSetting, ContactChanges, NewContact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::fact::{FactKind, NewFact};
use rapport_core::ids::ContactId;
use rapport_core::interaction::{InteractionKind, NewInteraction};
use rapport_core::ports::{
    Batch, BulkStore, ContactStore, FactStore, ImportDuplicate, ImportItem, ImportMode,
    InteractionStore, WorkspaceStore,
};
use rapport_core::service::{self, ContactQuery};
use rapport_core::workspace::{Actor, Role};
use rapport_core::{Error, StoreError};
use rapport_store::Db;

fn t(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

fn now() -> Timestamp {
    micro_precision(t("2026-11-25T09:00:00.123456789Z"))
}

async fn actor(db: &Db) -> Actor {
    db.ensure_default_actor("Default", "Owner", "Europe/Paris", now())
        .await
        .expect("default actor")
}

fn contact(name: &str) -> NewContact {
    NewContact {
        name: name.into(),
        ..NewContact::default()
    }
}

async fn add(db: &Db, a: &Actor, new: NewContact) -> rapport_core::contact::Contact {
    service::add_contact(db, a, new, now())
        .await
        .expect("add contact")
        .contact
}

/// A note on a contact that does not exist.
fn orphan_fact() -> rapport_core::fact::Fact {
    NewFact {
        kind: FactKind::Note,
        text: "orphan".into(),
        relation: None,
        date: None,
    }
    .into_fact(ContactId::generate(), now())
    .expect("fact")
}

/// After a bulk load, an ordinary write with a dangling reference is refused again.
async fn assert_references_checked(db: &Db, ws: &rapport_core::ids::WorkspaceId) {
    assert!(matches!(
        db.insert_fact(ws, &orphan_fact()).await,
        Err(StoreError::NotFound)
    ));
}

async fn names(db: &Db, a: &Actor, q: ContactQuery) -> Vec<String> {
    service::list_contacts(db, a, q)
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.name)
        .collect()
}

async fn default_workspace_and_owner_exist_once(db: &Db) {
    let first = actor(db).await;
    assert_eq!(first.role, Role::Owner);
    assert_eq!(first.workspace.time_zone, "Europe/Paris");
    // Later starts, even concurrent ones, find the same workspace and owner.
    let mut handles = Vec::new();
    for _ in 0..4 {
        let db = db.clone();
        handles.push(tokio::spawn(async move { actor(&db).await }));
    }
    for h in handles {
        let again = h.await.expect("task");
        assert_eq!(again.workspace.id, first.workspace.id);
        assert_eq!(again.user.id, first.user.id);
    }
}

async fn concurrent_first_starts_create_one_workspace(db: &Db) {
    let mut handles = Vec::new();
    for _ in 0..4 {
        let db = db.clone();
        handles.push(tokio::spawn(async move { actor(&db).await.workspace.id }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.expect("task"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "exactly one default workspace");
}

async fn contacts_round_trip_with_every_field(db: &Db) {
    let a = actor(db).await;
    let created = add(
        db,
        &a,
        NewContact {
            name: "Élodie Martin".into(),
            organisation: Some("Vins du Rhône".into()),
            relationship: Some(RelationshipType::Customer),
            vip: true,
            emails: vec!["elodie@vins.fr".into(), "e.martin@gmail.com".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            tags: vec!["wine".into(), "Lyon".into()],
            cadence: CadenceSetting::Every(21),
            met: Some("  Salon des Vins,   Lyon ".into()),
            met_on: Some(jiff::civil::date(2024, 2, 3)),
            introduced_by: None,
        },
    )
    .await;
    assert_eq!(created.met.as_deref(), Some("Salon des Vins, Lyon"));
    let read = db
        .contact(&a.workspace.id, &created.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read, created);
    assert_eq!(read.tags, vec!["wine", "lyon"]);
    assert_eq!(read.keep_in_touch_days(), Some(21));
    assert_eq!(read.owner_id, a.user.id);
}

async fn editing_replaces_fields_and_lists(db: &Db) {
    let a = actor(db).await;
    let c = add(
        db,
        &a,
        NewContact {
            emails: vec!["old@example.com".into()],
            tags: vec!["a".into(), "b".into()],
            ..contact("Bruno Costa")
        },
    )
    .await;
    let later = micro_precision(t("2026-11-26T10:00:00Z"));
    let changes = ContactChanges {
        organisation: Some(Some("Costa & Filhos".into())),
        relationship: Some(RelationshipType::Vendor),
        emails: Some(vec!["new@example.com".into()]),
        add_tags: vec!["c".into()],
        remove_tags: vec!["a".into()],
        cadence: Some(CadenceSetting::Never),
        ..ContactChanges::default()
    };
    let edited = service::edit_contact(db, &a, "bruno", &changes, later)
        .await
        .expect("edit");
    let read = db
        .contact(&a.workspace.id, &c.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read, edited);
    assert_eq!(read.emails, vec!["new@example.com"]);
    assert_eq!(read.tags, vec!["b", "c"]);
    assert_eq!(read.updated_at, later);
    assert_eq!(read.created_at, c.created_at);
    assert_eq!(read.keep_in_touch_days(), None);
    // The old email no longer finds the contact; the new one does.
    let q = |s: &str| ContactQuery {
        search: Some(s.into()),
        ..ContactQuery::default()
    };
    assert!(names(db, &a, q("old@example")).await.is_empty());
    assert_eq!(names(db, &a, q("new@example")).await, vec!["Bruno Costa"]);

    let mut ghost = read.clone();
    ghost.id = ContactId::generate();
    assert!(matches!(
        db.update_contact(&a.workspace.id, &ghost).await,
        Err(StoreError::NotFound)
    ));
    // An empty change is refused, not silently accepted.
    assert!(matches!(
        service::edit_contact(db, &a, "bruno", &ContactChanges::default(), later).await,
        Err(Error::Invalid(_))
    ));
}

async fn search_ignores_case_and_accents(db: &Db) {
    let a = actor(db).await;
    add(
        db,
        &a,
        NewContact {
            organisation: Some("Société Générale".into()),
            emails: vec!["elodie@sg.fr".into()],
            tags: vec!["Rugby".into()],
            ..contact("Élodie Martin")
        },
    )
    .await;
    add(db, &a, contact("Søren Østergaard")).await;
    add(db, &a, contact("Zoë Brontë")).await;
    add(db, &a, contact("Ana Lima")).await;
    let q = |s: &str| ContactQuery {
        search: Some(s.into()),
        ..ContactQuery::default()
    };
    for query in [
        "elodie",
        "ÉLODIE",
        "Élodie",
        "MARTIN",
        "societe",
        "SOCIÉTÉ gén",
        "sg.fr",
        "rugby",
    ] {
        assert_eq!(
            names(db, &a, q(query)).await,
            vec!["Élodie Martin"],
            "{query}"
        );
    }
    assert_eq!(names(db, &a, q("soren")).await, vec!["Søren Østergaard"]);
    assert_eq!(names(db, &a, q("zoe bronte")).await, vec!["Zoë Brontë"]);
    assert!(names(db, &a, q("nobody")).await.is_empty());
    // LIKE wildcards typed by a user are literal.
    assert!(names(db, &a, q("%")).await.is_empty());
    assert!(names(db, &a, q("_")).await.is_empty());
}

async fn listing_filters_orders_and_pages(db: &Db) {
    let a = actor(db).await;
    let people = [
        ("Zoë", RelationshipType::Customer, "golf"),
        ("Ana", RelationshipType::Prospect, "golf"),
        ("Émile", RelationshipType::Customer, "tennis"),
        ("bruno", RelationshipType::Vendor, "golf"),
        ("Carla", RelationshipType::Customer, "golf"),
    ];
    for (name, rel, tag) in people {
        add(
            db,
            &a,
            NewContact {
                relationship: Some(rel),
                tags: vec![tag.into()],
                ..contact(name)
            },
        )
        .await;
    }
    // Alphabetical without regard to case or accents.
    assert_eq!(
        names(db, &a, ContactQuery::default()).await,
        vec!["Ana", "bruno", "Carla", "Émile", "Zoë"]
    );
    let customers = ContactQuery {
        relationship: Some(RelationshipType::Customer),
        ..ContactQuery::default()
    };
    assert_eq!(
        names(db, &a, customers).await,
        vec!["Carla", "Émile", "Zoë"]
    );
    let golf_customers = ContactQuery {
        relationship: Some(RelationshipType::Customer),
        tag: Some("GOLF".into()),
        ..ContactQuery::default()
    };
    assert_eq!(names(db, &a, golf_customers).await, vec!["Carla", "Zoë"]);

    // Keyset pages of 2 cover everyone exactly once.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = service::list_contacts(
            db,
            &a,
            ContactQuery {
                after: after.clone(),
                limit: Some(2),
                ..ContactQuery::default()
            },
        )
        .await
        .expect("page");
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        let last = page.last().expect("non-empty");
        after = Some((last.name_folded(), last.id.clone()));
        seen.extend(page.into_iter().map(|c| c.name));
    }
    assert_eq!(seen, vec!["Ana", "bruno", "Carla", "Émile", "Zoë"]);

    for bad in [0, 1001] {
        let r = service::list_contacts(
            db,
            &a,
            ContactQuery {
                limit: Some(bad),
                ..ContactQuery::default()
            },
        )
        .await;
        assert!(matches!(r, Err(Error::Invalid(_))), "limit {bad}");
    }
}

async fn archive_hides_and_restore_brings_back(db: &Db) {
    let a = actor(db).await;
    let c = add(db, &a, contact("Dana Scully")).await;
    add(db, &a, contact("Fox Mulder")).await;
    let archived = service::archive_contact(db, &a, "dana", now())
        .await
        .expect("archive");
    assert!(archived.is_archived());
    assert_eq!(
        names(db, &a, ContactQuery::default()).await,
        vec!["Fox Mulder"]
    );
    let archived_list = ContactQuery {
        archived: true,
        ..ContactQuery::default()
    };
    assert_eq!(
        names(db, &a, archived_list.clone()).await,
        vec!["Dana Scully"]
    );
    // Archiving twice is a conflict; the record is still there and readable by id.
    assert!(matches!(
        service::archive_contact(db, &a, c.id.as_str(), now()).await,
        Err(Error::Conflict(_))
    ));
    // Restoring finds the archived contact by name, since no live one matches.
    service::restore_contact(db, &a, "Dana", now())
        .await
        .expect("restore");
    assert_eq!(
        names(db, &a, ContactQuery::default()).await,
        vec!["Dana Scully", "Fox Mulder"]
    );
    assert!(names(db, &a, archived_list).await.is_empty());
    assert!(matches!(
        db.set_archived(&a.workspace.id, &ContactId::generate(), Some(now()), now())
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn references_resolve_by_id_name_or_unique_prefix(db: &Db) {
    let a = actor(db).await;
    let ana = add(db, &a, contact("Ana")).await;
    let ana_lima = add(db, &a, contact("Ana Lima")).await;
    let anais = add(db, &a, contact("Anaïs Nin")).await;
    let r = |s: &'static str| service::resolve_contact(db, &a, s);
    assert_eq!(
        r("ana").await.expect("exact").id,
        ana.id,
        "an exact name wins over prefixes"
    );
    assert_eq!(r("ANA LI").await.expect("prefix").id, ana_lima.id);
    assert_eq!(r("anai").await.expect("accent-free prefix").id, anais.id);
    assert_eq!(
        service::resolve_contact(db, &a, ana_lima.id.as_str())
            .await
            .expect("id")
            .id,
        ana_lima.id
    );
    add(db, &a, contact("Bea Silva")).await;
    add(db, &a, contact("Bea Santos")).await;
    match r("bea s").await {
        Err(Error::Ambiguous { candidates, .. }) => {
            let mut n: Vec<_> = candidates.into_iter().map(|c| c.name).collect();
            n.sort();
            assert_eq!(n, vec!["Bea Santos", "Bea Silva"]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    // Two contacts with the same name: ambiguous, listing both.
    add(db, &a, contact("Ana")).await;
    assert!(
        matches!(r("Ana").await, Err(Error::Ambiguous { candidates, .. }) if candidates.len() == 2)
    );
    assert!(matches!(r("Nobody").await, Err(Error::NotFound(_))));
    assert!(matches!(
        service::resolve_contact(db, &a, ContactId::generate().as_str()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(r("  ").await, Err(Error::Invalid(_))));
}

async fn facts_keep_personal_memory(db: &Db) {
    let a = actor(db).await;
    let c = add(db, &a, contact("Marta Díaz")).await;
    let fact = |kind, text: &str, relation: Option<&str>, date: Option<&str>| NewFact {
        kind,
        text: text.into(),
        relation: relation.map(Into::into),
        date: date.map(|d| d.parse().expect("date")),
    };
    let facts = [
        fact(
            FactKind::Family,
            "Sofia",
            Some("daughter"),
            Some("2016-02-29"),
        ),
        fact(FactKind::Interest, "Real Madrid", None, None),
        fact(FactKind::Preference, "Cortado, no sugar", None, None),
        fact(FactKind::Date, "Wedding anniversary", None, Some("--06-12")),
        fact(FactKind::Note, "Prefers calls after 4pm", None, None),
    ];
    let mut expected = Vec::new();
    for (i, f) in facts.into_iter().enumerate() {
        let at = micro_precision(now() + jiff::SignedDuration::from_secs(i as i64));
        let (_, stored) = service::add_fact(db, &a, "marta", f, at)
            .await
            .expect("fact");
        expected.push(stored);
    }
    let read = db.facts(&a.workspace.id, &c.id).await.expect("facts");
    assert_eq!(read, expected);
    let leap = read[0].date.expect("birthday");
    assert_eq!(leap.in_year(2027), jiff::civil::date(2027, 2, 28));
    assert_eq!(read[3].date.expect("anniversary").year, None);
    // A date fact without a date writes nothing.
    let bad = service::add_fact(
        db,
        &a,
        "marta",
        fact(FactKind::Date, "Birthday", None, None),
        now(),
    )
    .await;
    assert!(matches!(bad, Err(Error::Invalid(_))));
    assert_eq!(
        db.facts(&a.workspace.id, &c.id).await.expect("facts").len(),
        5
    );
}

async fn timeline_is_newest_first_and_searchable(db: &Db) {
    let a = actor(db).await;
    let c = add(db, &a, contact("Kenji Watanabe")).await;
    let log = |at: &str, kind, summary: &str, they: Option<&str>| NewInteraction {
        kind,
        occurred_at: t(at),
        summary: summary.into(),
        they_said: they.map(Into::into),
        i_said: None,
        topics: Vec::new(),
    };
    let entries = [
        log(
            "2026-10-01T10:00:00Z",
            InteractionKind::Call,
            "Intro call",
            None,
        ),
        log(
            "2026-11-20T15:00:00Z",
            InteractionKind::Visit,
            "Showroom visit",
            Some("Wants the hybrid in grey, délivery before Christmas"),
        ),
        log(
            "2026-12-03T09:00:00Z",
            InteractionKind::Meeting,
            "Contract review",
            None,
        ),
        log(
            "2026-11-01T12:00:00Z",
            InteractionKind::Email,
            "Sent brochure",
            None,
        ),
    ];
    for e in entries {
        service::log_interaction(db, &a, "kenji", e, now())
            .await
            .expect("log");
    }
    let (_, items) = service::timeline(db, &a, "kenji", None, 50)
        .await
        .expect("timeline");
    let summaries: Vec<_> = items.iter().map(|i| i.summary.as_str()).collect();
    assert_eq!(
        summaries,
        vec![
            "Contract review",
            "Showroom visit",
            "Sent brochure",
            "Intro call"
        ]
    );
    assert!(items[0].is_planned(now()), "a future meeting is planned");
    let (_, two) = service::timeline(db, &a, "kenji", None, 2)
        .await
        .expect("timeline");
    assert_eq!(two.len(), 2);
    let found = service::search_interactions(db, &a, "DELIVERY", None, 10)
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].contact_id, c.id);
    assert!(
        service::search_interactions(db, &a, "nothing like this", None, 10)
            .await
            .expect("search")
            .is_empty()
    );
}

async fn workspaces_never_see_each_other(db: &Db) {
    let a = actor(db).await;
    let b = db
        .create_workspace("Other shop", "Other owner", "UTC", now())
        .await
        .expect("second workspace");
    let mine = add(
        db,
        &a,
        NewContact {
            tags: vec!["vip".into()],
            ..contact("Secret Client")
        },
    )
    .await;
    service::log_interaction(
        db,
        &a,
        "secret",
        NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: now(),
            summary: "Confidential pricing".into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        },
        now(),
    )
    .await
    .expect("log");
    let wb = &b.workspace.id;
    assert!(db.contact(wb, &mine.id).await.expect("read").is_none());
    assert!(names(db, &b, ContactQuery::default()).await.is_empty());
    assert!(
        names(
            db,
            &b,
            ContactQuery {
                search: Some("secret".into()),
                ..ContactQuery::default()
            }
        )
        .await
        .is_empty()
    );
    assert!(
        names(
            db,
            &b,
            ContactQuery {
                tag: Some("vip".into()),
                ..ContactQuery::default()
            }
        )
        .await
        .is_empty()
    );
    assert!(matches!(
        service::resolve_contact(db, &b, mine.id.as_str()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.update_contact(wb, &mine).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.set_archived(wb, &mine.id, Some(now()), now()).await,
        Err(StoreError::NotFound)
    ));
    // Writing a fact or an interaction onto another workspace's contact is refused.
    let fact = NewFact {
        kind: FactKind::Note,
        text: "x".into(),
        relation: None,
        date: None,
    }
    .into_fact(mine.id.clone(), now())
    .expect("fact");
    assert!(matches!(
        db.insert_fact(wb, &fact).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        db.timeline(wb, &mine.id, None, 10)
            .await
            .expect("timeline")
            .is_empty()
    );
    assert!(
        db.search_interactions(wb, "confidential", None, 10)
            .await
            .expect("search")
            .is_empty()
    );
    assert_eq!(db.count_contacts(wb).await.expect("count"), 0);
    // And the owner's workspace is untouched.
    assert_eq!(db.count_contacts(&a.workspace.id).await.expect("count"), 1);
    assert!(
        db.facts(&a.workspace.id, &mine.id)
            .await
            .expect("facts")
            .is_empty()
    );
}

async fn a_failed_batch_writes_nothing(db: &Db) {
    let a = actor(db).await;
    let ws = &a.workspace.id;
    let contacts: Vec<_> = (0..1000)
        .map(|i| {
            contact(&format!("Batch {i:04}"))
                .into_contact(a.user.id.clone(), now())
                .expect("valid")
        })
        .collect();
    // The last fact points at a contact that does not exist: the whole batch must fail.
    let mut facts: Vec<_> = contacts
        .iter()
        .map(|c| {
            NewFact {
                kind: FactKind::Interest,
                text: "Golf".into(),
                relation: None,
                date: None,
            }
            .into_fact(c.id.clone(), now())
            .expect("fact")
        })
        .collect();
    facts.push(orphan_fact());
    let p = rapport_core::trust::Params::default();
    let batch = |contacts: &[rapport_core::contact::Contact],
                 facts: &[rapport_core::fact::Fact]| Batch {
        contacts: contacts.to_vec(),
        facts: facts.to_vec(),
        ..Batch::default()
    };
    assert!(
        db.insert_book(ws, &batch(&contacts, &facts), &p)
            .await
            .is_err()
    );
    assert_eq!(
        db.count_contacts(ws).await.expect("count"),
        0,
        "nothing half-written"
    );
    facts.pop();
    db.insert_book(ws, &batch(&contacts, &facts), &p)
        .await
        .expect("valid batch");
    assert_eq!(db.count_contacts(ws).await.expect("count"), 1000);
    // A duplicate contact id is a conflict, and again nothing of that batch lands.
    let again = contact("Late")
        .into_contact(a.user.id.clone(), now())
        .expect("valid");
    let dup = vec![again, contacts[0].clone()];
    assert!(matches!(
        db.insert_book(ws, &batch(&dup, &[]), &p).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(db.count_contacts(ws).await.expect("count"), 1000);
}

async fn migrations_keep_data_and_refuse_tampering(db: &Db) {
    let a = actor(db).await;
    add(db, &a, contact("Kept Across Restarts")).await;
    // Running migrations again (a restart, or a second server) changes nothing.
    rapport_store::migrate::run(db).await.expect("re-run");
    rapport_store::migrate::run(db).await.expect("re-run");
    assert_eq!(
        names(db, &a, ContactQuery::default()).await,
        vec!["Kept Across Restarts"]
    );
    rapport_store::with_pool!(db, |pool| {
        sqlx::query("UPDATE rapport_migrations SET checksum = 'edited' WHERE version = 1")
            .execute(pool)
            .await
            .expect("tamper");
    });
    let err = rapport_store::migrate::run(db)
        .await
        .expect_err("edited migration");
    assert!(err.to_string().contains("must never be edited"), "{err}");
    rapport_store::with_pool!(db, |pool| {
        sqlx::query("DELETE FROM rapport_migrations WHERE version = 1")
            .execute(pool)
            .await
            .expect("reset");
        sqlx::query("INSERT INTO rapport_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)")
            .execute(pool)
            .await
            .expect("future");
    });
    let err = rapport_store::migrate::run(db)
        .await
        .expect_err("newer schema");
    assert!(err.to_string().contains("newer than this build"), "{err}");
}

/// Migration 13 keeps phones under their digits: a database from before it gets its
/// phones rewritten, however they were written.
async fn phones_are_rekeyed_by_their_digits(db: &Db) {
    let a = actor(db).await;
    let ana = add(
        db,
        &a,
        NewContact {
            phones: vec![
                "+351 (912) 345.678/9 ext. 12".into(),
                "020 7946-0958".into(),
            ],
            ..contact("Ana")
        },
    )
    .await;
    let keys = || async {
        rapport_store::with_pool!(db, |pool| {
            sqlx::query_scalar::<_, String>(
                "SELECT value_folded FROM contact_attributes WHERE kind = 'phone' ORDER BY position",
            )
            .fetch_all(pool)
            .await
            .expect("keys")
        })
    };
    assert_eq!(keys().await, ["351912345678912", "02079460958"]);
    // As a database from before migration 13 had them.
    rapport_store::with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE contact_attributes SET value_folded = lower(value) WHERE kind = 'phone'",
        )
        .execute(pool)
        .await
        .expect("old keys");
        sqlx::query("DELETE FROM rapport_migrations WHERE version = 13")
            .execute(pool)
            .await
            .expect("before 13");
    });
    rapport_store::migrate::run(db).await.expect("migrate");
    assert_eq!(keys().await, ["351912345678912", "02079460958"]);
    let kept = db
        .contact(&a.workspace.id, &ana.id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(kept.phones, ana.phones, "the phones as written are kept");
}

fn item(n: usize, c: rapport_core::contact::Contact) -> ImportItem {
    ImportItem {
        number: n,
        line: n * 5,
        contact: c,
        facts: Vec::new(),
    }
}

/// An import is one transaction over many batches; each item is checked against the
/// workspace's contacts as they stand in it, earlier batches of the same import included.
async fn an_import_finds_duplicates_across_its_batches(db: &Db) {
    let a = actor(db).await;
    let ws = &a.workspace.id;
    let zoe = add(
        db,
        &a,
        NewContact {
            emails: vec!["zoe@example.com".into()],
            ..contact("Zoe Stored")
        },
    )
    .await;
    let at = micro_precision(t("2026-11-25T10:00:00Z"));
    let new = |name: &str, emails: &[&str], phones: &[&str]| {
        NewContact {
            emails: emails.iter().map(|e| e.to_string()).collect(),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            organisation: Some(format!("{name} Org")),
            ..contact(name)
        }
        .into_contact(a.user.id.clone(), at)
        .expect("valid")
    };
    let batches = || {
        vec![
            vec![
                item(1, new("Ana", &["ana@example.com"], &[])),
                item(2, new("Bruno", &[], &["+44 20 7946 0958"])),
            ],
            vec![
                item(
                    3,
                    new("Ana Again", &["ANA@Example.com", "ana@work.example"], &[]),
                ),
                item(4, new("B. Costa", &[], &["44 20 7946-0958", "123"])),
                item(5, new("Zoe Card", &["Zoe@Example.com"], &[])),
                item(6, new("Eva", &["eva@example.com"], &[])),
                item(7, new("Eva Twin", &["eva@example.com"], &[])),
            ],
        ]
    };
    let run = |merge: bool, commit: bool, at: Timestamp| {
        let mut left = batches().into_iter();
        async move {
            let mut found: Vec<(usize, String, String, bool)> = Vec::new();
            let added = db
                .import(
                    ws,
                    ImportMode { merge, commit, at },
                    || left.next().map(Ok),
                    |i: &ImportItem, d: ImportDuplicate| {
                        found.push((i.number, d.name, d.by, d.earlier_in_import))
                    },
                )
                .await
                .expect("import");
            (added, found)
        }
    };
    let expected = vec![
        (3, "Ana".to_owned(), "ANA@Example.com".to_owned(), true),
        (4, "Bruno".to_owned(), "44 20 7946-0958".to_owned(), true),
        (
            5,
            "Zoe Stored".to_owned(),
            "Zoe@Example.com".to_owned(),
            false,
        ),
        (7, "Eva".to_owned(), "eva@example.com".to_owned(), true),
    ];
    // A dry run finds the same and keeps nothing.
    let (added, found) = run(false, false, at).await;
    assert_eq!((added, &found), (3, &expected));
    assert_eq!(db.count_contacts(ws).await.expect("count"), 1);
    let (added, found) = run(false, true, at).await;
    assert_eq!((added, &found), (3, &expected));
    assert_eq!(db.count_contacts(ws).await.expect("count"), 4);
    // Again, later, merging: every item is now a duplicate of a stored contact.
    let later = micro_precision(t("2026-11-26T10:00:00Z"));
    let (added, found) = run(true, true, later).await;
    assert_eq!(added, 0);
    assert_eq!(found.len(), 7, "{found:?}");
    assert!(found.iter().all(|d| !d.3), "stored before this import");
    let ana = service::resolve_contact(db, &a, "Ana").await.expect("ana");
    assert_eq!(ana.emails, ["ana@example.com", "ana@work.example"]);
    assert_eq!(
        ana.organisation.as_deref(),
        Some("Ana Org"),
        "not overwritten"
    );
    let zoe = db.contact(ws, &zoe.id).await.expect("read").expect("zoe");
    assert_eq!(
        zoe.organisation.as_deref(),
        Some("Zoe Card Org"),
        "what was missing"
    );
    let bruno = service::resolve_contact(db, &a, "Bruno")
        .await
        .expect("bruno");
    assert_eq!(bruno.phones, ["+44 20 7946 0958", "123"]);
    assert_eq!(db.count_contacts(ws).await.expect("count"), 4);
    // A card merged into a contact an earlier batch of the same import added.
    let last = micro_precision(t("2026-11-27T10:00:00Z"));
    let stamped = |mut c: rapport_core::contact::Contact| {
        (c.created_at, c.updated_at) = (last, last);
        c
    };
    let mut left = vec![
        vec![item(1, stamped(new("Nora", &["nora@example.com"], &[])))],
        vec![item(
            2,
            stamped(new("Nora N.", &["NORA@example.com"], &["+1 555 0100 200"])),
        )],
    ]
    .into_iter();
    let mut found = Vec::new();
    let mode = ImportMode {
        merge: true,
        commit: true,
        at: last,
    };
    let added = db
        .import(
            ws,
            mode,
            || left.next().map(Ok),
            |i: &ImportItem, d: ImportDuplicate| found.push((i.number, d.earlier_in_import)),
        )
        .await
        .expect("import");
    assert_eq!((added, found), (1, vec![(2, true)]));
    let nora = service::resolve_contact(db, &a, "Nora")
        .await
        .expect("nora");
    assert_eq!(nora.phones, ["+1 555 0100 200"]);
}

/// A merge reads a batch's stored contacts together and writes each changed one once: more
/// contacts than one statement's chunk, several cards into the same contact, a fact given
/// twice kept once, and a card that adds nothing leaves its contact untouched.
async fn a_merge_batch_writes_every_contact_it_changes_once(db: &Db) {
    use rapport_core::fact::{FactKind, NewFact};
    let a = actor(db).await;
    let ws = &a.workspace.id;
    let n = 450;
    let mut stored = Vec::new();
    for i in 0..n {
        stored.push(
            add(
                db,
                &a,
                NewContact {
                    emails: vec![format!("p{i}@example.com")],
                    tags: vec!["old".into()],
                    ..contact(&format!("Person {i:03}"))
                },
            )
            .await,
        );
    }
    let at = micro_precision(t("2026-11-26T10:00:00Z"));
    let card = |number: usize, i: usize, tag: &str, facts: &[&str]| {
        let c = NewContact {
            emails: vec![format!("P{i}@Example.com")],
            tags: vec![tag.to_owned()],
            ..contact(&format!("Card {i}"))
        }
        .into_contact(a.user.id.clone(), at)
        .expect("valid");
        let facts = facts
            .iter()
            .map(|text| {
                NewFact {
                    kind: FactKind::Interest,
                    text: (*text).to_owned(),
                    relation: None,
                    date: None,
                }
                .into_fact(c.id.clone(), at)
                .expect("valid fact")
            })
            .collect();
        ImportItem {
            number,
            line: number,
            contact: c,
            facts,
        }
    };
    // One batch: every contact but the last gets a new tag and a fact; contact 0 gets a
    // second card with another fact and the first one again; the last gets its own tag.
    let mut batch: Vec<ImportItem> = (0..n - 1)
        .map(|i| card(i + 1, i, "new", &["golf"]))
        .collect();
    batch.push(card(n, 0, "second", &["sailing", "Golf"]));
    batch.push(card(n + 1, n - 1, "old", &[]));
    let mut left = vec![batch].into_iter();
    let mut duplicates = 0;
    let mode = ImportMode {
        merge: true,
        commit: true,
        at,
    };
    let added = db
        .import(
            ws,
            mode,
            || left.next().map(Ok),
            |_: &ImportItem, _| duplicates += 1,
        )
        .await
        .expect("import");
    assert_eq!((added, duplicates), (0, n + 1));
    assert_eq!(db.count_contacts(ws).await.expect("count"), n as u64);
    let first = db
        .contact(ws, &stored[0].id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(first.tags, ["old", "new", "second"]);
    assert_eq!(first.updated_at, at);
    let facts: Vec<String> = db
        .facts(ws, &stored[0].id)
        .await
        .expect("facts")
        .into_iter()
        .map(|f| f.text)
        .collect();
    assert_eq!(facts, ["golf", "sailing"], "the same fact is kept once");
    let past_the_chunk = db
        .contact(ws, &stored[420].id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(past_the_chunk.tags, ["old", "new"]);
    assert_eq!(past_the_chunk.name, "Person 420", "nothing overwritten");
    let untouched = db
        .contact(ws, &stored[n - 1].id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(
        untouched,
        stored[n - 1],
        "a card that adds nothing writes nothing"
    );
    let tagged = service::list_contacts(
        db,
        &a,
        ContactQuery {
            tag: Some("new".into()),
            limit: Some(1000),
            ..ContactQuery::default()
        },
    )
    .await
    .expect("list");
    assert_eq!(tagged.len(), n - 1);
}

/// Contacts `from..to` of a demo book as one batch, as `rapport demo` writes them.
fn demo_batch(book: &rapport_core::demo::DemoBook, from: u64, to: u64) -> Batch {
    let mut b = Batch::default();
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

/// Several batches written as one transaction (how `rapport demo` writes its larger
/// transactions part by part): a later batch may refer to an earlier one, and when any
/// batch is refused, nothing of the transaction is kept, earlier batches included.
async fn book_batches_are_one_transaction(db: &Db) {
    let a = actor(db).await;
    let ws = &a.workspace.id;
    let book = rapport_core::demo::DemoBook {
        seed: 5,
        anchor: jiff::civil::date(2026, 11, 25),
        owner: a.user.id.clone(),
        commitments_per_contact: 3,
        interactions_per_contact: Some(2),
    };
    let p = a.workspace.trust_params();
    let first = demo_batch(&book, 0, 100);
    let second = demo_batch(&book, 100, 200);
    assert!(
        second
            .referrals
            .iter()
            .any(|(from, _, _)| first.contacts.iter().any(|c| &c.id == from)),
        "the second batch refers to contacts of the first"
    );
    let mut broken = second.clone();
    broken.facts[0].contact_id = ContactId::generate();
    let mut parts = vec![first.clone(), broken].into_iter();
    let refused = db.insert_book_batches(ws, &p, || parts.next()).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(
        db.count_contacts(ws).await.expect("count"),
        0,
        "the first batch went with the second"
    );

    let mut none = std::iter::empty::<Batch>();
    assert_eq!(
        db.insert_book_batches(ws, &p, || none.next())
            .await
            .expect("nothing"),
        0
    );
    let mut parts = [&first, &second].into_iter();
    assert_eq!(
        db.insert_book_batches(ws, &p, || parts.next())
            .await
            .expect("both batches"),
        2
    );
    assert_eq!(db.count_contacts(ws).await.expect("count"), 200);
    let last = &second.contacts[99].id;
    let facts = db.facts(ws, last).await.expect("facts");
    assert_eq!(
        facts.len(),
        second
            .facts
            .iter()
            .filter(|f| &f.contact_id == last)
            .count()
    );
    // The writer is back to its usual self: ordinary writes are checked again.
    assert_references_checked(db, ws).await;
}

/// A bulk load's batch may refer to itself and to what is stored, nothing else: whatever
/// it points at that is not there (a contact, a member, the interaction a promise came
/// from, the promise it follows), the whole batch is refused and nothing of it is kept.
/// (SQLite writes these batches with foreign key checks off and checks the references
/// itself; they are back on afterwards.)
async fn a_book_batch_must_refer_to_what_exists(db: &Db) {
    use rapport_core::commitment::CommitmentId;
    use rapport_core::ids::UserId;
    let a = actor(db).await;
    let ws = &a.workspace.id;
    let book = rapport_core::demo::DemoBook {
        seed: 3,
        anchor: jiff::civil::date(2026, 11, 25),
        owner: a.user.id.clone(),
        commitments_per_contact: 4,
        interactions_per_contact: Some(3),
    };
    let p = a.workspace.trust_params();
    db.insert_book(ws, &demo_batch(&book, 0, 100), &p)
        .await
        .expect("the first batch");
    let mut next = demo_batch(&book, 100, 200);
    assert!(
        next.referrals
            .iter()
            .any(|(from, _, _)| next.contacts.iter().all(|c| &c.id != from)),
        "the batch refers to contacts of the earlier one"
    );
    // A promise made in a meeting of this batch with the same contact.
    let sourced = next
        .commitments
        .iter()
        .position(|c| {
            next.interactions
                .iter()
                .any(|i| i.contact_id == c.contact_id)
        })
        .expect("a promise to a contact met in this batch");
    next.commitments[sourced].source_interaction_id = next
        .interactions
        .iter()
        .find(|i| i.contact_id == next.commitments[sourced].contact_id)
        .map(|i| i.id.clone());
    let mut broken: Vec<(&str, Batch)> = Vec::new();
    let mut b = next.clone();
    b.referrals
        .push((ContactId::generate(), next.contacts[0].id.clone(), now()));
    broken.push(("an introduction by an unknown contact", b));
    let mut b = next.clone();
    b.commitments[0].owner_id = UserId::generate();
    broken.push(("a promise owned by a stranger", b));
    let mut b = next.clone();
    b.gestures[0].given_by = UserId::generate();
    broken.push(("a gesture given by a stranger", b));
    let mut b = next.clone();
    b.commitments[0].predecessor_id = Some(CommitmentId::generate());
    broken.push(("a promise following an unknown one", b));
    let mut b = next.clone();
    let other = b
        .interactions
        .iter()
        .find(|i| i.contact_id != b.commitments[sourced].contact_id)
        .map(|i| i.id.clone());
    b.commitments[sourced].source_interaction_id = other;
    broken.push(("a promise made in another contact's meeting", b));
    let mut b = next.clone();
    b.facts[0].contact_id = ContactId::generate();
    broken.push(("a fact about an unknown contact", b));
    for (what, batch) in &broken {
        let refused = db.insert_book(ws, batch, &p).await;
        assert!(
            matches!(refused, Err(StoreError::NotFound)),
            "{what}: {refused:?}"
        );
        assert_eq!(
            db.count_contacts(ws).await.expect("count"),
            100,
            "{what}: nothing of the batch is kept"
        );
    }
    db.insert_book(ws, &next, &p)
        .await
        .expect("the batch itself");
    assert_eq!(db.count_contacts(ws).await.expect("count"), 200);
    // Ordinary writes are checked again.
    assert_references_checked(db, ws).await;
}

/// SQLite's bulk loads check a batch's references themselves (`rapport_store::book`): every
/// foreign key of the tables they write must be one of those they check.
#[tokio::test]
async fn every_foreign_key_of_a_book_is_checked_by_the_bulk_load() {
    let t = rapport_test_support::db::TestDb::sqlite().await;
    let Db::Sqlite(sqlite) = &t.db else {
        unreachable!("sqlite")
    };
    let mut tables: Vec<&str> = rapport_store::book::BOOK_FOREIGN_KEYS
        .iter()
        .map(|(t, _, _)| *t)
        .collect();
    tables.dedup();
    let mut schema: Vec<(String, String, String)> = Vec::new();
    for table in tables {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT \"table\", group_concat(\"from\", ',') FROM \
             (SELECT * FROM pragma_foreign_key_list($1) ORDER BY id, seq) GROUP BY id",
        )
        .bind(table)
        .fetch_all(&sqlite.reader)
        .await
        .expect("foreign keys");
        schema.extend(
            rows.into_iter()
                .map(|(to, cols)| (table.to_owned(), to, cols)),
        );
    }
    let mut checked: Vec<(String, String, String)> = rapport_store::book::BOOK_FOREIGN_KEYS
        .iter()
        .map(|(t, to, cols)| (t.to_string(), to.to_string(), cols.to_string()))
        .collect();
    schema.sort();
    checked.sort();
    assert_eq!(schema, checked);
    t.finish().await;
}

/// Adding a contact whose email (any case) or phone (same digits) another contact has adds
/// it all the same and names the other one; another workspace's contacts are never named.
async fn a_new_contact_sharing_an_email_or_phone_names_the_other(db: &Db) {
    let a = actor(db).await;
    let ana = add(
        db,
        &a,
        NewContact {
            name: "Ana Lima".into(),
            emails: vec!["Ana@Example.com".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            ..NewContact::default()
        },
    )
    .await;
    let other_ws = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    let elsewhere = service::add_contact(
        db,
        &other_ws,
        NewContact {
            name: "Ana elsewhere".into(),
            emails: vec!["ana@example.com".into()],
            ..NewContact::default()
        },
        now(),
    )
    .await
    .expect("add");
    assert!(
        elsewhere.same_as.is_empty(),
        "another workspace's contact is never named"
    );

    let by_email = service::add_contact(
        db,
        &a,
        NewContact {
            name: "A. Lima".into(),
            emails: vec![" ANA@example.COM ".into()],
            ..NewContact::default()
        },
        now(),
    )
    .await
    .expect("added all the same");
    assert_eq!(by_email.same_as.len(), 1, "{:?}", by_email.same_as);
    assert_eq!(by_email.same_as[0].id, ana.id);
    assert_eq!(by_email.same_as[0].name, "Ana Lima");
    assert!(
        by_email.same_as[0].by.starts_with("email "),
        "{:?}",
        by_email.same_as
    );
    assert!(by_email.warnings()[0].contains("Ana Lima"));

    let by_phone = service::add_contact(
        db,
        &a,
        NewContact {
            name: "Office line".into(),
            phones: vec!["0033612345678".into(), "(33) 612-345-678".into()],
            ..NewContact::default()
        },
        now(),
    )
    .await
    .expect("added");
    assert_eq!(
        by_phone
            .same_as
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Ana Lima"],
        "named once, by phone digits"
    );
    let fresh = service::add_contact(
        db,
        &a,
        NewContact {
            name: "Nobody else".into(),
            emails: vec!["nobody@example.com".into()],
            ..NewContact::default()
        },
        now(),
    )
    .await
    .expect("added");
    assert!(fresh.same_as.is_empty());
}

/// NUL characters are refused by the core, whatever the entry point, and nothing is written.
async fn nul_characters_are_refused_and_nothing_is_written(db: &Db) {
    let a = actor(db).await;
    add(
        db,
        &a,
        NewContact {
            name: "Nia".into(),
            ..NewContact::default()
        },
    )
    .await;
    let fact = NewFact {
        kind: FactKind::Note,
        text: "likes\0tea".into(),
        relation: None,
        date: None,
    };
    assert!(matches!(
        service::add_fact(db, &a, "nia", fact, now()).await,
        Err(Error::Invalid(i)) if i.message.contains("NUL")
    ));
    let met = NewInteraction {
        kind: InteractionKind::Call,
        occurred_at: now(),
        summary: "Call".into(),
        they_said: Some("x\0y".into()),
        i_said: None,
        topics: Vec::new(),
    };
    assert!(matches!(
        service::log_interaction(db, &a, "nia", met, now()).await,
        Err(Error::Invalid(i)) if i.field == "they_said"
    ));
    assert!(matches!(
        service::add_contact(
            db,
            &a,
            NewContact {
                name: "N\0ia".into(),
                ..NewContact::default()
            },
            now()
        )
        .await,
        Err(Error::Invalid(_))
    ));
    let nia = service::resolve_contact(db, &a, "nia").await.expect("nia");
    assert!(
        db.facts(&a.workspace.id, &nia.id)
            .await
            .expect("facts")
            .is_empty()
    );
    assert!(
        db.timeline(&a.workspace.id, &nia.id, None, 10)
            .await
            .expect("timeline")
            .is_empty()
    );
}

on_both_backends!(
    a_new_contact_sharing_an_email_or_phone_names_the_other,
    nul_characters_are_refused_and_nothing_is_written,
    a_book_batch_must_refer_to_what_exists,
    book_batches_are_one_transaction,
    a_merge_batch_writes_every_contact_it_changes_once,
    phones_are_rekeyed_by_their_digits,
    an_import_finds_duplicates_across_its_batches,
    migrations_keep_data_and_refuse_tampering,
    default_workspace_and_owner_exist_once,
    concurrent_first_starts_create_one_workspace,
    contacts_round_trip_with_every_field,
    editing_replaces_fields_and_lists,
    search_ignores_case_and_accents,
    listing_filters_orders_and_pages,
    archive_hides_and_restore_brings_back,
    references_resolve_by_id_name_or_unique_prefix,
    facts_keep_personal_memory,
    timeline_is_newest_first_and_searchable,
    workspaces_never_see_each_other,
    a_failed_batch_writes_nothing,
);
