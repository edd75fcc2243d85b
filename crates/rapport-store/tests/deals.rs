//! Deals on SQLite and PostgreSQL: the give/get ledger, the trust gate, winning, isolation.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use rapport_core::commitment::{Direction, Due, Status};
use rapport_core::contact::{NewContact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::deal::{self, Cents, NewDeal, Stage, TermKind};
use rapport_core::ledger::{self, NewCommitment, Outcome};
use rapport_core::ports::{DealFilter, WorkspaceStore};
use rapport_core::service;
use rapport_core::trust::Size;
use rapport_core::{Error, today};
use rapport_store::Db;

fn now() -> Timestamp {
    micro_precision("2026-11-25T09:00:00Z".parse().expect("timestamp"))
}

/// Every deal (open ones only if asked), on one page.
async fn all(db: &Db, a: &rapport_core::workspace::Actor, open_only: bool) -> Vec<deal::DealView> {
    let query = deal::DealQuery {
        filter: DealFilter {
            open_only,
            ..DealFilter::default()
        },
        after: None,
        limit: deal::MAX_DEALS,
    };
    let page = deal::list(db, a, &query, now()).await.expect("list");
    assert_eq!(page.more, 0);
    page.items
}

async fn deals_give_get_gate_and_win(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    let new = NewContact {
        name: "Kenji Watanabe".into(),
        relationship: Some(RelationshipType::Prospect),
        ..NewContact::default()
    };
    service::add_contact(db, &a, new, now())
        .await
        .expect("contact");
    let open = |title: &str, value: &str| NewDeal {
        title: title.into(),
        value: Some(value.into()),
        stage: Some(Stage::Proposal),
        expected_close: None,
    };
    let d = deal::add(
        db,
        &a,
        "kenji",
        open("Fleet of 12 hybrids", "412,000"),
        now(),
    )
    .await
    .expect("deal");
    assert_eq!(d.deal.value, Cents(41_200_000));
    assert!(!d.gives_outrun_gets && !d.trust_gate);
    assert_eq!(d.trust_theirs, None, "not yet known");
    let id = d.deal.id.to_string();
    let d = deal::add_term(db, &a, &id, TermKind::Give, "Free winter tyres", now())
        .await
        .expect("give");
    assert!(d.gives_outrun_gets);
    let d = deal::add_term(db, &a, &id, TermKind::Get, "3-year service plan", now())
        .await
        .expect("get");
    assert!(!d.gives_outrun_gets);
    assert_eq!((d.gives.len(), d.gets.len()), (1, 1));

    // One broken promise of theirs: an early read, low: the gate closes.
    let loi = NewCommitment {
        direction: Direction::Theirs,
        text: "Send the signed LOI".into(),
        due: Due::parse("2026-11-20", now(), &a.workspace.tz()).expect("due"),
        size: Size::Normal,
        source_interaction: None,
    };
    let (_, c) = ledger::record_commitment(db, &a, "kenji", loi, false, now())
        .await
        .expect("expect");
    ledger::resolve(db, &a, c.id.as_str(), Outcome::Broken, None, false, now())
        .await
        .expect("broken");
    let d = deal::view(db, &a, &id, now()).await.expect("view");
    assert!(d.trust_gate);
    assert_eq!(d.trust_theirs, Some(rapport_core::trust::Band::Low));

    // Open deal value lifts a contact in Today's going-cold ranking.
    let later = now() + jiff::SignedDuration::from_hours(24 * 30);
    let t = today::today_for(db, &a, later).await.expect("today");
    assert_eq!(
        t.items
            .iter()
            .filter(|i| i.kind == today::TodayKind::GoingCold)
            .count(),
        1
    );

    // Winning: the contact becomes a customer and a VIP, and a thank-you note is promised in
    // 3 days.
    let won = deal::set_stage(db, &a, &id, Stage::Won, now())
        .await
        .expect("won");
    assert_eq!(won.deal.stage, Stage::Won);
    assert_eq!(won.deal.closed_at, Some(now()));
    let contact = service::resolve_contact(db, &a, "kenji")
        .await
        .expect("contact");
    assert_eq!(contact.relationship, RelationshipType::Customer);
    assert!(
        contact.vip,
        "a won deal makes the contact a VIP (PRODUCT.md)"
    );
    let open_mine = ledger::list_commitments(
        db,
        &a,
        ledger::CommitmentQuery {
            direction: Some(Direction::Mine),
            open_only: true,
            ..Default::default()
        },
    )
    .await
    .expect("list");
    assert_eq!(open_mine.len(), 1);
    assert!(
        open_mine[0]
            .text
            .starts_with("Send a handwritten thank-you note")
    );
    assert_eq!(open_mine[0].due.date.to_string(), "2026-11-28");
    assert_eq!(open_mine[0].status, Status::Open);
    // A won deal stays won; a lost one can be reopened.
    assert!(matches!(
        deal::set_stage(db, &a, &id, Stage::Lost, now()).await,
        Err(Error::Conflict(_))
    ));
    let other = deal::add(db, &a, "kenji", open("Spare parts", "900"), now())
        .await
        .expect("deal");
    let oid = other.deal.id.to_string();
    deal::set_stage(db, &a, &oid, Stage::Lost, now())
        .await
        .expect("lost");
    let reopened = deal::set_stage(db, &a, &oid, Stage::Negotiation, now())
        .await
        .expect("reopen");
    assert_eq!(reopened.deal.closed_at, None);
    let listed = all(db, &a, true).await;
    assert_eq!(listed.len(), 1, "only the reopened one is open");

    // Bad input changes nothing.
    for (value, title) in [("-5", "x"), ("12.345", "x"), ("100", "   ")] {
        let r = deal::add(db, &a, "kenji", open(title, value), now()).await;
        assert!(matches!(r, Err(Error::Invalid(_))), "{value:?} {title:?}");
    }
    assert!(matches!(
        deal::add(db, &a, "nobody", open("x", "1"), now()).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(all(db, &a, false).await.len(), 2);
    // The list reads the carried scores and every deal's lines at once: the same flags as
    // each deal's own view.
    for listed in all(db, &a, false).await {
        let one = deal::view(db, &a, listed.deal.id.as_str(), now())
            .await
            .expect("view");
        assert_eq!(
            (
                listed.trust_gate,
                listed.trust_theirs,
                listed.gives_outrun_gets,
                listed.gives.len(),
                listed.gets.len(),
                &listed.contact_name
            ),
            (
                one.trust_gate,
                one.trust_theirs,
                one.gives_outrun_gets,
                one.gives.len(),
                one.gets.len(),
                &one.contact_name
            )
        );
    }
    // Winning is all or nothing: with the contact archived, the thank-you promise cannot be
    // opened, so the deal is not won either and the contact stays what they were.
    let new = NewContact {
        name: "Rui Prospect".into(),
        relationship: Some(RelationshipType::Prospect),
        ..NewContact::default()
    };
    service::add_contact(db, &a, new, now()).await.expect("rui");
    let r = deal::add(db, &a, "rui", open("Trial", "1000"), now())
        .await
        .expect("deal");
    service::archive_contact(db, &a, "rui", now())
        .await
        .expect("archive");
    assert!(matches!(
        deal::set_stage(db, &a, r.deal.id.as_str(), Stage::Won, now()).await,
        Err(Error::Conflict(_))
    ));
    let still = deal::view(db, &a, r.deal.id.as_str(), now())
        .await
        .expect("view");
    assert_eq!(
        (still.deal.stage, still.deal.closed_at),
        (Stage::Proposal, None)
    );
    service::restore_contact(db, &a, "rui", now())
        .await
        .expect("restore");
    let rui = service::resolve_contact(db, &a, "rui").await.expect("rui");
    assert_eq!(rui.relationship, RelationshipType::Prospect);

    // Another workspace sees none of it.
    let b = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    assert!(matches!(
        deal::view(db, &b, &id, now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        deal::add_term(db, &b, &id, TermKind::Give, "x", now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(all(db, &b, false).await.is_empty());
}

/// Issue 15: the board and a contact's page read "the first 1,000 deals" and filtered them,
/// so a contact's won deal showed "No deals" and stages showed 0 on a large book. Counts and
/// totals now come from the database, a contact's deals are asked for by contact, and every
/// page says how many more there are.
async fn the_board_counts_every_deal_and_pages_lose_none(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    for name in ["Busy Buyer", "Quiet Customer"] {
        let new = NewContact {
            name: name.into(),
            ..NewContact::default()
        };
        service::add_contact(db, &a, new, now())
            .await
            .expect("contact");
    }
    for i in 0..12 {
        let new = NewDeal {
            title: format!("Order {i:02}"),
            value: Some("100".into()),
            stage: Some(Stage::Proposal),
            expected_close: None,
        };
        deal::add(db, &a, "busy", new, now()).await.expect("deal");
    }
    let quiet = deal::add(
        db,
        &a,
        "quiet",
        NewDeal {
            title: "The one".into(),
            value: Some("5,000".into()),
            stage: Some(Stage::Negotiation),
            expected_close: None,
        },
        now(),
    )
    .await
    .expect("deal");
    deal::set_stage(db, &a, quiet.deal.id.as_str(), Stage::Won, now())
        .await
        .expect("won");

    let board = deal::board(db, &a, 5, now()).await.expect("board");
    let col = |st: Stage| board.iter().find(|c| c.total.stage == st).expect("column");
    assert_eq!(col(Stage::Proposal).total.count, 12);
    assert_eq!(col(Stage::Proposal).total.value, Cents(120_000));
    assert_eq!(
        col(Stage::Proposal).deals.len(),
        5,
        "the first few are shown"
    );
    assert_eq!(col(Stage::Won).total.count, 1);
    assert_eq!(col(Stage::Won).total.value, Cents(500_000));
    assert_eq!(col(Stage::Won).deals[0].contact_name, "Quiet Customer");
    assert_eq!(col(Stage::Lead).total.count, 0);
    // The totals follow a stage change: the deal left negotiation for won.
    assert_eq!(col(Stage::Negotiation).total.count, 0);
    assert_eq!(col(Stage::Negotiation).total.value, Cents(0));

    // Quiet Customer's page asks for their deals, whatever else the book holds.
    let quiet_id = service::resolve_contact(db, &a, "quiet")
        .await
        .expect("quiet")
        .id;
    let theirs = deal::list(
        db,
        &a,
        &deal::DealQuery {
            filter: DealFilter {
                contact: Some(quiet_id),
                ..DealFilter::default()
            },
            after: None,
            limit: 1,
        },
        now(),
    )
    .await
    .expect("list");
    assert_eq!(theirs.items.len(), 1);
    assert_eq!((theirs.more, theirs.total), (0, 1));
    assert_eq!(theirs.items[0].deal.stage, Stage::Won);

    // Pages of 5 walk all 13, each saying how many remain.
    let mut after = None;
    let mut seen = Vec::new();
    let mut mores = Vec::new();
    loop {
        let page = deal::list(
            db,
            &a,
            &deal::DealQuery {
                filter: DealFilter::default(),
                after: after.clone(),
                limit: 5,
            },
            now(),
        )
        .await
        .expect("page");
        assert_eq!(page.total, 13);
        seen.extend(page.items.iter().map(|d| d.deal.id.clone()));
        mores.push(page.more);
        match page.next() {
            Some(k) => after = Some(k),
            None => break,
        }
    }
    assert_eq!(mores, vec![8, 3, 0]);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 13, "every deal once");
    let bad = deal::DealQuery {
        filter: DealFilter::default(),
        after: None,
        limit: 0,
    };
    assert!(matches!(
        deal::list(db, &a, &bad, now()).await,
        Err(Error::Invalid(_))
    ));
}

async fn referrals_rank_advocates(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    for (name, rel) in [
        ("Ana", RelationshipType::Customer),
        ("Bea", RelationshipType::Peer),
        ("Carl", RelationshipType::Customer),
        ("Dora", RelationshipType::Prospect),
        ("Eli", RelationshipType::PastCustomer),
        ("Fay", RelationshipType::Prospect),
    ] {
        let new = NewContact {
            name: name.into(),
            relationship: Some(rel),
            ..NewContact::default()
        };
        service::add_contact(db, &a, new, now())
            .await
            .expect("contact");
    }
    let r = |from: &'static str, to: &'static str| {
        rapport_core::referral::record(db, &a, from, to, now())
    };
    r("bea", "carl").await.expect("referral");
    r("bea", "dora").await.expect("referral");
    r("ana", "eli").await.expect("referral");
    r("ana", "fay").await.expect("referral");
    r("dora", "ana").await.expect("referral");
    // One introducer per contact; nobody introduces themselves; unknown names are refused.
    assert!(matches!(r("ana", "carl").await, Err(Error::Conflict(_))));
    assert!(matches!(r("bea", "bea").await, Err(Error::Invalid(_))));
    assert!(matches!(r("nobody", "bea").await, Err(Error::NotFound(_))));
    let ranked = rapport_core::referral::advocates(db, &a)
        .await
        .expect("advocates");
    let rows: Vec<_> = ranked
        .iter()
        .map(|x| (x.name.as_str(), x.referred, x.became_customers))
        .collect();
    // Ana and Bea each brought one customer (a past customer counts); Dora brought Ana.
    assert_eq!(rows, vec![("Ana", 2, 1), ("Bea", 2, 1), ("Dora", 1, 1)]);
    // A change saved with an introduction is one transaction: Carl already has an introducer,
    // so the edit that would give him a second writes nothing, not even its other fields.
    use rapport_core::ports::{ContactStore, ReferralStore};
    let carl = service::resolve_contact(db, &a, "carl")
        .await
        .expect("carl");
    let ana = service::resolve_contact(db, &a, "ana").await.expect("ana");
    let mut edited = carl.clone();
    edited.met = Some("A race we both ran".into());
    assert!(matches!(
        db.save_introduced(&a.workspace.id, &edited, false, &ana.id, now())
            .await
            .map_err(Error::from),
        Err(Error::Conflict(_))
    ));
    let stored = db
        .contact(&a.workspace.id, &carl.id)
        .await
        .expect("read")
        .expect("carl");
    assert_eq!(stored.met, None, "the refused change wrote nothing");
    // Adding a contact with an introducer writes both, or neither.
    let gil = NewContact {
        name: "Gil".into(),
        introduced_by: Some("ana".into()),
        ..NewContact::default()
    };
    let added = service::add_contact(db, &a, gil, now()).await.expect("gil");
    assert_eq!(added.introduced_by.map(|i| i.name).as_deref(), Some("Ana"));
    let b = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    assert!(
        rapport_core::referral::advocates(db, &b)
            .await
            .expect("advocates")
            .is_empty()
    );
}

on_both_backends!(
    deals_give_get_gate_and_win,
    referrals_rank_advocates,
    the_board_counts_every_deal_and_pages_lose_none,
);
