//! The appreciation planner on SQLite and PostgreSQL: gestures, the cadence by audience and
//! its effect on Today, the yearly budget, thank-you notes keeping the won deal's promise,
//! bad input and isolation.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use jiff::civil::date;
use rapport_core::commitment::Status;
use rapport_core::contact::{ContactChanges, NewContact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::deal::{self, Cents, NewDeal, Stage};
use rapport_core::gesture::{self, GestureKind, NewGesture};
use rapport_core::ledger::{self, CommitmentQuery};
use rapport_core::ports::{AccountStore, WorkspaceStore};
use rapport_core::service;
use rapport_core::today::{TodayKind, today_for};
use rapport_core::workspace::Actor;
use rapport_core::{Error, Invalid};
use rapport_store::Db;

fn now() -> Timestamp {
    micro_precision("2026-11-25T09:00:00Z".parse().expect("timestamp"))
}

fn at(day: &str) -> Timestamp {
    format!("{day}T09:00:00Z").parse().expect("timestamp")
}

fn given(kind: GestureKind, text: &str, on: &str, cost: &str) -> NewGesture {
    NewGesture {
        kind: Some(kind),
        text: text.into(),
        on: Some(on.parse().expect("date")),
        cost: Some(cost.into()),
        note: None,
    }
}

/// The contacts Today lists under "gesture" on `day`.
async fn gestures_on(db: &Db, a: &Actor, day: &str) -> Vec<String> {
    today_for(db, a, at(day))
        .await
        .expect("today")
        .items
        .into_iter()
        .filter(|i| i.kind == TodayKind::Gesture)
        .map(|i| i.contact_name)
        .collect()
}

async fn cadence_moves_with_gestures_rules_and_type(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    let new = NewContact {
        name: "Ana Lima".into(),
        relationship: Some(RelationshipType::Customer),
        ..NewContact::default()
    };
    service::add_contact(db, &a, new, now())
        .await
        .expect("contact");
    // A customer every 120 days, counted from when we met: due on 25 March, not a day before.
    assert!(gestures_on(db, &a, "2027-03-24").await.is_empty());
    assert_eq!(gestures_on(db, &a, "2027-03-25").await, vec!["Ana Lima"]);

    let r = gesture::add(
        db,
        &a,
        "ana",
        given(GestureKind::Gift, "Bottle of Douro red", "2026-12-01", "45"),
        now(),
    )
    .await
    .expect("gift");
    assert_eq!(r.gesture.cost, Cents(4500));
    assert!(gestures_on(db, &a, "2027-03-30").await.is_empty());
    let t = today_for(db, &a, at("2027-03-31")).await.expect("today");
    let item = t
        .items
        .iter()
        .find(|i| i.kind == TodayKind::Gesture)
        .expect("due 120 days after the gift");
    let s = item.suggestion.as_ref().expect("suggestion");
    assert!(s.kind.is_gift() && s.kind != GestureKind::Gift, "{s:?}");
    assert!(
        item.reason.contains("Bottle of Douro red"),
        "{}",
        item.reason
    );

    // A gesture recorded late, dated before the latest one, does not move the date back.
    gesture::add(
        db,
        &a,
        "ana",
        given(GestureKind::Voucher, "Dinner voucher", "2026-11-26", "100"),
        now(),
    )
    .await
    .expect("voucher");
    assert!(gestures_on(db, &a, "2027-03-30").await.is_empty());
    let list = gesture::list(db, &a, Some("ana"), None, 10)
        .await
        .expect("list");
    let texts: Vec<&str> = list.iter().map(|(g, _)| g.text.as_str()).collect();
    assert_eq!(texts, vec!["Bottle of Douro red", "Dinner voucher"]);

    // The workspace's rules: customers every 30 days, then none, then the default again.
    gesture::set_rule(db, &a, "customer=30")
        .await
        .expect("rule");
    assert!(gestures_on(db, &a, "2026-12-30").await.is_empty());
    assert_eq!(gestures_on(db, &a, "2026-12-31").await, vec!["Ana Lima"]);
    let rules = gesture::set_rule(db, &a, "customer=none")
        .await
        .expect("rule");
    let customer = rules
        .iter()
        .find(|r| r.audience.as_str() == "customer")
        .expect("customer rule");
    assert_eq!((customer.days, customer.custom), (None, true));
    assert!(gestures_on(db, &a, "2028-01-01").await.is_empty());
    gesture::set_rule(db, &a, "customer=default")
        .await
        .expect("rule");
    assert_eq!(gestures_on(db, &a, "2027-03-31").await, vec!["Ana Lima"]);

    // Made a VIP: every 90 days.
    let vip = ContactChanges {
        vip: Some(true),
        ..ContactChanges::default()
    };
    service::edit_contact(db, &a, "ana", &vip, now())
        .await
        .expect("vip");
    assert!(gestures_on(db, &a, "2027-02-28").await.is_empty());
    assert_eq!(gestures_on(db, &a, "2027-03-01").await, vec!["Ana Lima"]);
    // Bad rules change nothing.
    for bad in ["friend=30", "customer", "customer=often", "customer=99999"] {
        assert!(
            matches!(gesture::set_rule(db, &a, bad).await, Err(Error::Invalid(_))),
            "{bad}"
        );
    }
    assert_eq!(gestures_on(db, &a, "2027-03-01").await, vec!["Ana Lima"]);

    // Archived: gone from Today at once.
    service::archive_contact(db, &a, "ana", now())
        .await
        .expect("archive");
    assert!(gestures_on(db, &a, "2027-03-01").await.is_empty());
}

async fn budget_thank_you_notes_bad_input_and_isolation(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    let new = NewContact {
        name: "Kenji Watanabe".into(),
        relationship: Some(RelationshipType::Prospect),
        ..NewContact::default()
    };
    let kenji = service::add_contact(db, &a, new, now())
        .await
        .expect("contact")
        .contact;
    let b = gesture::budget(db, &a, Some(2026), now())
        .await
        .expect("budget");
    assert_eq!((b.budget, b.spent, b.gestures), (None, Cents(0), 0));

    // Winning the deal opens a thank-you-note promise; the note keeps it.
    let d = deal::add(
        db,
        &a,
        "kenji",
        NewDeal {
            title: "Fleet".into(),
            value: Some("40,000".into()),
            stage: Some(Stage::Negotiation),
            expected_close: None,
        },
        now(),
    )
    .await
    .expect("deal");
    deal::set_stage(db, &a, d.deal.id.as_str(), Stage::Won, now())
        .await
        .expect("won");
    let note = NewGesture {
        kind: Some(GestureKind::ThankYouNote),
        text: "Handwritten card".into(),
        cost: Some("3.50".into()),
        ..NewGesture::default()
    };
    let r = gesture::add(db, &a, "kenji", note, now())
        .await
        .expect("note");
    assert_eq!(r.gesture.given_on, date(2026, 11, 25));
    assert_eq!(r.kept_commitments.len(), 1);
    let open = ledger::list_commitments(
        db,
        &a,
        CommitmentQuery {
            contact: Some("kenji".into()),
            open_only: true,
            ..CommitmentQuery::default()
        },
    )
    .await
    .expect("commitments");
    assert!(open.is_empty(), "the thank-you promise is kept");
    let kept = ledger::commitment(db, &a, r.kept_commitments[0].as_str())
        .await
        .expect("commitment");
    assert_eq!(kept.status, Status::Kept);

    // The budget: set for 2026, in force in 2027 too; spending counted by the day given.
    gesture::add(
        db,
        &a,
        "kenji",
        given(
            GestureKind::Tickets,
            "Two tickets to the match",
            "2027-01-05",
            "120",
        ),
        now(),
    )
    .await
    .expect("planned for January");
    let b = gesture::set_budget(db, &a, 2026, "1,000")
        .await
        .expect("set");
    assert_eq!(b.budget, Some(Cents(100_000)));
    assert_eq!(b.spent, Cents(350));
    assert_eq!(b.remaining, Some(Cents(99_650)));
    let b27 = gesture::budget(db, &a, Some(2027), now())
        .await
        .expect("2027");
    assert_eq!(
        (b27.budget, b27.spent, b27.gestures),
        (Some(Cents(100_000)), Cents(12_000), 1)
    );
    assert_eq!(b27.by_kind[0].kind, GestureKind::Tickets);
    let b25 = gesture::budget(db, &a, Some(2025), now())
        .await
        .expect("2025");
    assert_eq!(b25.budget, None, "not before it was set");

    // Bad input is refused and writes nothing.
    let count = || async {
        gesture::list(db, &a, None, None, 100)
            .await
            .expect("list")
            .len()
    };
    let before = count().await;
    let bad: Vec<(&str, NewGesture, &str)> = vec![
        (
            "kenji",
            given(GestureKind::Gift, "  ", "2026-11-20", "5"),
            "text",
        ),
        (
            "kenji",
            given(GestureKind::Gift, "Wine", "2026-11-20", "-5"),
            "cost",
        ),
        (
            "kenji",
            given(GestureKind::Gift, "Wine", "1926-11-20", "5"),
            "on",
        ),
        (
            "kenji",
            NewGesture {
                text: "Wine".into(),
                ..NewGesture::default()
            },
            "kind",
        ),
    ];
    for (who, g, field) in bad {
        match gesture::add(db, &a, who, g, now()).await {
            Err(Error::Invalid(Invalid { field: f, .. })) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(
        gesture::add(
            db,
            &a,
            "nobody",
            given(GestureKind::Gift, "Wine", "2026-11-20", "5"),
            now()
        )
        .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        gesture::set_budget(db, &a, 2026, "lots").await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        gesture::budget(db, &a, Some(1999), now()).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(count().await, before);

    // Another workspace sees none of it and cannot reach Kenji by id.
    let other = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    assert!(matches!(
        gesture::add(
            db,
            &other,
            kenji.id.as_str(),
            given(GestureKind::Gift, "Wine", "2026-11-20", "5"),
            now()
        )
        .await,
        Err(Error::NotFound(_))
    ));
    assert!(
        gesture::list(db, &other, None, None, 100)
            .await
            .expect("list")
            .is_empty()
    );
    let ob = gesture::budget(db, &other, Some(2026), now())
        .await
        .expect("budget");
    assert_eq!((ob.budget, ob.spent), (None, Cents(0)));
    gesture::set_rule(db, &other, "prospect=none")
        .await
        .expect("their rule");
    let mine = gesture::rules(db, &a).await.expect("rules");
    assert!(mine.iter().all(|r| !r.custom), "rules are per workspace");
}

/// Gift ideas that fit: the catalogue the workspace extends and trims (owners only, every
/// value checked before anything is written), the contact's interests found in what was
/// written, and never a kind of gift their preferences rule out, on Today and on their page.
async fn gift_ideas_fit_the_contact(db: &Db) {
    use rapport_core::fact::{FactKind, NewFact};
    use rapport_core::usecases::settings::{self, SettingsUpdate};
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    let new = NewContact {
        name: "Ana Lima".into(),
        relationship: Some(RelationshipType::Customer),
        ..NewContact::default()
    };
    let ana = service::add_contact(db, &a, new, now())
        .await
        .expect("contact")
        .contact;
    for (kind, text) in [
        (FactKind::Interest, "Loves wine"),
        (FactKind::Interest, "Plays golf on Sundays"),
        (FactKind::Preference, "No alcohol, ever"),
    ] {
        service::add_fact(
            db,
            &a,
            "ana",
            NewFact {
                kind,
                text: text.into(),
                relation: None,
                date: None,
            },
            now(),
        )
        .await
        .expect("fact");
    }
    let update = |add: &[&str], out: &[&str]| SettingsUpdate {
        gift_idea: add.iter().map(|s| s.to_string()).collect(),
        no_gift_idea: out.iter().map(|s| s.to_string()).collect(),
        ..SettingsUpdate::default()
    };
    // Bad input changes nothing: one bad value refuses the whole change.
    let before = settings::view(db, &a).await.expect("view").gift_ideas;
    for (add, out) in [
        (vec!["golf=A round at the club", "golf"], vec![]),
        (vec!["golf=A round at the club"], vec!["golf=A hole in one"]),
        (vec!["=A round"], vec![]),
    ] {
        let err = settings::update(db, &a, &update(&add, &out))
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    }
    assert_eq!(
        settings::view(db, &a).await.expect("view").gift_ideas,
        before
    );
    // A member cannot change the workspace's catalogue.
    let bo = db
        .add_user(
            "Default",
            "bo@example.com",
            "Bo",
            rapport_core::workspace::Role::Member,
            None,
            now(),
        )
        .await
        .expect("member");
    let err = settings::update(db, &bo, &update(&["golf=A round at the club"], &[]))
        .await
        .expect_err("owners only");
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");

    let view = settings::update(
        db,
        &a,
        &update(
            &["Golf = A round at the club", "Formula 1=Paddock passes"],
            &["golf=A DOZEN quality golf balls"],
        ),
    )
    .await
    .expect("changed");
    let golf: Vec<(&str, bool)> = view
        .gift_ideas
        .iter()
        .filter(|g| g.interest == "golf")
        .map(|g| (g.idea.as_str(), g.builtin))
        .collect();
    assert_eq!(
        golf,
        vec![
            ("A round at a good course", true),
            ("A round at the club", false)
        ]
    );
    assert!(view.gift_ideas.iter().any(|g| g.interest == "formula 1"));

    // Known for more than 90 days, a customer gets a gift: themed on golf (wine is out).
    let later = at("2027-03-25");
    let appreciation = gesture::appreciation_of(db, &a, &ana, later)
        .await
        .expect("appreciation");
    let s = &appreciation.suggestion;
    assert!(s.kind.is_gift(), "{s:?}");
    assert_eq!(
        s.ideas,
        vec!["A round at a good course", "A round at the club"]
    );
    assert!(
        s.text.contains("golf, such as: A round at a good course"),
        "{}",
        s.text
    );
    assert!(
        s.ruled_out
            .iter()
            .any(|r| r == "wine: they said \"No alcohol, ever\""),
        "{:?}",
        s.ruled_out
    );
    let said = format!("{} {:?}", s.text, s.ideas).to_lowercase();
    assert!(!said.contains("wine") && !said.contains("malt"), "{said}");
    // Today says the same.
    let t = today_for(db, &a, later).await.expect("today");
    let item = t
        .items
        .iter()
        .find(|i| i.kind == TodayKind::Gesture)
        .expect("a gesture due");
    assert_eq!(item.suggestion.as_ref(), Some(s));
    // A built-in idea put back, and the workspace's own taken out.
    let view = settings::update(
        db,
        &a,
        &update(
            &["golf=A dozen quality golf balls"],
            &["golf=a round at the club"],
        ),
    )
    .await
    .expect("changed");
    let golf: Vec<&str> = view
        .gift_ideas
        .iter()
        .filter(|g| g.interest == "golf")
        .map(|g| g.idea.as_str())
        .collect();
    assert_eq!(
        golf,
        vec!["A round at a good course", "A dozen quality golf balls"]
    );
}

on_both_backends!(
    gift_ideas_fit_the_contact,
    a_bulk_load_dates_appreciation_as_the_refresh_does,
    cadence_moves_with_gestures_rules_and_type,
    budget_thank_you_notes_bad_input_and_isolation
);

/// The appreciation columns a bulk load computes in Rust are the ones the SQL refresh
/// computes for the same rows.
async fn a_bulk_load_dates_appreciation_as_the_refresh_does(db: &Db) {
    use rapport_core::ports::{BulkStore, GestureStore};
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    // A workspace rule, so overrides are exercised too.
    gesture::set_rule(db, &a, "peer=45").await.expect("rule");
    let book = rapport_core::demo::DemoBook {
        seed: 5,
        anchor: date(2026, 11, 25),
        owner: a.user.id.clone(),
        commitments_per_contact: 1,
        interactions_per_contact: None,
    };
    let mut batch = rapport_core::ports::Batch::default();
    for i in 0..400 {
        let e = book.entry(i);
        batch.contacts.push(e.contact);
        batch.facts.extend(e.facts);
        batch.gestures.extend(e.gestures);
    }
    assert!(batch.gestures.len() > 50);
    db.insert_book(&a.workspace.id, &batch, &a.workspace.trust_params())
        .await
        .expect("load");
    let read = || async {
        let sql = "SELECT id, appreciation_days, last_gesture_day, appreciation_due_day \
                   FROM contacts WHERE workspace_id = $1 ORDER BY id";
        type Row = (String, Option<i32>, Option<i32>, Option<i32>);
        let rows: Vec<Row> = match db {
            Db::Sqlite(s) => sqlx::query_as(sql)
                .bind(a.workspace.id.as_str())
                .fetch_all(&s.reader)
                .await
                .expect("read"),
            Db::Postgres(p) => sqlx::query_as(sql)
                .bind(a.workspace.id.as_str())
                .fetch_all(p)
                .await
                .expect("read"),
        };
        rows
    };
    let bulk = read().await;
    assert_eq!(bulk.len(), 400);
    assert!(bulk.iter().any(|r| r.2.is_some()), "some have had gestures");
    // Re-run the SQL refresh on every audience (the peer rule stays as it is).
    for audience in rapport_core::gesture::Audience::all() {
        let keep = (audience.as_str() == "peer").then_some(Some(45));
        db.set_appreciation(&a.workspace.id, audience, keep)
            .await
            .expect("refresh");
    }
    assert_eq!(read().await, bulk);
}
