//! The ledger contract on SQLite and PostgreSQL: outcomes, corrections, renegotiation, the
//! bad-news protocol, promise load, requests, and trust scores carried in step with the
//! ledger.

use rapport_test_support::on_both_backends;

use jiff::{SignedDuration, Timestamp};
use rapport_core::Error;
use rapport_core::commitment::{Commitment, Direction, Due, Status};
use rapport_core::contact::NewContact;
use rapport_core::dates::micro_precision;
use rapport_core::interaction::{InteractionKind, NewInteraction};
use rapport_core::ledger::{self, NewCommitment, Outcome};
use rapport_core::ports::{LedgerStore, WorkspaceStore};
use rapport_core::service;
use rapport_core::trust::{Evidence, EvidenceKind, Size, Status as TrustStatus};
use rapport_core::workspace::Actor;
use rapport_store::Db;

fn t(s: &str) -> Timestamp {
    micro_precision(s.parse().expect("timestamp"))
}

/// The clock of these tests: Wednesday 25 November 2026, 10:00 in Paris.
fn now() -> Timestamp {
    t("2026-11-25T09:00:00Z")
}

async fn setup(db: &Db) -> Actor {
    let a = db
        .ensure_default_actor("Default", "Owner", "Europe/Paris", now())
        .await
        .expect("actor");
    for name in ["Élodie Martin", "Bruno Costa"] {
        service::add_contact(
            db,
            &a,
            NewContact {
                name: name.into(),
                ..NewContact::default()
            },
            now(),
        )
        .await
        .expect("contact");
    }
    a
}

fn due(s: &str, a: &Actor) -> Due {
    Due::parse(s, now(), &a.workspace.tz()).expect("due")
}

async fn promise(
    db: &Db,
    a: &Actor,
    who: &str,
    text: &str,
    d: &str,
    direction: Direction,
) -> Commitment {
    let new = NewCommitment {
        direction,
        text: text.into(),
        due: due(d, a),
        size: Size::Normal,
        source_interaction: None,
    };
    ledger::record_commitment(db, a, who, new, false, now())
        .await
        .expect("record")
        .1
}

async fn resolve(db: &Db, a: &Actor, c: &Commitment, o: Outcome, on: Option<&str>) -> Commitment {
    ledger::resolve(db, a, c.id.as_str(), o, on.map(t), false, now())
        .await
        .expect("resolve")
}

async fn carried(db: &Db, a: &Actor, who: &str, d: Direction) -> Option<Evidence> {
    let c = service::resolve_contact(db, a, who).await.expect("contact");
    db.stored_trust(&a.workspace.id, &c.id)
        .await
        .expect("stored")
        .into_iter()
        .find(|s| s.direction == d)
        .map(|s| s.evidence)
}

/// The carried score equals the one computed from the whole ledger.
async fn assert_carried_matches_ledger(db: &Db, a: &Actor, who: &str, at: Timestamp) {
    let view = ledger::trust_of(db, a, who, Some(at), at)
        .await
        .expect("trust");
    for (d, v) in [
        (Direction::Mine, &view.mine),
        (Direction::Theirs, &view.theirs),
    ] {
        let p = a.workspace.trust_params();
        match carried(db, a, who, d).await {
            Some(e) => {
                let s = e.decayed_to(at, &p).score(&p);
                assert!(
                    (s.evidence - v.evidence).abs() < 1e-9,
                    "{d}: {} vs {}",
                    s.evidence,
                    v.evidence
                );
                assert!((s.uncertainty - v.uncertainty).abs() < 1e-12);
            }
            None => assert_eq!(v.evidence, 0.0, "{d}: no carried score, no evidence"),
        }
    }
}

async fn outcomes_score_each_direction_on_its_own(db: &Db) {
    let a = setup(db).await;
    let on_time = promise(
        db,
        &a,
        "elodie",
        "Send samples",
        "2026-11-27",
        Direction::Mine,
    )
    .await;
    let late = promise(db, &a, "elodie", "Call back", "2026-11-20", Direction::Mine).await;
    let theirs = promise(
        db,
        &a,
        "elodie",
        "Pay invoice 42",
        "2026-11-10",
        Direction::Theirs,
    )
    .await;
    assert_eq!(
        resolve(db, &a, &on_time, Outcome::Kept, None)
            .await
            .evidence_kind(),
        Some(EvidenceKind::KeptOnTime)
    );
    assert_eq!(
        resolve(db, &a, &late, Outcome::Kept, Some("2026-11-22T10:00:00Z"))
            .await
            .evidence_kind(),
        Some(EvidenceKind::LateWithoutNotice)
    );
    let before_theirs = ledger::trust_of(db, &a, "elodie", None, now())
        .await
        .expect("trust")
        .mine;
    resolve(
        db,
        &a,
        &theirs,
        Outcome::Broken,
        Some("2026-11-12T10:00:00Z"),
    )
    .await;
    let view = ledger::trust_of(db, &a, "elodie", None, now())
        .await
        .expect("trust");
    // Their broken promise changes nothing of mine.
    assert_eq!(view.mine.score, before_theirs.score);
    assert_eq!(view.mine.evidence, before_theirs.evidence);
    // Mine: a kept promise and a late one, 2.75 units of evidence: an early read.
    assert_eq!(view.mine.status, TrustStatus::Early);
    assert_eq!(view.mine.score, None);
    assert!(view.mine.band.is_some());
    // Theirs: one breach, 5 units forgotten by its age at a 180-day half-life.
    assert_eq!(
        view.theirs.status,
        TrustStatus::Early,
        "one breach: an early read"
    );
    let age_days = now()
        .duration_since(t("2026-11-12T10:00:00Z"))
        .as_secs_f64()
        / 86_400.0;
    assert!((view.theirs.evidence - 5.0 * (-age_days / 180.0).exp2()).abs() < 1e-9);
    assert_carried_matches_ledger(db, &a, "elodie", now()).await;
    // Bruno has no ledger: not yet known either way, nothing stored.
    let bruno = ledger::trust_of(db, &a, "bruno", None, now())
        .await
        .expect("trust");
    assert_eq!(
        (bruno.mine.status, bruno.theirs.status),
        (TrustStatus::Unknown, TrustStatus::Unknown)
    );
    assert_eq!(bruno.mine.score, None);
    assert_eq!(bruno.mine.band, None);
}

async fn corrections_are_explicit_and_kept_in_history(db: &Db) {
    let a = setup(db).await;
    let c = promise(
        db,
        &a,
        "elodie",
        "Send the quote",
        "2026-11-24",
        Direction::Theirs,
    )
    .await;
    let id = c.id.as_str();
    let kept_at = t("2026-11-23T15:00:00Z");
    ledger::resolve(db, &a, id, Outcome::Kept, Some(kept_at), false, now())
        .await
        .expect("kept");
    // A second outcome without --correct is refused and changes nothing.
    let again = ledger::resolve(db, &a, id, Outcome::Broken, None, false, now()).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let same = ledger::resolve(db, &a, id, Outcome::Kept, None, true, now()).await;
    assert!(
        matches!(same, Err(Error::Conflict(_))),
        "a correction must change something"
    );
    let fixed = ledger::resolve(db, &a, id, Outcome::Deceptive, None, true, now())
        .await
        .expect("correct");
    assert_eq!(fixed.status, Status::Deceptive);
    assert_eq!(
        fixed.resolved_at,
        Some(kept_at),
        "a relabel keeps when it happened"
    );
    let history = db.history(&a.workspace.id, &c.id).await.expect("history");
    let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["created", "kept", "corrected: kept → deceptive"]
    );
    assert_eq!(history[1].snapshot.status, Status::Kept);
    let view = ledger::trust_of(db, &a, "elodie", None, now())
        .await
        .expect("trust");
    assert_eq!(view.theirs.explanation.len(), 1);
    assert_eq!(view.theirs.explanation[0].outcome, "deceptive");
    assert_carried_matches_ledger(db, &a, "elodie", now()).await;
    // An open commitment has nothing to correct.
    let open = promise(db, &a, "elodie", "Visit", "2026-12-02", Direction::Mine).await;
    assert!(matches!(
        ledger::resolve(db, &a, open.id.as_str(), Outcome::Kept, None, true, now()).await,
        Err(Error::Conflict(_))
    ));
    // Outcomes in the future are refused.
    assert!(matches!(
        ledger::resolve(
            db,
            &a,
            open.id.as_str(),
            Outcome::Kept,
            Some(now() + SignedDuration::from_hours(2)),
            false,
            now()
        )
        .await,
        Err(Error::Invalid(_))
    ));
}

async fn renegotiating_early_costs_only_candour(db: &Db) {
    let a = setup(db).await;
    let c = promise(
        db,
        &a,
        "bruno",
        "Deliver the brochure",
        "2026-11-27",
        Direction::Mine,
    )
    .await;
    let next = ledger::renegotiate(db, &a, c.id.as_str(), due("2026-12-04", &a), None, now())
        .await
        .expect("renegotiate");
    assert_eq!(next.status, Status::Open);
    assert_eq!(next.predecessor_id.as_ref(), Some(&c.id));
    assert_eq!(next.due.date.to_string(), "2026-12-04");
    let old = ledger::commitment(db, &a, c.id.as_str())
        .await
        .expect("old");
    assert_eq!(old.status, Status::Renegotiated);
    assert_eq!(old.successor_id.as_ref(), Some(&next.id));
    assert_eq!(old.evidence_kind(), Some(EvidenceKind::ToldEarly));
    // Closed commitments cannot be renegotiated or resolved again; the successor can.
    assert!(matches!(
        ledger::renegotiate(db, &a, c.id.as_str(), due("2026-12-10", &a), None, now()).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        ledger::resolve(db, &a, c.id.as_str(), Outcome::Kept, None, true, now()).await,
        Err(Error::Conflict(_))
    ));
    ledger::resolve(db, &a, next.id.as_str(), Outcome::Kept, None, false, now())
        .await
        .expect("kept");
    assert_carried_matches_ledger(db, &a, "bruno", now()).await;
    // Renegotiated after the deadline passed: the deadline was not honoured.
    let missed = promise(db, &a, "bruno", "Call", "2026-11-20", Direction::Mine).await;
    ledger::renegotiate(
        db,
        &a,
        missed.id.as_str(),
        due("2026-11-30", &a),
        None,
        now(),
    )
    .await
    .expect("late");
    let missed = ledger::commitment(db, &a, missed.id.as_str())
        .await
        .expect("old");
    assert_eq!(
        missed.evidence_kind(),
        Some(EvidenceKind::LateWithoutNotice)
    );
}

async fn a_full_day_refuses_another_promise_unless_insisted(db: &Db) {
    let a = setup(db).await;
    assert_eq!(a.workspace.promise_load_threshold, 5);
    for i in 0..5 {
        promise(
            db,
            &a,
            "bruno",
            &format!("Task {i}"),
            "2026-12-01",
            Direction::Mine,
        )
        .await;
    }
    // Theirs do not count, nor other days.
    promise(
        db,
        &a,
        "bruno",
        "Their task",
        "2026-12-01",
        Direction::Theirs,
    )
    .await;
    promise(db, &a, "bruno", "Next day", "2026-12-02", Direction::Mine).await;
    let new = || NewCommitment {
        direction: Direction::Mine,
        text: "One too many".into(),
        due: due("2026-12-01", &a),
        size: Size::Token,
        source_interaction: None,
    };
    match ledger::record_commitment(db, &a, "elodie", new(), false, now()).await {
        Err(Error::DayFull(full)) => {
            assert_eq!(full.date, "2026-12-01");
            let texts: Vec<&str> = full.due.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(texts.len(), 5, "{texts:?}");
            assert!(
                texts.contains(&"Task 0") && texts.contains(&"Task 4"),
                "{texts:?}"
            );
            assert!(
                full.due.iter().all(|d| d.contact_name.starts_with("Bruno")),
                "each with whom: {full:?}"
            );
            let m = Error::DayFull(full).to_string();
            assert!(m.contains("2026-12-01 already has 5 open promises"), "{m}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let listed = ledger::list_commitments(db, &a, ledger::CommitmentQuery::default())
        .await
        .expect("list");
    assert_eq!(listed.len(), 7, "the refused promise was not written");
    ledger::record_commitment(db, &a, "elodie", new(), true, now())
        .await
        .expect("--anyway");
    // Resolving one frees the day.
    let first = &listed[0];
    ledger::resolve(db, &a, first.id.as_str(), Outcome::Kept, None, false, now())
        .await
        .expect("kept");
    let free = ledger::record_commitment(db, &a, "elodie", new(), false, now()).await;
    assert!(
        matches!(free, Err(Error::DayFull(_))),
        "5 open again after --anyway made 6"
    );
}

async fn bad_news_is_told_and_timed(db: &Db) {
    let a = setup(db).await;
    let c = promise(
        db,
        &a,
        "elodie",
        "Ship 40 cases",
        "2026-11-27",
        Direction::Mine,
    )
    .await;
    let id = c.id.as_str();
    assert!(
        matches!(
            ledger::told(db, &a, id, None, now()).await,
            Err(Error::Conflict(_))
        ),
        "no news yet"
    );
    let flagged_at = t("2026-11-25T09:00:00Z");
    let risky = ledger::flag_at_risk(db, &a, id, Some("Supplier late".into()), flagged_at)
        .await
        .expect("flag");
    assert!(risky.needs_telling());
    assert!(matches!(
        ledger::flag_at_risk(db, &a, id, None, now()).await,
        Err(Error::Conflict(_))
    ));
    let later = t("2026-11-25T12:00:00Z");
    let told = ledger::told(db, &a, id, None, later).await.expect("told");
    assert!(!told.needs_telling());
    assert!(matches!(
        ledger::told(db, &a, id, None, later).await,
        Err(Error::Conflict(_))
    ));
    // Told before the due date, then kept late: the cost of candour, not of lateness.
    let kept = ledger::resolve(
        db,
        &a,
        id,
        Outcome::Kept,
        Some(t("2026-11-29T10:00:00Z")),
        false,
        t("2026-11-30T10:00:00Z"),
    )
    .await
    .expect("kept late");
    assert_eq!(kept.evidence_kind(), Some(EvidenceKind::ToldEarly));
    // Good news: kept on time, told an hour and a half later.
    let g = promise(
        db,
        &a,
        "bruno",
        "Send contract",
        "2026-11-26",
        Direction::Mine,
    )
    .await;
    ledger::resolve(
        db,
        &a,
        g.id.as_str(),
        Outcome::Kept,
        Some(t("2026-11-25T07:30:00Z")),
        false,
        now(),
    )
    .await
    .expect("kept");
    ledger::told(db, &a, g.id.as_str(), Some(now()), now())
        .await
        .expect("told");
    // An untold risk.
    let u = promise(
        db,
        &a,
        "bruno",
        "Fix the invoice",
        "2026-11-28",
        Direction::Mine,
    )
    .await;
    ledger::flag_at_risk(db, &a, u.id.as_str(), None, now())
        .await
        .expect("flag");
    let report = ledger::latency_report(db, &a).await.expect("report");
    assert_eq!(report.len(), 1);
    let me = &report[0];
    assert_eq!(me.user_id, a.user.id);
    assert_eq!(
        (me.bad_news.count, me.bad_news.median_hours),
        (1, Some(3.0))
    );
    assert_eq!(me.bad_news_untold, 1);
    assert_eq!(
        (me.good_news.count, me.good_news.median_hours),
        (1, Some(1.5))
    );
}

async fn requests_carry_their_why(db: &Db) {
    let a = setup(db).await;
    let (_, r) = ledger::add_request(
        db,
        &a,
        "elodie",
        "A discount on 50 cases",
        None,
        None,
        now(),
    )
    .await
    .expect("request");
    let open = db
        .requests(&a.workspace.id, None, true, None, 100)
        .await
        .expect("open");
    assert_eq!(
        open.len(),
        1,
        "a request without its why is an open question"
    );
    let c = promise(
        db,
        &a,
        "elodie",
        "Quote with volume pricing",
        "2026-11-30",
        Direction::Mine,
    )
    .await;
    let other = promise(db, &a, "bruno", "Unrelated", "2026-11-30", Direction::Mine).await;
    let bad =
        ledger::update_request(db, &a, r.id.as_str(), None, Some(other.id.as_str()), now()).await;
    assert!(
        matches!(bad, Err(Error::Invalid(_))),
        "answered by another contact's commitment"
    );
    let r2 = ledger::update_request(
        db,
        &a,
        r.id.as_str(),
        Some("Their budget closes in December"),
        Some(c.id.as_str()),
        now(),
    )
    .await
    .expect("why");
    assert_eq!(r2.answered_by.as_ref(), Some(&c.id));
    assert!(
        db.requests(&a.workspace.id, None, true, None, 100)
            .await
            .expect("open")
            .is_empty()
    );
    let stored = ledger::request(db, &a, r.id.as_str())
        .await
        .expect("request");
    assert_eq!(
        stored.why.as_deref(),
        Some("Their budget closes in December")
    );
    assert!(matches!(
        ledger::update_request(
            db,
            &a,
            rapport_core::commitment::RequestId::generate().as_str(),
            Some("x"),
            None,
            now()
        )
        .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::add_request(db, &a, "elodie", "   ", None, None, now()).await,
        Err(Error::Invalid(_))
    ));
}

async fn a_source_interaction_must_be_with_the_same_contact(db: &Db) {
    let a = setup(db).await;
    let log = NewInteraction {
        kind: InteractionKind::Call,
        occurred_at: now(),
        summary: "Call".into(),
        they_said: None,
        i_said: None,
        topics: Vec::new(),
    };
    let (_, call) = service::log_interaction(db, &a, "bruno", log, now())
        .await
        .expect("log");
    let new = |who: &str| NewCommitment {
        direction: Direction::Mine,
        text: format!("Follow up with {who}"),
        due: due("2026-12-01", &a),
        size: Size::Normal,
        source_interaction: Some(call.id.clone()),
    };
    let wrong = ledger::record_commitment(db, &a, "elodie", new("elodie"), false, now()).await;
    assert!(matches!(wrong, Err(Error::NotFound(_))), "{wrong:?}");
    let (_, ok) = ledger::record_commitment(db, &a, "bruno", new("bruno"), false, now())
        .await
        .expect("same contact");
    assert_eq!(ok.source_interaction_id.as_ref(), Some(&call.id));
}

async fn another_workspace_s_ledger_is_invisible(db: &Db) {
    let a = setup(db).await;
    let b = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    let c = promise(db, &a, "elodie", "Secret", "2026-12-01", Direction::Mine).await;
    let (_, r) = ledger::add_request(db, &a, "elodie", "Secret request", None, None, now())
        .await
        .expect("request");
    let id = c.id.as_str();
    assert!(matches!(
        ledger::commitment(db, &b, id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::resolve(db, &b, id, Outcome::Broken, None, false, now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::flag_at_risk(db, &b, id, None, now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::told(db, &b, id, None, now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::renegotiate(db, &b, id, due("2026-12-09", &a), None, now()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ledger::request(db, &b, r.id.as_str()).await,
        Err(Error::NotFound(_))
    ));
    assert!(
        ledger::list_commitments(db, &b, ledger::CommitmentQuery::default())
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        db.recompute_trust(&b.workspace.id, now(), &b.workspace.trust_params())
            .await
            .expect("recompute"),
        0
    );
    // Untouched in its own workspace.
    assert_eq!(
        ledger::commitment(db, &a, id).await.expect("mine").status,
        Status::Open
    );
}

async fn recomputing_every_score_matches_the_carried_ones(db: &Db) {
    let a = setup(db).await;
    let outcomes = [
        Outcome::Kept,
        Outcome::Broken,
        Outcome::Kept,
        Outcome::Withdrawn,
        Outcome::ReleasedOnRequest,
        Outcome::Deceptive,
    ];
    for (i, o) in outcomes.iter().enumerate() {
        for (who, d) in [("elodie", Direction::Mine), ("bruno", Direction::Theirs)] {
            let c = promise(db, &a, who, &format!("Item {i}"), "2026-11-20", d).await;
            let on = t("2026-11-01T10:00:00Z") + SignedDuration::from_hours(24 * 3 * i as i64);
            ledger::resolve(db, &a, c.id.as_str(), *o, Some(on), false, now())
                .await
                .expect("resolve");
        }
    }
    let later = now() + SignedDuration::from_hours(24 * 30);
    let p = a.workspace.trust_params();
    let before: Vec<_> = {
        let mut v = Vec::new();
        for who in ["elodie", "bruno"] {
            let c = service::resolve_contact(db, &a, who)
                .await
                .expect("contact");
            v.extend(
                db.stored_trust(&a.workspace.id, &c.id)
                    .await
                    .expect("stored"),
            );
        }
        v
    };
    assert_eq!(before.len(), 2);
    let n = db
        .recompute_trust(&a.workspace.id, later, &p)
        .await
        .expect("recompute");
    assert_eq!(n, 2);
    for old in before {
        let fresh = db
            .stored_trust(&a.workspace.id, &old.contact_id)
            .await
            .expect("stored")
            .into_iter()
            .find(|s| s.direction == old.direction)
            .expect("recomputed");
        let carried = old.evidence.decayed_to(later, &p);
        assert!((fresh.evidence.positive - carried.positive).abs() < 1e-9);
        assert!((fresh.evidence.negative - carried.negative).abs() < 1e-9);
        assert_eq!(fresh.evidence.as_of, later);
    }
    assert_carried_matches_ledger(db, &a, "elodie", later).await;
    assert_carried_matches_ledger(db, &a, "bruno", later).await;
}

async fn trust_as_of_a_past_day_ignores_later_outcomes(db: &Db) {
    let a = setup(db).await;
    let c = promise(db, &a, "elodie", "Early", "2026-11-05", Direction::Mine).await;
    ledger::resolve(
        db,
        &a,
        c.id.as_str(),
        Outcome::Kept,
        Some(t("2026-11-04T10:00:00Z")),
        false,
        now(),
    )
    .await
    .expect("kept");
    let d = promise(db, &a, "elodie", "Later", "2026-11-20", Direction::Mine).await;
    ledger::resolve(
        db,
        &a,
        d.id.as_str(),
        Outcome::Broken,
        Some(t("2026-11-21T10:00:00Z")),
        false,
        now(),
    )
    .await
    .expect("broken");
    let then = ledger::trust_of(db, &a, "elodie", Some(t("2026-11-10T23:00:00Z")), now())
        .await
        .expect("then");
    assert_eq!(then.mine.explanation.len(), 1);
    assert_eq!(then.mine.explanation[0].outcome, "kept_on_time");
    let today = ledger::trust_of(db, &a, "elodie", None, now())
        .await
        .expect("now");
    assert_eq!(today.mine.explanation.len(), 2);
}

/// Trust model beta-sl-2: a break told before the due date is half a silent one, a late
/// renegotiation after such a warning is a renegotiation. Migration 0027 brings a ledger
/// stored under the old model to it, and `recompute_trust` then stores scores under it.
async fn a_ledger_scored_under_the_old_model_is_brought_to_the_new_one(db: &Db) {
    let a = setup(db).await;
    let broken = promise(
        db,
        &a,
        "elodie",
        "Ship 40 cases",
        "2026-11-27",
        Direction::Mine,
    )
    .await;
    let moved = promise(
        db,
        &a,
        "bruno",
        "Send the contract",
        "2026-11-27",
        Direction::Mine,
    )
    .await;
    for c in [&broken, &moved] {
        let id = c.id.as_str();
        ledger::flag_at_risk(db, &a, id, Some("Late".into()), now())
            .await
            .expect("flag");
        ledger::told(db, &a, id, None, now()).await.expect("told");
    }
    let later = t("2026-11-30T10:00:00Z");
    let broken = ledger::resolve(
        db,
        &a,
        broken.id.as_str(),
        Outcome::Broken,
        Some(t("2026-11-29T10:00:00Z")),
        false,
        later,
    )
    .await
    .expect("broken");
    assert_eq!(
        broken.evidence_kind(),
        Some(EvidenceKind::BrokenAfterNotice)
    );
    ledger::renegotiate(
        db,
        &a,
        moved.id.as_str(),
        due("2026-12-10", &a),
        Some(t("2026-11-29T10:00:00Z")),
        later,
    )
    .await
    .expect("renegotiated");
    let moved = ledger::commitment(db, &a, moved.id.as_str())
        .await
        .expect("moved");
    assert_eq!(moved.evidence_kind(), Some(EvidenceKind::ToldEarly));
    let p_broken = ledger::trust_of(db, &a, "elodie", Some(later), later)
        .await
        .expect("trust")
        .mine
        .probability;
    // r = 0, s = w/2 = 2.5 a day ago: P ≈ (0 + 1)/(2.5 + 2), a silent break 1/7.
    assert!((p_broken - 1.0 / 4.5).abs() < 1e-3, "{p_broken}");
    // The rows as the old model stored them, and its scores.
    rapport_store::with_pool!(db, |pool| {
        for sql in [
            "UPDATE commitments SET evidence_kind = 'broken', negative_epoch = negative_epoch * 2 \
             WHERE evidence_kind = 'broken_after_notice'",
            "UPDATE commitments SET evidence_kind = 'late_without_notice', \
             negative_epoch = negative_epoch * 5 \
             WHERE evidence_kind = 'told_early' AND status = 'renegotiated'",
            "UPDATE trust_scores SET model_version = 'beta-sl-1'",
        ] {
            sqlx::query(sql).execute(pool).await.expect("old model");
        }
    });
    let migration = match db.backend() {
        "sqlite" => rapport_store::migrate::SQLITE,
        _ => rapport_store::migrate::POSTGRES,
    }
    .iter()
    .find(|m| m.name == "0027_candour")
    .expect("migration 0027");
    rapport_store::with_pool!(db, |pool| {
        sqlx::raw_sql(sqlx::AssertSqlSafe(migration.sql))
            .execute(pool)
            .await
            .expect("migrate");
    });
    let again = ledger::commitment(db, &a, broken.id.as_str())
        .await
        .expect("broken");
    assert_eq!(again.evidence_kind(), Some(EvidenceKind::BrokenAfterNotice));
    let n = db
        .recompute_trust(&a.workspace.id, later, &a.workspace.trust_params())
        .await
        .expect("rescore");
    assert_eq!(n, 2);
    for who in ["elodie", "bruno"] {
        let c = service::resolve_contact(db, &a, who)
            .await
            .expect("contact");
        let stored = db
            .stored_trust(&a.workspace.id, &c.id)
            .await
            .expect("stored");
        assert!(
            stored
                .iter()
                .all(|s| s.model_version == rapport_core::trust::MODEL_VERSION),
            "{who}"
        );
        assert_carried_matches_ledger(db, &a, who, later).await;
    }
}

/// Foresight's reading: the latest outcomes at a size, of the workspace, of a member's own
/// promises and of a contact's promises to us, newest first, kept on time or not.
async fn the_latest_outcomes_at_a_size_are_read_newest_first(db: &Db) {
    use rapport_core::ports::OutcomesOf;
    let a = setup(db).await;
    let mine_kept = promise(
        db,
        &a,
        "elodie",
        "Send samples",
        "2026-11-20",
        Direction::Mine,
    )
    .await;
    resolve(
        db,
        &a,
        &mine_kept,
        Outcome::Kept,
        Some("2026-11-19T10:00:00Z"),
    )
    .await;
    let mine_late = promise(
        db,
        &a,
        "elodie",
        "Send terms",
        "2026-11-20",
        Direction::Mine,
    )
    .await;
    resolve(
        db,
        &a,
        &mine_late,
        Outcome::Kept,
        Some("2026-11-22T10:00:00Z"),
    )
    .await;
    let theirs = promise(
        db,
        &a,
        "bruno",
        "Pay deposit",
        "2026-11-20",
        Direction::Theirs,
    )
    .await;
    resolve(
        db,
        &a,
        &theirs,
        Outcome::Broken,
        Some("2026-11-21T10:00:00Z"),
    )
    .await;
    // Open, and another size: not read.
    promise(db, &a, "elodie", "Open one", "2026-12-20", Direction::Mine).await;
    let ws = &a.workspace.id;
    let read = |of: OutcomesOf, size: Size, limit: u32| async move {
        let key = (of, size);
        db.outcomes(ws, std::slice::from_ref(&key), limit)
            .await
            .expect("outcomes")
            .remove(&key)
            .expect("every key asked is answered")
            .into_iter()
            .map(|o| (o.at, o.kept_on_time))
            .collect::<Vec<_>>()
    };
    // The workspace's one way: ours, then theirs to us.
    assert_eq!(
        read(OutcomesOf::Workspace(Direction::Mine), Size::Normal, 10).await,
        vec![
            (t("2026-11-22T10:00:00Z"), false),
            (t("2026-11-19T10:00:00Z"), true),
        ]
    );
    assert_eq!(
        read(OutcomesOf::Workspace(Direction::Theirs), Size::Normal, 10).await,
        vec![(t("2026-11-21T10:00:00Z"), false)]
    );
    assert_eq!(
        read(OutcomesOf::Workspace(Direction::Mine), Size::Normal, 1)
            .await
            .len(),
        1
    );
    assert!(
        read(OutcomesOf::Workspace(Direction::Mine), Size::Major, 10)
            .await
            .is_empty()
    );
    assert_eq!(
        read(OutcomesOf::Member(a.user.id.clone()), Size::Normal, 10).await,
        vec![
            (t("2026-11-22T10:00:00Z"), false),
            (t("2026-11-19T10:00:00Z"), true)
        ]
    );
    let bruno = service::resolve_contact(db, &a, "bruno")
        .await
        .expect("bruno");
    assert_eq!(
        read(OutcomesOf::Contact(bruno.id.clone()), Size::Normal, 10).await,
        vec![(t("2026-11-21T10:00:00Z"), false)]
    );
    // Another workspace reads none of it.
    let other = db
        .create_workspace("Other", "Other owner", "UTC", now())
        .await
        .expect("workspace");
    let theirs = db
        .outcomes(
            &other.workspace.id,
            &[
                (OutcomesOf::Workspace(Direction::Theirs), Size::Normal),
                (OutcomesOf::Contact(bruno.id.clone()), Size::Normal),
            ],
            10,
        )
        .await
        .expect("outcomes");
    assert!(theirs.values().all(Vec::is_empty), "{theirs:?}");
    // Many promisers at once, each cut at the limit on its own.
    let elodie = service::resolve_contact(db, &a, "elodie")
        .await
        .expect("elodie");
    let both = db
        .outcomes(
            ws,
            &[
                (OutcomesOf::Member(a.user.id.clone()), Size::Normal),
                (OutcomesOf::Contact(bruno.id.clone()), Size::Normal),
                (OutcomesOf::Contact(elodie.id.clone()), Size::Normal),
            ],
            1,
        )
        .await
        .expect("outcomes");
    assert_eq!(
        both[&(OutcomesOf::Member(a.user.id.clone()), Size::Normal)].len(),
        1
    );
    assert_eq!(
        both[&(OutcomesOf::Contact(bruno.id.clone()), Size::Normal)].len(),
        1
    );
    assert!(
        both[&(OutcomesOf::Contact(elodie.id.clone()), Size::Normal)].is_empty(),
        "no promise of hers to us"
    );
}

on_both_backends!(
    the_latest_outcomes_at_a_size_are_read_newest_first,
    a_ledger_scored_under_the_old_model_is_brought_to_the_new_one,
    outcomes_score_each_direction_on_its_own,
    corrections_are_explicit_and_kept_in_history,
    renegotiating_early_costs_only_candour,
    a_full_day_refuses_another_promise_unless_insisted,
    bad_news_is_told_and_timed,
    requests_carry_their_why,
    a_source_interaction_must_be_with_the_same_contact,
    another_workspace_s_ledger_is_invisible,
    recomputing_every_score_matches_the_carried_ones,
    trust_as_of_a_past_day_ignores_later_outcomes,
);
